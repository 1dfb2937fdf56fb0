"""The computed bottom line (derma_evidence.plain): GRADE's informative statements, sizes and directions."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derma_evidence.grade import plain

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
X, Y, C = "Scalp microneedling plus topical 5% minoxidil", "Hair count", "Topical 5% minoxidil alone"


@pytest.mark.parametrize(
    ("certainty", "direction", "size", "text"),
    [
        ("high", "increase", "large", f"{X} results in a large increase in hair count."),
        ("moderate", "increase", "large", f"{X} likely results in a large increase in hair count."),
        ("low", "increase", "large", f"{X} may result in a large increase in hair count."),
        ("very-low", "increase", "large", "The evidence is very uncertain about the effect of scalp microneedling "
         "plus topical 5% minoxidil on hair count."),
        ("high", "decrease", "moderate", f"{X} reduces hair count."),
        ("moderate", "increase", "moderate", f"{X} probably increases hair count."),
        ("low", "decrease", "small", f"{X} may reduce hair count slightly."),
        ("low", "little-or-no-difference", "large", f"{X} may result in little to no difference in hair count."),
        ("moderate", "increase", "trivial", f"{X} likely results in little to no difference in hair count."),
        ("low", "increase", "not-estimable", f"{X} may increase hair count; the size of the effect could not be "
         "estimated."),
    ],
)  # fmt: skip
def test_santesso_template(certainty: str, direction: str, size: str, text: str) -> None:
    assert plain.statement(certainty, direction, size, X, "Hair count").text == text


def test_comparator_and_case() -> None:
    line = plain.statement("low", "increase", "large", X, "Hair count (change from baseline)", C)
    assert line.text == (
        f"{X} may result in a large increase in hair count (change from baseline) compared with topical 5% "
        "minoxidil alone."
    )
    assert plain.statement("low", "increase", "small", "PRP", "SMD of hair density").text.startswith("PRP may")


def test_unknown_inputs_raise() -> None:
    with pytest.raises(ValueError):
        plain.statement("certain", "increase", "large", X, Y)
    with pytest.raises(ValueError):
        plain.statement("low", "up", "large", X, Y)
    with pytest.raises(ValueError):
        plain.statement("low", "increase", "huge", X, Y)


@pytest.mark.parametrize(
    ("value", "size"),
    [(0.0, "trivial"), (0.19, "trivial"), (0.2, "small"), (-0.49, "small"), (0.5, "moderate"), (0.79, "moderate"),
     (0.8, "large"), (1.32, "large"), (-2.0, "large")],
)  # fmt: skip
def test_cohen_thresholds_at_and_past_each_limit(value: float, size: str) -> None:
    assert plain.size_by_rule("cohen-d", "SMD", value) == size


def test_rule_does_not_apply_outside_its_measure() -> None:
    assert plain.size_by_rule("cohen-d", "MD", 1.0) is None
    assert plain.size_by_rule("cohen-d", "SMD", None) is None
    assert plain.size_by_rule("cohen-d", "SMD", math.nan) is None
    assert plain.size_by_rule("nobody", "SMD", 1.0) is None
    assert plain.rule_reason("cohen-d", "SMD", 1.32).startswith("SMD 1.32 is large by Cohen's rule of thumb")


@pytest.mark.parametrize(
    ("measure", "value", "lo", "hi", "direction"),
    [
        ("SMD", 1.32, 0.73, 1.92, "increase"),
        ("SMD", 0.2, -0.35, 0.75, "crosses-null"),
        ("MD", -3.0, -5.0, -1.0, "decrease"),
        ("RR", 1.5, 1.1, 2.0, "increase"),
        ("RR", 0.8, 0.6, 1.05, "crosses-null"),
        ("OR", 0.5, 0.3, 0.9, "decrease"),
        ("SMD", 1.0, None, None, None),
    ],
)
def test_direction_of(measure: str, value: float, lo: float | None, hi: float | None, direction: str | None) -> None:
    assert plain.direction_of(measure, value, lo, hi) == direction


def test_no_studies_row_sentence() -> None:
    assert plain.no_studies("Scarring", "Scalp microneedling") == (
        "No studies found: we found no study that measured the effect of scalp microneedling on scarring."
    )


@SETTINGS
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-50, max_value=50))
def test_size_is_symmetric_and_monotone(v: float) -> None:
    a, b = plain.size_by_rule("cohen-d", "SMD", v), plain.size_by_rule("cohen-d", "SMD", -v)
    assert a == b
    bigger = plain.size_by_rule("cohen-d", "SMD", abs(v) + 0.1)
    assert a is not None and bigger is not None
    assert plain.SIZE_ORDER[bigger] >= plain.SIZE_ORDER[a]


@SETTINGS
@given(
    st.sampled_from(["SMD", "MD", "RR", "OR"]),
    st.floats(-10, 10, allow_nan=False),
    st.floats(0, 5, allow_nan=False),
    st.floats(0, 5, allow_nan=False),
)
def test_direction_agrees_with_the_interval(measure: str, v: float, below: float, above: float) -> None:
    if measure in plain.RATIO_MEASURES:
        v = abs(v) + 0.01
        lo, hi = v / (1 + below), v * (1 + above)
    else:
        lo, hi = v - below, v + above
    d = plain.direction_of(measure, v, lo, hi)
    null = plain.null_of(measure)
    assert d == ("increase" if lo > null else "decrease" if hi < null else "crosses-null")


@pytest.mark.parametrize(
    ("measure", "value", "sizes"),
    [("RR", 2.03, ("large",)), ("RR", 2.0, ("large",)), ("RR", 1.99, ("trivial", "small", "moderate")),
     ("OR", 0.5, ("large",)), ("OR", 0.51, ("trivial", "small", "moderate")), ("RR", 0.0, None), ("SMD", 3.0, None)],
)  # fmt: skip
def test_grade_ratio_rule_at_and_past_two_fold(measure: str, value: float, sizes: tuple[str, ...] | None) -> None:
    assert plain.allowed_sizes("grade-ratio", measure, value) == sizes
    assert plain.allowed_sizes("cohen-d", "SMD", 0.9) == ("large",)


def test_size_problem() -> None:
    assert plain.size_problem("cohen-d", "large", "SMD", 1.32) is None
    assert plain.size_problem("cohen-d", "moderate", "SMD", 1.32) == (
        "size 'moderate' but SMD 1.32 is large by Cohen's rule of thumb for a standardised mean difference: "
        "0.2 small, 0.5 moderate, 0.8 large"
    )
    assert (
        plain.size_problem("cohen-d", "large", "MD", 13) == "rule 'cohen-d' does not apply to the best estimate (MD 13)"
    )
    assert (
        plain.size_problem("cohen-d", "large", None, None)
        == "rule 'cohen-d' does not apply to the best estimate (no estimate)"
    )
    assert plain.size_problem("judgement", "large", None, None) is None
    assert plain.size_problem("grade-ratio", "large", "RR", 2.03) is None
    assert plain.size_problem("grade-ratio", "large", "RR", 1.5) is not None
    assert plain.size_problem("cohen-d", "not-estimable", "SMD", 1.0) is not None


def test_direction_problem() -> None:
    assert plain.direction_problem("increase", "SMD", 1.32, 0.73, 1.92) is None
    assert plain.direction_problem("increase", "SMD", 0.2, -0.35, 0.75) == (
        "direction 'increase' but the best estimate SMD 0.2 (95% CI -0.35 to 0.75) crosses no effect (0)"
    )
    assert plain.direction_problem("decrease", "RR", 2.0, 1.5, 2.5) is not None
    assert plain.direction_problem("little-or-no-difference", "SMD", 0.05, -0.1, 0.2) is None
    assert plain.direction_problem("increase", "arms", None, None, None) is None


@pytest.mark.parametrize(
    ("status", "judgement", "ok"),
    [("undetected", "not-serious", True), ("not-assessed", "not-serious", True),
     ("strongly-suspected", "serious", True), ("strongly-suspected", "not-serious", False),
     ("undetected", "serious", False), (None, "not-serious", False)],
)  # fmt: skip
def test_publication_bias_problem(status: str | None, judgement: str, ok: bool) -> None:
    assert (plain.publication_bias_problem(status, judgement) is None) is ok


def test_computed_line() -> None:
    assert plain.computed_line("low", "increase", "small", X, "Itching") == f"{X} may increase itching slightly."
    assert plain.computed_line("very-low", None, None, X, "Hair count").startswith("The evidence is very uncertain")
    assert plain.computed_line("low", None, None, X, "Hair count") == ""  # inputs missing: A040 reports it
    assert plain.computed_line(None, None, None, X, "Scarring", no_evidence=True) == (
        "No studies found: we found no study that measured the effect on scarring."
    )
