"""The claims table: one column list that writes claims.csv and describes it in datapackage.json.

Each column names the claim's schema property it comes from; its description, allowed values,
pattern and whether it is required are read from the knowledge base's own schema
(`schema.schema_for(kb.vocab)`), so a knowledge base that declares its own measures or units
gets a descriptor its own claims.csv passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from derma_evidence.model.claims import Claim, Quantity


def _q(c: Claim) -> Quantity | None:
    return c.quantity


@dataclass(frozen=True, slots=True)
class Column:
    """One CSV column: its name, the schema property it shows (`claim.x` or `quantity.x`), its value."""

    name: str
    prop: tuple[str, str]  # (schema definition, property): where its description and constraints live
    value: Callable[[Claim], object]
    type: str = "string"  # Frictionless field type
    how: str = ""  # how the CSV writes it, when that differs from the YAML (a list joined into one cell)


COLUMNS: tuple[Column, ...] = (
    Column("id", ("claim", "id"), lambda c: c.id),
    Column("topic", ("claim", "topic"), lambda c: c.topic),
    Column("statement", ("claim", "statement"), lambda c: c.statement),
    Column("verdict", ("claim", "verdict"), lambda c: c.verdict),
    Column("certainty", ("claim", "certainty"), lambda c: c.certainty),
    Column("measure", ("quantity", "measure"), lambda c: q.measure if (q := _q(c)) else None),
    Column("min", ("quantity", "min"), lambda c: q.min if (q := _q(c)) else None, "number"),
    Column("max", ("quantity", "max"), lambda c: q.max if (q := _q(c)) else None, "number"),
    Column("unit", ("quantity", "unit"), lambda c: q.unit if (q := _q(c)) else None),
    Column(
        "sources",
        ("claim", "sources"),
        lambda c: "; ".join(s.key for s in c.sources if s.key),
        how="In the CSV: their citation keys, separated by '; ' (see references.csl.json).",
    ),
    Column("note", ("claim", "note"), lambda c: c.note),
    Column("reviewed", ("claim", "reviewed"), lambda c: c.reviewed, "date"),
    Column(
        "article",
        ("claim", "article"),
        lambda c: " ".join(str(n) for n in c.article),
        how="In the CSV: separated by spaces.",
    ),
)
"""The columns of claims.csv, in order; a new column is one line here."""


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """`node` and the definitions its `$ref` chain points to, nearest first."""
    chain = [node]
    while "$ref" in chain[-1]:
        chain.append(defs[str(chain[-1]["$ref"]).rsplit("/", 1)[-1]])
    return chain


def field(column: Column, defs: Mapping[str, Any]) -> dict[str, Any]:
    """A Frictionless field descriptor of `column`, from the schema definitions `defs` (the knowledge base's own)."""
    owner, name = column.prop
    chain = _resolve(defs[owner]["properties"][name], defs)
    description = next((str(n["description"]) for n in chain if n.get("description")), "")
    if column.how:
        description = f"{description} {column.how}".strip()
    out: dict[str, Any] = {"name": column.name, "type": column.type, "description": description}
    constraints: dict[str, Any] = {}
    enum = next((n["enum"] for n in chain if "enum" in n), None)
    if enum is not None:
        constraints["enum"] = list(enum)
    if owner == "claim" and name in defs["claim"].get("required", ()):
        constraints["required"] = True
    if column.name == "id":
        constraints["unique"] = True
    pattern = next((str(n["pattern"]) for n in chain if "pattern" in n), None)
    if pattern is not None and column.type == "string":
        constraints["pattern"] = pattern.removeprefix("^").removesuffix("$")
    if constraints:
        out["constraints"] = constraints
    return out
