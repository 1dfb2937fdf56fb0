"""A knowledge base's own measures and units (`vocabulary:` in data/claims.yaml), merged over the schema's defaults."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import derma_evidence
from derma_evidence.commands import init as scaffold
from derma_evidence.commands.cli import main
from derma_evidence.contract import vocab
from derma_evidence.contract.schema import default_vocab, schema, schema_for, vocabulary_of
from derma_evidence.load.yamlpos import load_yaml
from derma_evidence.pipeline import check_files
from tests._sitebuild import build_project

VOCABULARY = """
vocabulary:
  measures:
    - id: dose
      label: daily dose
      units: [mg, g]
  units:
    - id: mg
      label: mg
      factor: 0.001
    - id: g
      label: grams
      factor: 1
"""

# A quantity on the scaffold's example claim: the test needs a claim in the new measure, not a finding.
QUANTITY = """    quantity:
      measure: dose
      min: 5
      max: 10
      unit: mg
"""


def _kb(tmp_path: Path, vocabulary: str = VOCABULARY, quantity: str = QUANTITY) -> Path:
    kb = tmp_path / "kb"
    scaffold.init(str(kb), "Example evidence")
    claims = kb / "data" / "claims.yaml"
    text = claims.read_text("utf-8")
    text = text.replace("    verdict: supported\n", quantity + "    verdict: supported\n", 1)
    claims.write_text(text.replace("\ntopics:\n", vocabulary + "\ntopics:\n", 1), "utf-8")
    return kb


def _codes(kb: Path) -> list[str]:
    result = check_files(str(kb / "data" / "claims.yaml"), str(kb / "references.bib"))
    return [d.code for d in result.diagnostics]


def test_the_defaults_are_todays_vocabularies() -> None:
    v = default_vocab()
    assert v.units_for_measure == vocab.UNITS_FOR_MEASURE
    assert v.units == vocab.UNITS and v.measures == vocab.MEASURES
    assert v.unit_labels == vocab.UNIT_WORDS
    assert v.factors == {"mm": 1.0, "um": 0.001, "h": 1 / 24, "d": 1.0, "wk": 7.0, "mo": 30.4375, "%": 1.0, "1": 100.0}
    assert v.non_negative == {"depth", "length", "thickness", "interval", "duration", "count"}
    assert schema_for(v) is schema()
    assert vocabulary_of(load_yaml("x.yaml", b"topics: []\nclaims: []\n").root) is v


def test_a_vocabulary_extends_or_replaces_the_defaults() -> None:
    v = vocabulary_of(load_yaml("x.yaml", VOCABULARY.encode()).root)
    assert v.units_for_measure["dose"] == ("mg", "g") and v.units_for_measure["depth"] == ("mm", "um")
    assert v.unit_labels["g"] == "grams" and v.factors["mg"] == 0.001 and "dose" in v.non_negative
    assert v.measure_labels["dose"] == "daily dose"
    only = vocabulary_of(load_yaml("x.yaml", ("vocabulary:\n  defaults: false" + VOCABULARY[12:]).encode()).root)
    assert only.measures == ("dose",) and only.units == ("mg", "g")
    enum = schema_for(only)["definitions"]["measure"]["enum"]
    assert enum == ["dose"] and schema()["definitions"]["measure"]["enum"][0] == "depth"  # the shipped one is intact


def test_a_knowledge_base_with_its_own_measure_checks_clean_and_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = _kb(tmp_path)
    assert _codes(kb) == []
    monkeypatch.chdir(kb)
    assert main(["check", "--strict"]) == 0, capsys.readouterr().out
    proc = build_project(kb, tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    html = "".join(p.read_text("utf-8") for p in (tmp_path / "site").rglob("*.html"))
    assert "Daily dose&#58; 5\u201310 mg" in html
    data = json.loads((tmp_path / "site" / "downloads" / "claims.json").read_text("utf-8"))
    assert data["vocabulary"]["defaults"] is False
    assert {"id": "dose", "label": "daily dose", "units": ["mg", "g"]} in data["vocabulary"]["measures"]


def test_a_unit_not_declared_for_the_measure_fails_c007(tmp_path: Path) -> None:
    assert _codes(_kb(tmp_path, quantity=QUANTITY.replace("unit: mg", "unit: mm"))) == ["C007"]


def test_an_undeclared_unit_still_fails_c007_and_the_schema(tmp_path: Path) -> None:
    assert _codes(_kb(tmp_path, quantity=QUANTITY.replace("unit: mg", "unit: kg"))) == ["C007", "S004"]


def test_an_undeclared_measure_is_refused(tmp_path: Path) -> None:
    assert _codes(_kb(tmp_path, vocabulary="")) == ["S004", "S004"]  # neither `dose` nor `mg` is a default


def test_without_the_defaults_a_default_measure_is_refused(tmp_path: Path) -> None:
    vocabulary = "vocabulary:\n  defaults: false" + VOCABULARY[12:]
    depth = QUANTITY.replace("measure: dose", "measure: depth")
    assert _codes(_kb(tmp_path, vocabulary, depth)) == ["S004"]


def test_a_negative_dose_fails_c017_unless_the_measure_allows_it(tmp_path: Path) -> None:
    negative = QUANTITY.replace("min: 5", "min: -5")
    assert _codes(_kb(tmp_path / "a", quantity=negative)) == ["C017"]
    signed = VOCABULARY.replace("      units: [mg, g]\n", "      units: [mg, g]\n      non_negative: false\n")
    assert _codes(_kb(tmp_path / "b", signed, negative)) == []


def test_ranges_in_declared_units_are_compared(tmp_path: Path) -> None:
    kb = _kb(tmp_path, quantity=QUANTITY.replace("max: 10\n", "max: 10\n      about: a daily amount\n"))
    claims = kb / "data" / "claims.yaml"
    text = claims.read_text("utf-8")
    start = text.index("  - id: ebm-integrates")
    other = text[start:].replace("ebm-integrates-expertise-and-evidence", "ebm-second-claim", 1)
    other = other.replace("min: 5", "min: 1").replace("max: 10", "max: 2").replace("unit: mg", "unit: g")
    claims.write_text(text + other, "utf-8")
    assert "C014" in _codes(kb)  # 5-10 mg and 1-2 g do not overlap once converted


def test_derma_new_claim_offers_and_accepts_the_files_measures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = _kb(tmp_path)
    monkeypatch.chdir(kb)
    args = ["new", "claim", "--id", "ebm-dose-example", "--topic", "evidence-based-practice", "--statement", "S."]
    args += ["--verdict", "supported", "--certainty", "low", "--key", "sackett1996", "--stance", "supports"]
    args += ["--locator", "p. 1", "--measure", "dose", "--min", "0.007", "--unit", "g", "--reviewed", "2026-12-01"]
    assert main(args) == 0, capsys.readouterr()
    assert "measure: dose" in (kb / "data" / "claims.yaml").read_text("utf-8")
    assert _codes(kb) == []
    from derma_evidence.commands.new import claim_fields, file_vocab

    choices = {f.name: f.choices for f in claim_fields(file_vocab("data/claims.yaml"))}
    assert "dose" in choices["measure"] and "depth" in choices["measure"] and "mg" in choices["unit"]


def test_the_scaffold_stays_clean(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    scaffold.init(str(kb), "Example evidence")
    assert _codes(kb) == []


TOPIC_WORDS = re.compile(r"microneedl|needl|hair|scalp|minoxidil|alopecia", re.I)
"""Words of this knowledge base's topic: the engine names none of them (its topic is configuration)."""


