"""The published JSON Schema and the checker agree: what the checker accepts, the schema accepts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from derma_evidence.contract.schema import schema, schema_for, vocabulary_of
from derma_evidence.load.yamlpos import load_yaml
from tests.conftest import CASES, ROOT


def _plain(value: object) -> object:
    """YAML data as an editor or check-jsonschema sees it (dates as ISO strings)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _errors(path: Path) -> list[str]:
    data = _plain(yaml.safe_load(path.read_text("utf-8")))
    own = schema_for(vocabulary_of(load_yaml(str(path), path.read_bytes()).root))  # with its `vocabulary:`
    validator = jsonschema.Draft7Validator(own, format_checker=jsonschema.FormatChecker())
    return [e.message for e in validator.iter_errors(data)]


def test_schema_is_valid_draft_07() -> None:
    assert schema()["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema())


def test_schema_file_matches_package_copy_and_modeline() -> None:
    first = (ROOT / "data" / "claims.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../derma_evidence/contract/claims.schema.json"
    assert json.loads((ROOT / "derma_evidence" / "contract" / "claims.schema.json").read_text()) == schema()


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "data" / "claims.yaml",
        CASES / "_valid" / "claims.yaml",
        CASES / "_answers_valid" / "claims.yaml",
        ROOT / "tests" / "site_fixture" / "claims.yaml",
    ],
    ids=str,
)
def test_accepted_data_is_schema_valid(path: Path) -> None:
    assert _errors(path) == []


@pytest.mark.parametrize("code", ["S001", "S002", "S003", "S004", "C002", "C004", "C008"])
def test_schema_violations_fail_the_schema_too(code: str) -> None:
    assert _errors(CASES / code / "claims.yaml"), code


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "string", "const": "x"},
        {"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}]}}},
        {"type": "array", "items": [{"type": "string"}]},
        {"type": ["string", "null"]},
        {"type": "string", "format": "email"},
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"definitions": {"d": {"type": "string", "exclusiveMinimum": 1}}},
        {"$ref": "other.json#/definitions/x"},
    ],
)
def test_unimplemented_keywords_fail_loudly(bad: dict[str, object]) -> None:
    """The interpreter refuses a schema it would only partly apply, instead of silently ignoring a keyword."""
    from derma_evidence.contract.schema import UnsupportedSchema, Validator, check_keywords

    with pytest.raises(UnsupportedSchema):
        check_keywords(bad)
    with pytest.raises(UnsupportedSchema):
        Validator("x.yaml", bad)


def test_the_shipped_schema_uses_only_implemented_keywords() -> None:
    from derma_evidence.contract.schema import check_keywords

    check_keywords(schema())


def test_vocabularies_are_read_from_the_schema() -> None:
    """Each vocabulary is defined once, in claims.schema.json; model, render and the docs read it from there."""
    from derma_evidence.contract import vocab
    from derma_evidence.render import words

    defs = schema()["definitions"]
    assert vocab.VERDICTS == tuple(defs["verdict"]["enum"])
    assert vocab.CERTAINTIES == tuple(defs["certainty"]["enum"])
    assert vocab.STANCES == tuple(defs["stance"]["enum"])
    assert vocab.DESIGNS == tuple(defs["design"]["enum"])
    assert vocab.MEASURES == tuple(defs["measure"]["enum"])
    assert vocab.UNITS_FOR_MEASURE == {m: tuple(u) for m, u in defs["measure"]["x-units"].items()}
    assert set(vocab.UNITS_FOR_MEASURE) == set(vocab.MEASURES)
    assert all(set(u) <= set(vocab.UNITS) for u in vocab.UNITS_FOR_MEASURE.values())
    for name in ("verdict", "certainty", "stance", "design", "unit"):
        assert set(defs[name]["x-labels"]) == set(defs[name]["enum"]), name
    assert {words.label(v) for v in vocab.VERDICTS} == set(defs["verdict"]["x-labels"].values())
    # the schema's properties use the vocabularies by reference, never restate them
    text = json.dumps(schema()["definitions"]["claim"])
    assert '"enum"' not in text


def test_the_design_table_of_the_contributing_guide_matches_the_schema() -> None:
    import re

    from derma_evidence.contract import vocab

    text = (ROOT / "content" / "contributing.md").read_text("utf-8")
    assert tuple(re.findall(r"^    \| `([a-z-]+)` \|", text, re.M)) == vocab.DESIGNS
    assert tuple(re.findall(r"^\| `([a-z-]+)` \|", text, re.M)) == vocab.CERTAINTIES


def test_the_rule_decorator_supplies_the_code() -> None:
    """Rule bodies yield hits without a code; the decorator gives each the one code it declares."""
    import ast
    import inspect

    from derma_evidence import rules
    from derma_evidence.rules import CODES, answers, bib, claims, living

    for family in (claims, bib, answers, living):
        tree = ast.parse(inspect.getsource(family))
        bodies = [f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name != "since"]
        for node in (n for f in bodies for n in ast.walk(f)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "make":
                where = f"{family.__name__} line {node.lineno}"
                raise AssertionError(f"{where}: a rule body calls make(); yield Hit(...) instead")
    for r in rules.RULES:
        assert r.code in CODES and CODES[r.code].func_name == r.__name__  # type: ignore[attr-defined]


def test_answers_vocabularies_are_enums() -> None:
    d = schema()["definitions"]
    assert d["certainty"]["enum"] == ["high", "moderate", "low", "very-low"]
    assert d["judgement"]["properties"]["judgement"]["enum"] == ["not-serious", "serious", "very-serious"]
    assert d["rob_judgement"]["properties"]["judgement"]["enum"] == ["low", "some-concerns", "high"]
    assert d["grade"]["properties"]["start"]["enum"] == ["randomised", "observational"]
    assert set(d["rob"]["required"]) >= {"randomisation", "deviations", "missing_data", "measurement", "selection"}
    for name in ("question", "comparison", "outcome", "effect", "rob", "review", "verification", "check"):
        assert d[name].get("description"), name
