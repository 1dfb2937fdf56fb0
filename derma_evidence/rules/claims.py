"""Rules on claims and topics (C codes): ids, topics, sources, ranges, certainty, review dates, statements.

Each rule takes the whole knowledge base and yields hits. Its docstring is its reference entry (first
line: summary; then the why, a failing example and the fix), rendered into the site's rule reference.
Codes are permanent.

Over 500 lines: seventeen rules of one family, each a short function under a long docstring (its
reference entry); the family is read and looked up together, as the rule reference lists it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator

from derma_evidence.contract.vocab import CERTAINTY_RANK, CLAIM_TITLE_MAX, CONTROLLED_DESIGNS, ID_RE, STRONG_DESIGNS
from derma_evidence.diagnostics import Pos, Severity, Suggester
from derma_evidence.model.claims import Claim, Quantity, Reference, Topic
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule
from derma_evidence.rules.base import at as _at

QUOTE_MAX = 300
REVIEW_MAX_MONTHS = 24


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
    if sum(d in STRONG_DESIGNS for d in designs) >= 2:
        return "high"
    if any(d in CONTROLLED_DESIGNS for d in designs):
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


@rule("C018", "title-too-long")
def title_too_long(kb: KnowledgeBase) -> Iterator[Hit]:
    """A claim's `title` is longer than 64 characters.

    Why: the title names the claim in tables of contents and links, where a long one wraps the sidebar
    and buries the link; the whole statement stays the claim's heading.

    Example: `title:` repeating a 30-word statement.

    Fix: shorten the title to the claim's gist, or leave it out (the statement's first clause is used).
    """
    for c in kb.claims:
        if c.title is not None and len(c.title) > CLAIM_TITLE_MAX:
            yield Hit(
                _at(c, "title"),
                f"claim '{c.id}' has a title of {len(c.title)} characters, over {CLAIM_TITLE_MAX}",
                "shorten it to the claim's gist, or leave it out",
            )
