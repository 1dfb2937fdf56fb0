"""Downloads built into the site: claims.json, claims.csv with its datapackage.json, CSL-JSON, BibTeX, the schema.

Pure functions of the knowledge base and the source bytes; deterministic bytes (fixed key order,
`\\n` line ends, UTF-8, no timestamps).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from derma_evidence import citations
from derma_evidence.contract import schema
from derma_evidence.export import table
from derma_evidence.model.claims import Ref
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.model.project import Project

CSV_COLUMNS = tuple(col.name for col in table.COLUMNS)
"""The header of claims.csv (the columns are `table.COLUMNS`)."""


def _dumps(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


class _Walk:
    """Model values as JSON data shaped by their schema: the fields the schema lists, in its order.

    The export is driven by the schema, so a new field or section needs no change here. Absent
    values (None, empty lists) and non-finite numbers are left out. What the walk learns once per
    (class, schema node), the `$ref` chain resolved and which properties are plain attributes, it keeps
    for the rest of the walk (a claim's fields were resolved again for each of 10,000 claims).
    """

    def __init__(self, defs: Mapping[str, Any]) -> None:
        self.defs = defs
        self._nodes: dict[int, Mapping[str, Any]] = {}  # id of a schema node (alive in `defs`) -> resolved node
        self._plans: dict[tuple[type, int], tuple[tuple[str, Mapping[str, Any], bool], ...]] = {}
        self._classes: dict[type, bool] = {}  # is a dataclass

    def node(self, s: Mapping[str, Any]) -> Mapping[str, Any]:
        out = self._nodes.get(id(s))
        if out is None:
            out = s
            while "$ref" in out:
                out = self.defs[str(out["$ref"]).rsplit("/", 1)[-1]]
            self._nodes[id(s)] = out
        return out

    def plan(self, cls: type, s: Mapping[str, Any]) -> tuple[tuple[str, Mapping[str, Any], bool], ...]:
        """(property, its schema, whether it is an attribute of `cls`) for each property of `s`, in order."""
        key = (cls, id(s))
        out = self._plans.get(key)
        if out is None:
            attributes = _attributes(cls)
            out = self._plans[key] = tuple(
                (name, sub, name in attributes) for name, sub in s.get("properties", {}).items()
            )
        return out

    def value(self, value: Any, s: Mapping[str, Any]) -> Any:
        kind = type(value)
        if kind is str or kind is int or kind is bool:  # the same whatever the schema says
            return value
        s = self.node(s)
        if value is None:
            return None
        if isinstance(value, Ref):
            return value.id
        dataclass = self._classes.get(kind)
        if dataclass is None:
            dataclass = self._classes[kind] = dataclasses.is_dataclass(kind)
        if dataclass:
            out = {}
            for name, sub, attribute in self.plan(kind, s):
                v = getattr(value, name) if attribute else _field(value, name, sub)
                leaf = type(v)
                if leaf is str or leaf is int or leaf is bool:  # `value(v, sub)` is `v` (most fields): no call
                    out[name] = v
                    continue
                if v is None:  # absent: left out
                    continue
                v = self.value(v, sub)
                if v is not None and v != []:
                    out[name] = v
            return out
        if isinstance(value, tuple | list):
            items = s.get("items", {})
            return [v for v in (self.value(x, items) for x in value) if v is not None]
        if isinstance(value, float):
            if not math.isfinite(value):
                return None
            return int(value) if value.is_integer() and abs(value) < 2**53 else value
        return value


def _value(value: Any, s: Mapping[str, Any], defs: Mapping[str, Any] | None = None) -> Any:
    """A model value as JSON data shaped by its schema `s` (see `_Walk`)."""
    return _Walk(defs if defs is not None else schema.schema()["definitions"]).value(value, s)


_ATTRIBUTES: dict[type, frozenset[str]] = {}


def _attributes(cls: type) -> frozenset[str]:
    """The attribute names of a model class (its fields, properties, methods): `hasattr` on each value of
    each field raised and caught an AttributeError for every absent name, a third of the export's time."""
    names = _ATTRIBUTES.get(cls)
    if names is None:
        fields = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
        names = _ATTRIBUTES[cls] = frozenset(fields | set(dir(cls)))
    return names


def _field(obj: Any, name: str, sub: Mapping[str, Any]) -> Any:
    """The model's value for a schema property: the attribute, a named domain (GRADE, RoB 2), or, for a
    nested object the model keeps flat (a question's `rests_on`), the object itself."""
    if name in _attributes(type(obj)):
        return getattr(obj, name)
    protocol = getattr(obj, "protocol", None)  # a trial's declared fields (`vocabulary: trial_fields`)
    if isinstance(protocol, Mapping):
        return protocol.get(name)
    domain = getattr(obj, "domain", None)
    if callable(domain):
        return domain(name)
    while "$ref" in sub:
        sub = schema.schema()["definitions"][str(sub["$ref"]).rsplit("/", 1)[-1]]
    return obj if sub.get("type") == "object" else None


def knowledge_base_data(kb: KnowledgeBase) -> dict[str, list[Any]]:
    """The knowledge base as data valid against claims.schema.json: every top-level section, complete."""
    root = schema.schema()
    defs = schema.schema_for(kb.vocab)["definitions"]
    walk = _Walk(defs)
    return {
        name: walk.value(getattr(kb, name), sub) or []
        for name, sub in root["properties"].items()
        if name not in NOT_SECTIONS
    }


NOT_SECTIONS = frozenset({"vocabulary", "source_article"})
"""Top-level objects that are settings, not lists: `claims_json` writes each on its own line."""


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), allow_nan=False)
"""`json.dumps(data, ensure_ascii=False, separators=(", ", ": "), allow_nan=False)`, made once (not per item)."""


