"""Rules of the living review (L001-L029): searches, the screening queue, the change log, retractions, `--since`.

Each is listed in `rules/__init__.py` (LIVING). L007 is not a registered rule: it compares the
knowledge base against a previous claims.json export, which only `derma check --since FILE` supplies
(`rules/since.py`).
"""

from __future__ import annotations

from collections.abc import Iterator

from derma_evidence.contract.vocab import DATE_RE, DOI_RE, STATUSES
from derma_evidence.diagnostics import Severity, Suggester
from derma_evidence.model.claims import Reference, status
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.model.living import Candidate, Change, Search, iso_date
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
    from the flow diagram. Checked only when every exclusion of the search gives its `records`;
    more records included than screened is reported always (`screened: 0` with two included keys).

    Example: `screened: 8`, one included key and exclusions of `records: 3` and `records: 2`.

    Fix: count the exclusions again (1 + 3 + 2 = 6, not 8), or leave `records` out of an exclusion
    that was not counted.
    """
    for s in kb.searches:
        excluded = s.excluded_count
        if s.screened is not None and len(s.included) > s.screened:
            yield Hit(
                _at(s, "screened"),
                f"{len(s.included)} included but only {s.screened} screened",
                "a record is screened before it is included: correct `screened` or `included`",
            )
            continue
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
    keys = _Known({r.key for r in kb.references}, "citation key")
    topics = _Known({t.id for t in kb.topics if t.id}, "topic")
    for s in kb.searches:
        yield from keys.unknown(s.included)
        yield from topics.unknown(s.topics)
    for st in kb.strategies:
        yield from topics.unknown(st.topics)


class _Known:
    """A set of ids and, built once and only when an id is unknown, the suggester for them.

    One per kind per rule run (never one per entry): the cost stays linear in entries plus ids.
    """

    def __init__(self, known: set[str], what: str) -> None:
        self.known, self.what = known, what
        self._suggest: Suggester | None = None

    def unknown(self, refs: tuple[Ref, ...]) -> Iterator[Hit]:
        for r in refs:
            if r.id not in self.known:
                if self._suggest is None:
                    self._suggest = Suggester(self.known)
                hint = self._suggest(r.id) or f"use an existing {self.what}"
                yield Hit(r.pos, f"unknown {self.what} '{r.id}'", hint)


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
    claims = _Known({c.id for c in kb.claims if c.id}, "claim")
    questions = _Known({q.id for q in kb.questions if q.id}, "question")
    refs = _Known({r.key for r in kb.references}, "citation key")
    numbers = {s.n for s in kb.statements if s.n is not None}
    for ch in kb.changes:
        if ch.kind == "removed":
            continue
        yield from claims.unknown(ch.claims)
        yield from questions.unknown(ch.questions)
        yield from refs.unknown(ch.references)
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
    refs = {r.key: r for r in kb.references if status(r) == "retracted"}  # usually none: one pass over the refs
    for c in kb.claims if refs else ():
        for s in c.sources:
            if s.stance == "supports" and s.key in refs:
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
    """A reference's `status_doi` is not a DOI or its `status_date` is not a YYYY-MM-DD date, or lies in the future.

    Why: the badge links to the notice by its DOI and prints its date; a notice cannot come out
    after today.

    Example: `status_doi = {https://doi.org/10.1000/x}` (a URL, not a DOI).

    Fix: write the bare DOI (`10.1000/x`) and the date as YYYY-MM-DD.
    """
    for r in kb.references:
        doi = (r.get("status_doi") or "").strip()
        if doi and not DOI_RE.match(doi):
            yield Hit(_at(r, "status_doi"), f"status_doi '{doi}' is not a DOI", "write the bare DOI, 10.NNNN/...")
        day = (r.get("status_date") or "").strip()
        when = iso_date(day) if DATE_RE.match(day) else None
        if day and when is None:
            yield Hit(_at(r, "status_date"), f"status_date '{day}' is not a date", "write it as YYYY-MM-DD")
        elif when is not None and when > kb.today:
            yield Hit(
                _at(r, "status_date"),
                f"status_date {day} is in the future (today is {kb.today})",
                "write the day the notice was published",
            )


@rule("L012", "concern-source-supports", Severity.WARNING)
def concern_source_supports(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim cites a reference under an expression of concern as supporting it.

    Why: the journal doubts the paper; the claim may stand, but its certainty should say so.

    Example: `- {key: lee2020, stance: supports}` where lee2020 has `status = {expression-of-concern}`.

    Fix: review the certainty and say in the claim's note why the source is still used.
    """
    flagged = {r.key for r in kb.references if status(r) == "expression-of-concern"}
    for c in kb.claims if flagged else ():
        for s in c.sources:
            if s.stance == "supports" and s.key in flagged:
                yield Hit(_at(s, "key"), f"'{s.key}' is under an expression of concern", "review the certainty")


