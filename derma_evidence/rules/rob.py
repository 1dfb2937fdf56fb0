"""Rules of RoB 2 from its signalling questions (A035-A039).

Listed in `rules/__init__.py` (ROB). The questions, their options and RoB 2's algorithms live in
`grade/rob2.py`; the overall judgement is A012 (rules/answers.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from derma_evidence.contract.vocab import RANDOMISED_DESIGNS
from derma_evidence.grade import rob2
from derma_evidence.model.answers import Outcome
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule


def _outcomes(kb: KnowledgeBase) -> Iterator[Outcome]:
    for c in kb.comparisons:
        yield from c.outcomes


@rule("A035", "rob-answers-invalid")
def rob_answers_invalid(kb: KnowledgeBase) -> Iterator[Hit]:
    """A RoB 2 domain's signalling answers do not fit the tool: wrong number, an option the question
    does not offer, NA where the algorithm asks, or an answer where it skips.

    Why: the judgement is derived from the answers by RoB 2's algorithm; answers the tool would
    not accept give no judgement, or one for the wrong reasons.

    Example: `randomisation: {answers: Y Y, ...}` (three questions), or `missing_data: {answers:
    N NI NA NA}` (3.2 offers no NI).

    Fix: one answer per question in the tool's order (Y, PY, PN, N, NI; NA where skipped).
    """
    for t in kb.trials:
        if t.rob is None:
            continue
        effect = t.rob.effect or "assignment"
        for name, j in t.rob.domains:
            if j.answers is None:
                continue
            d = rob2.derive(name, rob2.parse_answers(j.answers), effect)
            for problem in d.problems:
                yield Hit(
                    j.at.get("answers", j.pos),
                    f"RoB 2 {name} of '{t.key}': {problem}",
                    "one answer per question, in the tool's order; NA where the algorithm skips",
                )


@rule("A036", "rob-judgement-not-from-answers")
def rob_judgement_not_from_answers(kb: KnowledgeBase) -> Iterator[Hit]:
    """A RoB 2 domain judgement is not the one RoB 2's algorithm derives from its signalling answers.

    Why: the official tool proposes each domain judgement from the answers; a different judgement
    is an override and must say so (`override: {judgement, reason}`), or it is an error.

    Example: `{answers: NI NI NI, judgement: low}` (1.2 NI gives some concerns at best).

    Fix: set the derived judgement (the help line shows the algorithm's path), or keep the
    derived `judgement:` and add `override: {judgement: ..., reason: ...}`.
    """
    for t in kb.trials:
        if t.rob is None:
            continue
        effect = t.rob.effect or "assignment"
        for name, j in t.rob.domains:
            if j.answers is None or j.judgement is None:
                continue
            d = rob2.derive(name, rob2.parse_answers(j.answers), effect)
            if d.judgement is not None and d.judgement != j.judgement:
                yield Hit(
                    j.at.get("judgement", j.pos),
                    f"RoB 2 {name} of '{t.key}' is '{j.judgement}'; its answers give '{d.judgement}'",
                    f"`judgement: {d.judgement}` ({rob2.describe(d)}); a departure goes in `override:` with a reason",
                )


@rule("A037", "rob-answers-missing")
def rob_answers_missing(kb: KnowledgeBase) -> Iterator[Hit]:
    """A RoB 2 domain has a judgement but no signalling answers.

    Why: RoB 2 judgements come from the answers to its signalling questions; without them a reader
    cannot see why a domain is low, some concerns or high.

    Example: `randomisation: {judgement: some-concerns, reason: ...}` without `answers:`.

    Fix: add `answers: NI NI NI` (one per question, in order; NI where the report is silent).
    """
    for t in kb.trials:
        if t.rob is None:
            continue
        for name, j in t.rob.domains:
            if j.answers is None:
                n = len(rob2.questions(name, t.rob.effect or "assignment"))
                yield Hit(
                    j.at.get("judgement", j.pos),
                    f"RoB 2 {name} of '{t.key}' has no signalling answers",
                    f"add `answers:` with {n} answers in the tool's order",
                )


@rule("A038", "rob-override-not-shown")
def rob_override_not_shown(kb: KnowledgeBase) -> Iterator[Hit]:
    """A RoB 2 override has no reason, or changes nothing.

    Why: an override departs from the tool's algorithm; it is shown as one, with the reason, and
    an override equal to the algorithm's result only hides that nothing was overridden.

    Example: `override: {judgement: high, reason: ""}`.

    Fix: write one sentence saying why the algorithm's judgement does not fit, or remove the override.
    """
    for t in kb.trials:
        if t.rob is None:
            continue
        items = [(f"{name}", j.override, j.judgement) for name, j in t.rob.domains]
        items.append(("overall", t.rob.override, t.rob.overall))
        for what, ov, base in items:
            if ov is None:
                continue
            if not (ov.reason or "").strip():
                yield Hit(
                    ov.at.get("reason", ov.pos),
                    f"RoB 2 {what} override of '{t.key}' has no reason",
                    "add `reason:` with one sentence",
                )
            elif ov.judgement == base:
                yield Hit(
                    ov.at.get("judgement", ov.pos),
                    f"RoB 2 {what} override of '{t.key}' equals the algorithm's '{base}'",
                    "remove the override",
                )


@rule("A039", "rob-not-for-this-result")
def rob_not_for_this_result(kb: KnowledgeBase) -> Iterator[Hit]:
    """A RoB 2 block names a result (`results:`) that is not an outcome listing the trial, or an
    outcome judged "not serious" for risk of bias lists a randomised trial whose RoB 2 assessment
    is for another result.

    Why: RoB 2 is result-specific: a self-rated outcome in an open trial is not assessed with the
    block made for an assessor-blinded measurement.

    Example: `results: [drug-vs-placebo--patient-rated]` on a block for a measured outcome, or a
    not-serious row listing a trial assessed only for another outcome.

    Fix: list under `results:` the outcomes whose result the block assessed; assess the others
    separately or judge their risk of bias without it.
    """
    om = kb.outcome_map()
    for t in kb.trials:
        if t.rob is None:
            continue
        for r in t.rob.results:
            o = om.get(r.id)
            if o is None or all(x.id != t.key for x in o.trials):
                yield Hit(
                    r.pos,
                    f"RoB 2 of '{t.key}' is for '{r.id}', which does not list the trial",
                    "name an outcome whose `trials:` lists it",
                )
    trials = {t.key: t for t in kb.trials if t.key}
    for o in _outcomes(kb):
        rb = o.grade.domain("risk_of_bias") if o.grade else None
        if rb is None or rb.judgement != "not-serious":
            continue
        for r in o.trials:
            tr = trials.get(r.id)
            if tr is None or tr.design not in RANDOMISED_DESIGNS:
                continue
            if tr.rob is None or all(x.id != o.full_id for x in tr.rob.results):
                yield Hit(
                    rb.at.get("judgement", rb.pos),
                    f"outcome '{o.full_id}' is judged not serious, but '{r.id}' has no RoB 2 assessment of this result",
                    f"assess '{r.id}' for this result (`results:`), or judge risk of bias without it",
                )
