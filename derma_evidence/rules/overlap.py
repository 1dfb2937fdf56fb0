"""Rules of overlap (A054): where several reviews pool the same trials, one best estimate, the others named."""

from __future__ import annotations

from collections.abc import Iterator

from derma_evidence.grade.overlap import overlaps, pooled_keys
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.rules.base import Hit, rule


@rule("A054", "overlap-unresolved")
def overlap_unresolved(kb: KnowledgeBase) -> Iterator[Hit]:
    """A row shows pooled estimates from several reviews without one marked best and the others overlapping.

    Why: reviews of the same question pool largely the same trials; shown side by side (or drawn as
    separate diamonds) they look like independent confirmations and double-count the trials. The row
    stands on one best estimate, with the reason, and names the others as overlapping.

    Example: Ahmed 2025 SMD 1.32 and Xu 2024 SMD 1.08, both pooled, neither with `overlap:`.

    Fix: mark one `overlap: {role: best, reason: "..."}` and the others `overlap: {role: overlapping}`.
    """
    for c in kb.comparisons:
        for o in c.outcomes:
            several = overlaps(o)
            best = [e for e in o.effects if e.overlap is not None and e.overlap.role == "best"]
            for e in o.effects:
                if e.overlap is not None and not several:
                    yield Hit(
                        e.overlap.pos,
                        f"effect '{e.label}' of '{o.full_id}' is marked {e.overlap.role} but the row pools "
                        f"{len(pooled_keys(o))} review(s)",
                        "overlap marks are for rows with pooled estimates from two or more reviews: remove it",
                    )
                elif several and e.pooled and e.value is not None and e.overlap is None:
                    yield Hit(
                        e.at.get("pooled", e.pos),
                        f"pooled effect '{e.label}' of '{o.full_id}' is one of {len(pooled_keys(o))} reviews' "
                        "estimates with no overlap role",
                        "mark one estimate `overlap: {role: best, reason: ...}` and the others `role: overlapping`",
                    )
            if (
                several
                and not best
                and all(e.overlap is not None for e in o.effects if e.pooled and e.value is not None)
            ):
                yield Hit(
                    o.at.get("effects", o.pos),
                    f"outcome '{o.full_id}' marks no estimate best",
                    "mark the estimate the row stands on `overlap: {role: best, reason: ...}`",
                )
            if several and len(best) > 1:
                yield Hit(
                    best[1].overlap.pos if best[1].overlap else best[1].pos,
                    f"outcome '{o.full_id}' marks {len(best)} estimates best",
                    "keep one best estimate",
                )
            for e in best:
                if e.overlap is not None and not (e.overlap.reason or "").strip():
                    yield Hit(
                        e.overlap.pos,
                        f"best estimate '{e.label}' of '{o.full_id}' has no reason",
                        "add `reason:` saying why this estimate (e.g. the most recent, the most trials)",
                    )
