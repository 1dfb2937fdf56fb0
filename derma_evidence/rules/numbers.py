"""Rules on typed numbers (A016, A018-A027): finite, in range, out of labels, held to their intervals, and the
participants and studies of each row held to its trials and reviews.

Listed in `rules/__init__.py` (NUMBERS). Finding a number in a quote with its sign and decimals, the
ranges and "no effect" live in `grade/numbers.py`; these functions only find the values and report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from derma_evidence.diagnostics import Pos
from derma_evidence.grade import numbers
from derma_evidence.model.answers import Effect
from derma_evidence.model.claims import Trial
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule
from derma_evidence.rules.base import each_effect as _effects
from derma_evidence.rules.base import each_outcome as _outcomes
from derma_evidence.rules.base import effect_where as _where


@rule("A016", "effect-number-not-in-quote")
def effect_number_not_in_quote(kb: KnowledgeBase) -> Iterator[Hit]:
    """A number of an effect does not appear in its source's quote, with its sign and decimals.

    Why: every number must come from a sentence of the source that we saw; a number that is not in
    the quote was computed, converted, remembered or mistyped. Numbers are compared as printed:
    ".007" is not ".7", "-0.35" is not "0.35" (a hyphen between two numbers, "0.73-1.92", is a
    range, not a minus), and a p value keeps its comparator ("p < 0.01" is not "= 0.01"). Arm
    values and sizes are checked as the effect's own numbers are.

    Example: `value: 1.16` with a quote that prints 1.61, or `p: "= .7"` with a quote that prints
    "P = .007".

    Fix: quote the sentence that prints the number, or correct the number to the quoted one. If
    the source does not report it, leave the field out.
    """
    for _o, e in _effects(kb):
        if e.source is None or not e.source.quote:
            continue
        quote = e.source.quote
        checks: list[tuple[str, str, Pos]] = [(k, v, e.at[k]) for k, v in e.literals.items() if k in e.at]
        for i, a in enumerate(e.arms):
            checks.extend((f"arms[{i}].{k}", v, a.at[k]) for k, v in a.literals.items() if k in a.at)
        for name, literal, pos in checks:
            if numbers.literal_value(literal) is None:
                continue  # NaN and infinities: A018
            if numbers.find(literal, quote) is None:
                yield Hit(
                    pos,
                    f"{name} {literal} of effect '{e.label}' is not printed in its quote",
                    "quote the sentence that prints it, or leave the field out if the source does not report it",
                )
        if e.p is not None and "p" in e.at:
            if not numbers.parse_p(e.p):  # a bare number ("0.04"): held to the quote as a number
                for n in numbers.numbers_in(e.p):
                    if numbers.find(n.text, quote) is None:
                        yield Hit(e.at["p"], f"p {n.text} of effect '{e.label}' is not printed in its quote",
                                  "copy the p value as the quote prints it")
            for p in numbers.parse_p(e.p):
                if numbers.find_p(p, quote) is None:
                    yield Hit(
                        e.at["p"],
                        f"p {p.text} of effect '{e.label}' is not printed in its quote",
                        "copy the comparator and the number as the quote prints them (p < 0.01, P = .007)",
                    )


def _typed(e: Effect) -> Iterator[tuple[str, float, Pos]]:
    """Every typed number of an effect: its own fields and its arms' values and sizes."""
    for name in ("value", "ci_low", "ci_high", "i2"):
        v = getattr(e, name)
        if v is not None and name in e.at:
            yield name, v, e.at[name]
    for i, a in enumerate(e.arms):
        if a.value is not None and "value" in a.at:
            yield f"arms[{i}].value", a.value, a.at["value"]


