"""Rules on reference verification records (B020-B029): which references were checked, when, against what.

Listed in `rules/__init__.py` (VERIFICATION).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping

from derma_evidence.diagnostics import Pos, Severity, Suggester
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule

# --- verification records (issue 9) ---------------------------------------------------------------


def cited_keys(kb: KnowledgeBase) -> set[str]:
    keys = {s.key for c in kb.claims for s in c.sources if s.key}
    keys.update(t.key for t in kb.trials if t.key)
    return keys | kb.answer_keys()


@rule("B020", "unverified-reference", Severity.WARNING)
def unverified_reference(kb: KnowledgeBase) -> Iterator[Hit]:
    """A cited reference has no verification record.

    Why: a reader should see where each bibliographic field was checked (a PubMed or journal page,
    and when); an unrecorded entry may hold a field nobody verified. Reported once the data has a
    `verification:` section (until then no reference has a record, and the warning would say
    nothing new).

    Example: `dhurat2013` cited by a claim but absent from `verification:`.

    Fix: add `- key: dhurat2013` with `checks: [{url: ..., date: ..., fields: [...]}]` under
    `verification:`.
    """
    if not kb.verification:
        return
    recorded = {v.key for v in kb.verification if v.key}
    cited = cited_keys(kb)
    for r in kb.references:
        if r.key in cited and r.key not in recorded:
            yield Hit(
                r.pos,
                f"cited reference '{r.key}' has no verification record",
                f"add `- key: {r.key}` with its checks under `verification:`",
            )


@rule("B021", "verification-unknown-key")
def verification_unknown_key(kb: KnowledgeBase) -> Iterator[Hit]:
    """A verification record names a key that is not in references.bib.

    Why: the record verifies nothing; most often the key is misspelt and the real entry stays
    unverified.

    Example: `- key: dhurat2031` under `verification:`.

    Fix: correct the key (the help line suggests the nearest), or remove the record.
    """
    keys = {r.key for r in kb.references}
    suggest = Suggester(keys)
    for v in kb.verification:
        if v.key is not None and v.key not in keys:
            yield Hit(
                v.at.get("key", v.pos),
                f"verification record for unknown key '{v.key}'",
                suggest(v.key) or "remove it",
            )


@rule("B022", "verification-bad-date")
def verification_bad_date(kb: KnowledgeBase) -> Iterator[Hit]:
    """A verification check's date is not a valid YYYY-MM-DD date, or it lies in the future.

    Why: the date says when the page was seen; an impossible or future date claims a check that
    did not happen.

    Example: `date: 2026-13-01`.

    Fix: write the day you looked at the page, as YYYY-MM-DD.
    """
    for v in kb.verification:
        for c in v.checks:
            if "date" not in c.at:
                continue
            pos = c.at["date"]
            d = None
            if c.date and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", c.date):
                try:
                    d = dt.date.fromisoformat(c.date)
                except ValueError:
                    d = None
            if d is None:
                yield Hit(
                    pos,
                    f"check date '{c.date or ''}' of '{v.key}' is not a valid YYYY-MM-DD date",
                    f"e.g. {kb.today.isoformat()}",
                )
            elif d > kb.today:
                yield Hit(
                    pos,
                    f"check date {d.isoformat()} of '{v.key}' is in the future",
                    f"at the latest {kb.today.isoformat()}",
                )


@rule("B023", "verification-without-fields")
def verification_without_fields(kb: KnowledgeBase) -> Iterator[Hit]:
    """A verification record has no checks, or a check lists no fields.

    Why: a check must say which fields the page confirmed; an empty list verifies nothing.

    Example: `fields: []`.

    Fix: list the fields the page showed, e.g. `fields: [author, title, journal, year, doi, pmid]`.
    """
    for v in kb.verification:
        if not v.checks:
            yield Hit(
                v.at.get("checks", v.pos),
                f"verification record of '{v.key}' has no checks",
                "add at least one check",
            )
        for c in v.checks:
            if not c.fields:
                yield Hit(
                    c.at.get("fields", c.pos),
                    f"a check of '{v.key}' lists no fields",
                    "list the fields the page confirmed",
                )


@rule("B024", "duplicate-verification")
def duplicate_verification(kb: KnowledgeBase) -> Iterator[Hit]:
    """Two verification records name the same key.

    Why: the site shows one record per reference; two would disagree or hide one another.

    Example: two `- key: dhurat2013` records under `verification:`.

    Fix: merge them: one record per key, with all its checks.
    """
    seen: dict[str, Pos] = {}
    for v in kb.verification:
        if v.key is None:
            continue
        pos = v.at.get("key", v.pos)
        if v.key in seen:
            yield Hit(
                pos,
                f"duplicate verification record for '{v.key}' (first on line {seen[v.key].line})",
                "merge the checks into one record",
            )
        else:
            seen[v.key] = pos


def earliest_online(fields: Mapping[str, str]) -> dt.date | None:
    """The earliest day a page can have shown the entry: 1 January of the year before its `year`, or None.

    An article is often online ahead of print, in the year before its issue's (`year` is the issue's);
    `month` is not used, since online-first can precede the issue month by many months.
    """
    year = (fields.get("year") or "").strip()
    if not re.fullmatch(r"[0-9]{4}", year) or int(year) < 2:
        return None
    return dt.date(int(year) - 1, 1, 1)


@rule("B025", "verification-before-publication")
def verification_before_publication(kb: KnowledgeBase) -> Iterator[Hit]:
    """A verification check is dated more than a year before the paper's year (before it can have been online).

    Why: a page cannot have shown a paper's fields before the paper existed; the date (or the key, or
    the year) is wrong, and the record claims a check that did not happen. Articles are often online
    ahead of print, in the year before their issue's `year`, so a check is refused only when it is
    dated before 1 January of the year before the entry's `year`.

    Example: `date: 2011-05-01` in the record of an entry with `year = {2013}`.

    Fix: write the day you looked at the page; if the entry's year is wrong, correct it.
    """
    refs = {r.key: r for r in kb.references}
    for v in kb.verification:
        ref = refs.get(v.key or "")
        first = earliest_online(ref.fields) if ref else None
        if first is None:
            continue
        for c in v.checks:
            if not c.date or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", c.date):
                continue  # B022 reports it
            try:
                d = dt.date.fromisoformat(c.date)
            except ValueError:
                continue
            if d < first:
                yield Hit(
                    c.at.get("date", c.pos),
                    f"check date {d.isoformat()} of '{v.key}' is more than a year before the paper's year "
                    f"({first.year + 1})",
                    "write the day you looked at the page, or correct the entry's year",
                )


@rule("B026", "verification-confirms-unverified")
def verification_confirms_unverified(kb: KnowledgeBase) -> Iterator[Hit]:
    """A verification check confirms a field that the entry marks `unverified`.

    Why: `unverified = {author}` tells readers no page showed the authors; a check listing `author`
    says a page did. One of the two is wrong, and the site would print both.

    Example: `fields: [author, title]` in a check of an entry with `unverified = {author}`.

    Fix: if the page showed the field, remove it from `unverified`; if not, remove it from the check.
    """
    refs = {r.key: r for r in kb.references}
    for v in kb.verification:
        ref = refs.get(v.key or "")
        if ref is None or not ref.unverified:
            continue
        marked = set(ref.unverified)
        for c in v.checks:
            both = [f for f in c.fields if f.lower() in marked]
            if both:
                yield Hit(
                    c.at.get("fields", c.pos),
                    f"a check of '{v.key}' confirms {', '.join(both)}, which the entry marks unverified",
                    "remove the field from the check or from the entry's `unverified`",
                )
