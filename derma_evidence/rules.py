"""The checker's rules: one small function per diagnostic code.

Each rule takes the whole knowledge base and yields diagnostics. Its docstring is its reference
entry (first line: summary; then the why, a failing example and the fix), rendered into the
site's rule reference. Codes are permanent.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from derma_evidence.diagnostics import Diagnostic, Pos, Severity, Suggester, declare, did_you_mean, make
from derma_evidence.model import (
    BIB_FIELDS,
    CERTAINTIES,
    DESIGNS,
    Claim,
    KnowledgeBase,
    Quantity,
    Reference,
    Topic,
)


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule body yields: where and what; the `@rule` decorator adds the code and the severity."""

    pos: Pos
    message: str
    help: str | None = None


Check = Callable[[KnowledgeBase], Iterator[Hit]]
Rule = Callable[[KnowledgeBase], Iterator[Diagnostic]]
RULES: list[Rule] = []

# Anchored with \A...\Z (a `$` would let a trailing newline through), ASCII digits only.
ID_RE = re.compile(r"\A[a-z0-9]+(-[a-z0-9]+)*\Z", re.ASCII)
DOI_RE = re.compile(r"\A10\.[0-9]{4,9}/[!-~]+\Z", re.ASCII)  # the suffix: printable ASCII, no space
PMID_RE = re.compile(r"\A[1-9][0-9]{0,8}\Z", re.ASCII)
QUOTE_MAX = 300
REVIEW_MAX_MONTHS = 24

ENTRY_TYPES = frozenset(
    "article book booklet inbook incollection inproceedings conference manual mastersthesis phdthesis "
    "misc techreport unpublished online report thesis".split()
)

STRONG = frozenset({"meta-analysis", "systematic-review", "rct"})
CONTROLLED = STRONG | {"controlled-trial"}
CERTAINTY_RANK = {c: i for i, c in enumerate(reversed(CERTAINTIES))}
"""Certainty levels by rank, lowest 0 (the schema lists them highest first)."""

CERTAINTY_TABLE = (
    ("high", "at least two backing sources that are meta-analyses, systematic reviews or RCTs"),
    ("moderate", "at least one backing meta-analysis, systematic review, RCT or other controlled trial"),
    (
        "low",
        "at least one backing source of any design (animal, in-vitro, narrative-review, expert-opinion, "
        "textbook, case-report, case-series, cohort or human-experimental sources alone stop here)",
    ),
    ("very-low", "always allowed"),
)
"""The most a claim's certainty may be, by the designs of its backing sources (enforced by C010)."""


def rule(code: str, name: str, severity: Severity = Severity.ERROR) -> Callable[[Check], Rule]:
    """Declare `code` for the decorated check and register it; its hits become diagnostics of that code.

    The code is written once, here: rule bodies yield `Hit(pos, message, help)` (as yamllint's rules
    yield problems without their rule id), so no body can emit another rule's code.
    """

    def wrap(check: Check) -> Rule:
        declare(code, name, severity)(check)

        @functools.wraps(check)
        def run(kb: KnowledgeBase) -> Iterator[Diagnostic]:
            for hit in check(kb):
                yield make(hit.pos, code, hit.message, hit.help)

        run.code = code  # type: ignore[attr-defined]
        RULES.append(run)
        return run

    return wrap


def _at(obj: Claim | Reference | Quantity, field: str) -> Pos:
    return obj.at.get(field, obj.pos)


def run(kb: KnowledgeBase) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for r in RULES:
        out.extend(r(kb))
    return out


# --- claims and topics -------------------------------------------------------------------------


@rule("C001", "duplicate-id")
def duplicate_id(kb: KnowledgeBase) -> Iterator[Hit]:
    """Two claims, two topics, two trials or two article statements share an id.

    Why: a claim id is its permanent URL anchor; two claims with one id make links land on the
    wrong claim, and exports collapse them into one.

    Example: two claims both with `id: dunkin-scarring-threshold`.

    Fix: give the newer claim its own id; never reuse the id of a removed claim.
    """
    groups: list[tuple[str, list[tuple[str | None, Pos]]]] = [
        ("claim id", [(c.id, _at(c, "id")) for c in kb.claims]),
        ("topic id", [(t.id, t.at.get("id", t.pos)) for t in kb.topics]),
        ("trial key", [(t.key, t.at.get("key", t.pos)) for t in kb.trials]),
        ("statement number", [(str(s.n) if s.n is not None else None, s.at.get("n", s.pos)) for s in kb.statements]),
    ]
    yield from duplicate_ids(groups, "ids are permanent anchors: give this one its own id")