@rule("A018", "number-not-finite")
def number_not_finite(kb: KnowledgeBase) -> Iterator[Hit]:
    """An effect's or an arm's number is NaN or an infinity (`.nan`, `.inf`).

    Why: no source prints an infinite or undefined estimate; such a value slips past range checks
    (every comparison with NaN is false) and breaks the forest plot and the build.

    Example: `ci_high: .inf`.

    Fix: copy the number the quote prints; leave the field out if the source does not report it.
    """
    for o, e in _effects(kb):
        for name, v, pos in _typed(e):
            problem = numbers.range_problem(name, v)
            if problem and "finite" in problem:
                yield Hit(pos, f"{problem} ({_where(o, e)})", "copy the number the quote prints, or leave it out")


@rule("A019", "number-out-of-range")
def number_out_of_range(kb: KnowledgeBase) -> Iterator[Hit]:
    """A number lies outside the range its kind allows: I² outside 0-100, a p value outside 0-1, or
    a ratio measure (RR, OR, HR) or one of its bounds at or below 0.

    Why: I² is a percentage, a p value a probability, and a ratio of risks or odds cannot be zero
    or negative; a value outside these ranges is a typo (140 for 14.0, a sign slipped in) that no
    reader should see as data.

    Example: `i2: 140`, `p: "= 1.5"`, or `measure: RR` with `ci_low: -0.2`.

    Fix: copy the number again from the quote; for a difference measure (MD, SMD, RD) set the
    right `measure:`.
    """
    for o, e in _effects(kb):
        for name, v, pos in _typed(e):
            base = name if name in ("i2",) else ("value" if name.startswith("arms") else name)
            problem = numbers.range_problem(base, v, e.measure if not name.startswith("arms") else None)
            if problem and "finite" not in problem:
                yield Hit(pos, f"{problem} ({_where(o, e)})", "copy the number again from the quote")
        if e.p and "p" in e.at:
            for p in numbers.parse_p(e.p):
                problem = numbers.range_problem("p", float(p.value))
                if problem:
                    yield Hit(e.at["p"], f"{problem} ({_where(o, e)})", "a p value lies between 0 and 1")


_UNIT_AFTER = re.compile(r"\s*(?:%|mm\b|µm\b|um\b|cm\b|mg\b|ml\b|mL\b|weeks?\b|months?\b)")


@rule("A020", "number-in-arm-label")
def number_in_arm_label(kb: KnowledgeBase) -> Iterator[Hit]:
    """An arm's label carries a number of the quote (a value or a size) instead of a typed field.

    Why: numbers in free text are read by no rule: a value changed from 91.4 to 19.4 in a label
    passes every check. Arm values and sizes are `value:` and `n:`, held to the quote.

    Example: `- {label: "Drug + physiotherapy, value: 91.4"}`.

    Fix: `- {label: Drug + physiotherapy, value: 91.4}` (and `n:` for the arm's size). Doses
    and lengths that name the arm ("5% cream", "0.6 mm") may stay in the label.
    """
    for o, e in _effects(kb):
        quote = e.source.quote if e.source and e.source.quote else ""
        printed = set(numbers.all_numbers(quote))
        for a in e.arms:
            label = a.label or ""
            for n in numbers.numbers_in(label):
                if _UNIT_AFTER.match(label, n.end):
                    continue
                if n.value in printed or re.search(r"\bvalue\b", label, re.I):
                    yield Hit(
                        a.at.get("label", a.pos),
                        f"arm label '{label}' of {_where(o, e)} carries the number {n.text}",
                        "type it: `value:` for the arm's result, `n:` for its size",
                    )
                    break


