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
from derma_evidence.model.answers import Effect, Judgement, Outcome, Override
from derma_evidence.model.claims import Ref
from derma_evidence.model.kb import KnowledgeBase

CSV_COLUMNS = (
    "id",
    "topic",
    "statement",
    "verdict",
    "certainty",
    "measure",
    "min",
    "max",
    "unit",
    "sources",
    "note",
    "reviewed",
    "article",
)


def _dumps(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _value(value: Any, s: Mapping[str, Any], defs: Mapping[str, Any] | None = None) -> Any:
    """A model value as JSON data shaped by its schema `s`: the fields the schema lists, in its order.

    The export is driven by the schema, so a new field or section needs no change here. Absent
    values (None, empty lists) and non-finite numbers are left out.
    """
    defs = defs if defs is not None else schema.schema()["definitions"]
    while "$ref" in s:
        s = defs[str(s["$ref"]).rsplit("/", 1)[-1]]
    if value is None:
        return None
    if isinstance(value, Ref):
        return value.id
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for name, sub in s.get("properties", {}).items():
            v = _value(_field(value, name, sub), sub, defs)
            if v is not None and v != []:
                out[name] = v
        return out
    if isinstance(value, tuple | list):
        return [v for v in (_value(x, s.get("items", {}), defs) for x in value) if v is not None]
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    return value


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
    return {
        name: _value(getattr(kb, name), sub, defs) or []
        for name, sub in root["properties"].items()
        if name not in NOT_SECTIONS
    }


NOT_SECTIONS = frozenset({"vocabulary", "source_article"})
"""Top-level objects that are settings, not lists: `claims_json` writes the vocabulary on its own line."""


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "), allow_nan=False)


def claims_json(kb: KnowledgeBase) -> bytes:
    """The knowledge base as JSON, valid against claims.schema.json (references: see references.csl.json).

    One item per line: still readable and diffable, and written by the json module's C encoder
    (an indented dump of 10,000 claims takes the pure-Python encoder several times longer).
    """
    sections = [
        f'  "{name}": [' + ("\n    " + ",\n    ".join(_compact(x) for x in items) + "\n  ]" if items else "]")
        for name, items in knowledge_base_data(kb).items()
    ]
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
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return _number(float(value)) if isinstance(value, float) else str(value)
    text = LINE_BREAKS.sub(" ", str(value))
    return "'" + text if text.lstrip(" ")[:1] in FORMULA_START and text.lstrip(" ") else text


CSV_TYPES = {"min": "number", "max": "number", "reviewed": "date"}
CSV_VOCABULARIES = {"verdict": "verdict", "certainty": "certainty", "measure": "measure", "unit": "unit"}
CSV_DESCRIPTIONS = {
    "id": "The claim's permanent id (kebab-case).",
    "topic": "The id of the claim's topic.",
    "statement": "The claim, in neutral words.",
    "verdict": "What the cited evidence says about the statement.",
    "certainty": "GRADE certainty of the evidence.",
    "measure": "What the claim's quantity measures, if it has one.",
    "min": "The quantity's value, or the lower end of its range.",
    "max": "The upper end of the quantity's range.",
    "unit": "The quantity's UCUM unit.",
    "sources": "Citation keys of the sources, separated by '; ' (see references.csl.json).",
    "note": "Caveats a reader must see.",
    "reviewed": "The date the claim was last checked against its sources.",
    "article": "Numbers of the source-article statements the claim checks, separated by spaces.",
}


def datapackage(kb: KnowledgeBase) -> bytes:
    """A Frictionless Data Package describing claims.csv: its columns, their types and allowed values.

    The allowed values come from claims.schema.json, like everything else that knows a vocabulary, with the
    knowledge base's own measures and units (`vocabulary:`), so claims.csv passes its own descriptor.
    """
    defs = schema.schema_for(kb.vocab)["definitions"]
    fields = []
    for name in CSV_COLUMNS:
        f: dict[str, Any] = {"name": name, "type": CSV_TYPES.get(name, "string"), "description": CSV_DESCRIPTIONS[name]}
        constraints: dict[str, Any] = {}
        if name in CSV_VOCABULARIES:
            constraints["enum"] = list(defs[CSV_VOCABULARIES[name]]["enum"])
        if name in ("id", "topic", "statement", "verdict", "certainty", "sources", "reviewed"):
            constraints["required"] = True
        if name == "id":
            constraints["unique"] = True
            constraints["pattern"] = defs["id"]["pattern"].removeprefix("^").removesuffix("$")
        if constraints:
            f["constraints"] = constraints
        fields.append(f)
    package = {
        "name": "derma-evidence",
        "title": "Derma Evidence claims",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
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


def claims_csv(kb: KnowledgeBase) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for c in kb.claims:
        q = c.quantity
        w.writerow(
            [
                _cell(v)
                for v in (
                    c.id,
                    c.topic,
                    c.statement,
                    c.verdict,
                    c.certainty,
                    q.measure if q else None,
                    q.min if q else None,
                    q.max if q else None,
                    q.unit if q else None,
                    "; ".join(s.key for s in c.sources if s.key),
                    c.note,
                    c.reviewed,
                    " ".join(str(n) for n in c.article),
                )
            ]
        )
    return buf.getvalue().encode("utf-8")


def references_csl(kb: KnowledgeBase, csl: Mapping[str, dict[str, Any]] | None = None) -> bytes:
    return _dumps(list(_csl(kb, csl).values()))


def schema_bytes(kb: KnowledgeBase | None = None) -> bytes:
    """The JSON Schema of the knowledge base: the package's, with ``kb``'s own measures, units and trial fields."""
    own = schema.schema_for(kb.vocab) if kb is not None else None
    if own is None or own is schema.schema():
        return resources.files("derma_evidence").joinpath("contract", "claims.schema.json").read_bytes()
    return (json.dumps(own, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def all_exports(
    kb: KnowledgeBase, bib_bytes: bytes, csl: Mapping[str, dict[str, Any]] | None = None
) -> dict[str, bytes]:
    """File name -> bytes, for every download (names as in render.DOWNLOADS).

    `csl` is the build's CSL-JSON by key (`citations.Bibliography.csl`), so references are converted
    once per build; without it they are converted here.
    """
    return {
        "claims.json": claims_json(kb),
        "claims.csv": claims_csv(kb),
        "datapackage.json": datapackage(kb),
        "answers.json": answers_json(kb),
        "references.csl.json": references_csl(kb, csl),
        "references.bib": bib_bytes,
        "claims.schema.json": schema_bytes(kb),
    }


# --- the answers layer --------------------------------------------------------------------------


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {}}


def _judgements(domains: tuple[tuple[str, Judgement], ...]) -> dict[str, Any]:
    return {
        name: _drop_none(
            {
                "judgement": j.judgement,
                "status": j.status,
                "reason": j.reason,
                "answers": j.answers,
                "override": _override(j.override),
            }
        )
        for name, j in domains
    }


def _override(o: Override | None) -> dict[str, Any] | None:
    return _drop_none({"judgement": o.judgement, "reason": o.reason}) if o is not None else None


def _effect(e: Effect) -> dict[str, Any]:
    src = e.source
    return _drop_none(
        {
            "source": _drop_none({"key": src.key, "locator": src.locator, "quote": src.quote}) if src else None,
            "label": e.label,
            "pooled": e.pooled or None,
            "pooled_from": _drop_none(
                {
                    "review": e.pooled_from.review,
                    "studies": e.pooled_from.studies,
                    "not_reported": list(e.pooled_from.not_reported),
                }
            )
            if e.pooled_from
            else None,
            "measure": e.measure,
            "value": e.value,
            "ci_low": e.ci_low,
            "ci_high": e.ci_high,
            "unit": e.unit,
            "i2": e.i2,
            "studies": e.studies,
            "participants": e.participants,
            "p": e.p,
            "arms": [_drop_none({"label": a.label, "value": a.value, "n": a.n}) for a in e.arms],
            "overlap": _drop_none({"role": e.overlap.role, "reason": e.overlap.reason}) if e.overlap else None,
        }
    )


def _outcome(o: Outcome) -> dict[str, Any]:
    g = o.grade
    return _drop_none(
        {
            "id": o.full_id,
            "name": o.name,
            "importance": o.importance,
            "time_point": o.time_point,
            "trials": [t.id for t in o.trials],
            "studies": o.studies,
            "participants": o.participants,
            "not_reported": list(o.not_reported),
            "effects": [_effect(e) for e in o.effects],
            "certainty": o.certainty,
            "grade": _drop_none(
                {
                    "start": g.start,
                    **_judgements(g.domains),
                    "upgrades": [
                        _drop_none({"factor": u.factor, "levels": u.levels, "reason": u.reason}) for u in g.upgrades
                    ],
                }
            )
            if g
            else None,
            "finding": o.finding,
            "evidence": o.evidence,
            "bottom_line": _drop_none(
                {
                    "direction": o.bottom_line.direction,
                    "size": o.bottom_line.size,
                    "rule": o.bottom_line.rule,
                    "reason": o.bottom_line.reason,
                }
            )
            if o.bottom_line
            else None,
            "claims": [c.id for c in o.claims],
            "note": o.note,
        }
    )


def answers_json(kb: KnowledgeBase) -> bytes:
    """Questions, comparisons with their outcomes and effects, risk of bias per trial and review inclusions."""
    data = {
        "note": "GRADE and risk-of-bias judgements are Derma Evidence's; effects are as the sources report them.",
        "questions": [
            _drop_none(
                {
                    "id": q.id,
                    "question": q.question,
                    "short": q.short,
                    "answer": q.answer,
                    "certainty": q.certainty,
                    "rests_on": _drop_none(
                        {"outcomes": [r.id for r in q.outcomes], "claims": [r.id for r in q.claims]}
                    ),
                    "topic": q.topic,
                }
            )
            for q in kb.questions
        ],
        "comparisons": [
            _drop_none(
                {
                    "id": c.id,
                    "title": c.title,
                    "population": c.population,
                    "intervention": c.intervention,
                    "comparator": c.comparator,
                    "topic": c.topic,
                    "outcomes": [_outcome(o) for o in c.outcomes],
                    "note": c.note,
                }
            )
            for c in kb.comparisons
        ],
        "risk_of_bias": [
            _drop_none(
                {
                    "trial": t.key,
                    "tool": "rob2",
                    "outcome": t.rob.outcome,
                    "effect": t.rob.effect,
                    "results": [r.id for r in t.rob.results],
                    **_judgements(t.rob.domains),
                    "overall": t.rob.overall,
                    "override": _override(t.rob.override),
                }
            )
            for t in kb.trials
            if t.rob is not None
        ]
        + [
            {"trial": t.key, "tool": t.rob_tool.tool, "reason": t.rob_tool.reason}
            for t in kb.trials
            if t.rob is None and t.rob_tool is not None
        ],
        "reviews": [
            _drop_none(
                {
                    "key": r.key,
                    "included": [i.id for i in r.included],
                    "count": r.count,
                    "locator": r.locator,
                    "quote": r.quote,
                    "unverified": r.unverified,
                }
            )
            for r in kb.reviews
        ],
    }
    return _dumps(data)
