"""One generic builder: a model dataclass from a YAML mapping, field by field, read by each field's type.

`build(Claim, node, path)` reads each field of `Claim` (`dataclasses.fields`) from the key of the
same name, by its annotation:

    str | None, int | None, float | None, bool    a scalar of that kind (else None, or False)
    X | None (X a dataclass)                      a nested mapping built the same way (else None)
    tuple[X, ...] (X a dataclass)                 each mapping of a list, built the same way
    Ref | None                                    one id or key with its position (else None)
    tuple[str, ...], tuple[int, ...], tuple[Ref, ...]   the list's scalars of that kind (ids with positions)
    pos, at, literals                             the mapping's position, each value's position, numbers as written

A field the rules above cannot read (a `Mapping` of domains, a type only the type checker sees) is
passed by the caller as a keyword (`build(Trial, m, p, protocol=..., rob=...)`) or keeps its default.
So a new field of a claim is one line in its dataclass (and one in the schema): no builder changes.
Lenient, as every builder here: a value of the wrong type reads as absent; the schema reported it.
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from derma_evidence.diagnostics import Pos
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq
from derma_evidence.model.nodes import Positions, Ref, date_text, integer, maps, ref, refs, text

T = TypeVar("T")

Reader = Callable[[Node | None, str], Any]
"""Reads one field's value from its node (None when the key is absent) and the file path."""


def number(v: Node | None) -> float | None:
    """An int or float scalar as a float (`1` and `1.0` read the same), else None."""
    if isinstance(v, Scalar) and v.kind in ("int", "float"):
        value = v.python()
        assert isinstance(value, (int, float))
        return float(value)
    return None


def boolean(v: Node | None) -> bool:
    return isinstance(v, Scalar) and v.kind == "bool" and v.python() is True


def _texts(v: Node | None, path: str) -> tuple[str, ...]:
    return tuple(t for t in (text(x) for x in v.items) if t) if isinstance(v, Seq) else ()


def _ints(v: Node | None, path: str) -> tuple[int, ...]:
    return tuple(n for n in (integer(x) for x in v.items) if n is not None) if isinstance(v, Seq) else ()


SCALARS: dict[object, Reader] = {
    str: lambda v, path: text(v),
    int: lambda v, path: integer(v),
    float: lambda v, path: number(v),
    bool: lambda v, path: boolean(v),
}
LISTS: dict[object, Reader] = {str: _texts, int: _ints, Ref: refs}
DATE_FIELDS = frozenset({"reviewed", "date"})
"""Text fields that may also be written as a YAML date (`2026-12-01` unquoted): read as their text."""


def _reader(name: str, hint: object) -> Reader | None:
    """How to read a field of type `hint`, or None when this builder cannot (the caller passes it)."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        inner = next(a for a in args if a is not type(None)) if len(args) == 2 else None
        if inner is str and name in DATE_FIELDS:
            return lambda v, path: date_text(v)
        if inner in SCALARS and inner is not bool:
            return SCALARS[inner]
        if inner is Ref:
            return ref
        if isinstance(inner, type) and dataclasses.is_dataclass(inner):
            cls = inner
            return lambda v, path: build(cls, v, path) if isinstance(v, Map) else None
        return None
    if hint is bool:
        return SCALARS[bool]
    if typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = args[0]
        if item in LISTS:
            return LISTS[item]
        if isinstance(item, type) and dataclasses.is_dataclass(item):
            cls = item
            return lambda v, path: tuple(build(cls, m, path) for m in maps(v))
    return None


READ, POS, AT, LITERALS, GIVEN = range(5)
"""How `build` fills a field: its reader, the mapping's position, the values' positions, the numbers as
written, or only from the caller's keywords (a type this builder cannot read)."""

Plan = tuple[tuple[str, int, Reader | None, bool], ...]
_PLANS: dict[type, Plan] = {}
_SPECIAL = {"pos": POS, "at": AT, "literals": LITERALS}


def plan(cls: type) -> Plan:
    """Each field of `cls`: (name, how it is filled, its reader, whether it has a default). Computed once per class."""
    known = _PLANS.get(cls)
    if known is not None:
        return known
    namespace = vars(sys.modules[cls.__module__])
    out = []
    for f in dataclasses.fields(cls):
        try:
            hint = eval(f.type, namespace) if isinstance(f.type, str) else f.type  # noqa: S307 - our own annotations
        except NameError:  # a type imported for the type checker only: the caller passes the value
            hint = None
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        reader = None if hint is None else _reader(f.name, hint)
        how = _SPECIAL.get(f.name, READ if reader is not None else GIVEN)
        out.append((f.name, how, reader, has_default))
    _PLANS[cls] = tuple(out)
    return _PLANS[cls]


def build(cls: type[T], node: Map, path: str, **given: Any) -> T:
    """An instance of the model dataclass `cls` from the mapping `node` (see the module's docstring)."""
    values: dict[str, Node] = {k.value: v for k, v in node.items}
    kwargs: dict[str, Any] = {}
    get = values.get
    for name, how, reader, has_default in plan(cls):
        if given and name in given:
            kwargs[name] = given[name]
        elif how == READ:
            kwargs[name] = reader(get(name), path)  # type: ignore[misc]
        elif how == POS:
            kwargs[name] = Pos(path, node.line, node.col)
        elif how == AT:
            kwargs[name] = Positions(path, values)
        elif how == LITERALS:
            kwargs[name] = literals(values)
        elif not has_default:
            raise TypeError(f"{cls.__name__}.{name}: no reader for its type; pass it to build()")
    return cls(**kwargs)


def literals(values: Mapping[str, Node]) -> dict[str, str]:
    """Numbers as written in the YAML (`1.10` stays `1.10`), for matching them against a quote."""
    return {k: v.value for k, v in values.items() if isinstance(v, Scalar) and v.kind in ("int", "float")}
