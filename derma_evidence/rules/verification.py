"""Rules on reference verification records (B020-B029): which references were checked, when, against what.

Listed in `rules/__init__.py` (VERIFICATION).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

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
