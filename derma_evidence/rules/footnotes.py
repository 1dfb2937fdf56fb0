"""Rules of footnotes (A052-A053): every GRADE judgement has its footnote, publication bias in GRADE's words."""

from __future__ import annotations

from collections.abc import Iterator

from derma_evidence.contract.vocab import GRADE_DOMAIN_WORDS
from derma_evidence.grade import plain
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule


@rule("A052", "publication-bias-status")
def publication_bias_status(kb: KnowledgeBase) -> Iterator[Hit]:
    """Publication bias has no status in GRADE's words, or its status and judgement disagree.

    Why: "not serious" says nothing about how publication bias was looked at; a reader needs to see
    whether it was undetected, not assessed (too few studies for a funnel plot, registries not
    searched) or strongly suspected, and that strongly suspected lowers the certainty.

    Example: `publication_bias: {judgement: not-serious, reason: "..."}` (no status), or
    `{judgement: not-serious, status: strongly-suspected, ...}`.

    Fix: add `status:` (undetected, not-assessed, strongly-suspected, very-strongly-suspected) that
    goes with the judgement, and say why in the reason.
    """
    for c in kb.comparisons:
        for o in c.outcomes:
            j = o.grade.domain("publication_bias") if o.grade else None
            if j is None:
                continue
            problem = plain.publication_bias_problem(j.status, j.judgement)
            if problem:
                yield Hit(
                    j.at.get("status", j.at.get("judgement", j.pos)),
                    f"outcome '{o.full_id}': {problem}",
                    "undetected or not-assessed go with not-serious, strongly-suspected with serious",
                )


@rule("A053", "judgement-without-footnote")
def judgement_without_footnote(kb: KnowledgeBase) -> Iterator[Hit]:
    """A GRADE domain judged not serious has no reason.

    Why: every judgement has its footnote, not only downgrades: "not serious" for risk of bias or
    imprecision is a judgement a reader may dispute, and the summary of findings shows each domain's
    reason (A009 requires it for serious and very serious).

    Example: `indirectness: {judgement: not-serious}`.

    Fix: add `reason:` with one sentence, e.g. "The trials enrolled the population asked about."
    """
    for c in kb.comparisons:
        for o in c.outcomes:
            if o.grade is None:
                continue
            for name, j in o.grade.domains:
                if j.judgement == "not-serious" and not (j.reason or "").strip():
                    yield Hit(
                        j.at.get("judgement", j.pos),
                        f"{GRADE_DOMAIN_WORDS[name]} of '{o.full_id}' is judged not serious without a reason",
                        "add `reason:` with one sentence saying why",
                    )
