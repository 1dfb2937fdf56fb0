"""Forest plots say which arm an estimate favours when the outcome states `better`; otherwise neutral words."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from derma_evidence.contract import schema
from derma_evidence.model.answers import Comparison, Outcome
from derma_evidence.pipeline import Result
from derma_evidence.render.charts import forest


def _pair(result: Result, full_id: str) -> tuple[Outcome, Comparison]:
    outcome = result.kb.outcome_map()[full_id]
    (comparison,) = [c for c in result.kb.comparisons if c.id == outcome.comparison]
    real_arms = {
        "intervention": "Scalp microneedling plus topical 5% minoxidil",
        "comparator": "Topical 5% minoxidil alone",
    }
    return outcome, dataclasses.replace(comparison, **real_arms)  # the knowledge base's wording


@pytest.mark.parametrize(
    ("arm", "short"),
    [
        ("Scalp microneedling plus topical 5% minoxidil", "scalp microneedling + minoxidil"),
        ("Topical 5% minoxidil alone", "minoxidil"),
        ("Topical 5% minoxidil; no sham-controlled trial was found", "minoxidil"),
        ("Scalp microneedling alone (clinic or home-use device)", "scalp microneedling"),
        ("PRP alone, microneedling alone (split scalp), or PRP injections", ""),  # too long to name: ""
        (None, ""),
    ],
)
def test_arm_short_name(arm: str | None, short: str) -> None:
    assert forest.arm_short_name(arm) == short


def test_arm_short_name_at_and_past_its_limit() -> None:
    assert forest.arm_short_name("a" * forest.FAVOURS_NAME_CHARS) == "a" * forest.FAVOURS_NAME_CHARS
    assert forest.arm_short_name("a" * (forest.FAVOURS_NAME_CHARS + 1)) == ""


def test_without_better_the_sides_keep_the_neutral_words(result: Result) -> None:
    outcome, comparison = _pair(result, "mn-minoxidil-vs-minoxidil--hair-count")
    (plot,), _ = forest.forest_plots(dataclasses.replace(outcome, better=None), comparison)
    assert (plot["left_words"], plot["right_words"]) == forest.DIRECTION_WORDS[False]
    assert plot["arms"] == ""


def test_higher_is_better_favours_the_intervention_on_the_right(result: Result) -> None:
    outcome, comparison = _pair(result, "mn-minoxidil-vs-minoxidil--hair-count")
    (plot,), _ = forest.forest_plots(dataclasses.replace(outcome, better="higher"), comparison)
    short_i, short_c = forest.arm_short_name(comparison.intervention), forest.arm_short_name(comparison.comparator)
    assert (short_i, short_c) == ("scalp microneedling + minoxidil", "minoxidil")
    assert plot["right_words"] == f"Favours {short_i} \u2192"
    assert plot["left_words"] == f"\u2190 Favours {short_c}"


def test_lower_is_better_favours_the_intervention_on_the_left(result: Result) -> None:
    outcome, comparison = _pair(result, "mn-minoxidil-vs-minoxidil--adverse-events")
    (plot,), _ = forest.forest_plots(dataclasses.replace(outcome, better="lower"), comparison)
    assert plot["log"]
    assert plot["left_words"] == f"\u2190 Favours {forest.arm_short_name(comparison.intervention)}"
    assert plot["right_words"] == f"Favours {forest.arm_short_name(comparison.comparator)} \u2192"


def test_arms_that_do_not_shorten_are_named_in_the_caption(result: Result) -> None:
    outcome, comparison = _pair(result, "mn-minoxidil-vs-minoxidil--hair-count")
    long_arm = "A very long description of an intervention that does not shorten"
    wide = dataclasses.replace(comparison, intervention=long_arm)
    (plot,), _ = forest.forest_plots(dataclasses.replace(outcome, better="higher"), wide)
    assert plot["right_words"] == "Favours intervention \u2192"
    assert plot["left_words"] == "\u2190 Favours comparator"
    assert plot["arms"] == f"Intervention: {long_arm}; comparator: {comparison.comparator}."


def test_the_schema_offers_better_as_higher_or_lower() -> None:
    spec = json.loads((Path(schema.__file__).parent / "claims.schema.json").read_text(encoding="utf-8"))
    assert spec["definitions"]["outcome"]["properties"]["better"]["enum"] == ["higher", "lower"]
