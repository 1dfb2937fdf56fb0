"""Validate a node tree against the JSON Schema in ``claims.schema.json``.

A small interpreter for the subset of draft-07 that the schema uses (type, properties, required,
additionalProperties, items, enum, pattern, minLength, maxLength, minItems, minimum, format,
$ref). It works on the position-carrying nodes, so every problem points at its value, and it
knows how YAML 1.1 would have typed each plain scalar, so `yes`, `010` or a date where text is
expected are reported instead of silently changing meaning. A keyword ``x-code`` hands the
violations of a property to the named checker rule (which gives a more specific message).
The tests hold this interpreter to `jsonschema` on the same data.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from derma_evidence.contract.patterns import pattern_problem
from derma_evidence.diagnostics import Diagnostic, Pos, declare, did_you_mean, make
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq

Schema = dict[str, Any]


IMPLEMENTED = frozenset(
    "type properties required additionalProperties items enum pattern minLength maxLength minItems minimum "
    "format $ref".split()
)
"""The JSON Schema keywords this interpreter validates; any other keyword in the schema is an error at load."""
ANNOTATIONS = frozenset(
    {"$schema", "$id", "title", "description", "definitions"}
    | {"x-code", "x-labels", "x-units", "x-factors", "x-definitions"}
)
"""Keywords that never constrain a value (read by the docs, the model or the rules)."""
FORMATS = frozenset({"date"})
TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean"})


class UnsupportedSchema(ValueError):
    """The schema uses a keyword (or a form of one) that this interpreter would silently ignore."""


def check_keywords(s: Schema, where: str = "#") -> None:
    """Raise `UnsupportedSchema` on any keyword, type, format or form the interpreter does not implement."""
    for key, value in s.items():
        here = f"{where}/{key}"
        if key not in IMPLEMENTED and key not in ANNOTATIONS:
            raise UnsupportedSchema(f"{here}: keyword '{key}' is not implemented by derma_evidence.contract.schema")
        if key in ("properties", "definitions"):
            for name, sub in value.items():
                check_keywords(sub, f"{here}/{name}")
        elif key == "items":
            if not isinstance(value, dict):
                raise UnsupportedSchema(f"{here}: only a single schema is implemented for 'items'")
            check_keywords(value, here)
        elif key == "type" and (not isinstance(value, str) or value not in TYPES):
            raise UnsupportedSchema(f"{here}: type {value!r} is not implemented (one type name per schema)")
        elif key == "format" and (not isinstance(value, str) or value not in FORMATS):
            raise UnsupportedSchema(f"{here}: format {value!r} is not implemented")
        elif key == "additionalProperties" and not isinstance(value, bool):
            raise UnsupportedSchema(f"{here}: only true or false is implemented for 'additionalProperties'")
        elif key == "$ref" and not str(value).startswith("#/definitions/"):
            raise UnsupportedSchema(f"{here}: only '#/definitions/NAME' references are implemented")


@cache
def schema() -> Schema:
    """The JSON Schema of data/claims.yaml, as shipped in the package; raises on keywords it would ignore."""
    text = resources.files("derma_evidence").joinpath("contract", "claims.schema.json").read_text("utf-8")
    data: Schema = json.loads(text)
    check_keywords(data)
    return data


@cache
def _pattern(p: str) -> re.Pattern[str]:
    """A JSON Schema (ECMA-262) pattern in Python: `$` is the very end (`\\Z`), `\\d` ASCII digits."""
    if p.endswith("$") and not p.endswith("\\$"):
        p = p[:-1] + r"\Z"
    return re.compile(p, re.ASCII)


_KIND_WORDS = {
    "bool": "a boolean",
    "int": "a number",
    "float": "a number",
    "null": "an empty value",
    "timestamp": "a date",
    "str": "text",
}


class Validator:
    def __init__(self, path: str, root_schema: Schema | None = None) -> None:
        self.path = path
        if root_schema is not None and root_schema is not schema():
            check_keywords(root_schema)
        self.root = root_schema or schema()
        self._derefs: dict[int, Schema] = {}
        self._keep: list[Schema] = []  # the dereferenced dicts stay alive, so their ids stay theirs
        self.diags: list[Diagnostic] = []

    def pos(self, node: Node | Scalar) -> Pos:
        return Pos(self.path, node.line, node.col)

    def deref(self, s: Schema) -> Schema:
        if "$ref" not in s:
            return s
        done = self._derefs.get(id(s))  # the schema's dicts live as long as the validator: one merge per $ref
        if done is not None:
            return done
        original = s
        while "$ref" in s:
            ref = s["$ref"]
            name = ref.rsplit("/", 1)[-1]
            merged = dict(self.root["definitions"][name])
            for k, v in s.items():
                if k != "$ref":
                    merged[k] = v
            s = merged
        self._derefs[id(original)] = s
        self._keep.append(original)
        return s

    def validate(self, node: Node, s: Schema, where: str) -> None:
        if isinstance(node, Scalar) and node.kind == "refused":
            return  # an alias, reported by the loader (Y003)
        s = self.deref(s)
        delegated = "x-code" in s
        expected = s.get("type")
        if expected == "object":
            if not isinstance(node, Map):
                if not delegated:
                    self.wrong_type(node, "a mapping", where)
                return
            self.object(node, s, where)
        elif expected == "array":
            if not isinstance(node, Seq):
                if not delegated:
                    self.wrong_type(node, "a list", where)
                return
            if len(node.items) < s.get("minItems", 0) and not delegated:
                self.diags.append(invalid_value(self.pos(node), f"{where} needs at least {s['minItems']} item(s)"))
            item_schema = s.get("items")
            if item_schema is not None:
                for i, child in enumerate(node.items):
                    self.validate(child, item_schema, f"{where}[{i}]")
        else:
            if not isinstance(node, Scalar):
                if not delegated:
                    self.wrong_type(node, _expected_word(expected), where)
                return
            self.scalar(node, s, where, expected, delegated)

    def object(self, node: Map, s: Schema, where: str) -> None:
        props: dict[str, Schema] = s.get("properties", {})
        present = set()
        for key, value in node.items:
            present.add(key.value)
            sub = props.get(key.value)
            if sub is None:
                if s.get("additionalProperties", True) is False:
                    self.diags.append(unknown_field(self.pos(key), key.value, list(props), where))
                continue
            self.validate(value, sub, f"{where}.{key.value}" if where else key.value)
        for req in s.get("required", []):
            if req not in present and "x-code" not in self.deref(props.get(req, {})):
                self.diags.append(missing_field(self.pos(node), req, where))

    def scalar(self, node: Scalar, s: Schema, where: str, expected: str | None, delegated: bool) -> None:
        kind = node.kind
        if expected == "string":
            if kind == "timestamp" and s.get("format") == "date":
                kind = "str"
            if kind != "str":
                if not delegated or kind != "timestamp":
                    self.wrong_type(node, "text", where)
                return
            value = node.value
            if delegated:
                return
            if "enum" in s and value not in s["enum"]:
                opts = s["enum"]
                self.diags.append(
                    invalid_value(
                        self.pos(node),
                        f"'{value}' is not an allowed value of {where}",
                        (did_you_mean(value, opts) or "") + " allowed: " + ", ".join(opts),
                    )
                )
                return
            if len(value) < s.get("minLength", 0):
                self.diags.append(invalid_value(self.pos(node), f"{where} must not be empty"))
            if "maxLength" in s and len(value) > s["maxLength"]:
                self.diags.append(
                    invalid_value(self.pos(node), f"{where} is {len(value)} characters long, over {s['maxLength']}")
                )
            if "pattern" in s and not _pattern(s["pattern"]).search(value):
                self.diags.append(invalid_value(self.pos(node), f"'{value}' does not match the form of {where}"))
        elif expected in ("number", "integer"):
            ok = kind == "int" or (kind == "float" and expected == "number")
            if not ok:
                self.wrong_type(node, "a whole number" if expected == "integer" else "a number", where)
                return
            number = node.python()
            assert isinstance(number, (int, float))
            if "minimum" in s and number < s["minimum"]:
                self.diags.append(invalid_value(self.pos(node), f"{where} must be at least {s['minimum']}"))
        elif expected == "boolean":
            if kind != "bool":
                self.wrong_type(node, "true or false", where)

    def wrong_type(self, node: Node, expected: str, where: str) -> None:
        self.diags.append(wrong_type(self.pos(node), node, expected, where))


def _expected_word(t: str | None) -> str:
    return {"string": "text", "number": "a number", "integer": "a whole number", "boolean": "true or false"}.get(
        t or "", "a value"
    )


def validate(path: str, root: Node) -> list[Diagnostic]:
    """Every schema problem in the tree ``root`` read from ``path`` (its own `vocabulary:` included)."""
    v = Validator(path, schema_for(vocabulary_of(root)))
    if not isinstance(root, Map):
        d = wrong_type(Pos(path, root.line, root.col), root, "a mapping with `topics:` and `claims:`", "the file")
        return [d]
    v.validate(root, v.root, "")
    return v.diags


# --- the measures and units: defaults in the schema, merged with the knowledge base's `vocabulary:` ---


@dataclass(frozen=True, slots=True)
class Vocab:
    """The measures (with their units and words) and units (with words and base factors) a knowledge base uses."""

    units_for_measure: dict[str, tuple[str, ...]]
    measure_labels: dict[str, str]
    unit_labels: dict[str, str]
    factors: dict[str, float]
    non_negative: frozenset[str]
    trial_fields: tuple[tuple[str, str, str], ...] = ()
    """Protocol quantities of the trials: (field, measure, label); the first is the protocol chart's axis."""
    search_synonyms: tuple[tuple[str, str], ...] = ()
    """(pattern, words): hidden search words of a claim or answer whose text matches the pattern."""

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(self.units_for_measure)

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(self.unit_labels)

    def key(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        return self.measures, self.units, tuple(f[0] for f in self.trial_fields)


SIGNED_MEASURES = frozenset({"proportion"})
"""Default measures whose values are not refused below 0 by C017 (a proportion has its own bounds)."""


@cache
def default_vocab() -> Vocab:
    """The defaults, from the schema: `measure` (`enum`, `x-units`) and `unit` (`enum`, `x-labels`, `x-factors`)."""
    defs = schema()["definitions"]
    measures = [str(m) for m in defs["measure"]["enum"]]
    units = [str(u) for u in defs["unit"]["enum"]]
    return Vocab(
        {m: tuple(defs["measure"]["x-units"][m]) for m in measures},
        {m: defs["measure"].get("x-labels", {}).get(m, m) for m in measures},
        {u: defs["unit"]["x-labels"].get(u, u) for u in units},
        {u: float(f) for u, f in defs["unit"]["x-factors"].items()},
        frozenset(m for m in measures if m not in SIGNED_MEASURES),
    )


def _word(v: Node | None) -> str | None:
    """A scalar as the word it spells (a unit `1` may be written unquoted)."""
    if isinstance(v, Scalar) and v.kind in ("str", "int") and v.value:
        return v.value
    return None


def vocabulary_of(root: Node | None) -> Vocab:
    """The defaults merged with the top-level `vocabulary:` of ``root``; lenient (the schema reports the rest)."""
    base = default_vocab()
    section = root.get("vocabulary") if isinstance(root, Map) else None
    if not isinstance(section, Map):
        return base
    keep = not (isinstance(d := section.get("defaults"), Scalar) and d.kind == "bool" and d.python() is False)
    units = dict(base.unit_labels) if keep else {}
    factors = dict(base.factors) if keep else {}
    measures = dict(base.units_for_measure) if keep else {}
    labels = dict(base.measure_labels) if keep else {}
    non_negative = set(base.non_negative) if keep else set()
    unit_nodes = section.get("units")
    for m in unit_nodes.items if isinstance(unit_nodes, Seq) else []:
        code = _word(m.get("id")) if isinstance(m, Map) else None
        if isinstance(m, Map) and code:
            label = m.get("label")
            units[code] = label.value if isinstance(label, Scalar) and label.kind == "str" else units.get(code, code)
            f = m.get("factor")
            if isinstance(f, Scalar) and f.kind in ("int", "float"):
                factors[code] = float(f.value)
    measure_nodes = section.get("measures")
    declared: set[str] = set()
    for m in measure_nodes.items if isinstance(measure_nodes, Seq) else []:
        name = _word(m.get("id")) if isinstance(m, Map) else None
        if isinstance(m, Map) and name:
            us = m.get("units")
            listed = tuple(w for w in (_word(x) for x in (us.items if isinstance(us, Seq) else [])) if w)
            if name in declared:  # declared twice (S006 reports it there): the units of both, no error elsewhere
                measures[name] = tuple(dict.fromkeys(measures[name] + listed))
                continue
            declared.add(name)
            measures[name] = listed
            label = m.get("label")
            labels[name] = label.value if isinstance(label, Scalar) and label.kind == "str" else name
            nn = m.get("non_negative")
            if isinstance(nn, Scalar) and nn.kind == "bool" and nn.python() is False:
                non_negative.discard(name)
            else:
                non_negative.add(name)
    trial_fields = []
    for m in _seq_maps(section.get("trial_fields")):
        field, kind, words = (_word(m.get(k)) for k in ("id", "measure", "label"))
        if field and kind and words and field not in TRIAL_FIXED:
            trial_fields.append((field, kind, words))
    synonyms = []
    for m in _seq_maps(section.get("search_synonyms")):
        pattern, words = _word(m.get("pattern")), _word(m.get("words"))
        if pattern and words and pattern_problem(pattern) is None:
            synonyms.append((pattern, words))
    return Vocab(measures, labels, units, factors, frozenset(non_negative), tuple(trial_fields), tuple(synonyms))


def _seq_maps(v: Node | None) -> list[Map]:
    return [x for x in v.items if isinstance(x, Map)] if isinstance(v, Seq) else []


def vocabulary_data(vocab: Vocab) -> dict[str, Any] | None:
    """``vocab`` as a complete `vocabulary:` section (`defaults: false`, every value), or None for the defaults."""
    base = default_vocab()
    if vocab == base:
        return None
    trial_fields = [{"id": f, "measure": m, "label": w} for f, m, w in vocab.trial_fields]
    synonyms = [{"pattern": p, "words": w} for p, w in vocab.search_synonyms]
    measures = [
        {"id": m, "label": vocab.measure_labels.get(m, m), "units": list(u)}
        | ({} if m in vocab.non_negative else {"non_negative": False})
        for m, u in vocab.units_for_measure.items()
    ]
    units = [
        {"id": u, "label": w} | ({"factor": vocab.factors[u]} if u in vocab.factors else {})
        for u, w in vocab.unit_labels.items()
    ]
    data: dict[str, Any] = {"defaults": False, "measures": measures, "units": units}
    return (
        data
        | ({"trial_fields": trial_fields} if trial_fields else {})
        | ({"search_synonyms": synonyms} if synonyms else {})
    )


def schema_for(vocab: Vocab) -> Schema:
    """The schema with `measure` and `unit` allowing exactly ``vocab``'s values (the shipped one for the defaults)."""
    if vocab.key() == default_vocab().key():
        return schema()
    return _schema_for(vocab.key())


@cache
def _schema_for(key: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]) -> Schema:
    s = copy.deepcopy(schema())
    s["definitions"]["measure"]["enum"] = list(key[0])
    s["definitions"]["unit"]["enum"] = list(key[1])
    trial: dict[str, Any] = {}
    for name, sub in s["definitions"]["trial"]["properties"].items():
        trial[name] = sub
        if name == TRIAL_FIELDS_AFTER:
            trial.update({f: {"$ref": "#/definitions/range"} for f in key[2]})
    s["definitions"]["trial"]["properties"] = trial
    return s