@rule("A021", "direction-on-null-interval")
def direction_on_null_interval(kb: KnowledgeBase) -> Iterator[Hit]:
    """A finding claims a direction of effect ("increases") while an effect of its row has a
    confidence interval that includes no effect, and the finding does not say so.

    Why: an interval that crosses no effect (0 for a difference, 1 for a ratio) is compatible with
    no difference; a finding that reads as a clear increase misreports it.

    Example: `finding: ... may reduce pain ...` over `ci_low: -0.35, ci_high: 0.92`.

    Fix: say that the interval includes no effect ("... may reduce pain, but the interval
    includes no difference"), or correct the bound if it was mistyped.
    """
    for o in _outcomes(kb):
        word = numbers.claims_direction(o.finding or "")
        if word is None or numbers.says_no_effect_possible(o.finding or ""):
            continue
        for e in o.effects:
            lo, hi = e.ci_low, e.ci_high
            if e.measure == "arms" or lo is None or hi is None:
                continue
            if not (numbers.finite(lo) and numbers.finite(hi)):
                continue
            if numbers.crosses_no_effect(e.measure, lo, hi):
                null = numbers.no_effect(e.measure)
                yield Hit(
                    e.at["ci_low"],
                    f"{_where(o, e)}: its CI {lo:g} to {hi:g} includes no effect ({null:g}), but the finding "
                    f"says '{word}' without saying so",
                    "say in the finding that the interval includes no effect, or correct the bound",
                )


# ---- participants and studies per row -----------------------------------------------------


def _trial_map(kb: KnowledgeBase) -> dict[str, Trial]:
    return {t.key: t for t in kb.trials if t.key}


@rule("A022", "studies-not-held-to-trials")
def studies_not_held_to_trials(kb: KnowledgeBase) -> Iterator[Hit]:
    """An outcome's `studies` is fewer than the trials it lists, or more, when no pooled estimate of
    the row says a review pooled that many.

    Why: the summary of findings prints "participants (studies)"; a count that the listed trials
    and reviews do not explain (`studies: 11` next to 3 trials) overstates the evidence.

    Example: `trials: [a, b, c]` with `studies: 11` and no effect `pooled_from: {review: ..., studies: 11}`.

    Fix: set `studies:` to the number of trials listed, or to the k of the review that pooled the
    row's estimate (and record it in that effect's `pooled_from`).
    """
    for o in _outcomes(kb):
        if o.studies is None or "studies" not in o.at:
            continue
        listed = len(o.trials)
        pooled = {e.pooled_from.studies for e in o.effects if e.pooled_from and e.pooled_from.studies}
        if o.studies < listed:
            yield Hit(
                o.at["studies"],
                f"outcome '{o.full_id}' has studies: {o.studies} but lists {listed} trials",
                f"set `studies: {listed}`",
            )
        elif o.studies != listed and o.studies not in pooled:
            why = f"the {listed} listed trials" + (
                f" or a pooled k ({', '.join(str(k) for k in sorted(pooled))})" if pooled else ""
            )
            yield Hit(
                o.at["studies"],
                f"outcome '{o.full_id}' has studies: {o.studies}, which neither {why} explain",
                f"set `studies: {listed}`, or record the review's k in `pooled_from`",
            )


@rule("A023", "participants-not-held-to-trials")
def participants_not_held_to_trials(kb: KnowledgeBase) -> Iterator[Hit]:
    """An outcome's `participants` exceeds the participants of the trials it lists, when no pooled
    estimate explains it.

    Why: a row cannot rest on more people than its trials enrolled; the number was mistyped or
    belongs to another outcome.

    Example: `trials: [dhurat2013]` (n: 100) with `participants: 1000`.

    Fix: write the number as printed for this outcome, at most the sum of the listed trials' `n`.
    """
    trials = _trial_map(kb)
    for o in _outcomes(kb):
        if o.participants is None or "participants" not in o.at or any(e.pooled for e in o.effects):
            continue
        ns = [trials[t.id].n for t in o.trials if t.id in trials]
        if not o.trials or len(ns) != len(o.trials) or any(n is None for n in ns):
            continue
        total = sum(n for n in ns if n is not None)
        if o.participants > total:
            yield Hit(
                o.at["participants"],
                f"outcome '{o.full_id}' has participants: {o.participants}, more than its trials enrolled ({total})",
                "write the number as printed for this outcome",
            )