@rule("L013", "removed-claim-still-exists")
def removed_claim_still_exists(kb: KnowledgeBase) -> Iterator[Hit]:
    """A change of `kind: removed` names a claim that still exists (and no later entry adds it back).

    Why: the What's new page and the feed tell readers the claim is gone while its topic page still
    shows it; one of the two is wrong.

    Example: `kind: removed` with `claims: [depth-threshold]`, a claim still under `claims:`.

    Fix: if only a source or a quote was removed from the claim, use `kind: corrected` and name the
    reference; if the claim was removed, remove it from `claims:` too.
    """
    existing = {c.id for c in kb.claims if c.id}
    latest: dict[str, tuple[str, int, str | None]] = {}
    for ch in kb.changes:
        for r in ch.claims:
            when = (ch.date or "", ch.index, ch.kind)
            if r.id not in latest or when[:2] > latest[r.id][:2]:
                latest[r.id] = when
    for ch in kb.changes:
        if ch.kind != "removed":
            continue
        for r in ch.claims:
            if r.id in existing and latest[r.id][2] == "removed":
                yield Hit(
                    r.pos,
                    f"claim '{r.id}' is logged as removed but still exists",
                    "use kind: corrected when only a source or quote was removed; else remove the claim",
                )


@rule("L014", "status-differs-between-copies")
def status_differs_between_copies(kb: KnowledgeBase) -> Iterator[Hit]:
    """Two references share a DOI or PMID (one paper listed twice) but not their `status`.

    Why: a claim citing the unflagged copy of a retracted paper escapes rule L008, and readers see
    the paper both flagged and clean.

    Example: `smith2019` and `smith2019b` both have `doi = {10.1000/x}`; only `smith2019` has
    `status = {retracted}`.

    Fix: keep one entry and cite it everywhere, or give both the same `status`, `status_doi` and
    `status_date` (`derma retractions check` and `derma import-retractions` set every copy).
    """
    groups: dict[str, list[Reference]] = {}
    for r in kb.references:
        doi = (r.get("doi") or "").strip().lower()
        pmid = (r.get("pmid") or "").strip()
        for ident in ({f"doi:{doi}"} if doi else set()) | ({f"pmid:{pmid}"} if pmid else set()):
            groups.setdefault(ident, []).append(r)
    reported: set[str] = set()
    for ident, refs in sorted(groups.items()):
        states = {status(r) for r in refs}
        if len(states) < 2:
            continue
        flagged = [r for r in refs if status(r)]
        for r in refs:
            if status(r) is None and r.key not in reported:
                reported.add(r.key)
                other = flagged[0]
                yield Hit(
                    r.pos,
                    f"'{r.key}' and '{other.key}' are the same paper ({ident}) but only '{other.key}' is "
                    f"{status(other)}",
                    f"merge the two entries, or copy the status fields of '{other.key}'",
                )


