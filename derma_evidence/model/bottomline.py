"""The inputs of an outcome's computed bottom line and of overlap between pooled estimates; no I/O.

`BottomLine` is what GRADE's plain-language statement is computed from besides the certainty (direction
and size of effect, with the rule of thumb and the reason); `Overlap` marks, where several reviews pool
the same trials, the one estimate a row stands on and the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from derma_evidence.diagnostics import Pos
from derma_evidence.load.yamlpos import Map, Node
from derma_evidence.model.nodes import fields as _fields
from derma_evidence.model.nodes import text as _text


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


def bottom_line(v: Node | None, path: str) -> BottomLine | None:
    if not isinstance(v, Map):
        return None
    f, at = _fields(v, path)
    return BottomLine(
        _text(f.get("direction")),
        _text(f.get("size")),
        _text(f.get("rule")),
        _text(f.get("reason")),
        Pos(path, v.line, v.col),
        at,
    )


def overlap(v: Node | None, path: str) -> Overlap | None:
    if not isinstance(v, Map):
        return None
    f, at = _fields(v, path)
    return Overlap(_text(f.get("role")), _text(f.get("reason")), Pos(path, v.line, v.col), at)
