"""Rules holding design, risk of bias and GRADE to each other (A028-A034).

Listed in `rules/__init__.py` (DESIGN): a randomised start only for randomised studies, a high-risk trial
not silently under "not serious", GRADE's upgrade bounds, RoB 2 only for randomised trials, a tool (or
"not assessed") for the others, and no effect resting on a retracted paper.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from derma_evidence.contract.vocab import GRADE_DOMAIN_WORDS, RANDOMISED_DESIGNS, UPGRADE_MAX, UPGRADE_TOTAL_MAX
from derma_evidence.model.claims import Trial
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule
from derma_evidence.rules.base import each_effect as _effects
from derma_evidence.rules.base import each_outcome as _outcomes
from derma_evidence.rules.base import effect_where as _where

COMPARATIVE_NON_RANDOMISED = frozenset({"controlled-trial", "cohort"})
"""Designs ROBINS-I is made for: A033 asks them for a tool even when no outcome row lists them."""



def _trial_map(kb: KnowledgeBase) -> dict[str, Trial]:
    return {t.key: t for t in kb.trials if t.key}


def _design(kb: KnowledgeBase, key: str) -> str | None:
    for t in kb.trials:
        if t.key == key:
            return t.design
    ref = kb.reference_map().get(key)
    return ref.design if ref is not None else None


@rule("A028", "randomised-start-non-randomised")
def randomised_start_non_randomised(kb: KnowledgeBase) -> Iterator[Hit]:
    """An outcome starts from randomised evidence but lists a study that is not a randomised trial.

    Why: GRADE starts randomised evidence high and non-randomised evidence low; a body of evidence
    with a non-randomised study in it does not start high.

    Example: `start: randomised` with `trials: [dhurat2013, faghihi2021]` (faghihi2021: controlled-trial).

    Fix: grade the non-randomised studies in their own row with `start: observational`, or correct
    the trial's design.
    """
    for o in _outcomes(kb):
        if o.grade is None or o.grade.start != "randomised":
            continue
        for t in o.trials:
            d = _design(kb, t.id)
            if d is not None and d not in RANDOMISED_DESIGNS:
                yield Hit(
                    o.grade.at.get("start", o.grade.pos),
                    f"outcome '{o.full_id}' starts randomised but lists '{t.id}' ({d})",
                    "give the non-randomised studies their own row with `start: observational`",
                )


def _names(kb: KnowledgeBase, key: str) -> list[str]:
    """Words by which a reason may name a trial: its key and its first author's surname."""
    out = [key]
    ref = kb.reference_map().get(key)
    author = ref.get("author") if ref is not None else None
    if author:
        first = author.split(" and ")[0]
        surname = first.split(",")[0].strip() if "," in first else first.split()[-1]
        if surname:
            out.append(surname.strip("{}"))
    m = re.fullmatch(r"pmid(\d+)", key)
    if m:
        out.append(m.group(1))
    return out


@rule("A029", "high-risk-trial-not-serious")
def high_risk_trial_not_serious(kb: KnowledgeBase) -> Iterator[Hit]:
    """An outcome lists a trial whose RoB 2 overall judgement is high, but its GRADE risk of bias is
    "not serious" and the reason does not name that trial.

    Why: GRADE rates down for risk of bias when the studies are at high risk; keeping "not serious"
    may be right (a small weight, a sensitivity analysis), but only with a reason that says so.

    Example: `risk_of_bias: {judgement: not-serious}` with `trials: [shah2017]` (overall high).

    Fix: judge risk of bias serious (and lower the certainty), or name the trial in the reason and
    say why it does not lower the certainty.
    """
    trials = _trial_map(kb)
    for o in _outcomes(kb):
        rb = o.grade.domain("risk_of_bias") if o.grade else None
        if rb is None or rb.judgement != "not-serious":
            continue
        reason = (rb.reason or "").lower()
        for r in o.trials:
            t = trials.get(r.id)
            if t is None or t.rob is None or t.rob.final != "high":
                continue
            if not any(n.lower() in reason for n in _names(kb, r.id)):
                yield Hit(
                    rb.at.get("judgement", rb.pos),
                    f"outcome '{o.full_id}' lists '{r.id}' (RoB 2 overall high) under risk of bias 'not serious'",
                    f"judge it serious, or name {r.id} in the reason and say why it does not lower the certainty",
                )


@rule("A030", "upgrade-beyond-bounds")
def upgrade_beyond_bounds(kb: KnowledgeBase) -> Iterator[Hit]:
    """An upgrade exceeds GRADE's bounds: more than 2 levels for a large effect, more than 1 for
    dose-response or plausible confounding, a factor used twice, or more than 2 levels in all.

    Why: GRADE allows +1 for a large and +2 for a very large effect, +1 for a dose-response
    gradient and +1 when plausible confounding would reduce the effect; observational evidence
    starts low, so two levels reach high.

    Example: `upgrades: [{factor: large-effect, levels: 5, ...}]`.

    Fix: use GRADE's levels; at most two in all.
    """
    for o in _outcomes(kb):
        if o.grade is None:
            continue
        seen: set[str] = set()
        total = 0
        for u in o.grade.upgrades:
            levels = u.levels or 0
            total += levels
            limit = UPGRADE_MAX.get(u.factor or "")
            pos = u.at.get("levels", u.pos)
            if limit is not None and levels > limit:
                yield Hit(
                    pos,
                    f"upgrade '{u.factor}' of '{o.full_id}' is {levels} levels; GRADE allows {limit}",
                    f"`levels: {limit}` at most",
                )
            elif u.factor in seen:
                yield Hit(
                    u.at.get("factor", u.pos),
                    f"upgrade '{u.factor}' of '{o.full_id}' is used twice",
                    "one upgrade per factor",
                )
            elif total > UPGRADE_TOTAL_MAX:
                yield Hit(
                    pos,
                    f"upgrades of '{o.full_id}' add {total} levels; GRADE allows 2 in all",
                    "at most two levels in all",
                )
            if u.factor:
                seen.add(u.factor)


