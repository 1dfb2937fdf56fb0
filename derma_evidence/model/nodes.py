"""Readers from validated YAML nodes to plain values, shared by the model modules (claims, answers, living).

Lenient, as the builders are: a node of the wrong type reads as None (or empty); the schema has
already reported it.
"""

from __future__ import annotations

from dataclasses import dataclass

from derma_evidence.diagnostics import Pos
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq


@dataclass(frozen=True, slots=True)
class Ref:
    """One id or citation key in a list, with its position."""

    id: str
    pos: Pos


def fields(node: Map, path: str) -> tuple[dict[str, Node], dict[str, Pos]]:
    """A mapping's values by key, and the position of each value."""
    values: dict[str, Node] = {}
    at: dict[str, Pos] = {}
    for k, v in node.items:
        values[k.value] = v
        at[k.value] = Pos(path, v.line, v.col)
    return values, at


def text(v: Node | None) -> str | None:
    return v.value if isinstance(v, Scalar) and v.kind == "str" else None


def date_text(v: Node | None) -> str | None:
    return v.value if isinstance(v, Scalar) and v.kind in ("str", "timestamp") else None


def integer(v: Node | None) -> int | None:
    return int(v.value) if isinstance(v, Scalar) and v.kind == "int" else None


def maps(v: Node | None) -> list[Map]:
    return [x for x in v.items if isinstance(x, Map)] if isinstance(v, Seq) else []


def refs(v: Node | None, path: str) -> tuple[Ref, ...]:
    if not isinstance(v, Seq):
        return ()
    return tuple(Ref(x.value, Pos(path, x.line, x.col)) for x in v.items if isinstance(x, Scalar) and x.kind == "str")
