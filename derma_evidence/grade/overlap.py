"""Which estimate a summary-of-findings row stands on, and which pooled estimates overlap it.

Several reviews often pool the same few trials; their estimates are not independent evidence. A row
shows one best estimate (`overlap: {role: best}`) and names the others as overlapping; without marks,
a row's only pooled estimate (or its only estimate) is its best one.
"""

from __future__ import annotations

from derma_evidence.model.answers import Effect, Outcome


def pooled_keys(o: Outcome) -> list[str]:
    """The distinct reviews (source keys) whose pooled estimates with a value the row shows, in order."""
    keys: list[str] = []
    for e in o.effects:
        key = e.source.key if e.source else None
        if e.pooled and e.value is not None and key and key not in keys:
            keys.append(key)
    return keys


def overlaps(o: Outcome) -> bool:
    """Whether the row shows pooled estimates from two or more reviews (which likely share trials)."""
    return len(pooled_keys(o)) >= 2


def best_estimate(o: Outcome) -> Effect | None:
    """The estimate the row's bottom line is read from: the one marked best, else the only pooled
    estimate with a value, else the only estimate with a value; None when that is not one effect."""
    marked = [e for e in o.effects if e.overlap is not None and e.overlap.role == "best"]
    if len(marked) == 1:
        return marked[0]
    if marked:
        return None
    pooled = [e for e in o.effects if e.pooled and e.value is not None]
    if len(pooled) == 1:
        return pooled[0]
    valued = [e for e in o.effects if e.value is not None and e.measure != "arms"]
    return valued[0] if len(valued) == 1 else None


def is_overlapping(e: Effect) -> bool:
    """An estimate shown beside the best one, pooling the same trials: named, not drawn as a diamond."""
    return e.overlap is not None and e.overlap.role == "overlapping"