def test_nothing_in_the_package_names_our_topic() -> None:
    package = Path(derma_evidence.__file__).parent
    hits = []
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            for i, line in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
                if TOPIC_WORDS.search(line):
                    hits.append(f"{path.relative_to(package)}:{i}: {line.strip()[:80]}")
    assert hits == []


TRIAL = """
trials:
  - key: sackett1996
    design: rct
    dose: {min: 5, unit: mg}
    interval: {min: 1, unit: wk}
    outcome: An example outcome.
"""


def test_a_declared_trial_field_is_a_column_and_the_charts_axis(tmp_path: Path) -> None:
    vocabulary = VOCABULARY + "  trial_fields:\n    - id: dose\n      measure: dose\n      label: Daily dose\n"
    kb = _kb(tmp_path, vocabulary, quantity="")
    claims = kb / "data" / "claims.yaml"
    claims.write_text(claims.read_text("utf-8") + TRIAL, "utf-8")
    result = check_files(str(claims), str(kb / "references.bib"))
    assert [d.code for d in result.diagnostics if d.code.startswith(("S", "C"))] == []
    assert result.kb.trials[0].protocol["dose"].min == 5
    from derma_evidence import render

    pages = {p.path: p.content for p in render.render_site(result.kb)}
    trials = next(v for k, v in pages.items() if k.startswith("trials"))
    assert '<th scope="col">Daily dose</th>' in trials and 'data-label="Daily dose">5 mg</td>' in trials
    assert "plots daily dose against interval" in trials
    figures = next(v for k, v in pages.items() if k.startswith("figures"))
    assert ">Daily dose</text>" in figures
    assert "daily dose in grams across" in figures  # the base unit (factor 1) of the measure, in its words


def test_an_undeclared_trial_field_is_unknown(tmp_path: Path) -> None:
    kb = _kb(tmp_path, quantity="")
    claims = kb / "data" / "claims.yaml"
    claims.write_text(claims.read_text("utf-8") + TRIAL, "utf-8")
    assert "S001" in _codes(kb)
