"""Rules of the computed bottom line (A040-A042): direction and size of effect, recorded and held to the data.

Each rated row's plain-language line is computed (`grade.plain`) from its certainty, the direction and
the size of its effect; these rules make sure the inputs are there and agree with the best estimate
(`grade.overlap.best_estimate`).
"""

from __future__ import annotations

from collections.abc import Iterator

from derma_evidence.contract.vocab import CERTAINTY_SCORE
from derma_evidence.grade import plain
from derma_evidence.grade.overlap import best_estimate, overlaps
from derma_evidence.model.answers import Outcome
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule


def _rated(kb: KnowledgeBase) -> Iterator[Outcome]:
    for c in kb.comparisons:
        for o in c.outcomes:
            if not o.no_evidence:
                yield o


@rule("A040", "bottom-line-missing")
def bottom_line_missing(kb: KnowledgeBase) -> Iterator[Hit]:
    """A rated row above very low certainty has no `bottom_line` (direction and size of its effect).

    Why: the row's plain-language line is computed from its certainty, the direction and the size of
    the effect (GRADE's informative statements, Santesso 2020: "may result in a large increase",
    "probably increases ... slightly", "may result in little to no difference"). At very low certainty
    the line is "the evidence is very uncertain about the effect" whatever the size, so the inputs
    are needed only above it. Size in words is a judgement, so it is recorded with its reason.

    Example: `certainty: low` and no `bottom_line:`.

    Fix: add `bottom_line: {direction: increase, size: small, rule: judgement, reason: "..."}`
    (for an SMD name Cohen's rule, `rule: cohen-d`; for a ratio GRADE's two-fold rule, `grade-ratio`).
    """
    for o in _rated(kb):
        if o.bottom_line is None and o.certainty in CERTAINTY_SCORE and o.certainty != "very-low":
            yield Hit(
                o.at.get("finding", o.at.get("certainty", o.pos)),
                f"outcome '{o.full_id}' ({o.certainty}) has no bottom_line to compute its plain-language line from",
                "add `bottom_line: {direction: ..., size: ..., rule: ..., reason: ...}`",
            )


@rule("A041", "size-not-by-rule")
def size_not_by_rule(kb: KnowledgeBase) -> Iterator[Hit]:
    """A recorded size of effect does not follow the rule of thumb it names, or the rule does not apply.

    Why: "large" is a claim; naming a rule (Cohen's 0.2/0.5/0.8 for an SMD, GRADE's two-fold for a
    ratio) makes it checkable against the best estimate. A rule that does not fit the estimate (Cohen
    on a mean difference in raw units, or on arm values) gives no size at all.

    Example: `size: large, rule: cohen-d` with a best estimate of SMD 0.64.

    Fix: set the size the help line gives, or use `rule: judgement` with a reason (or size
    `not-estimable` when no estimate on a common scale exists).
    """
    for o in _rated(kb):
        bl = o.bottom_line
        if bl is None or bl.rule is None or bl.size is None:
            continue
        best = best_estimate(o)
        if best is None and overlaps(o):
            continue  # several reviews, none marked best: A054
        problem = plain.size_problem(bl.rule, bl.size, best.measure if best else None, best.value if best else None)
        if problem:
            yield Hit(
                bl.at.get("size", bl.pos),
                f"bottom line of '{o.full_id}': {problem}",
                "set the size the rule gives, or `rule: judgement` with a reason",
            )


@rule("A042", "direction-against-estimate")
def direction_against_estimate(kb: KnowledgeBase) -> Iterator[Hit]:
    """A recorded direction (increase or reduction) is not what the best estimate's CI shows.

    Why: an increase cannot rest on a confidence interval that crosses no effect (0 for differences,
    1 for ratios), nor on one that lies on the other side; the computed line would say more than the
    estimate.

    Example: `direction: increase` with a best estimate SMD 0.2 (95% CI -0.35 to 0.75).

    Fix: use `direction: little-or-no-difference` (and say in the finding that the interval is wide),
    or correct the estimate if it was mistyped.
    """
    for o in _rated(kb):
        bl = o.bottom_line
        best = best_estimate(o)
        if bl is None or bl.direction is None or best is None:
            continue
        problem = plain.direction_problem(bl.direction, best.measure, best.value, best.ci_low, best.ci_high)
        if problem:
            yield Hit(
                bl.at.get("direction", bl.pos),
                f"bottom line of '{o.full_id}': {problem}",
                "use `direction: little-or-no-difference`, or check the estimate",
            )