def _compact(data: Any) -> str:
    return _COMPACT.encode(data)


def claims_json(kb: KnowledgeBase, data: Mapping[str, list[Any]] | None = None) -> bytes:
    """The knowledge base as JSON, valid against claims.schema.json (references: see references.csl.json).

    One item per line: still readable and diffable, and written by the json module's C encoder
    (an indented dump of 10,000 claims takes the pure-Python encoder several times longer).
    """
    sections = [
        f'  "{name}": [' + ("\n    " + ",\n    ".join(_compact(x) for x in items) + "\n  ]" if items else "]")
        for name, items in (data if data is not None else knowledge_base_data(kb)).items()
    ]
    if kb.source_article:  # the article the statements come from, as the YAML gives it
        sections.insert(0, '  "source_article": ' + _compact(dict(kb.source_article)))
    vocabulary = schema.vocabulary_data(kb.vocab)  # only a knowledge base with its own measures or units has one
    if vocabulary is not None:
        sections.insert(0, '  "vocabulary": ' + _compact(vocabulary))
    return ("{\n" + ",\n".join(sections) + "\n}\n").encode("utf-8")


def _csl(kb: KnowledgeBase, csl: Mapping[str, dict[str, Any]] | None) -> Mapping[str, dict[str, Any]]:
    return csl if csl is not None else {r.key: citations.to_csl(r) for r in kb.references}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these would run as a formula in a spreadsheet: it gets a leading apostrophe."""
LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
"""Line breaks inside a text value become spaces: one line per claim, whatever a reader takes for a line end."""


def _number(value: float) -> str:
    """A number as a CSV cell: shortest exact form, never prefixed (`-0.5` stays a number)."""
    if not math.isfinite(value):
        return ""
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def _cell(value: object) -> str:
    """A CSV cell: numbers as numbers; text on one line, with formula starts neutralised."""
    if type(value) is not str:  # text first: eleven cells in thirteen
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, int | float):
            return _number(float(value)) if isinstance(value, float) else str(value)
        value = str(value)
    text = value if value.isprintable() else LINE_BREAKS.sub(" ", value)  # every line break is unprintable
    first = text[:1]
    if first == " ":
        first = text.lstrip(" ")[:1]
    return "'" + text if first in FORMULA_START else text


def datapackage(kb: KnowledgeBase, project: Project | None = None) -> bytes:
    """A Frictionless Data Package describing claims.csv: its columns, their types and allowed values.

    The columns are `table.COLUMNS`, the ones claims.csv writes; descriptions and allowed values come
    from the knowledge base's own schema (its `vocabulary:` measures and units included).
    """
    project = project or Project()
    defs = schema.schema_for(kb.vocab)["definitions"]
    fields = [table.field(col, defs) for col in table.COLUMNS]
    licence = (
        {"name": project.licence.replace(" ", "-"), "path": project.licence_url}
        if project.licence_url
        else {"name": project.licence.replace(" ", "-")}
    )
    package = {
        "name": _slug(project.name),
        "title": f"{project.name} claims",
        "licenses": [licence],
        "resources": [
            {
                "name": "claims",
                "path": "claims.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True},
                "schema": {"fields": fields, "primaryKey": ["id"], "missingValues": [""]},
            }
        ],
    }
    return _dumps(package)


def _slug(name: str) -> str:
    """A Data Package name: lowercase letters, digits and `-._`, from the project's name."""
    return re.sub(r"[^a-z0-9._]+", "-", name.lower()).strip("-._") or "claims"


