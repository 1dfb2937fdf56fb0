"""Readers from validated YAML nodes to plain values, shared by the model modules (claims, answers, living).

Lenient, as the builders are: a node of the wrong type reads as None (or empty); the schema has
already reported it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from derma_evidence.diagnostics import Pos
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq


@dataclass(frozen=True, slots=True)
class Ref:
    """One id or citation key in a list, with its position."""

    id: str
    pos: Pos


class Positions(Mapping[str, Pos]):
    """The position of each value of a mapping, by key: made when asked for (a diagnostic, a link), not per value.

    A read-only mapping over the mapping's values: at 10,000 claims a `Pos` per value was ~260,000
    objects built for the few a diagnostic needs.
    """

    __slots__ = ("_path", "_values")

    def __init__(self, path: str, values: dict[str, Node]) -> None:
        self._path = path
        self._values = values

    def __getitem__(self, key: str) -> Pos:
        v = self._values[key]
        return Pos(self._path, v.line, v.col)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Positions({dict(self)!r})"


def fields(node: Map, path: str) -> tuple[dict[str, Node], Positions]:
    """A mapping's values by key, and the position of each value."""
    values = {k.value: v for k, v in node.items}
    return values, Positions(path, values)


def text(v: Node | None) -> str | None:
    return v.value if isinstance(v, Scalar) and v.kind == "str" else None


def date_text(v: Node | None) -> str | None:
    return v.value if isinstance(v, Scalar) and v.kind in ("str", "timestamp") else None


def integer(v: Node | None) -> int | None:
    return int(v.value) if isinstance(v, Scalar) and v.kind == "int" else None


def maps(v: Node | None) -> list[Map]:
    return [x for x in v.items if isinstance(x, Map)] if isinstance(v, Seq) else []


def ref(v: Node | None, path: str) -> Ref | None:
    """One id or citation key with its position (a text scalar), else None."""
    return Ref(v.value, Pos(path, v.line, v.col)) if isinstance(v, Scalar) and v.kind == "str" else None


def refs(v: Node | None, path: str) -> tuple[Ref, ...]:
    if not isinstance(v, Seq):
        return ()
    return tuple(Ref(x.value, Pos(path, x.line, x.col)) for x in v.items if isinstance(x, Scalar) and x.kind == "str")