TRIAL_FIELDS_AFTER = "device"
"""The declared trial fields come after this one in `trials[]` (and in the claims.json export)."""
TRIAL_FIXED = frozenset({"key", "design", "n", "population", "device", "interval", "sessions", "duration"})
"""Trial fields of the schema itself; a declared trial field cannot redefine one."""


@declare("S001", "unknown-field", phase="schema")
def unknown_field(pos: Pos, key: str, allowed: list[str], where: str) -> Diagnostic:
    """A field that the data contract does not define.

    Why: a misspelt field (`sorces:`) would otherwise be ignored, and the claim would silently
    lose what it meant to say.

    Example: `verdcit: supported`.

    Fix: correct the spelling (the help line suggests the nearest field) or remove the field.
    """
    hint = did_you_mean(key, allowed)
    allowed_text = "allowed here: " + ", ".join(allowed)
    place = f" in {where}" if where else " at the top level"
    return make(pos, "S001", f"unknown field '{key}'{place}", f"{hint} {allowed_text}" if hint else allowed_text)


@declare("S002", "wrong-type", phase="schema")
def wrong_type(pos: Pos, node: Node, expected: str, where: str) -> Diagnostic:
    """A value has the wrong type: text where a number is expected, a list where text is, etc.

    Why: YAML guesses types. Unquoted `yes` becomes a boolean, `010` an octal 8, `1:30` the
    number 90 and `2024-01-01` a date; the checker refuses such guesses instead of publishing them.

    Example: `statement: yes`, or `min: 010`.

    Fix: quote values that are text; write numbers as plain decimals (`10`, `0.5`).
    """
    if isinstance(node, Scalar):
        got = _KIND_WORDS.get(node.kind, "text")
        if node.kind == "ambiguous":
            got = "which YAML 1.1 reads as a " + ("boolean" if node.value[:1].isalpha() else "number")
        if node.kind == "str" and not node.plain:
            got = "quoted text"
        shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
        message = f"{where or 'value'} should be {expected}, got '{shown}' ({got})"
        if expected == "text":
            help_text = f'put it in quotes: "{shown}"'
        elif node.kind == "ambiguous":
            help_text = "write a plain decimal number such as 10 or 0.5"
        else:
            help_text = f"write {expected} here"
    else:
        got = "a list" if isinstance(node, Seq) else "a mapping"
        message = f"{where or 'value'} should be {expected}, got {got}"
        help_text = f"write {expected} here"
    return make(pos, "S002", message, help_text)


@declare("S003", "missing-field", phase="schema")
def missing_field(pos: Pos, field: str, where: str) -> Diagnostic:
    """A required field is missing.

    Why: every claim must say what it states, how sure we are and when it was reviewed; a
    reader cannot judge a claim with a missing verdict or date.

    Example: a claim without `certainty:`.

    Fix: add the field; the schema reference lists what each object needs.
    """
    place = where or "the top level"
    return make(pos, "S003", f"missing required field '{field}' in {place}", f"add `{field}:`")


@declare("S004", "invalid-value", phase="schema")
def invalid_value(pos: Pos, message: str, help: str | None = None) -> Diagnostic:
    """A value is of the right type but not allowed: not in the vocabulary, empty, or out of range.

    Why: controlled vocabularies (verdict, certainty, stance, measure, unit, design) are what the
    site filters and the rules reason on; a free-form value would fall out of every filter.

    Example: `verdict: proven`.

    Fix: use one of the allowed values listed in the help line.
    """
    return make(pos, "S004", message, help.strip() if help else None)
