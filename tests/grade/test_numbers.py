"""numbers.py: a typed number is found in its quote only with its sign and decimals; ranges."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from derma_evidence.grade import numbers


@pytest.mark.parametrize(
    ("literal", "quote", "found"),
    [
        ("0.007", "significantly greater in group B (P = .007) compared", True),
        ("0.7", "significantly greater in group B (P = .007) compared", False),
        (".007", "(P = .007)", True),
        ("-0.35", "SMD -0.10 (95% CI: -0.35, 0.15)", True),
        ("0.35", "SMD -0.10 (95% CI: -0.35, 0.15)", False),
        ("-0.35", "SMD: 0.64: 95%, CI: 0.35, 0.92", False),
        ("-0.35", "(\u22120.35 to 0.15)", True),
        ("1.92", "(SMD 1.32, 95% CI 0.73-1.92, p < 0.01)", True),
        ("-1.92", "(SMD 1.32, 95% CI 0.73-1.92, p < 0.01)", False),
        ("74", "described 15 patients (26\u201374 years old)", True),
        ("-74", "described 15 patients (26\u201374 years old)", False),
        ("1110", "Data from 27 trials, totaling 1,110 patients, were extracted.", True),
        ("1.3", "estimate 1.30", True),
        ("0.35", "estimate 0.354", False),
        ("88", "with substantial heterogeneity (I\u00b2 = 88%, p < 0.01)", True),
        ("2", "I2 = 40% in cm2", False),
        ("91.4", "(91.4 vs 22.2 respectively)", True),
        ("19.4", "(91.4 vs 22.2 respectively)", False),
        (".nan", "nan", False),
        (".inf", "inf", False),
    ],
)
def test_find(literal: str, quote: str, found: bool) -> None:
    assert (numbers.find(literal, quote) is not None) is found


@pytest.mark.parametrize(
    ("typed", "quote", "found"),
    [
        ("= .007", "(P = .04) and group B (P = .007) compared", True),
        ("= .7", "(P = .04) and group B (P = .007) compared", False),
        ("< 0.01", "(SMD 1.32, 95% CI 0.73-1.92, p < 0.01)", True),
        ("= 0.01", "(SMD 1.32, 95% CI 0.73-1.92, p < 0.01)", False),
        ("<0.05", "statistically significant improvement (p value<0.05) compared", True),
        ("< 0.00001", "Z = 6.24, p < 0.00001)", True),
        ("= 0.011", "(17.88 \u00b1 10.15%) (p = 0.011).", True),
        ("= 0.11", "(17.88 \u00b1 10.15%) (p = 0.011).", False),
        ("\u2264 0.05", "P \u2264 0.05", True),
    ],
)
def test_find_p(typed: str, quote: str, found: bool) -> None:
    ps = numbers.parse_p(typed)
    assert len(ps) == 1
    assert (numbers.find_p(ps[0], quote) is not None) is found


def test_parse_p_several() -> None:
    ps = numbers.parse_p("= .04 (group A); = .007 (group B)")
    assert [(p.comparator, p.value) for p in ps] == [("=", Decimal("0.04")), ("=", Decimal("0.007"))]


@pytest.mark.parametrize(
    ("name", "value", "measure", "bad"),
    [
        ("i2", 140.0, None, True),
        ("i2", 100.0, None, False),
        ("i2", -1.0, None, True),
        ("p", 1.5, None, True),
        ("p", 1.0, None, False),
        ("ci_low", -0.2, "RR", True),
        ("ci_low", 0.0, "OR", True),
        ("ci_low", -0.2, "SMD", False),
        ("value", math.nan, "SMD", True),
        ("ci_high", math.inf, "SMD", True),
        ("studies", 0.0, None, True),
    ],
)
def test_range_problem(name: str, value: float, measure: str | None, bad: bool) -> None:
    assert (numbers.range_problem(name, value, measure) is not None) is bad


def test_crosses_no_effect() -> None:
    assert numbers.crosses_no_effect("SMD", -0.35, 0.92)
    assert not numbers.crosses_no_effect("SMD", 0.35, 0.92)
    assert numbers.crosses_no_effect("RR", 0.8, 1.2)
    assert not numbers.crosses_no_effect("RR", 1.62, 2.53)
    assert numbers.crosses_no_effect("MD", 0.0, 2.0)  # touching counts


def test_direction_words() -> None:
    assert numbers.claims_direction("Adding microneedling may increase hair count") == "increase"
    assert numbers.claims_direction("It is very uncertain whether depth matters") is None
    assert numbers.says_no_effect_possible("found no significant difference")
    assert not numbers.says_no_effect_possible("may increase hair count")


decimals = st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1000"), places=3, allow_nan=False)


@given(decimals, st.sampled_from(["CI ", "(", "CI: ", "", "value "]), st.sampled_from([")", ",", " to 2", "%", ""]))
def test_printed_number_is_found_with_its_sign(d: Decimal, before: str, after: str) -> None:
    printed = f"{d:f}".replace("-", "\u2212") if d < 0 and before == "(" else f"{d:f}"
    quote = f"An estimate {before}{printed}{after} was reported."
    literal = f"{d:f}"
    assert numbers.find(literal, quote) is not None
    if d != 0:
        assert numbers.find(f"{-d:f}", quote) is None


@given(decimals, decimals)
def test_hyphen_between_numbers_is_a_range(a: Decimal, b: Decimal) -> None:
    a, b = abs(a), abs(b)
    quote = f"95% CI {a:f}-{b:f}"
    assert numbers.find(f"{b:f}", quote) is not None
    if b != 0:
        assert numbers.find(f"{-b:f}", quote) is None


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("0.999"), places=3))
def test_leading_dot_p_values(d: Decimal) -> None:
    text = f"{d:f}".lstrip("0")  # ".007"
    quote = f"(P = {text})"
    p = numbers.parse_p(f"= {d:f}")[0]
    assert numbers.find_p(p, quote) is not None
    tenfold = numbers.parse_p(f"= {d * 10:f}")[0]
    if d * 10 != d:
        assert numbers.find_p(tenfold, quote) is None


@given(st.text(max_size=200))
def test_never_raises(text: str) -> None:
    numbers.numbers_in(text)
    numbers.p_values_in(text)
    numbers.parse_p(text)
    numbers.find(text, text)


def test_direction_asked_is_not_claimed() -> None:
    assert numbers.claims_direction("It is very uncertain whether adding microneedling increases hair diameter") is None
    assert numbers.claims_direction("whether it works is unclear; it increases hair count") == "increases"
    assert numbers.says_no_effect_possible("the other reported no increase in hair diameter")