def claims_csv(kb: KnowledgeBase) -> bytes:
    """The claims, one row each, in the columns of `table.COLUMNS` (the ones datapackage.json describes)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(col.name for col in table.COLUMNS)
    values = [col.value for col in table.COLUMNS]
    w.writerows([_cell(value(c)) for value in values] for c in kb.claims)
    return buf.getvalue().encode("utf-8")


def references_csl(kb: KnowledgeBase, csl: Mapping[str, dict[str, Any]] | None = None) -> bytes:
    return _dumps(list(_csl(kb, csl).values()))


def schema_bytes(
    kb: KnowledgeBase | None = None, project: Project | None = None, download_dir: str = "downloads"
) -> bytes:
    """The JSON Schema of the knowledge base: the package's, with ``kb``'s own measures, units and trial fields,
    named for `project` (its `$id` is the download's own URL, its title the project's name)."""
    own = schema.schema_for(kb.vocab) if kb is not None else schema.schema()
    shipped = resources.files("derma_evidence").joinpath("contract", "claims.schema.json").read_bytes()
    named = {"$id": _schema_id(project, download_dir), "title": f"{project.name} knowledge base"} if project else {}
    if own is schema.schema() and all(own.get(k) == v for k, v in named.items()):
        return shipped
    out = dict(own)
    for k, v in named.items():
        if v:
            out[k] = v
        else:
            out.pop(k, None)
    return (json.dumps(out, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _schema_id(project: Project, download_dir: str) -> str:
    """The schema download's URL (its `$id`): below the project's site, or "" when the site URL is unknown."""
    return f"{project.site_url}{download_dir}/claims.schema.json" if project.site_url else ""


def all_exports(
    kb: KnowledgeBase,
    bib_bytes: bytes,
    csl: Mapping[str, dict[str, Any]] | None = None,
    project: Project | None = None,
    download_dir: str = "downloads",
) -> dict[str, bytes]:
    """File name -> bytes, for every download (names as in render.DOWNLOADS).

    `csl` is the build's CSL-JSON by key (`citations.Bibliography.csl`), so references are converted
    once per build; without it they are converted here. `project` names the knowledge base in the
    datapackage, the schema and answers.json (the defaults when absent).
    """
    project = project or Project()
    data = knowledge_base_data(kb)  # one walk: claims.json and answers.json
    return {
        "claims.json": claims_json(kb, data),
        "claims.csv": claims_csv(kb),
        "datapackage.json": datapackage(kb, project),
        "answers.json": answers_json(kb, project, data),
        "references.csl.json": references_csl(kb, csl),
        "references.bib": bib_bytes,
        "claims.schema.json": schema_bytes(kb, project, download_dir),
    }


# --- the answers layer --------------------------------------------------------------------------


def answers_json(
    kb: KnowledgeBase, project: Project | None = None, data: Mapping[str, list[Any]] | None = None
) -> bytes:
    """Questions, comparisons with their outcomes and effects, risk of bias per trial and review inclusions.

    The answers sections of the same walk as claims.json (`knowledge_base_data`, in the schema's shape),
    with each trial's risk of bias under its key; `data` is that walk when the caller already has it.
    """
    publisher = (project or Project()).publisher
    data = data if data is not None else knowledge_base_data(kb)
    out = {
        "note": f"GRADE and risk-of-bias judgements are {publisher}'s; effects are as the sources report them.",
        "questions": data["questions"],
        "comparisons": data["comparisons"],
        "risk_of_bias": [{"trial": t["key"], **t["rob"]} for t in data["trials"] if "rob" in t],
        "reviews": data["reviews"],
    }
    return _dumps(out)
