"""The inputs of an outcome's computed bottom line and of overlap between pooled estimates; no I/O.

`BottomLine` is what GRADE's plain-language statement is computed from besides the certainty (direction
and size of effect, with the rule of thumb and the reason); `Overlap` marks, where several reviews pool
the same trials, the one estimate a row stands on and the others. Read by the generic builder
(`model.build`) from the keys of the same names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from derma_evidence.diagnostics import Pos


@dataclass(frozen=True, slots=True)
class BottomLine:
    """Direction and size of an outcome's effect, the rule of thumb behind the size, and why."""

    direction: str | None
    size: str | None
    rule: str | None
    reason: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Overlap:
    """An effect's role among estimates that pool the same trials: `best` (with a reason) or `overlapping`."""

    role: str | None
    reason: str | None
    pos: Pos
    at: Mapping[str, Pos] = field(default_factory=dict)
