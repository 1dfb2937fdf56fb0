"""Exports from one walk: claims.json carries everything in the YAML; claims.csv passes its own datapackage.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from derma_evidence.commands import init as scaffold
from derma_evidence.export import files as exports
from derma_evidence.export import table
from derma_evidence.pipeline import check_bytes, check_files
from tests.conftest import ROOT

CASES = sorted(p for p in (ROOT / "tests" / "cases").iterdir() if (p / "claims.yaml").is_file())
ACCEPTED = [p for p in CASES if not check_files(str(p / "claims.yaml"), str(p / "references.bib")).errors]
"""The rule cases whose data the checker accepts (warnings only): a refused file is not data to export."""
DATASETS = [(ROOT / "data" / "claims.yaml", ROOT / "references.bib")] + [
    (p / "claims.yaml", p / "references.bib") for p in ACCEPTED
]


def _same(value: Any) -> Any:
    """The YAML's data as the model reads it: dates as ISO text; absent, null, `[]`, `{}` and `false` all mean
    "not given" (the model holds no difference between them, so neither can the export)."""
    if isinstance(value, dict):
        out = {k: _same(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, [], {}, False)}
    if isinstance(value, list):
        return [_same(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("claims,bib", DATASETS, ids=["real-data", *(p.name for p in ACCEPTED)])
def test_claims_json_round_trips_the_yaml(claims: Path, bib: Path) -> None:
    """Load the YAML, export claims.json, compare with the YAML's own data: nothing dropped, nothing added.

    Over the real data and every test case whose data the checker accepts (a refused file is not data)."""
    result = check_files(str(claims), str(bib))
    assert not result.errors
    source = _same(yaml.safe_load(claims.read_text("utf-8")))
    exported = _same(json.loads(exports.claims_json(result.kb)))
    # the vocabulary is written complete (`defaults: false`, every value): the same vocabulary, said in full
    source.pop("vocabulary", None)
    vocabulary = exported.pop("vocabulary", None)
    assert exported == source
    again = check_bytes("claims.json", exports.claims_json(result.kb), str(bib), bib.read_bytes())
    assert again.kb.vocab == result.kb.vocab, vocabulary
    assert exports.claims_json(again.kb) == exports.claims_json(result.kb)  # a fixed point


def test_some_rule_cases_are_round_tripped() -> None:
    assert len(ACCEPTED) >= 10  # the warning cases and the valid ones


def test_source_article_is_exported() -> None:
    result = check_files(str(ROOT / "data" / "claims.yaml"), str(ROOT / "references.bib"))
    data = json.loads(exports.claims_json(result.kb))
    assert data["source_article"] == dict(result.kb.source_article) and data["source_article"]["title"]


OWN_VOCABULARY = """
vocabulary:
  measures:
    - id: dose
      label: daily dose
      units: [mg]
  units:
    - id: mg
      label: mg
      factor: 0.001
"""


def test_datapackage_describes_a_knowledge_base_with_its_own_vocabulary(tmp_path: Path) -> None:
    """A knowledge base's own measure and unit are allowed values of claims.csv (frictionless validates it)."""
    frictionless = pytest.importorskip("frictionless")
    kb = tmp_path / "kb"
    scaffold.init(str(kb), "Dose evidence")
    claims = kb / "data" / "claims.yaml"
    text = claims.read_text("utf-8")
    quantity = "    quantity:\n      measure: dose\n      min: 5\n      max: 10\n      unit: mg\n"
    text = text.replace("    verdict: supported\n", quantity + "    verdict: supported\n", 1)
    claims.write_text(text.replace("\ntopics:\n", OWN_VOCABULARY + "\ntopics:\n", 1), "utf-8")
    result = check_files(str(claims), str(kb / "references.bib"))
    assert not result.errors, result.diagnostics
    files = exports.all_exports(result.kb, b"")
    for name in ("claims.csv", "datapackage.json"):
        (tmp_path / name).write_bytes(files[name])
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    fields = {f["name"]: f for f in json.loads(files["datapackage.json"])["resources"][0]["schema"]["fields"]}
    assert "dose" in fields["measure"]["constraints"]["enum"]  # merged over the defaults (`defaults: true`)
    assert "mg" in fields["unit"]["constraints"]["enum"]


def test_csv_columns_and_descriptor_fields_are_one_table() -> None:
    """Each column is described from the schema: every field has a description, and the header is the table's."""
    result = check_files(str(ROOT / "data" / "claims.yaml"), str(ROOT / "references.bib"))
    files = exports.all_exports(result.kb, b"")
    header = files["claims.csv"].decode("utf-8").splitlines()[0].split(",")
    fields = json.loads(files["datapackage.json"])["resources"][0]["schema"]["fields"]
    assert header == [c.name for c in table.COLUMNS] == [f["name"] for f in fields]
    assert all(f["description"] for f in fields)


def test_answers_json_is_the_answers_sections_of_claims_json() -> None:
    """One walk: answers.json holds claims.json's questions, comparisons and reviews as they are, and each
    trial's risk of bias under its key."""
    result = check_files(str(ROOT / "data" / "claims.yaml"), str(ROOT / "references.bib"))
    files = exports.all_exports(result.kb, b"")
    claims, answers = json.loads(files["claims.json"]), json.loads(files["answers.json"])
    for name in ("questions", "comparisons", "reviews"):
        assert answers[name] == claims[name]
    assert answers["risk_of_bias"] == [{"trial": t["key"], **t["rob"]} for t in claims["trials"] if "rob" in t]
    assert answers["risk_of_bias"]
