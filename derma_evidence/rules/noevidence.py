"""Rules of resting and of absent evidence (A047-A051): an answer is as certain as what it rests on, and
no evidence is a row ("No studies found"), not a rating.
"""

from __future__ import annotations

from collections.abc import Iterator

from derma_evidence.contract.vocab import CERTAINTY_SCORE
from derma_evidence.grade import certainty as grade
from derma_evidence.grade import hedges
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule


@rule("A047", "answer-above-its-claims")
def answer_above_its_claims(kb: KnowledgeBase) -> Iterator[Hit]:
    """A question resting on outcomes and claims is more certain than the least certain claim it rests on.

    Why: an answer is as certain as the least certain evidence it rests on, claims included (A007
    holds it to its outcomes). An answer that also covers rare harms known only from very low claims
    cannot carry the low certainty of the trials' mild side effects: split it into two questions.

    Example: `certainty: low` resting on an outcome of low certainty and a claim of very low certainty.

    Fix: lower the answer's certainty to the level in the help line, or split the question so that
    each answer rests on evidence of its own certainty.
    """
    claims = {c.id: c.certainty or "" for c in kb.claims if c.id}
    for q in kb.questions:
        if q.certainty not in CERTAINTY_SCORE or not q.outcomes:
            continue  # resting on claims only: A007
        rested = [(r.id, claims[r.id]) for r in q.claims if r.id in claims and claims[r.id] in CERTAINTY_SCORE]
        cap = grade.lowest(c for _, c in rested)
        if cap is not None and CERTAINTY_SCORE[q.certainty] > CERTAINTY_SCORE[cap]:
            ids = ", ".join(i for i, c in rested if c == cap)
            yield Hit(
                q.at.get("certainty", q.pos),
                f"answer certainty '{q.certainty}' of '{q.id}' is higher than its claims' lowest ('{cap}': {ids})",
                f"set `certainty: {cap}`, or split the question so that each answer rests on its own evidence",
            )


@rule("A048", "rating-on-no-evidence")
def rating_on_no_evidence(kb: KnowledgeBase) -> Iterator[Hit]:
    """A row marked `evidence: none` carries effects, trials, counts, a certainty, a GRADE block or a bottom line.

    Why: no evidence is a row, not a rating: the summary of findings says "No studies found" for an
    outcome nobody measured, and a certainty or an estimate there would rate nothing.

    Example: `evidence: none` with `certainty: very-low`.

    Fix: remove the field (keep `name`, `importance`, the `note` on what was searched, and claims
    that give context), or remove `evidence: none` if a study did measure it.
    """
    for c in kb.comparisons:
        for o in c.outcomes:
            if not o.no_evidence:
                continue
            for fld in ("effects", "trials", "studies", "participants", "certainty", "grade", "bottom_line"):
                if fld in o.at:
                    yield Hit(
                        o.at[fld],
                        f"outcome '{o.full_id}' has `evidence: none` but gives `{fld}`",
                        f'remove `{fld}`: a row without evidence says "No studies found"',
                    )


@rule("A049", "rated-row-incomplete")
def rated_row_incomplete(kb: KnowledgeBase) -> Iterator[Hit]:
    """A row with evidence lacks its certainty, its GRADE block or its finding.

    Why: only rows marked `evidence: none` go without a rating; every other row is rated, with the
    judgements behind the rating and a finding in plain words.

    Example: an outcome with effects and no `certainty:`.

    Fix: add the missing field, or mark the row `evidence: none` if no study measured the outcome.
    """
    for c in kb.comparisons:
        for o in c.outcomes:
            if o.no_evidence:
                continue
            missing = [f for f in ("certainty", "grade", "finding") if f not in o.at]
            if missing:
                yield Hit(
                    o.at.get("id", o.pos),
                    f"outcome '{o.full_id}' has evidence but no {', '.join(missing)}",
                    "add " + ", ".join(f"`{f}:`" for f in missing) + ", or mark it `evidence: none`",
                )


def _states_absence(text: str | None) -> bool:
    return bool(text) and any(s.absences for s in hedges.analyse(text or ""))


@rule("A050", "absent-evidence-unsaid")
def absent_evidence_unsaid(kb: KnowledgeBase) -> Iterator[Hit]:
    """A question resting only on "No studies found" rows does not say so in its answer or short answer.

    Why: an answer resting on absent evidence must lead with the absence ("We found no trial that
    ..."); anything else reads as a finding.

    Example: rests_on an `evidence: none` row only, with `answer: Twice a week may work best.`

    Fix: say plainly what was not found ("We found no trial that compared intervals").
    """
    om = kb.outcome_map()
    for q in kb.questions:
        rows = [om[r.id] for r in q.outcomes if r.id in om]
        if not rows or not all(o.no_evidence for o in rows):
            continue
        for fld in ("answer", "short"):
            if getattr(q, fld) and not _states_absence(getattr(q, fld)):
                yield Hit(
                    q.at.get(fld, q.pos),
                    f"the {fld} of '{q.id}' rests only on rows without studies but does not say so",
                    "say what was not found, e.g. 'We found no trial that ...'",
                )


@rule("A051", "absence-without-row")
def absence_without_row(kb: KnowledgeBase) -> Iterator[Hit]:
    """An answer states that no study was found, but rests on no "No studies found" row.

    Why: no evidence is a row: the summary of findings must show the critical outcome nobody measured
    (serious harms, whether gains last after stopping, quality of life, intervals compared) as "No
    studies found", so that a reader of the table sees the gap the answer names.

    Example: `answer: We found no trial that compared intervals.` resting on a rated row only.

    Fix: add the outcome with `evidence: none` under its comparison and list it in `rests_on`.
    """
    om = kb.outcome_map()
    for q in kb.questions:
        if not (_states_absence(q.answer) or _states_absence(q.short)):
            continue
        if any(r.id in om and om[r.id].no_evidence for r in q.outcomes):
            continue
        yield Hit(
            q.rests_on_pos or q.at.get("answer", q.pos),
            f"question '{q.id}' says no study was found but rests on no `evidence: none` row",
            "add the unmeasured outcome as a row with `evidence: none` and list it in `rests_on.outcomes`",
        )
