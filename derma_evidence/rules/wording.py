"""Rules of wording (A011, A043-A046): the hand-written answer and finding may not say more than the computed line.

The text is read by the sentence analyser (`grade.hedges`), clause by clause: which effect each clause
claims and how certainly, which words claim certainty, where an absence of evidence is stated, which
sizes are claimed in our own voice. A011 checks the hedge words themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

from derma_evidence.contract.vocab import CERTAINTY_WORDS
from derma_evidence.diagnostics import Pos
from derma_evidence.grade import certainty as grade
from derma_evidence.grade import hedges
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule


def _texts(kb: KnowledgeBase) -> Iterator[tuple[str, str, str, Pos]]:
    """(what, text, certainty, position) of every answer, short answer and rated finding."""
    for q in kb.questions:
        for fld in ("answer", "short"):
            text = getattr(q, fld)
            if text and q.certainty:
                yield f"{fld} of question '{q.id}'", text, q.certainty, q.at.get(fld, q.pos)
    for c in kb.comparisons:
        for o in c.outcomes:
            if o.finding and o.certainty and not o.no_evidence:
                yield f"finding of outcome '{o.full_id}'", o.finding, o.certainty, o.at.get("finding", o.pos)


def _problems(kb: KnowledgeBase, kind: str) -> Iterator[tuple[str, str, str, Pos]]:
    for what, text, certainty, pos in _texts(kb):
        for p in hedges.problems(text, certainty):
            if p.kind == kind:
                yield what, p.message, certainty, pos


@rule("A011", "hedge-mismatch")
def hedge_mismatch(kb: KnowledgeBase) -> Iterator[Hit]:
    """An answer, its one-line short form, or an outcome's finding is not worded for its certainty.

    Why: GRADE's plain-language convention makes the certainty audible in the sentence itself:
    high "X increases ...", moderate "X probably increases ...", low "X may increase ...", very
    low "it is very uncertain whether X ...". A sentence that overstates (or understates) its
    certainty misleads the reader who reads only the sentence. At very low certainty a plain
    "no trial has tested ..." is also accepted. The text is read sentence by sentence and clause by
    clause (`grade.hedges`), not searched for a word: the month "May" is no hedge, "more likely"
    speaks of frequency, and a weaker hedge beside the right one is allowed (understating is not
    saying more). Unhedged claims, intensifiers and claims beside an absence are A043-A045.

    Example: `certainty: low` with `finding: The treatment probably reduces pain.`

    Fix: use the phrasing in the help line, and no hedge of another level.
    """
    for what, text, certainty, pos in _texts(kb):
        problem = grade.hedge_problem(text, certainty)
        if problem:
            yield Hit(
                pos,
                f"the {what} does not read as {CERTAINTY_WORDS[certainty]} certainty: {problem}",
                grade.expected_phrase(certainty),
            )


@rule("A043", "certainty-intensifier")
def certainty_intensifier(kb: KnowledgeBase) -> Iterator[Hit]:
    """An answer or finding below high certainty uses a word that claims certainty ("clearly", "proven").

    Why: "clearly", "proven", "definitely", "significantly improves" tell the reader the question is
    settled; only high-certainty evidence can say so. A hedge elsewhere in the text does not undo it
    ("it clearly increases the count ... you may see results" still claims certainty).

    Example: `certainty: low` with `answer: It clearly increases the score.`

    Fix: drop the word, and word the claim for its certainty ("may increase" at low).
    """
    for what, message, certainty, pos in _problems(kb, "intensifier"):
        yield Hit(pos, f"the {what} ({CERTAINTY_WORDS[certainty]} certainty): {message}", "remove the word")


@rule("A044", "effect-beside-absence")
def effect_beside_absence(kb: KnowledgeBase) -> Iterator[Hit]:
    """A sentence claims an effect without a hedge beside a statement that nothing tested it.

    Why: "it works, although no trial compared it with a sham" asserts what its own second
    half says was never tested; the absence is the finding, not a footnote to a claim.

    Example: `answer: The procedure on its own works, although no trial compared it with a sham.`

    Fix: state the absence as the finding ("We found no trial that compared it with a sham; whether
    it works alone is very uncertain").
    """
    for what, message, _certainty, pos in _problems(kb, "absence"):
        yield Hit(pos, f"the {what}: {message}", "state the absence, and hedge any claim beside it")


@rule("A045", "unhedged-effect-claim")
def unhedged_effect_claim(kb: KnowledgeBase) -> Iterator[Hit]:
    """An answer or finding below high certainty claims an effect in words more certain than its level.

    Why: each clause that claims an effect carries its own certainty: "X increases" is high, "X
    probably increases" moderate, "X may increase" low; "it is very uncertain whether X increases"
    claims nothing. A hedge in another clause does not cover it.

    Example: `certainty: low` with `answer: It may help, but it cures most people.`

    Fix: hedge the clause for its level, or make it a report ("one trial found that ...").
    """
    for what, message, certainty, pos in _problems(kb, "assertion"):
        yield Hit(
            pos,
            f"the {what} ({CERTAINTY_WORDS[certainty]} certainty): {message}",
            "hedge the clause for its certainty, or report what a study found",
        )


@rule("A046", "size-word-above-judgement")
def size_word_above_judgement(kb: KnowledgeBase) -> Iterator[Hit]:
    """A finding calls the effect large (or substantial, marked, dramatic) when its recorded size is not large.

    Why: the size of effect is a recorded judgement (`bottom_line.size`) with its reason; a size word
    in the finding says more than that judgement. At very low certainty, or with no recorded size,
    no size is claimed at all.

    Example: `finding: It may give a large gain.` with `bottom_line: {size: small, ...}`.

    Fix: use the recorded size's word, or revisit the judgement and its reason.
    """
    for c in kb.comparisons:
        for o in c.outcomes:
            if not o.finding or o.no_evidence:
                continue
            size = o.bottom_line.size if o.bottom_line else None
            for h in hedges.size_claims(o.finding):
                if h.level == "large" and size != "large":
                    yield Hit(
                        o.at.get("finding", o.pos),
                        f"the finding of '{o.full_id}' says '{h.phrase}' but its recorded size is '{size or 'none'}'",
                        "use the recorded size, or revisit `bottom_line.size`",
                    )
