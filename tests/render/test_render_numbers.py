"""The view-model fields issue 18 adds: typed arms in words, row counts, signalling answers, tools."""

from __future__ import annotations

import pytest

from derma_evidence import render
from derma_evidence.model.answers import Effect
from derma_evidence.pipeline import Result, check_files
from derma_evidence.render import words
from derma_evidence.render.charts.rob import rob_chart
from derma_evidence.render.pages.trials import bias_words
from tests.conftest import DATA_TODAY, ROOT


@pytest.fixture(scope="module")
def result() -> Result:
    r = check_files(str(ROOT / "data" / "claims.yaml"), str(ROOT / "references.bib"), DATA_TODAY)
    assert [d for d in r.diagnostics if d.severity.name == "ERROR"] == []
    return r


def _effect(result: Result, outcome: str, label_start: str) -> Effect:
    o = result.kb.outcome_map()[outcome]
    return next(e for e in o.effects if (e.label or "").startswith(label_start))


def test_arm_values_are_typed_and_printed_with_their_labels(result: Result) -> None:
    e = _effect(result, "mn-minoxidil-vs-minoxidil--hair-count", "Dhurat 2013")
    assert [(a.label, a.value) for a in e.arms] == [("Microneedling + minoxidil", 91.4), ("Minoxidil", 22.2)]
    text = words.effect_text(e)
    assert text.startswith("Microneedling + minoxidil: 91.4 vs Minoxidil: 22.2 ")
    assert "not reported" not in text


def test_arms_without_values_say_so_once(result: Result) -> None:
    e = _effect(result, "mn-minoxidil-vs-minoxidil--patient-rated", "Home-use device trial")
    text = words.effect_text(e)
    assert text.endswith("(arm values not reported)") and text.count("not reported") == 1


def test_no_arm_label_carries_a_value_any_more(result: Result) -> None:
    for o in result.kb.outcome_map().values():
        for e in o.effects:
            for a in e.arms:
                assert "value:" not in (a.label or ""), (o.full_id, a.label)


def test_rob_chart_shows_the_signalling_answers(result: Result) -> None:
    ctx = render.Context.of(result.kb)
    chart = rob_chart(ctx, ctx.linker("trials.md"))
    row = next(r for r in chart["rows"] if "Dhurat" in r.label)
    assert "Signalling answers: 1.1 NI, 1.2 NI, 1.3 NI." in row.cells[0].reason
    assert row.cells[-1].judgement == "high"


def test_bias_words_for_rob2_and_for_studies_without_it(result: Result) -> None:
    trials = {t.key: t for t in result.kb.trials}
    assert bias_words(trials["dhurat2013"]).startswith("RoB 2, hair count at week 12: high")
    assert bias_words(trials["faghihi2021"]).startswith("Not assessed: Not randomised")


def test_answers_json_exports_the_new_fields(result: Result) -> None:
    import json

    from derma_evidence.export.files import answers_json

    data = json.loads(answers_json(result.kb))
    rob = {r["trial"]: r for r in data["risk_of_bias"]}
    assert rob["dhurat2013"]["randomisation"]["answers"] == "NI NI NI"
    assert rob["dhurat2013"]["results"] == ["mn-minoxidil-vs-minoxidil--hair-count"]
    rows = {f"{c['id']}--{o['id']}": o for c in data["comparisons"] for o in c["outcomes"]}
    assert rows["mn-minoxidil-vs-minoxidil--hair-count"]["not_reported"] == ["participants"]
    pooled = [e for e in rows["mn-minoxidil-vs-minoxidil--hair-count"]["effects"] if e.get("pooled")]
    assert pooled[0]["pooled_from"] == {"review": "ahmed2025", "not_reported": ["studies"]}
