"""The downloads are the data: claims.json validates against claims.schema.json, claims.csv against its datapackage."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import jsonschema
import pytest

from derma_evidence.export import files as exports
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.pipeline import check_files
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "site_fixture"
DATASETS = [FIXTURE, ROOT]


def _kb(folder: Path) -> KnowledgeBase:
    claims = folder / ("claims.yaml" if folder == FIXTURE else "data/claims.yaml")
    result = check_files(str(claims), str(folder / "references.bib"))
    if result.errors:
        pytest.skip(f"{claims} does not pass the checker")
    return result.kb


@pytest.mark.parametrize("folder", DATASETS, ids=["fixture", "real-data"])
def test_claims_json_is_valid_against_the_published_schema(folder: Path) -> None:
    kb = _kb(folder)
    data = json.loads(exports.claims_json(kb))
    published = json.loads(exports.schema_bytes(kb))  # the knowledge base's own schema, as downloaded
    validator = jsonschema.Draft7Validator(published, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:10]]


@pytest.mark.parametrize("folder", DATASETS, ids=["fixture", "real-data"])
def test_claims_json_is_complete(folder: Path) -> None:
    kb = _kb(folder)
    data = json.loads(exports.claims_json(kb))
    assert len(data["topics"]) == len(kb.topics) and len(data["claims"]) == len(kb.claims)
    assert len(data["trials"]) == len(kb.trials) and len(data["statements"]) == len(kb.statements)
    abouts = [c.quantity.about for c in kb.claims if c.quantity and c.quantity.about]
    assert [c["quantity"]["about"] for c in data["claims"] if "about" in c.get("quantity", {})] == abouts
    questions = [list(t.open_questions) for t in kb.topics if t.open_questions]
    assert [t["open_questions"] for t in data["topics"] if "open_questions" in t] == questions


def _hostile(kb: KnowledgeBase) -> KnowledgeBase:
    c = kb.claims[0]
    assert c.quantity is not None
    q = dataclasses.replace(c.quantity, min=-0.5, max=2.25)
    bad = dataclasses.replace(c, statement='first line\r=HYPERLINK("http://x")', note="@SUM(1)\r\nnext", quantity=q)
    return dataclasses.replace(kb, claims=(bad, *kb.claims[1:]))


def test_claims_csv_keeps_one_row_per_claim_and_numbers_as_numbers() -> None:
    kb = _hostile(_kb(FIXTURE))
    rows = list(csv.reader(io.StringIO(exports.claims_csv(kb).decode("utf-8"), newline="")))
    assert len(rows) == len(kb.claims) + 1
    assert exports.claims_csv(kb).count(b"\n") == len(kb.claims) + 1 and b"\r" not in exports.claims_csv(kb)
    head, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert head == list(exports.CSV_COLUMNS)
    assert first["statement"] == 'first line =HYPERLINK("http://x")' and first["note"] == "'@SUM(1) next"
    assert (first["min"], first["max"]) == ("-0.5", "2.25")
    for row in rows[1:]:
        for cell in row:
            assert cell[:1] not in ("=", "+", "@", "\t", "\r") or cell.startswith("'")


@pytest.mark.parametrize("hostile", [False, True], ids=["fixture", "hostile"])
def test_claims_csv_validates_against_its_datapackage(tmp_path: Path, hostile: bool) -> None:
    frictionless = pytest.importorskip("frictionless")
    kb = _kb(FIXTURE)
    kb = _hostile(kb) if hostile else kb
    files = exports.all_exports(kb, b"")
    for name in ("claims.csv", "datapackage.json"):
        (tmp_path / name).write_bytes(files[name])
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    meta = json.loads(files["datapackage.json"])
    names = [f["name"] for f in meta["resources"][0]["schema"]["fields"]]
    assert names == list(exports.CSV_COLUMNS)


def test_datapackage_catches_a_bad_value(tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    kb = _kb(FIXTURE)
    bad = dataclasses.replace(kb.claims[0], verdict="proven")
    files = exports.all_exports(dataclasses.replace(kb, claims=(bad, *kb.claims[1:])), b"")
    for name in ("claims.csv", "datapackage.json"):
        (tmp_path / name).write_bytes(files[name])
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert [e[1] for e in report.flatten(["rowNumber", "fieldName"])] == ["verdict"]
