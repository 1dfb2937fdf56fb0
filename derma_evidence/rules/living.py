"""Rules of the living review (L001-L029): search counts, the change log, retractions, `--since`.

Each is listed in `rules/__init__.py` (LIVING). L007 is not
a registered rule: it compares the knowledge base against a previous claims.json export, which only
`derma check --since FILE` supplies (`since`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any

from derma_evidence.contract.vocab import DATE_RE, DOI_RE, STATUSES
from derma_evidence.diagnostics import Diagnostic, Severity, Suggester, declare, make
from derma_evidence.model.claims import status
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.model.living import Change, Search, iso_date
from derma_evidence.model.nodes import Ref
from derma_evidence.rules.base import Hit, rule
from derma_evidence.rules.base import at as _at

# --- searches ----------------------------------------------------------------------------------


@rule("L001", "screened-exceeds-found")
def screened_exceeds_found(kb: KnowledgeBase) -> Iterator[Hit]:
    """A search screened more records than it found.

    Why: the PRISMA flow diagram is drawn from these counts; a search cannot screen a record it
    did not return, so one of the two numbers is wrong.

    Example: `records_found: 8` with `screened: 12`.

    Fix: correct the count that was mistyped; leave a count out when it was not recorded.
    """
    for s in kb.searches:
        if s.records_found is not None and s.screened is not None and s.screened > s.records_found:
            yield Hit(
                _at(s, "screened"),
                f"screened {s.screened} records but the search found {s.records_found}",
                "screened can be at most records_found",
            )


@rule("L002", "counts-do-not-add-up")
def counts_do_not_add_up(kb: KnowledgeBase) -> Iterator[Hit]:
    """A search's included and excluded records do not add up to the records screened.

    Why: every screened record is either included or excluded; a gap means records went missing
    from the flow diagram. Checked only when every exclusion of the search gives its `records`.

    Example: `screened: 8`, one included key and exclusions of `records: 3` and `records: 2`.

    Fix: count the exclusions again (1 + 3 + 2 = 6, not 8), or leave `records` out of an exclusion
    that was not counted.
    """
    for s in kb.searches:
        excluded = s.excluded_count
        if s.screened is None or excluded is None or not s.excluded:
            continue
        if len(s.included) + excluded != s.screened:
            yield Hit(
                _at(s, "screened"),
                f"{len(s.included)} included + {excluded} excluded = {len(s.included) + excluded}, "
                f"but {s.screened} screened",
                "included plus excluded records must equal the records screened",
            )


@rule("L003", "unknown-included-key")
def unknown_included_key(kb: KnowledgeBase) -> Iterator[Hit]:
    """A search includes a citation key that references.bib does not hold, or names an unknown topic.

    Why: the included studies are counted at the bottom of the flow diagram and linked to the
    bibliography; a key with no entry counts a study nobody can look up.

    Example: `included: [xia2052]`.

    Fix: use the key of the entry in references.bib (the help line suggests the nearest), or add the
    entry first; `topics` lists ids of existing topics.
    """
    keys = {r.key for r in kb.references}
    topics = {t.id for t in kb.topics if t.id}
    for s in kb.searches:
        yield from _unknown(s.included, keys, "citation key")
        yield from _unknown(s.topics, topics, "topic")


def _unknown(refs: tuple[Ref, ...], known: set[str], what: str) -> Iterator[Hit]:
    suggest = Suggester(known)
    for r in refs:
        if r.id not in known:
            yield Hit(r.pos, f"unknown {what} '{r.id}'", suggest(r.id) or f"use an existing {what}")


@rule("L004", "bad-living-date")
def bad_living_date(kb: KnowledgeBase) -> Iterator[Hit]:
    """A search or change date is not a real calendar date (YYYY-MM-DD) or lies in the future.

    Why: "last searched" and the What's new page and feed are ordered and dated by these; a date
    that cannot be read, or a future one, makes the review look fresher than it is.

    Example: `date: 2026-13-01` or `date: 01/12/2026`.

    Fix: write the day the search was run or the change made, as YYYY-MM-DD.
    """
    items: list[Search | Change] = [*kb.searches, *kb.changes]
    for item in items:
        pos = _at(item, "date")
        if item.date is None:
            continue
        day = iso_date(item.date) if DATE_RE.match(item.date) else None
        if day is None:
            yield Hit(pos, f"'{item.date}' is not a calendar date", "write the date as YYYY-MM-DD")
        elif day > kb.today:
            yield Hit(pos, f"date {item.date} is in the future (today is {kb.today})", "use the day it happened")


# --- the change log ------------------------------------------------------------------------------


@rule("L005", "change-names-unknown-id")
def change_names_unknown_id(kb: KnowledgeBase) -> Iterator[Hit]:
    """A change entry names a claim, statement, question or reference that does not exist.

    Why: each claim shows its last change and the feed links to what changed; an unknown id links
    nowhere. (A `removed` entry may name a claim that is gone.)

    Example: `claims: [depth-scarring-treshold]`.

    Fix: use the existing id (the help line suggests the nearest); for a removed claim use
    `kind: removed`.
    """
    claims = {c.id for c in kb.claims if c.id}
    questions = {q.id for q in kb.questions if q.id}
    refs = {r.key for r in kb.references}
    numbers = {s.n for s in kb.statements if s.n is not None}
    for ch in kb.changes:
        if ch.kind == "removed":
            continue
        yield from _unknown(ch.claims, claims, "claim")
        yield from _unknown(ch.questions, questions, "question")
        yield from _unknown(ch.references, refs, "citation key")
        for n, pos in zip(ch.statements, ch.statement_pos, strict=True):
            if n not in numbers:
                yield Hit(pos, f"unknown statement {n}", "use the number of a statement under `statements:`")


@rule("L006", "change-names-nothing", Severity.WARNING)
def change_names_nothing(kb: KnowledgeBase) -> Iterator[Hit]:
    """A change entry (other than `kind: added`) names no claim, statement, question or reference.

    Why: a claim shows its last change only when the entry names it; an entry naming nothing is
    shown on the What's new page but attached to nothing. An `added` entry may describe a new
    section or page of the site as a whole.

    Example: `kind: verdict-changed` with `what:` and `why:` but no `claims:` list.

    Fix: list the ids the change touched under `claims`, `statements`, `questions` or `references`.
    """
    for ch in kb.changes:
        if ch.kind != "added" and not (ch.claims or ch.statements or ch.questions or ch.references):
            yield Hit(ch.pos, "this change names no claim, statement, question or reference", "list what it touched")


# --- retractions and corrections -------------------------------------------------------------------


@rule("L008", "retracted-source-supports")
def retracted_source_supports(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim cites a retracted reference as supporting it.

    Why: a retracted paper is no evidence; a claim resting on it reads as backed when it is not.
    Citing it as context (to say it was retracted) stays allowed.

    Example: `- {key: smith2019, stance: supports}` where smith2019 has `status = {retracted}`.

    Fix: drop the source or change its stance to `context`, and review the verdict and certainty.
    """
    refs = kb.reference_map()
    for c in kb.claims:
        for s in c.sources:
            if s.stance == "supports" and s.key and status(refs.get(s.key)) == "retracted":
                notice = refs[s.key].get("status_doi")
                yield Hit(
                    _at(s, "key"),
                    f"'{s.key}' is retracted" + (f" (notice doi:{notice})" if notice else "") + " but cited in support",
                    "drop the source or cite it as context, then review the verdict and certainty",
                )