@rule("A024", "row-counts-not-recorded")
def row_counts_not_recorded(kb: KnowledgeBase) -> Iterator[Hit]:
    """An outcome records neither its participants (or studies) nor that they are not reported.

    Why: a summary-of-findings row shows "participants (studies)"; a blank there reads as zero or
    as an oversight. As printed, or explicitly not reported.

    A "No studies found" row (`evidence: none`) is exempt: it shows no participants and 0 studies.

    Example: an outcome with `studies: 1` and no `participants:`.

    Fix: add `participants: 60` as the source prints it, or `not_reported: [participants]`.
    """
    for o in _outcomes(kb):
        if o.no_evidence:
            continue  # a "No studies found" row has no counts to record (A048)
        for name in ("participants", "studies"):
            if getattr(o, name) is None and name not in o.not_reported:
                yield Hit(
                    o.at.get("trials", o.at.get("id", o.pos)),
                    f"outcome '{o.full_id}' records no {name}",
                    f"add `{name}:` as printed, or `not_reported: [{name}]`",
                )


@rule("A025", "pooled-without-review")
def pooled_without_review(kb: KnowledgeBase) -> Iterator[Hit]:
    """A pooled estimate does not say which review pooled it and how many studies it pooled.

    Why: a pooled number without its review and k cannot be held to the review's inclusion list,
    and readers cannot tell how much evidence it carries.

    Example: `pooled: true` with no `pooled_from:`.

    Fix: add `pooled_from: {review: ahmed2025, studies: 11}` (or `not_reported: [studies]`).
    """
    for o, e in _effects(kb):
        if e.pooled and e.pooled_from is None:
            yield Hit(
                e.at.get("pooled", e.pos),
                f"pooled {_where(o, e)} has no `pooled_from`",
                f"add `pooled_from: {{review: {e.source.key if e.source else '...'}, studies: ...}}`",
            )
        elif e.pooled_from is not None:
            pf = e.pooled_from
            if pf.studies is None and "studies" not in pf.not_reported:
                yield Hit(
                    pf.at.get("review", pf.pos),
                    f"{_where(o, e)}: `pooled_from` gives no number of studies",
                    "add `studies:` as printed, or `not_reported: [studies]`",
                )


@rule("A026", "pooled-from-unknown-review")
def pooled_from_unknown_review(kb: KnowledgeBase) -> Iterator[Hit]:
    """`pooled_from` names a review that is not under `reviews:`, or more studies than the review includes.

    Why: the k of a pooled estimate is held to the review's own count; a review we have no record of
    cannot be checked.

    Example: `pooled_from: {review: ahmed2025, studies: 14}` where ahmed2025 has `count: 12`.

    Fix: add the review under `reviews:` (its count and quote), or correct `studies:`.
    """
    reviews = {r.key: r for r in kb.reviews if r.key}
    for o, e in _effects(kb):
        pf = e.pooled_from
        if pf is None or pf.review is None:
            continue
        r = reviews.get(pf.review)
        if r is None:
            yield Hit(
                pf.at.get("review", pf.pos),
                f"{_where(o, e)} is pooled from '{pf.review}', not under `reviews:`",
                "add the review under `reviews:` with its count and quote",
            )
        elif pf.studies is not None and r.count is not None and pf.studies > r.count:
            yield Hit(
                pf.at["studies"],
                f"{_where(o, e)} pools {pf.studies} studies; review '{r.key}' includes {r.count}",
                f"at most {r.count}",
            )


@rule("A027", "review-count-below-listed")
def review_count_below_listed(kb: KnowledgeBase) -> Iterator[Hit]:
    """A review's `count` is smaller than the number of trials listed as `included`.

    Why: a review cannot include fewer studies than we list for it; one of the two is wrong.

    Example: `count: 2` with `included: [a, b, c]`.

    Fix: copy the count from the review's quote, or correct the list.
    """
    for r in kb.reviews:
        if r.count is not None and len(r.included) > r.count:
            yield Hit(
                r.at.get("count", r.pos),
                f"review '{r.key}' has count {r.count} but lists {len(r.included)} included trials",
                "copy the count from the quote, or correct `included`",
            )
