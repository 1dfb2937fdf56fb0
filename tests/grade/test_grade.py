"""grade.py: GRADE arithmetic, RoB 2's overall algorithm and the hedge convention, as pure functions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from derma_evidence.contract.vocab import GRADE_DOMAINS
from derma_evidence.grade import certainty as grade

JUDGEMENT = st.sampled_from(["not-serious", "serious", "very-serious"])


@given(
    start=st.sampled_from(["randomised", "observational"]),
    judgements=st.lists(JUDGEMENT, min_size=5, max_size=5),
    upgrades=st.lists(st.integers(min_value=1, max_value=2), max_size=3),
)
def test_arithmetic_properties(start: str, judgements: list[str], upgrades: list[int]) -> None:
    pairs = list(zip(GRADE_DOMAINS, judgements, strict=True))
    r = grade.arithmetic(start, pairs, upgrades)
    down = judgements.count("serious") + 2 * judgements.count("very-serious")
    up = sum(upgrades) if start == "observational" else 0
    expected = max(1, min(4, grade.START[start] - down + up))
    assert grade.SCORE[r.certainty] == expected
    assert r.certainty in grade.LEVELS
    assert r.sum.endswith(grade.LEVEL_WORDS[r.certainty])  # the sum names the level it arrives at
    if start == "randomised":
        assert r == grade.arithmetic(start, pairs, [])  # upgrades never count on randomised evidence
    # one more serious judgement never raises the certainty
    worse = [("extra", "serious"), *pairs]
    assert grade.SCORE[grade.arithmetic(start, worse, upgrades).certainty] <= grade.SCORE[r.certainty]


@pytest.mark.parametrize(
    "start, judgements, upgrades, expected",
    [
        ("randomised", [], [], "high"),
        ("randomised", ["serious"], [], "moderate"),
        ("randomised", ["serious", "serious"], [], "low"),
        ("randomised", ["very-serious", "serious"], [], "very-low"),
        ("randomised", ["very-serious", "very-serious"], [], "very-low"),  # floored
        ("observational", [], [], "low"),
        ("observational", [], [1], "moderate"),
        ("observational", [], [2], "high"),
        ("observational", ["serious"], [], "very-low"),
        ("randomised", ["serious"], [1], "moderate"),  # ignored on randomised evidence
    ],
)
def test_arithmetic_table(start: str, judgements: list[str], upgrades: list[int], expected: str) -> None:
    pairs = [(f"d{i}", j) for i, j in enumerate(judgements)]
    assert grade.arithmetic(start, pairs, upgrades).certainty == expected


def test_sum_spells_out_each_downgrade() -> None:
    r = grade.arithmetic("randomised", [("risk_of_bias", "serious"), ("imprecision", "very-serious")])
    assert r.sum == "start high (randomised) 4 - 1 risk of bias (serious) - 2 imprecision (very serious) = 1: very low"


def test_lowest() -> None:
    assert grade.lowest(["high", "low", "moderate"]) == "low"
    assert grade.lowest(["nonsense"]) is None


@pytest.mark.parametrize(
    "domains, allowed",
    [
        (["low"] * 5, ("low",)),
        (["low", "low", "some-concerns", "low", "low"], ("some-concerns",)),
        (["some-concerns", "low", "some-concerns", "low", "low"], ("some-concerns", "high")),
        (["low", "high", "low", "low", "low"], ("high",)),
        (["some-concerns", "high", "some-concerns", "low", "low"], ("high",)),
    ],
)
def test_rob_overall(domains: list[str], allowed: tuple[str, ...]) -> None:
    assert grade.rob_overall(domains) == allowed


@given(st.lists(st.sampled_from(grade.ROB_JUDGEMENTS), min_size=5, max_size=5))
def test_rob_overall_is_never_better_than_the_worst_domain(domains: list[str]) -> None:
    rank = {"low": 0, "some-concerns": 1, "high": 2}
    assert all(rank[a] >= max(rank[d] for d in domains) for a in grade.rob_overall(domains))


@pytest.mark.parametrize(
    "text, certainty, ok",
    [
        ("Microneedling increases hair count.", "high", True),
        ("Microneedling may increase hair count.", "high", False),
        ("Microneedling probably increases hair count.", "moderate", True),
        ("Microneedling is likely to increase hair count.", "moderate", True),
        ("Microneedling may increase hair count.", "moderate", False),
        ("Microneedling increases hair count.", "moderate", False),
        ("Microneedling may increase hair count.", "low", True),
        ("Microneedling probably increases hair count.", "low", False),
        ("It is very uncertain whether microneedling increases hair count.", "very-low", True),
        ("No trial has tested daily rolling at home.", "very-low", True),
        ("No study tested it.", "very-low", True),
        ("Microneedling may increase hair count.", "very-low", False),
        ("It is very uncertain whether it helps, and it may harm.", "very-low", False),
        ("No trial has tested daily rolling at home.", "low", False),
        ("Mayo clinic guidance is unlikely to change.", "high", True),  # words, not substrings
    ],
)
def test_hedges(text: str, certainty: str, ok: bool) -> None:
    assert (grade.hedge_problem(text, certainty) is None) is ok


def test_expected_phrase() -> None:
    assert grade.expected_phrase("low") == "low certainty: write 'X may increase ...'"
    assert "no trial has tested it" in grade.expected_phrase("very-low")