@rule("L009", "unknown-status")
def unknown_status(kb: KnowledgeBase) -> Iterator[Hit]:
    """A reference's `status` field is not retracted, corrected or expression-of-concern.

    Why: the badge and rule L008 read this field; an unknown value would silently mean nothing.

    Example: `status = {withdrawn}`.

    Fix: use `retracted`, `corrected` or `expression-of-concern` (the notice's wording goes in `note`).
    """
    for r in kb.references:
        value = status(r)
        if value is not None and value not in STATUSES:
            yield Hit(
                _at(r, "status"),
                f"unknown status '{r.get('status')}'",
                "use one of: " + ", ".join(STATUSES),
            )


@rule("L010", "status-without-notice", Severity.WARNING)
def status_without_notice(kb: KnowledgeBase) -> Iterator[Hit]:
    """A reference has a `status` but no notice DOI (`status_doi`) or date (`status_date`).

    Why: a reader who sees the badge should be able to read the notice and know when it came out.

    Example: `status = {retracted}` alone.

    Fix: add `status_doi` and `status_date` from the notice (Retraction Watch's RetractionDOI and
    RetractionDate); `derma import-retractions` sets all three.
    """
    for r in kb.references:
        if status(r) in STATUSES:
            missing = [f for f in ("status_doi", "status_date") if not (r.get(f) or "").strip()]
            if missing:
                yield Hit(_at(r, "status"), f"status '{status(r)}' without {' or '.join(missing)}", "add the notice")