@rule("A031", "upgrade-despite-limitations")
def upgrade_despite_limitations(kb: KnowledgeBase) -> Iterator[Hit]:
    """An outcome is upgraded while its risk of bias or imprecision is serious or very serious.

    Why: GRADE upgrades only evidence that has no serious limitation that could explain the effect;
    a large effect from biased or imprecise studies is no reason for more confidence.

    Example: `risk_of_bias: {judgement: serious, ...}` with an upgrade for a large effect.

    Fix: remove the upgrade, or revisit the judgement that is serious.
    """
    for o in _outcomes(kb):
        if o.grade is None or not o.grade.upgrades:
            continue
        limits = [
            n
            for n in ("risk_of_bias", "imprecision")
            if (j := o.grade.domain(n)) is not None and j.judgement in ("serious", "very-serious")
        ]
        if limits:
            for u in o.grade.upgrades:
                yield Hit(
                    u.pos,
                    f"outcome '{o.full_id}' is upgraded ({u.factor}) despite serious "
                    + " and ".join(GRADE_DOMAIN_WORDS[n] for n in limits),
                    "remove the upgrade: GRADE upgrades only evidence without serious limitations",
                )


@rule("A032", "rob2-on-non-randomised")
def rob2_on_non_randomised(kb: KnowledgeBase) -> Iterator[Hit]:
    """A study that is not a randomised trial has a RoB 2 assessment.

    Why: RoB 2 is made for randomised trials; its first domain asks how the allocation was
    randomised. A cohort or non-randomised controlled study needs ROBINS-I (or says it was not
    assessed).

    Example: `design: cohort` with `rob: {...}`.

    Fix: remove `rob:` and add `rob_tool: {tool: robins-i, reason: ...}` or `{tool: not-assessed, reason: ...}`.
    """
    for t in kb.trials:
        if t.rob is not None and t.design is not None and t.design not in RANDOMISED_DESIGNS:
            yield Hit(
                t.at.get("rob", t.pos),
                f"trial '{t.key}' ({t.design}) has a RoB 2 assessment",
                "RoB 2 is for randomised trials: use `rob_tool:` (robins-i or not-assessed)",
            )


@rule("A033", "non-randomised-without-tool")
def non_randomised_without_tool(kb: KnowledgeBase) -> Iterator[Hit]:
    """A study that is not a randomised trial names no risk-of-bias tool and does not say it was not assessed.

    Applies to every non-randomised study an outcome row lists, and to every comparative
    non-randomised study (controlled trial, cohort) under `trials:`.

    Why: the trials page shows a risk of bias for every study a summary of findings rests on; a
    non-randomised study without one reads as unassessed by accident, or as if RoB 2 had been used.

    Example: `design: controlled-trial` with no `rob_tool:`.

    Fix: add `rob_tool: {tool: not-assessed, reason: "Only the abstract was read; ..."}` (or robins-i).
    """
    listed = {t.id for o in _outcomes(kb) for t in o.trials}
    for t in kb.trials:
        if t.design is None or t.design in RANDOMISED_DESIGNS or t.rob is not None or t.rob_tool is not None:
            continue
        if t.key in listed or t.design in COMPARATIVE_NON_RANDOMISED:
            yield Hit(
                t.at.get("design", t.pos),
                f"non-randomised study '{t.key}' ({t.design}) names no risk-of-bias tool",
                "add `rob_tool: {tool: not-assessed, reason: ...}` or `{tool: robins-i, ...}`",
            )


@rule("A034", "effect-cites-retracted")
def effect_cites_retracted(kb: KnowledgeBase) -> Iterator[Hit]:
    """An effect's source or a trial of an outcome is a retracted reference.

    Why: a retracted paper is no evidence; a summary-of-findings number resting on it misleads.

    Example: `source: {key: smith2019, ...}` where smith2019 has `status = {retracted}`.

    Fix: remove the effect (and the trial from `trials:`), and record the change in `changes:`.
    """
    refs = kb.reference_map()

    def retracted(key: str | None) -> bool:
        r = refs.get(key or "")
        return r is not None and (r.get("status") or "").strip().lower() == "retracted"

    for o, e in _effects(kb):
        if e.source and retracted(e.source.key):
            yield Hit(
                e.source.at.get("key", e.source.pos),
                f"{_where(o, e)} cites retracted '{e.source.key}'",
                "remove the effect; a retracted paper is no evidence",
            )
    for o in _outcomes(kb):
        for t in o.trials:
            if retracted(t.id):
                yield Hit(t.pos, f"outcome '{o.full_id}' lists retracted '{t.id}'", "remove it from `trials:`")
