"""The methodology pages generated from code: the rule reference (from the docstrings) and the schema reference."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from markupsafe import Markup

from derma_evidence.render.context import PAGES, Context, Page, make_page
from derma_evidence.render.escape import attr


def load_schema() -> dict[str, Any]:
    """The package's claims.schema.json, freshly parsed."""
    data: dict[str, Any] = json.loads(
        resources.files("derma_evidence").joinpath("contract", "claims.schema.json").read_text("utf-8")
    )
    return data


def segments(text: str) -> list[tuple[str, bool]]:
    """Docstring text split on backticks: (text, is_code) pairs."""
    return [(part, i % 2 == 1) for i, part in enumerate(text.split("`")) if part]


@dataclass(frozen=True, slots=True)
class RuleVM:
    code: str
    anchor: str
    name: str
    severity: str
    phase: str
    summary: list[tuple[str, bool]]
    paragraphs: list[list[tuple[str, bool]]]


def rules_page(ctx: Context) -> Page:
    items = []
    for c in sorted(ctx.codes, key=lambda c: c.code):  # the catalogue (`rules.CODES`), passed in by the site
        code = c.code
        lines = [ln.strip() for ln in c.doc.strip().splitlines()]
        paras: list[list[str]] = [[]]
        for ln in lines[1:]:
            if ln:
                paras[-1].append(ln)
            elif paras[-1]:
                paras.append([])
        items.append(
            RuleVM(
                code,
                attr(code.lower()),
                c.name,
                c.severity.value,
                c.phase,
                segments(c.summary),
                [segments(" ".join(p)) for p in paras if p],
            )
        )
    return make_page(
        PAGES["rules"], "Rule reference", "rules.html.j2", rules=items, search_exclude=True
    )  # not readers' search


@dataclass(frozen=True, slots=True)
class PropVM:
    name: str
    type: str
    required: bool
    description: str
    allowed: str
    ref_href: str
    ref_name: str


@dataclass(frozen=True, slots=True)
class DefVM:
    name: str
    anchor: str
    description: str
    props: list[PropVM]
    type: str
    allowed: str


def _schema_type(s: Mapping[str, Any]) -> tuple[str, str]:
    """(type words, referenced definition name)."""
    if "$ref" in s:
        name = str(s["$ref"]).rsplit("/", 1)[-1]
        return name, name
    t = str(s.get("type", "any"))
    if t == "array":
        inner, ref = _schema_type(s.get("items", {}))
        return f"list of {inner}", ref
    return t, ""


def _allowed(s: Mapping[str, Any]) -> str:
    parts = []
    if "enum" in s:
        parts.append("one of " + ", ".join(str(v) for v in s["enum"]))
    if "pattern" in s:
        parts.append(f"pattern {s['pattern']}")
    for k, words in (
        ("minimum", "at least"),
        ("minLength", "min. length"),
        ("maxLength", "max. length"),
        ("minItems", "min. items"),
        ("format", "format"),
    ):
        if k in s:
            parts.append(f"{words} {s[k]}")
    return "; ".join(parts)


def schema_page(ctx: Context, schema: Mapping[str, Any]) -> Page:
    path = PAGES["schema"]
    defs: list[DefVM] = []

    def props_of(s: Mapping[str, Any]) -> list[PropVM]:
        req = set(s.get("required", []))
        out = []
        for name, p in s.get("properties", {}).items():
            typ, ref = _schema_type(p)
            out.append(
                PropVM(
                    name,
                    typ,
                    name in req,
                    str(p.get("description", "")),
                    _allowed(p),
                    attr(f"#schema-{ref}") if ref else Markup(""),
                    ref,
                )
            )
        return out

    defs.append(
        DefVM(
            "claims.yaml (top level)",
            attr("schema-root"),
            str(schema.get("description", "")),
            props_of(schema),
            "object",
            "",
        )
    )
    for name, d in schema.get("definitions", {}).items():
        defs.append(
            DefVM(
                name,
                attr(f"schema-{name}"),
                str(d.get("description", "")),
                props_of(d),
                str(d.get("type", "")),
                _allowed(d),
            )
        )
    return make_page(
        path,
        "Data schema reference",
        "schema.html.j2",
        defs=defs,
        download_href=ctx.linker(path)(f"{ctx.download_dir}/claims.schema.json"),
        search_exclude=True,  # contributors' reference: kept out of the readers' search index (issue 20)
    )