@rule("L011", "bad-status-notice")
def bad_status_notice(kb: KnowledgeBase) -> Iterator[Hit]:
    """A reference's `status_doi` is not a DOI or its `status_date` is not a YYYY-MM-DD date.

    Why: the badge links to the notice by its DOI and prints its date.

    Example: `status_doi = {https://doi.org/10.1000/x}` (a URL, not a DOI).

    Fix: write the bare DOI (`10.1000/x`) and the date as YYYY-MM-DD.
    """
    for r in kb.references:
        doi = (r.get("status_doi") or "").strip()
        if doi and not DOI_RE.match(doi):
            yield Hit(_at(r, "status_doi"), f"status_doi '{doi}' is not a DOI", "write the bare DOI, 10.NNNN/...")
        day = (r.get("status_date") or "").strip()
        if day and (not DATE_RE.match(day) or iso_date(day) is None):
            yield Hit(_at(r, "status_date"), f"status_date '{day}' is not a date", "write it as YYYY-MM-DD")


@rule("L012", "concern-source-supports", Severity.WARNING)
def concern_source_supports(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim cites a reference under an expression of concern as supporting it.

    Why: the journal doubts the paper; the claim may stand, but its certainty should say so.

    Example: `- {key: lee2020, stance: supports}` where lee2020 has `status = {expression-of-concern}`.

    Fix: review the certainty and say in the claim's note why the source is still used.
    """
    refs = kb.reference_map()
    for c in kb.claims:
        for s in c.sources:
            if s.stance == "supports" and s.key and status(refs.get(s.key)) == "expression-of-concern":
                yield Hit(_at(s, "key"), f"'{s.key}' is under an expression of concern", "review the certainty")


# --- `derma check --since FILE` ----------------------------------------------------------------------


def previous_date(previous: Mapping[str, Any]) -> dt.date | None:
    """The version date of a previous export: its latest change date, else its latest `reviewed` date."""
    days = [iso_date(str(c.get("date"))) for c in previous.get("changes") or [] if isinstance(c, dict)]
    if not any(days):
        days = [iso_date(str(c.get("reviewed"))) for c in previous.get("claims") or [] if isinstance(c, dict)]
    known = [d for d in days if d is not None]
    return max(known) if known else None


def load_previous(data: bytes) -> dict[str, Any]:
    """A previous claims.json export; raises ValueError when it is not one."""
    value = json.loads(data.decode("utf-8"))
    if not isinstance(value, dict) or not isinstance(value.get("claims"), list):
        raise ValueError("not a claims.json export (no `claims` list)")
    return value


@declare("L007", "change-not-logged")
def since(kb: KnowledgeBase, previous: Mapping[str, Any]) -> list[Diagnostic]:
    """A claim's verdict or certainty differs from the previous export but no change entry says so.

    Why: readers of the feed and of each claim's "last change" line must learn when a verdict or a
    certainty moved, and why. Checked by `derma check --since claims.json` against the export of the
    previous release.

    Example: the previous claims.json has `dunkin-depth` with `certainty: low`; data/claims.yaml now
    says `moderate`, and no entry under `changes:` names `dunkin-depth`.

    Fix: add a change entry naming the claim, dated after the previous release (its latest change
    date), with `kind: verdict-changed`, `certainty-changed` or `corrected` and the reason.
    """
    old = {c.get("id"): c for c in previous.get("claims") or [] if isinstance(c, dict)}
    after = previous_date(previous)
    logged: dict[str, list[dt.date]] = {}
    for ch in kb.changes:
        day = ch.day
        if day is not None and ch.kind in ("verdict-changed", "certainty-changed", "corrected", "new-study"):
            for r in ch.claims:
                logged.setdefault(r.id, []).append(day)
    out = []
    for c in kb.claims:
        was = old.get(c.id)
        if not c.id or was is None:
            continue
        fresh = any(after is None or day > after for day in logged.get(c.id, []))
        for name in ("verdict", "certainty"):
            now = getattr(c, name)
            if now is not None and was.get(name) != now and not fresh:
                since_text = f" dated after {after}" if after else ""
                out.append(
                    make(
                        _at(c, name),
                        "L007",
                        f"{name} of '{c.id}' changed from '{was.get(name)}' to '{now}'"
                        f" with no change entry{since_text}",
                        f"add a change entry naming '{c.id}' (kind: {name}-changed) with the reason",
                    )
                )
    return out
