"""Rules of the answers layer (A001-A049): questions, comparisons, outcomes, GRADE, risk of bias, effects.

Listed in `rules/__init__.py` (ANSWERS). The GRADE arithmetic, the RoB 2 algorithm and the hedge
words live in `grade/certainty.py`; these functions only find the values and report.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from derma_evidence.contract.vocab import (
    CERTAINTY_SCORE,
    GRADE_DOMAIN_WORDS,
    GRADE_START,
    ROB_JUDGEMENTS,
)
from derma_evidence.diagnostics import Pos, Suggester
from derma_evidence.grade import certainty as grade
from derma_evidence.grade import rob2
from derma_evidence.model.answers import Comparison, Effect, Outcome, Question
from derma_evidence.model.claims import Ref
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule
from derma_evidence.rules.claims import duplicate_ids


def _outcomes(kb: KnowledgeBase) -> Iterator[Outcome]:
    for c in kb.comparisons:
        yield from c.outcomes


def _unknown(refs: Iterable[Ref], known: Suggester, what: str, fix: str) -> Iterator[Hit]:
    """Hits for ids not in `known`, made once per rule (once per question made the rule quadratic)."""
    for r in refs:
        if r.id not in known:
            yield Hit(r.pos, f"unknown {what} '{r.id}'", known(r.id) or fix)


@rule("A001", "unknown-outcome")
def unknown_outcome(kb: KnowledgeBase) -> Iterator[Hit]:
    """A question rests on an outcome id that no comparison defines.

    Why: the answer would link to a summary-of-findings row that does not exist, and its certainty
    could not be held to the outcome's.

    Example: `rests_on: {outcomes: [drug-vs-placebo--pain-scroe]}`.

    Fix: use the full id `<comparison id>--<outcome id>` of an existing outcome (the help line
    suggests the nearest).
    """
    known = Suggester(kb.outcome_map())
    for q in kb.questions:
        yield from _unknown(q.outcomes, known, "outcome", "define the outcome under its comparison first")


@rule("A002", "unknown-claim")
def unknown_claim(kb: KnowledgeBase) -> Iterator[Hit]:
    """A question or an outcome names a claim id that is not under `claims:`.

    Why: the link to the claim would be dead, and the answer would rest on nothing.

    Example: `rests_on: {claims: [combination-beats-placebp]}`.

    Fix: use an existing claim id (the help line suggests the nearest).
    """
    known = Suggester(c.id for c in kb.claims if c.id)
    for q in kb.questions:
        yield from _unknown(q.claims, known, "claim", "use the id of an existing claim")
    for o in _outcomes(kb):
        yield from _unknown(o.claims, known, "claim", "use the id of an existing claim")


@rule("A003", "unknown-trial")
def unknown_trial(kb: KnowledgeBase) -> Iterator[Hit]:
    """An outcome or a review lists a trial key that is neither a row of `trials:` nor a reference.

    Why: the summary-of-findings row and the "which trials each review included" table would name
    a trial a reader cannot look up.

    Example: `trials: [dhurat2031]`.

    Fix: use the citation key of a trial under `trials:` (or in references.bib).
    """
    known = Suggester({t.key for t in kb.trials if t.key} | {r.key for r in kb.references})
    fix = "add the trial under `trials:` (and its reference) first"
    for o in _outcomes(kb):
        yield from _unknown(o.trials, known, "trial", fix)
    for r in kb.reviews:
        yield from _unknown(r.included, known, "trial", fix)


@rule("A004", "unknown-answer-citation")
def unknown_answer_citation(kb: KnowledgeBase) -> Iterator[Hit]:
    """An effect's source or a review names a citation key that is not in references.bib.

    Why: every number of a summary of findings must trace to a reference a reader can check.

    Example: `source: {key: xu2042, ...}`.

    Fix: correct the key (the help line suggests the nearest) or add the reference first.
    """
    keys = {r.key for r in kb.references}
    suggest = Suggester(keys, n=3)
    found: list[tuple[str, Pos]] = []
    for o in _outcomes(kb):
        for e in o.effects:
            if e.source and e.source.key:
                found.append((e.source.key, e.source.at.get("key", e.source.pos)))
    for r in kb.reviews:
        if r.key:
            found.append((r.key, r.at.get("key", r.pos)))
    for key, pos in found:
        if key not in keys:
            yield Hit(pos, f"citation key '{key}' is not in references.bib", suggest(key) or "add it first")


@rule("A005", "unknown-answer-topic")
def unknown_answer_topic(kb: KnowledgeBase) -> Iterator[Hit]:
    """A question or a comparison names a topic that is not under `topics:`.

    Why: the link to the long read would be dead.

    Example: `topic: trials-eficacy`.

    Fix: use an existing topic id (the help line suggests the nearest).
    """
    topics = {t.id for t in kb.topics if t.id}
    suggest = Suggester(topics)
    objs: tuple[Question | Comparison, ...] = (*kb.questions, *kb.comparisons)
    for obj in objs:
        if obj.topic is not None and obj.topic not in topics:
            pos = obj.at.get("topic", obj.pos)
            yield Hit(pos, f"unknown topic '{obj.topic}'", suggest(obj.topic) or "define it under `topics:`")


@rule("A006", "duplicate-answer-id")
def duplicate_answer_id(kb: KnowledgeBase) -> Iterator[Hit]:
    """Two questions, comparisons, outcomes of one comparison, or review records share an id.

    Why: ids are permanent anchors; a duplicate makes links land on the wrong answer or row, and
    a question resting on the id would rest on two things.

    Example: two outcomes `id: pain-score` in the same comparison.

    Fix: give the newer one its own id; never reuse an id.
    """
    groups: list[tuple[str, list[tuple[str | None, Pos]]]] = [
        ("question id", [(q.id, q.at.get("id", q.pos)) for q in kb.questions]),
        ("comparison id", [(c.id, c.at.get("id", c.pos)) for c in kb.comparisons]),
        ("outcome id", [(o.full_id, o.at.get("id", o.pos)) for o in _outcomes(kb)]),
        ("review key", [(r.key, r.at.get("key", r.pos)) for r in kb.reviews]),
    ]
    yield from duplicate_ids(groups, "give it its own id")


def _rests_on_certainty(
    om: dict[str, Outcome], cm: dict[str, str], outs: Iterable[Ref], claims: Iterable[Ref]
) -> tuple[str | None, str]:
    """The lowest certainty of the outcomes (or, with no outcome, of the claims); maps built once per check."""
    found = [om[r.id].certainty or "" for r in outs if r.id in om]
    if found:
        return grade.lowest(found), "outcomes"
    return grade.lowest(cm[r.id] for r in claims if r.id in cm), "claims"


@rule("A007", "answer-more-certain-than-evidence")
def answer_more_certain_than_evidence(kb: KnowledgeBase) -> Iterator[Hit]:
    """A question's certainty is higher than the lowest certainty of what it rests on.

    Why: GRADE's overall certainty is that of the least certain critical outcome; an answer cannot
    be surer than its evidence. When it rests on claims only, the lowest claim certainty caps it.

    Example: `certainty: moderate` on an answer resting on a `low` outcome.

    Fix: lower the answer's certainty (and its hedge) to the level named in the help line.
    """
    om, cm = kb.outcome_map(), {c.id: c.certainty or "" for c in kb.claims if c.id}
    for q in kb.questions:
        if q.certainty not in CERTAINTY_SCORE:
            continue
        cap, what = _rests_on_certainty(om, cm, q.outcomes, q.claims)
        if cap is not None and CERTAINTY_SCORE[q.certainty] > CERTAINTY_SCORE[cap]:
            yield Hit(
                q.at.get("certainty", q.pos),
                f"answer certainty '{q.certainty}' is higher than the lowest certainty of its {what} ('{cap}')",
                f"set `certainty: {cap}` and word the answer for it ({grade.expected_phrase(cap)})",
            )


@rule("A008", "certainty-not-grade-arithmetic")
def certainty_not_grade_arithmetic(kb: KnowledgeBase) -> Iterator[Hit]:
    """An outcome's certainty differs from its GRADE arithmetic.

    Why: the certainty must follow from the stated judgements: start high for randomised and low
    for observational evidence, 1 level down per serious and 2 per very serious domain, upgrades for
    observational evidence only, never below very low. Changing one judgement without the
    certainty (or the reverse) fails here, at the certainty line.

    Example: `certainty: moderate` with `start: randomised`, risk of bias and imprecision `serious`.

    Fix: set the certainty the help line computes, or revisit the judgement that changed.
    """
    for o in _outcomes(kb):
        g = o.grade
        if g is None or g.start not in GRADE_START or o.certainty not in CERTAINTY_SCORE:
            continue
        result = grade.arithmetic(
            g.start, [(name, j.judgement or "") for name, j in g.domains], [u.levels or 0 for u in g.upgrades]
        )
        if result.certainty != o.certainty:
            yield Hit(
                o.at.get("certainty", o.pos),
                f"outcome '{o.full_id}' has certainty '{o.certainty}'; its GRADE judgements give '{result.certainty}'",
                f"set `certainty: {result.certainty}` ({result.sum})",
            )


@rule("A009", "downgrade-without-reason")
def downgrade_without_reason(kb: KnowledgeBase) -> Iterator[Hit]:
    """A serious or very serious GRADE judgement, or an upgrade, has no reason.

    Why: the reason is the footnote a reader sees in the summary-of-findings table; a downgrade
    without one cannot be checked or disputed.

    Example: `imprecision: {judgement: serious}`.

    Fix: add `reason:` with one sentence, e.g. "Two small trials; the CI is wide."
    """
    for o in _outcomes(kb):
        if o.grade is None:
            continue
        for name, j in o.grade.domains:
            if j.judgement in ("serious", "very-serious") and not (j.reason or "").strip():
                yield Hit(
                    j.at.get("reason", j.at.get("judgement", j.pos)),
                    f"{GRADE_DOMAIN_WORDS[name]} of '{o.full_id}' is judged {j.judgement} without a reason",
                    "add `reason:` with one sentence saying why",
                )
        for u in o.grade.upgrades:
            if not (u.reason or "").strip():
                yield Hit(u.pos, f"upgrade of '{o.full_id}' has no reason", "add `reason:`")


@rule("A010", "upgrade-on-randomised")
def upgrade_on_randomised(kb: KnowledgeBase) -> Iterator[Hit]:
    """An outcome whose evidence is randomised is upgraded.

    Why: GRADE upgrades (large effect, dose-response, plausible confounding) apply only to
    observational evidence; randomised evidence already starts high.

    Example: `start: randomised` with `upgrades: [{factor: large-effect, levels: 1, ...}]`.

    Fix: remove the upgrade, or correct `start:` if the evidence is observational.
    """
    for o in _outcomes(kb):
        if o.grade is not None and o.grade.start == "randomised":
            for u in o.grade.upgrades:
                yield Hit(
                    u.pos,
                    f"outcome '{o.full_id}' starts from randomised evidence but is upgraded ({u.factor})",
                    "upgrades apply to observational evidence only: remove it",
                )


@rule("A012", "rob-overall-inconsistent")
def rob_overall_inconsistent(kb: KnowledgeBase) -> Iterator[Hit]:
    """A trial's overall risk of bias does not follow RoB 2's algorithm from its five domains.

    Why: RoB 2's overall judgement is low only when every domain is low, high when any domain is
    high, and otherwise some concerns. The guidance lets reviewers judge several domains with some
    concerns as high overall; that is a judgement, so it is an `override:` with its reason (A038),
    not a silent choice. Domain overrides count as the domain's judgement.

    Example: `overall: low` with `missing_data: {judgement: some-concerns, ...}`.

    Fix: set the overall judgement the help line gives, or revisit the domain judgement; to depart
    from it, keep the derived `overall:` and add `override: {judgement: high, reason: ...}`.
    """
    for t in kb.trials:
        rob = t.rob
        if rob is None or rob.overall not in ROB_JUDGEMENTS or len(rob.domains) < 5:
            continue
        js = [j.final or "" for _, j in rob.domains]
        if any(j not in ROB_JUDGEMENTS for j in js):
            continue
        derived = rob2.overall(js)
        if rob.overall != derived:
            yield Hit(
                rob.at.get("overall", rob.pos),
                f"overall risk of bias '{rob.overall}' of trial '{t.key}' does not follow from its domains",
                f"RoB 2 gives `overall: {derived}`"
                + ("; to judge it high, add `override: {judgement: high, reason: ...}`" if derived != "high" else ""),
            )


@rule("A013", "rob-judgement-without-reason")
def rob_judgement_without_reason(kb: KnowledgeBase) -> Iterator[Hit]:
    """A RoB 2 domain judged some concerns or high has no reason.

    Why: the reason is what a reader checks; a judgement without one cannot be disputed.

    Example: `randomisation: {judgement: some-concerns}`.

    Fix: add `reason:` with one sentence, e.g. "Allocation concealment is not described."
    """
    for t in kb.trials:
        if t.rob is None:
            continue
        for name, j in t.rob.domains:
            if j.judgement in ("some-concerns", "high") and not (j.reason or "").strip():
                yield Hit(
                    j.at.get("judgement", j.pos),
                    f"risk-of-bias domain '{name}' of trial '{t.key}' is '{j.judgement}' without a reason",
                    "add `reason:` with one sentence saying why",
                )


def _effects(kb: KnowledgeBase) -> Iterator[tuple[Outcome, Effect]]:
    for o in _outcomes(kb):
        for e in o.effects:
            yield o, e


@rule("A014", "effect-outside-ci")
def effect_outside_ci(kb: KnowledgeBase) -> Iterator[Hit]:
    """An effect's estimate lies outside its confidence interval, or only one bound is given.

    Why: a 95% CI contains its point estimate; an estimate outside it is a transcription error
    (swapped or mistyped numbers), and a half interval cannot be drawn.

    Example: `value: 1.16, ci_low: 1.42, ci_high: 0.86`.

    Fix: copy the three numbers again from the quote, in order: estimate, lower, upper bound.
    """
    for o, e in _effects(kb):
        if e.measure == "arms":
            continue
        lo, hi = e.ci_low, e.ci_high
        if (lo is None) != (hi is None):
            present = "ci_low" if lo is not None else "ci_high"
            yield Hit(
                e.at[present],
                f"effect '{e.label}' of '{o.full_id}' gives only {present}",
                "give both bounds, or neither",
            )
            continue
        if lo is None or hi is None or e.value is None:
            continue
        if not lo <= e.value <= hi:
            yield Hit(
                e.at.get("value", e.pos),
                f"effect '{e.label}' of '{o.full_id}': estimate {e.value:g} is not within its CI {lo:g} to {hi:g}",
                "check the order: value, ci_low, ci_high as the source prints them",
            )


@rule("A015", "effect-shape-mismatch")
def effect_shape_mismatch(kb: KnowledgeBase) -> Iterator[Hit]:
    """An effect's fields do not fit its measure: a CI or estimate on `arms`, arms on an estimate, or nothing to show.

    Why: `measure: arms` means the source gives arm values and a p-value but no estimate with a
    spread; a CI there would be invented. An MD, SMD, RR, OR or RD needs its estimate.

    Example: `measure: arms` with `ci_low: 0.8`.

    Fix: for arm values use `arms:` (and `p:`); for an estimate use `value:` (with the CI if reported).
    """
    for o, e in _effects(kb):
        where = f"effect '{e.label}' of '{o.full_id}'"
        if e.measure == "arms":
            for fld in ("value", "ci_low", "ci_high"):
                if fld in e.at:
                    yield Hit(
                        e.at[fld],
                        f"{where} has `{fld}` but measure 'arms'",
                        "arms effects give `arms:` and `p:` only",
                    )
            if not e.arms:
                yield Hit(
                    e.at.get("measure", e.pos),
                    f"{where} has measure 'arms' but no arms",
                    "add `arms:` with each arm's value",
                )
        elif e.measure is not None:
            if e.arms:
                yield Hit(
                    e.at.get("arms", e.pos),
                    f"{where} has arms but measure '{e.measure}'",
                    "use `measure: arms`, or remove `arms:`",
                )
            if "value" not in e.at:
                yield Hit(
                    e.at.get("measure", e.pos),
                    f"{where} ({e.measure}) has no `value`",
                    "add the estimate the source reports",
                )


@rule("A017", "nothing-to-rest-on")
def nothing_to_rest_on(kb: KnowledgeBase) -> Iterator[Hit]:
    """A question rests on no outcome and no claim, or an outcome has no effect.

    Why: an answer or a summary-of-findings row with nothing beneath it is an opinion.

    Example: a question without `rests_on:`, or `effects: []`.

    Fix: name the outcomes and claims the answer rests on; give each outcome the effects its
    sources report (arm values and p when there is no estimate), or, when no study measured it,
    mark it `evidence: none`.
    """
    for q in kb.questions:
        if not q.outcomes and not q.claims:
            yield Hit(
                q.rests_on_pos or q.pos,
                f"question '{q.id}' rests on no outcome and no claim",
                "add `rests_on: {outcomes: [...], claims: [...]}`",
            )
    for o in _outcomes(kb):
        if not o.effects and not o.no_evidence:  # `evidence: none` rows say "No studies found" (A048)
            yield Hit(
                o.at.get("effects", o.pos),
                f"outcome '{o.full_id}' has no effects",
                "add the effects its sources report",
            )