@rule("L015", "exclusion-without-reason")
def exclusion_without_reason(kb: KnowledgeBase) -> Iterator[Hit]:
    """A record of the screening queue is excluded without a reason.

    Why: PRISMA asks for the reason of every exclusion after full reading; a reader of the search
    log must be able to see why a study was left out.

    Example: `decision: exclude` with no `reason:`.

    Fix: add `reason:` (e.g. "not the intervention", "no outcome of interest"), or use
    `derma screen ID --exclude --reason TEXT`.
    """
    for c in kb.screening:
        if c.decision == "exclude" and not (c.reason or "").strip():
            yield Hit(_at(c, "decision"), f"'{c.id}' is excluded without a reason", "add `reason:`")


@rule("L016", "unknown-screening-search")
def unknown_screening_search(kb: KnowledgeBase) -> Iterator[Hit]:
    """A search id is used twice, or a record of the screening queue names a search that is not in the log.

    Why: the flow diagram counts each record under the search that found it; a record whose search
    is unknown (or ambiguous) is counted nowhere or twice.

    Example: `search: 2026-12-07-pubmed-main` with no search of that id under `searches:`.

    Fix: give each search its own id, and name the id of the search that found the record.
    """
    seen: dict[str, Search] = {}
    for s in kb.searches:
        if s.id and s.id in seen:
            yield Hit(
                _at(s, "id"),
                f"duplicate search id '{s.id}' (first on line {seen[s.id].pos.line})",
                "give this search its own id",
            )
        elif s.id:
            seen[s.id] = s
    known = _Known(set(seen), "search id")
    for c in kb.screening:
        if c.search is not None:
            yield from known.unknown((c.search,))


@rule("L017", "duplicate-screening-record")
def duplicate_screening_record(kb: KnowledgeBase) -> Iterator[Hit]:
    """The screening queue holds one record twice (the same identifier under two entries).

    Why: a record counted twice inflates the screened and excluded numbers of the flow diagram.
    `derma search run` removes duplicates by DOI, PMID, PMCID and NCT id; this catches hand edits.

    Example: two entries with `ids: [pmid:90000001]`.

    Fix: keep one entry (with its decision) and delete the other.
    """
    first: dict[str, Candidate] = {}
    for c in kb.screening:
        for ident in dict.fromkeys([*([c.id] if c.id else []), *c.ids]):
            if ident in first and first[ident] is not c:
                yield Hit(
                    c.pos,
                    f"'{ident}' is already in the queue (line {first[ident].pos.line})",
                    "keep one entry and delete this one",
                )
                break
            first.setdefault(ident, c)


@rule("L018", "search-not-reproducible", Severity.WARNING)
def search_not_reproducible(kb: KnowledgeBase) -> Iterator[Hit]:
    """A search does not say where it ran in a way a reader can repeat.

    Why: a living review's searches must be re-runnable: each names its database (pubmed, europepmc,
    ctgov) and the exact query in its syntax; a search made elsewhere (`database: other`) names what
    was searched (`database_name`) and gives under `rerun` a query in a public database.

    Example: `source: search tool` with no `database`; or `database: other` with no `rerun`.

    Fix: add `database:`; for `other`, add `database_name:` and `rerun: {database: pubmed, query: ...}`.
    """
    for s in kb.searches:
        if s.database is None:
            yield Hit(s.pos, "this search names no database", "add database: pubmed, europepmc, ctgov or other")
        elif s.database == "other" and (s.rerun is None or not s.at.get("database_name")):
            missing = "rerun" if s.rerun is None else "database_name"
            yield Hit(
                _at(s, "database"),
                f"a search of another database without `{missing}`",
                "name what was searched (database_name) and give a query that re-runs it (rerun)",
            )


@rule("L019", "screening-key-unknown")
def screening_key_unknown(kb: KnowledgeBase) -> Iterator[Hit]:
    """An included record of the screening queue names a citation key that references.bib does not hold.

    Why: an included record counts as an included study in the flow diagram and links to its
    reference; a key with no entry links nowhere.

    Example: `decision: include` with `key: smith2052`.

    Fix: add the reference first (`derma new reference`), then name its key.
    """
    keys = _Known({r.key for r in kb.references}, "citation key")
    for c in kb.screening:
        if c.key is not None:
            yield from keys.unknown((c.key,))
