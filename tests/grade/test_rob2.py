"""rob2.py: RoB 2's algorithms from signalling answers to domain and overall judgements."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from derma_evidence.grade import rob2

YES, NO = ("Y", "PY"), ("N", "PN")


@pytest.mark.parametrize(
    ("domain", "answers", "judgement"),
    [
        ("randomisation", "Y Y N", "low"),
        ("randomisation", "NI Y NI", "low"),
        ("randomisation", "N Y N", "some-concerns"),
        ("randomisation", "Y Y PY", "some-concerns"),
        ("randomisation", "PY NI NI", "some-concerns"),
        ("randomisation", "PY NI Y", "high"),
        ("randomisation", "Y N N", "high"),
        ("deviations", "N N NA NA NA Y NA", "low"),
        ("deviations", "Y Y N NA NA Y NA", "low"),
        ("deviations", "Y Y NI NA NA Y NA", "some-concerns"),
        ("deviations", "Y PY Y N NA PY NA", "some-concerns"),
        ("deviations", "Y PY Y Y N PY NA", "high"),
        ("deviations", "Y PY Y NI Y PY NA", "some-concerns"),
        ("deviations", "N N NA NA NA NI N", "some-concerns"),
        ("deviations", "N N NA NA NA NI NI", "high"),
        ("missing_data", "Y NA NA NA", "low"),
        ("missing_data", "NI Y NA NA", "low"),
        ("missing_data", "NI N PN NA", "low"),
        ("missing_data", "NI N NI PN", "some-concerns"),
        ("missing_data", "NI N NI NI", "high"),
        ("measurement", "Y NI NA NA NA", "high"),
        ("measurement", "N Y NA NA NA", "high"),
        ("measurement", "N N N NA NA", "low"),
        ("measurement", "N N Y N NA", "low"),
        ("measurement", "N N NI NI N", "some-concerns"),
        ("measurement", "N N NI NI NI", "high"),
        ("measurement", "N NI N NA NA", "some-concerns"),
        ("measurement", "PN NI Y PN NA", "some-concerns"),
        ("selection", "Y N N", "low"),
        ("selection", "NI N N", "some-concerns"),
        ("selection", "NI NI N", "some-concerns"),
        ("selection", "Y PY N", "high"),
        ("selection", "Y N Y", "high"),
    ],
)
def test_domain_algorithms(domain: str, answers: str, judgement: str) -> None:
    d = rob2.derive(domain, rob2.parse_answers(answers))
    assert d.problems == ()
    assert d.judgement == judgement


@pytest.mark.parametrize(
    ("answers", "judgement"),
    [
        ("N N NA N N NA", "low"),
        ("Y Y Y PN N NA", "low"),
        ("Y Y NA NA NA NA", "low"),
        ("Y Y N N N Y", "some-concerns"),
        ("Y Y N N N NI", "high"),
        ("N N NA Y N PY", "some-concerns"),
    ],
)
def test_deviations_adhering(answers: str, judgement: str) -> None:
    d = rob2.derive("deviations", rob2.parse_answers(answers), "adhering")
    assert d.problems == ()
    assert d.judgement == judgement


@pytest.mark.parametrize(
    ("domain", "answers", "problem"),
    [
        ("randomisation", "Y Y", "2 answers for the 3 questions 1.1-1.3"),
        ("randomisation", "Y NA N", "1.2 does not offer 'NA'"),
        ("missing_data", "N NI NA NA", "3.2 does not offer 'NI'"),
        ("deviations", "Y Y NA NA NA Y NA", "2.3 is answered NA but the algorithm asks it here"),
        ("deviations", "N N Y NA NA Y NA", "2.3 is answered Y but the algorithm skips it here: answer NA"),
        ("randomisation", "Y Y maybe", "1.3 does not offer 'maybe'"),
    ],
)
def test_problems(domain: str, answers: str, problem: str) -> None:
    d = rob2.derive(domain, rob2.parse_answers(answers))
    assert problem in d.problems


def test_skipped_answers_do_not_block_a_judgement() -> None:
    d = rob2.derive("missing_data", ["Y", "Y", "NA", "NA"])
    assert d.judgement == "low"
    assert d.problems == ("3.2 is answered Y but the algorithm skips it here: answer NA",)


def _table_domain1(a11: str, a12: str, a13: str) -> str:
    """Domain 1 as the criteria table states it (PMC8191126, Table 2), written independently."""
    concealed, no_info_conc, not_conc = a12 in YES, a12 == "NI", a12 in NO
    chance = a13 in NO or a13 == "NI"
    random_or_ni = a11 in YES or a11 == "NI"
    if not_conc or (no_info_conc and a13 in YES):
        return "high"
    if concealed and chance and random_or_ni:
        return "low"
    return "some-concerns"


def test_domain1_matches_the_criteria_table_for_every_answer() -> None:
    opts = ("Y", "PY", "PN", "N", "NI")
    for a in itertools.product(opts, repeat=3):
        assert rob2.derive("randomisation", list(a)).judgement == _table_domain1(*a), a


def test_overall() -> None:
    assert rob2.overall(["low"] * 5) == "low"
    assert rob2.overall(["low", "some-concerns", "low", "low", "low"]) == "some-concerns"
    assert rob2.overall(["low", "some-concerns", "high", "low", "low"]) == "high"
    assert rob2.allowed_overall(["some-concerns"] * 5) == ("some-concerns", "high")
    assert rob2.allowed_overall(["some-concerns", "low", "low", "low", "low"]) == ("some-concerns",)


def test_describe() -> None:
    d = rob2.derive("randomisation", ["PY", "NI", "NI"])
    assert rob2.describe(d) == "1.2 NI, 1.1 PY, 1.3 NI -> some concerns"


answer = st.sampled_from(rob2.ANSWERS)


@given(st.sampled_from(rob2.DOMAINS), st.sampled_from(rob2.EFFECTS), st.lists(answer, max_size=8))
def test_derive_never_raises_and_explains_a_missing_judgement(domain: str, effect: str, answers: list[str]) -> None:
    d = rob2.derive(domain, answers, effect)
    assert d.judgement in (*rob2.JUDGEMENTS, None)
    if d.judgement is None:
        assert d.problems


@given(st.sampled_from(rob2.DOMAINS), st.data())
def test_only_answers_on_the_path_decide(domain: str, data: st.DataObject) -> None:
    qs = rob2.questions(domain)
    answers = [data.draw(st.sampled_from(sorted(q.options))) for q in qs]
    d = rob2.derive(domain, answers)
    if d.judgement is None:
        return
    cleaned = [a if q.number in d.path else "NA" for q, a in zip(qs, answers, strict=True)]
    again = rob2.derive(domain, cleaned)
    assert again.judgement == d.judgement
    assert again.problems == ()


@given(st.lists(st.sampled_from(rob2.JUDGEMENTS), min_size=5, max_size=5))
def test_overall_is_the_worst(js: list[str]) -> None:
    result = rob2.overall(js)
    assert result in rob2.allowed_overall(js)
    assert all(rob2.JUDGEMENTS.index(j) <= rob2.JUDGEMENTS.index(result) for j in js)
