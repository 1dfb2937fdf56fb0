"""The published JSON Schema and the checker agree: what the checker accepts, the schema accepts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from derma_evidence.schema import schema

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).parent / "cases"


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
    validator = jsonschema.Draft7Validator(schema(), format_checker=jsonschema.FormatChecker())
    return [e.message for e in validator.iter_errors(data)]


def test_schema_is_valid_draft_07() -> None:
    assert schema()["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema())


def test_schema_file_matches_package_copy_and_modeline() -> None:
    first = (ROOT / "data" / "claims.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../derma_evidence/claims.schema.json"
    assert json.loads((ROOT / "derma_evidence" / "claims.schema.json").read_text()) == schema()


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


def test_answers_vocabularies_are_enums() -> None:
    d = schema()["definitions"]
    assert d["certainty"]["enum"] == ["high", "moderate", "low", "very-low"]
    assert d["judgement"]["properties"]["judgement"]["enum"] == ["not-serious", "serious", "very-serious"]
    assert d["rob_judgement"]["properties"]["judgement"]["enum"] == ["low", "some-concerns", "high"]
    assert d["grade"]["properties"]["start"]["enum"] == ["randomised", "observational"]
    assert set(d["rob"]["required"]) >= {"randomisation", "deviations", "missing_data", "measurement", "selection"}
    for name in ("question", "comparison", "outcome", "effect", "rob", "review", "verification", "check"):
        assert d[name].get("description"), name