def duplicate_ids(groups: list[tuple[str, list[tuple[str | None, Pos]]]], help: str) -> Iterator[Hit]:
    """A hit at every id that repeats one of its group (``(what, [(id, pos), ...])``), naming the first."""
    for what, items in groups:
        seen: dict[str, Pos] = {}
        for value, pos in items:
            if value is None:
                continue
            if value in seen:
                yield Hit(pos, f"duplicate {what} '{value}' (first used on line {seen[value].line})", help)
            else:
                seen[value] = pos


@rule("C002", "bad-id-format")
def bad_id_format(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim or topic id is not kebab-case (lowercase letters and digits joined by hyphens).

    Why: ids become URL anchors and file names; spaces, capitals and punctuation break links
    or differ between systems.

    Example: `id: Dunkin_Scarring 2007`.

    Fix: use the suggested kebab-case form, e.g. `dunkin-scarring-2007` (at most 80 characters).
    """
    objs: tuple[Claim | Topic, ...] = (*kb.claims, *kb.topics)
    for obj in objs:
        if obj.id is None:
            continue
        if not ID_RE.fullmatch(obj.id) or len(obj.id) > 80:
            suggestion = re.sub(r"[^a-z0-9]+", "-", obj.id.lower()).strip("-")[:80].strip("-")
            yield Hit(
                obj.at.get("id", obj.pos),
                f"id '{obj.id}' is not kebab-case",
                f"use '{suggestion}'" if suggestion else "use lowercase letters, digits and hyphens",
            )


@rule("C003", "unknown-topic")
def unknown_topic(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim names a topic that is not defined under `topics:`.

    Why: a claim whose topic does not exist would appear on no page.

    Example: `topic: wound-helaing`.

    Fix: use an existing topic id (the help line suggests the nearest) or add the topic.
    """
    topics = {t.id for t in kb.topics if t.id}
    suggest = Suggester(topics)
    for c in kb.claims:
        if c.topic is not None and c.topic not in topics:
            yield Hit(
                _at(c, "topic"),
                f"unknown topic '{c.topic}'",
                suggest(c.topic) or "define it under `topics:` first",
            )


@rule("C004", "claim-without-sources")
def claim_without_sources(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim has no sources.

    Why: every claim on the site must be traceable to the literature; an unsourced claim is an
    opinion.

    Example: a claim with `sources: []`, or with no `sources:` field.

    Fix: add at least one source, e.g.
    `sources: [{key: dhurat2013, stance: supports, locator: Abstract}]`.
    """
    snippet = (
        "paste this into the claim, indented like its other fields (and replace any `sources: []`):\n"
        "sources:\n  - key: <citation key in references.bib>\n    stance: supports\n    locator: Abstract"
    )
    for c in kb.claims:
        if c.sources:
            continue
        if "sources" in c.at:
            yield Hit(_at(c, "sources"), f"claim '{c.id}' has an empty source list", snippet)
        else:
            yield Hit(c.pos, f"claim '{c.id}' has no sources", snippet)


@rule("C005", "unknown-citation-key")
def unknown_citation_key(kb: KnowledgeBase) -> Iterator[Hit]:
    """A source or trial cites a key that is not in references.bib.

    Why: the citation would resolve to nothing: the site could not show the reference, and the
    claim would be unsourced in fact.

    Example: `key: dhurat2031` when references.bib has `dhurat2013`.

    Fix: correct the key (the help line suggests the nearest) or add the reference first.
    """
    keys = {r.key for r in kb.references}
    suggest = Suggester(keys, n=3)
    for c in kb.claims:
        for s in c.sources:
            if s.key is not None and s.key not in keys:
                yield Hit(
                    s.at.get("key", s.pos),
                    f"citation key '{s.key}' is not in references.bib",
                    suggest(s.key) or "add the reference first (derma new reference)",
                )
    for t in kb.trials:
        if t.key is not None and t.key not in keys:
            yield Hit(
                t.at.get("key", t.pos),
                f"trial key '{t.key}' is not in references.bib",
                suggest(t.key) or "add the reference first (derma new reference)",
            )


def _quantities(kb: KnowledgeBase) -> Iterator[tuple[str, Quantity, str | None]]:
    for c in kb.claims:
        if c.quantity is not None:
            yield "quantity", c.quantity, c.quantity.measure
    declared = [(name, measure) for name, measure, _ in kb.vocab.trial_fields]
    for t in kb.trials:
        for name, measure in declared:
            if name in t.protocol:
                yield name, t.protocol[name], measure
        for name, q, measure in (("interval", t.interval, "interval"), ("duration", t.duration, "duration")):
            if q is not None:
                yield name, q, measure


@rule("C006", "invalid-range")
def invalid_range(kb: KnowledgeBase) -> Iterator[Hit]:
    """A quantity's min is greater than its max, or a bound is not a finite number.

    Why: an inverted or infinite range cannot be drawn, compared or believed.

    Example: `min: 2.0` with `max: 1.5`, or `max: .inf`.

    Fix: swap the bounds, or write the finite values the source reports.
    """
    for name, q, _ in _quantities(kb):
        for bound in ("min", "max"):
            v = getattr(q, bound)
            if v is not None and not math.isfinite(v):
                yield Hit(_at(q, bound), f"{name}.{bound} is not a finite number", "write the reported value")
        if q.min is not None and q.max is not None and math.isfinite(q.min) and math.isfinite(q.max) and q.min > q.max:
            yield Hit(_at(q, "max"), f"{name} min {q.min:g} is greater than max {q.max:g}", "swap min and max")


@rule("C007", "unit-not-allowed")
def unit_not_allowed(kb: KnowledgeBase) -> Iterator[Hit]:
    """A quantity's unit does not fit its measure (e.g. a depth in weeks).

    Why: the site converts and compares quantities by measure; a depth in `wk` is a typo that
    would put a claim on the wrong axis.

    Example: `measure: depth` with `unit: d`.

    Fix: use a unit allowed for the measure: depth, length, thickness: mm or um; interval,
    duration: h, d, wk or mo; count: 1; proportion: % or 1. A knowledge base declares its own
    measures and units, or more units for a measure, in the top-level `vocabulary:` section.
    """
    for name, q, measure in _quantities(kb):
        if measure is None or q.unit is None or measure not in kb.vocab.units_for_measure:
            continue
        allowed = kb.vocab.units_for_measure[measure]
        if q.unit not in allowed:
            yield Hit(
                _at(q, "unit"),
                f"unit '{q.unit}' is not allowed for {name} measure '{measure}'",
                "use one of: " + ", ".join(allowed),
            )


@rule("C008", "quote-too-long")
def quote_too_long(kb: KnowledgeBase) -> Iterator[Hit]:
    """A supporting quote is longer than 300 characters.

    Why: quotes are short exact excerpts that let a reader find the passage; long quotes
    reproduce the source and hide the one sentence that matters.

    Example: a whole abstract pasted into `quote:`.

    Fix: keep the one sentence that supports the claim, copied exactly.
    """
    for c in kb.claims:
        for s in c.sources:
            if s.quote is not None and len(s.quote) > QUOTE_MAX:
                yield Hit(
                    s.at.get("quote", s.pos),
                    f"quote is {len(s.quote)} characters long, over {QUOTE_MAX}",
                    "keep one exact sentence",
                )


@rule("C009", "bad-review-date")
def bad_review_date(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim's `reviewed` date is not a valid YYYY-MM-DD date, or it lies in the future.

    Why: the review date tells readers how fresh the assessment is; an impossible or future
    date claims a review that did not happen.

    Example: `reviewed: 2026-02-30` or a date next year.

    Fix: write the date you checked the claim against its sources, as YYYY-MM-DD.
    """
    for c in kb.claims:
        if c.reviewed is None:
            continue
        d = c.reviewed_date if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", c.reviewed) else None
        if d is None:
            yield Hit(
                _at(c, "reviewed"),
                f"reviewed date '{c.reviewed}' is not a valid YYYY-MM-DD date",
                f"e.g. {kb.today.isoformat()}",
            )
        elif d > kb.today:
            yield Hit(
                _at(c, "reviewed"),
                f"reviewed date {d.isoformat()} is in the future",
                f"use the date of the review, at the latest {kb.today.isoformat()}",
            )


def backing(claim: Claim) -> tuple[str, ...]:
    """The stances that back a claim's verdict."""
    if claim.verdict in ("supported", "partly-supported"):
        return ("supports",)
    if claim.verdict == "contradicted":
        return ("contradicts",)
    return ("supports", "contradicts")


def max_certainty(claim: Claim, refs: dict[str, Reference]) -> str:
    """The highest certainty the designs of the claim's backing sources allow."""
    designs = [(refs[s.key].design or "") for s in claim.sources if s.key in refs and s.stance in backing(claim)]
    if sum(d in STRONG for d in designs) >= 2:
        return "high"
    if any(d in CONTROLLED for d in designs):
        return "moderate"
    if designs:
        return "low"
    return "very-low"


@rule("C010", "certainty-too-high")
def certainty_too_high(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim's certainty is higher than the designs of its backing sources allow.

    Why: certainty follows the evidence (GRADE). `high` needs at least two backing
    meta-analyses, systematic reviews or RCTs; `moderate` needs at least one meta-analysis,
    systematic review, RCT or controlled trial; animal, in-vitro, narrative or observational
    sources alone cap it at `low`; a claim with no backing source is `very-low`. Backing
    sources are those whose stance matches the verdict (supports for supported and
    partly-supported, contradicts for contradicted, either for insufficient).

    Example: `certainty: high` on a claim backed by one mouse study.

    Fix: lower the certainty to the allowed level, or cite the stronger evidence.
    """
    refs = kb.reference_map()
    for c in kb.claims:
        if c.certainty not in CERTAINTY_RANK or not c.sources:
            continue  # C004 reports a claim without sources
        backers = [s for s in c.sources if s.stance in backing(c)]
        if any(s.key not in refs for s in backers):
            continue  # C005 reports the unknown key; the cap would be a guess
        if not backers and c.verdict != "insufficient":
            continue  # C011 reports a verdict nothing backs
        cap = max_certainty(c, refs)
        if CERTAINTY_RANK[c.certainty] > CERTAINTY_RANK[cap]:
            yield Hit(
                _at(c, "certainty"),
                f"certainty '{c.certainty}' is higher than the backing sources allow ('{cap}')",
                f"set `certainty: {cap}`, or cite stronger evidence (see the certainty table)",
            )


@rule("C011", "verdict-without-backing")
def verdict_without_backing(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim's verdict has no source with the matching stance.

    Why: `supported` or `partly-supported` needs at least one source that `supports` it, and
    `contradicted` at least one that `contradicts` it; otherwise the verdict rests on nothing.

    Example: `verdict: supported` with only `stance: context` sources.

    Fix: cite the source that backs the verdict, or change the verdict (e.g. `insufficient`).
    """
    for c in kb.claims:
        if c.verdict not in ("supported", "partly-supported", "contradicted") or not c.sources:
            continue
        wanted = backing(c)[0]
        if not any(s.stance == wanted for s in c.sources):
            yield Hit(
                _at(c, "verdict"),
                f"verdict '{c.verdict}' but no source has stance '{wanted}'",
                f"add a source with `stance: {wanted}` or change the verdict",
            )


@rule("C012", "source-without-locator", Severity.WARNING)
def source_without_locator(kb: KnowledgeBase) -> Iterator[Hit]:
    """A source gives no locator (page, table, figure or section).

    Why: a reader checking the claim should find the passage without reading the whole paper.

    Example: a source with `key` and `stance` only.

    Fix: add `locator: Table 2` (or `Abstract`, `p. 4`, `Figure 3`).
    """
    for c in kb.claims:
        for s in c.sources:
            if s.locator is None and "locator" not in s.at:
                yield Hit(
                    s.pos,
                    f"source '{s.key}' of claim '{c.id}' has no locator",
                    "add `locator:` with a page, table, figure or section",
                )


@rule("C013", "stale-review", Severity.WARNING)
def stale_review(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim was last reviewed more than 24 months ago.

    Why: the evidence on a treatment moves; a two-year-old assessment may miss newer trials.

    Example: `reviewed: 2022-01-10` checked in 2026.

    Fix: re-check the claim against its sources and newer literature, then update `reviewed`.
    """
    for c in kb.claims:
        d = c.reviewed_date
        if d is None:
            continue
        months = (kb.today.year - d.year) * 12 + (kb.today.month - d.month) - (kb.today.day < d.day)
        if months > REVIEW_MAX_MONTHS:
            yield Hit(
                _at(c, "reviewed"),
                f"claim '{c.id}' was last reviewed {months} months ago",
                "re-check it against newer literature and update `reviewed`",
            )


def _excused(a: Claim, b: Claim) -> bool:
    """True when one claim cites the other's evidence as `contradicts`."""
    for x, y in ((a, b), (b, a)):
        against = {s.key for s in x.sources if s.stance == "contradicts"}
        evidence = {s.key for s in y.sources if s.stance == "supports"}
        if against & evidence:
            return True
    return False


@rule("C014", "contradictory-ranges", Severity.WARNING)
def contradictory_ranges(kb: KnowledgeBase) -> Iterator[Hit]:
    """Two claims on the same topic and measure (and `about`) give ranges that do not overlap.

    Why: this is the contradiction report. Either the claims measure different things (then give
    them different measures or topics), or the literature disagrees, and the claims should say
    so by citing the other's evidence as `contradicts`. Quantities with different `about`
    labels (say, "inflammatory phase" and "proliferative phase") are not compared.

    Example: one claim says scarring starts at 0.56 mm, another at 1.5 mm, both `depth`.

    Fix: make one claim cite the other's supporting source with `stance: contradicts`, or
    correct the quantity. Each claim is reported once, against the first conflicting claim.
    """
    groups: dict[tuple[str, str, str], list[tuple[float, float, int, Claim]]] = defaultdict(list)
    for i, c in enumerate(kb.claims):
        if c.quantity is None or c.topic is None or c.quantity.measure is None:
            continue
        r = c.quantity.base_range(kb.vocab.factors)
        if r is None or r[0] > r[1]:
            continue
        about = (c.quantity.about or "").strip().lower()
        groups[(c.topic, c.quantity.measure, about)].append((r[0], r[1], i, c))
    reported: set[tuple[int, int]] = set()
    for (topic, measure, _about), items in groups.items():
        if len(items) < 2:
            continue
        by_high = sorted(items, key=lambda t: (t[1], t[2]))
        by_low = sorted(items, key=lambda t: (-t[0], t[2]))
        for lo, hi, i, c in items:
            partner = None
            for cand in _candidates(by_high, by_low, lo, hi):
                if cand[2] != i and not _excused(c, cand[3]):
                    partner = cand
                    break
            if partner is None:
                continue
            pair = (min(i, partner[2]), max(i, partner[2]))
            if pair in reported or i < partner[2]:
                continue
            reported.add(pair)
            other = partner[3]
            yield Hit(
                _at(c.quantity, "min") if c.quantity else c.pos,
                f"claim '{c.id}' ({_fmt(c)}) does not overlap claim '{other.id}' ({_fmt(other)}) "
                f"on topic '{topic}', measure '{measure}'",
                "if they disagree, cite the other's evidence with `stance: contradicts`; "
                "if they measure different things, say what each is of with `about:`",
            )


_MAX_SCAN = 64


def _candidates(
    by_high: list[tuple[float, float, int, Claim]], by_low: list[tuple[float, float, int, Claim]], lo: float, hi: float
) -> Iterator[tuple[float, float, int, Claim]]:
    """Claims entirely below [lo, hi], then entirely above it; a bounded number of each."""
    for seq, below in ((by_high, True), (by_low, False)):
        for n, cand in enumerate(seq):
            if n >= _MAX_SCAN or (below and cand[1] >= lo) or (not below and cand[0] <= hi):
                break
            yield cand


def _fmt(c: Claim) -> str:
    q = c.quantity
    if q is None or q.min is None:
        return "?"
    if q.max is None or q.max == q.min:
        return f"{q.min:g} {q.unit}"
    return f"{q.min:g}-{q.max:g} {q.unit}"


@rule("C015", "unknown-statement")
def unknown_statement(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim's `article` list names a statement number that is not under `statements:`.

    Why: the statement-by-statement page links each numbered statement of the source article to
    the claims that check it; a dangling number would silently drop the link.

    Example: `article: [22]` when statements go up to 21.

    Fix: use an existing statement number, or add the statement.
    """
    numbers = {s.n for s in kb.statements if s.n is not None}
    for c in kb.claims:
        for n in c.article:
            if n not in numbers:
                yield Hit(
                    _at(c, "article"),
                    f"claim '{c.id}' names article statement {n}, which is not defined",
                    "add it under `statements:` or correct the number",
                )


# --- references --------------------------------------------------------------------------------


def _cited(kb: KnowledgeBase) -> set[str]:
    keys = {s.key for c in kb.claims for s in c.sources if s.key}
    keys.update(t.key for t in kb.trials if t.key)
    keys.update(kb.answer_keys())  # effects, reviews (rules_answers.py)
    return keys


@rule("B004", "unknown-entry-type")
def unknown_entry_type(kb: KnowledgeBase) -> Iterator[Hit]:
    """A BibTeX entry has a type that BibTeX and the formatters do not know.

    Why: an unknown type such as `@artcle` is formatted as nothing or as a bare title.

    Example: `@artcle{dhurat2013, ...}`.

    Fix: use a standard type: article, book, incollection, inproceedings, misc, phdthesis, ...
    """
    for r in kb.references:
        if r.entry_type not in ENTRY_TYPES:
            yield Hit(
                r.pos,
                f"unknown entry type '@{r.entry_type}' for '{r.key}'",
                did_you_mean(r.entry_type, ENTRY_TYPES) or "use a standard type such as article or book",
            )


UNVERIFIED_FIELD = "unverified"
"""BibTeX field naming the required fields no page showed, e.g. `unverified = {author, title}`."""


def _missing_fields(r: Reference) -> list[tuple[str, str]]:
    """The required fields an entry lacks, as (field name, how the message names it)."""
    missing = []
    if not (r.get("author") or r.get("editor")):
        missing.append(("author", "author (or editor)"))
    for name in ("title", "year"):
        if not r.get(name):
            missing.append((name, name))
    if r.entry_type == "article" and not r.get("journal"):
        missing.append(("journal", "journal"))
    return missing


@rule("B005", "missing-bibtex-field")
def missing_bibtex_field(kb: KnowledgeBase) -> Iterator[Hit]:
    """A BibTeX entry lacks a required field: author or editor, title, year; journal for articles.

    Why: a reference without them cannot be formatted or found, and cannot be verified. A real
    source whose pages never showed a field may say so in `unverified = {author, title}`: a field
    listed there may be missing (the site then says "authors and title not verified"); one that is
    missing and not listed is still an error. Guessing the field is never the fix.

    Example: `@article{x, title = {...}, year = {2013}}` without author and journal.

    Fix: add the missing fields, verified against PubMed or the journal's page; or, if no page you
    saw shows them, list them in `unverified` and say in the `note` where the entry was seen.
    """
    for r in kb.references:
        excused = set(r.unverified)
        missing = [label for name, label in _missing_fields(r) if name not in excused]
        if missing:
            yield Hit(
                r.pos,
                f"entry '{r.key}' is missing " + ", ".join(missing),
                "add the fields as shown on the PubMed or journal page, or, if no page showed them, "
                "list them in `unverified = {...}`",
            )


@rule("B016", "bad-unverified-field")
def bad_unverified_field(kb: KnowledgeBase) -> Iterator[Hit]:
    """An entry's `unverified` names a field that is present, or a name that is not a BibTeX field.

    Why: `unverified` tells readers which fields no page showed (the site prints "authors not
    verified"); listing a field the entry has contradicts the entry, and an unknown or misspelt
    name would silently excuse nothing (or the wrong thing).

    Example: `unverified = {author, titel}` on an entry that has an `author`.

    Fix: list only fields the entry leaves out, by their BibTeX names (author, title, journal,
    year, ...), or remove `unverified` once the fields are verified and added.
    """
    for r in kb.references:
        if r.get(UNVERIFIED_FIELD) is None:
            continue
        pos = r.at.get(UNVERIFIED_FIELD, r.pos)
        names = r.unverified
        if not names:
            yield Hit(pos, f"`unverified` of '{r.key}' names no field", "list the fields, or remove `unverified`")
        for name in names:
            if name not in BIB_FIELDS:
                yield Hit(
                    pos,
                    f"`unverified` of '{r.key}' names '{name}', which is not a BibTeX field name",
                    did_you_mean(name, BIB_FIELDS) or "allowed: " + ", ".join(BIB_FIELDS),
                )
            elif r.get(name):
                yield Hit(
                    pos,
                    f"`unverified` of '{r.key}' names '{name}', but the entry has it",
                    f"remove '{name}' from `unverified` (or remove the field if no page showed it)",
                )


@rule("B006", "bad-design")
def bad_design(kb: KnowledgeBase) -> Iterator[Hit]:
    """A cited BibTeX entry has no `design` field, or one outside the vocabulary.

    Why: certainty is capped by study design (rule C010), and the site labels every source with
    its design; both need a known value.

    Example: `design = {RCT}` or no design at all.

    Fix: add `design = {rct}` using one of: meta-analysis, systematic-review, rct,
    controlled-trial, cohort, case-series, case-report, human-experimental, animal, in-vitro,
    narrative-review, expert-opinion, textbook.
    """
    cited = _cited(kb)
    for r in kb.references:
        d = r.design
        if d is None:
            if r.key in cited:
                yield Hit(
                    r.pos,
                    f"cited entry '{r.key}' has no design field",
                    "add e.g. `design = {rct}`; see the design vocabulary",
                )
        elif d not in DESIGNS:
            yield Hit(
                r.at.get("design", r.pos),
                f"unknown design '{d}' in '{r.key}'",
                did_you_mean(d, DESIGNS) or "allowed: " + ", ".join(DESIGNS),
            )


@rule("B007", "malformed-doi")
def malformed_doi(kb: KnowledgeBase) -> Iterator[Hit]:
    """A DOI is not of the form `10.NNNN/suffix`.

    Why: the site links every DOI; a URL prefix or a typo gives a dead link.

    Example: `doi = {https://doi.org/10.4103/0974-7753.114700}` or `doi = {10.4103}`.

    Fix: write the bare DOI, e.g. `10.4103/0974-7753.114700`.
    """
    for r in kb.references:
        doi = r.get("doi")
        if doi is not None and not DOI_RE.fullmatch(doi):
            bare = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.I)
            hint = (
                f"write the bare DOI: '{bare}'"
                if bare != doi and DOI_RE.fullmatch(bare)
                else "a DOI looks like 10.1234/suffix"
            )
            yield Hit(r.at.get("doi", r.pos), f"malformed DOI '{doi}' in '{r.key}'", hint)


@rule("B008", "malformed-pmid")
def malformed_pmid(kb: KnowledgeBase) -> Iterator[Hit]:
    """A PMID is not a positive whole number of at most nine digits.

    Why: the site links every PMID to PubMed; anything else is a dead link.

    Example: `pmid = {PMID: 23960389}`.

    Fix: write the digits only, e.g. `pmid = {23960389}`.
    """
    for r in kb.references:
        pmid = r.get("pmid")
        if pmid is not None and not PMID_RE.fullmatch(pmid):
            yield Hit(
                r.at.get("pmid", r.pos),
                f"malformed PMID '{pmid}' in '{r.key}'",
                "write the digits only, as PubMed shows them",
            )


@rule("B009", "uncited-reference", Severity.WARNING)
def uncited_reference(kb: KnowledgeBase) -> Iterator[Hit]:
    """A reference is never cited by a claim or trial.

    Why: an uncited reference is unverified clutter in the bibliography, or a sign that a
    claim lost its source.

    Example: `@article{oldpaper2001, ...}` that no claim names.

    Fix: cite it from the claim it supports, or delete it.
    """
    if not kb.claims:
        return  # nothing could cite anything: an empty or unreadable claims file is reported already
    cited = _cited(kb)
    for r in kb.references:
        if r.key not in cited:
            yield Hit(r.pos, f"reference '{r.key}' is never cited", "cite it from a claim or remove it")


@rule("B010", "article-without-identifier", Severity.WARNING)
def article_without_identifier(kb: KnowledgeBase) -> Iterator[Hit]:
    """A journal article has neither a DOI nor a PMID.

    Why: without an identifier readers (and the checker's reviewers) cannot find the exact
    record to verify it.

    Example: `@article{...}` with journal and pages but no `doi` or `pmid`.

    Fix: add the DOI and PMID shown on the PubMed record.
    """
    for r in kb.references:
        if r.entry_type == "article" and not r.get("doi") and not r.get("pmid"):
            yield Hit(
                r.pos,
                f"article '{r.key}' has neither DOI nor PMID",
                "add `doi` and `pmid` from the PubMed record",
            )


@rule("C016", "statement-without-claim", Severity.WARNING)
def statement_without_claim(kb: KnowledgeBase) -> Iterator[Hit]:
    """A numbered statement of the source article is not checked by any claim.

    Why: the statement-by-statement page promises that every statement of the article maps to
    at least one claim; a statement without one would show a verdict that nothing backs.

    Example: `statements: [{n: 4, ...}]` while no claim has `article: [4]`.

    Fix: add `4` to the `article` list of the claim(s) that check the statement, or write one.
    """
    checked = {n for c in kb.claims for n in c.article}
    for s in kb.statements:
        if s.n is not None and s.n not in checked:
            yield Hit(
                s.at.get("n", s.pos),
                f"article statement {s.n} is not checked by any claim",
                f"add {s.n} to the `article:` list of the claims that check it",
            )


# --- issue 10: ranges and links ----------------------------------------------------------------

PROPORTION_MAX = {"%": 100.0, "1": 1.0}


@rule("C017", "quantity-out-of-range")
def quantity_out_of_range(kb: KnowledgeBase) -> Iterator[Hit]:
    """A quantity is outside what its measure can be: a negative length or time, or a proportion over 100%.

    Negative values are refused for depth, length, thickness, interval, duration and count (and
    for a measure declared in `vocabulary:` unless it says `non_negative: false`); proportions
    must lie between 0 and 100 with unit `%`, between 0 and 1 with unit `1`.

    Why: such a value cannot be measured, so it is a typo (a sign, a misplaced decimal point,
    a count written as a percentage), and the site would draw and compare it as if it were real.
    Numbers above 1e15 in magnitude are refused when the file is read (Y010).

    Example: `measure: depth` with `min: -0.5`, or `measure: proportion, unit: '%'` with `max: 500`.

    Fix: write the value the source reports, with its sign and unit.
    """
    for name, q, measure in _quantities(kb):
        for bound in ("min", "max"):
            v = getattr(q, bound)
            if v is None or not math.isfinite(v):
                continue  # C006 reports a bound that is not a finite number
            if measure in kb.vocab.non_negative and v < 0:
                yield Hit(
                    _at(q, bound),
                    f"{name}.{bound} is {v:g}, but a {measure} cannot be negative",
                    "write the value the source reports, without the sign",
                )
            elif measure == "proportion" and q.unit in PROPORTION_MAX and not 0 <= v <= PROPORTION_MAX[q.unit]:
                top = PROPORTION_MAX[q.unit]
                yield Hit(
                    _at(q, bound),
                    f"{name}.{bound} is {v:g}, but a proportion in '{q.unit}' lies between 0 and {top:g}",
                    "check the unit ('%' or '1') and the value",
                )


URL_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?", re.ASCII)
"""What a reference `url` may be: an http(s) link with a host name, printable ASCII only."""


@rule("B015", "unsafe-url")
def unsafe_url(kb: KnowledgeBase) -> Iterator[Hit]:
    """A reference's `url` is not a plain `https://` or `http://` link.

    Why: the url is published as a link on the site and in every export (claims.json,
    CSL-JSON). A `javascript:` or `data:` URL runs code in the reader's browser, `file:` and other
    schemes point nowhere useful, and user names, spaces or control characters in a URL hide where
    it goes. This rule is about safety only; B019 then refuses `http://`, bare IP hosts and
    document-sharing sites as reader-facing links.

    Example: `url = {javascript:alert(1)}`, `url = {data:text/html,...}` or `url = {https://user@host/}`.

    Fix: link the article's page with `https://...`, or remove the url (the DOI and PMID are linked anyway).
    """
    for r in kb.references:
        url = r.get("url")
        if url is None or URL_RE.fullmatch(url):
            continue
        scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
        why = (
            f"the scheme '{scheme}:' is not allowed"
            if scheme and scheme not in ("http", "https")
            else "it holds characters or a host a link may not have"
        )
        shown = url if len(url) <= 60 else url[:57] + "..."
        yield Hit(
            r.at.get("url", r.pos),
            f"url '{shown}' of '{r.key}' is refused: {why}",
            "link the article's page with https://..., or remove the url",
        )


COPY_HOSTS = (
    "scribd.com",
    "studylib.net",
    "studylib.es",
    "studylib.fr",
    "researchgate.net",
    "academia.edu",
    "docplayer.net",
    "docplayer.org",
    "docplayer.es",
    "docplayer.fr",
    "docplayer.com.br",
    "pdfcoffee.com",
    "vdocuments.us",
    "vdocuments.net",
    "vdocuments.mx",
    "fdocuments.in",
    "fdocuments.net",
    "dokumen.pub",
    "dokumen.tips",
    "documents.pub",
    "pdfslide.net",
    "idoc.pub",
    "slideshare.net",
    "issuu.com",
    "yumpu.com",
    "coursehero.com",
    "readkong.com",
    "zlibrary.to",
    "sci-hub.se",
)
"""Document-sharing and copy sites (and their subdomains): uploads of articles, not the publisher's record.

Their copies may be altered, incomplete or infringing, and they disappear; a reader-facing link goes to the
DOI, PubMed, PMC or the publisher instead. A copy that was useful for verifying a field belongs in the
entry's verification record (`mirror: true`), never in its `url`. Extend the list when a new one turns up.
"""


def _copy_host(host: str) -> str | None:
    host = host.lower().rstrip(".")
    return next((h for h in COPY_HOSTS if host == h or host.endswith("." + h)), None)


def _bare_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@rule("B019", "untrusted-reference-host")
def untrusted_reference_host(kb: KnowledgeBase) -> Iterator[Hit]:
    """A reference's `url` is plain `http://`, a bare IP address or a document-sharing site.

    Why: the `url` is the link a reader follows to the source. Plain HTTP can be altered on the way
    and is flagged by browsers; a bare IP address (often a private mirror of PubMed) names nobody
    responsible for the page; a document-sharing or copy site (scribd, studylib, ResearchGate
    uploads, academia.edu, docplayer, pdfcoffee, vdocuments, ...: the list `COPY_HOSTS`) holds
    copies that may be altered, incomplete or unlicensed. Such pages may still serve to verify a
    field: they belong in the reference's verification record, named as a mirror.

    Example: `url = {http://47.251.13.51:8081/40056230}` or `url = {https://www.scribd.com/document/694732176/x}`.

    Fix: link the canonical record instead, in this order: the DOI (`https://doi.org/...`), PubMed,
    PubMed Central, the publisher's page (all `https://`); or remove the url (DOI, PMID and PMCID are
    linked anyway). Record the copy as a check with `mirror: true` in `verification:`.
    """
    for r in kb.references:
        url = (r.get("url") or "").strip()
        if not url or not URL_RE.fullmatch(url):
            continue  # no url, or one B015 refuses already
        scheme, _, rest = url.partition("://")
        host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit(":", 1)[0]
        reasons = []
        if scheme.lower() == "http":
            reasons.append("it is plain http://")
        if _bare_ip(host):
            reasons.append(f"its host {host} is a bare IP address")
        copy = _copy_host(host)
        if copy:
            reasons.append(f"{copy} is a document-sharing or copy site")
        if reasons:
            shown = url if len(url) <= 60 else url[:57] + "..."
            yield Hit(
                r.at.get("url", r.pos),
                f"url '{shown}' of '{r.key}' is not a trustworthy reader-facing link: " + "; ".join(reasons),
                "link the DOI, PubMed, PMC or the publisher's https:// page (or remove the url); "
                "keep the copy as a verification check with `mirror: true`",
            )
