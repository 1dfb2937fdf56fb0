"""Suggestions ("did you mean") stay helpful and bounded in time on hostile input."""

from __future__ import annotations

from derma_evidence.diagnostics import MAX_SUGGEST_LEN, Suggester, did_you_mean
from tests._growth import assert_grows


def test_did_you_mean_finds_typos_and_case_slips() -> None:
    assert did_you_mean("dhurat2031", ["dhurat2013", "dunkin2007"]) == "did you mean 'dhurat2013'?"
    assert did_you_mean("Dunkin2007", ["dunkin2007"]) == "did you mean 'dunkin2007'?"
    assert did_you_mean("zzzz", ["dunkin2007"]) is None


def test_did_you_mean_skips_absurd_lengths() -> None:
    assert did_you_mean("x" * 100_000, ["x" * 99_999]) is None
    assert did_you_mean("dunkin2007", ["d" * 50_000]) is None
    # bounded: 100,000 characters cost no more than the longest value compared (difflib is quadratic)
    n = MAX_SUGGEST_LEN
    assert_grows(lambda: did_you_mean("x" * n, ["x" * (n - 1)]), lambda: did_you_mean("x" * 100_000, ["x" * 99_999]), 1)
    assert_grows(lambda: did_you_mean("dunkin2007", ["d" * n]), lambda: did_you_mean("dunkin2007", ["d" * 50_000]), 1)


def test_suggester_caches_and_stops_at_its_budget() -> None:
    options = [f"author{i:05d}" for i in range(5000)]
    suggest = Suggester(options, budget=10_000)
    assert suggest("author00001x") is not None
    assert suggest("author00002x") is not None
    assert suggest("author00003x") is None  # budget spent: no suggestion, no stall
    assert suggest("author00001x") is not None  # cached answers are still given
