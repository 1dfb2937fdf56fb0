"""The sentence-level analyser (derma_evidence.hedges): hedges per clause, assertions, intensifiers, absences."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derma_evidence.grade import hedges, plain

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def kinds(text: str, certainty: str) -> list[str]:
    return [p.kind for p in hedges.problems(text, certainty)]


# --- the cases issue 18 names -----------------------------------------------------------------------


def test_clearly_increases_with_a_stray_may_fails() -> None:
    text = "It clearly increases hair count over 12 weeks, and you may see results."
    assert kinds(text, "low") == ["intensifier", "assertion"]


def test_effect_beside_absence_fails_at_very_low() -> None:
    text = "Microneedling on its own regrows hair, although no trial compared it with a sham."
    assert kinds(text, "very-low") == ["absence"]


def test_effect_beside_absence_fails_even_at_high() -> None:
    text = "Microneedling regrows hair, although no trial compared it with a sham."
    assert kinds(text, "high") == ["absence"]


@pytest.mark.parametrize(
    "text",
    [
        "In May 2024 microneedling increases hair count.",
        "May 2024: microneedling increases hair count.",
        "The trial ran from March to May. Microneedling increases hair count.",
        "Results were read on 5 May; microneedling increases hair count.",
    ],
)
def test_the_month_may_is_not_a_hedge(text: str) -> None:
    assert "low" not in hedges.hedges_in(text)
    assert "assertion" in kinds(text, "low")


def test_sentence_initial_may_before_a_verb_is_a_hedge() -> None:
    assert hedges.hedges_in("May cause redness.") == {"low": ["may"]}
    assert kinds("May cause redness.", "low") == []


# --- hedged, embedded and reported verbs ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Microneedling increases hair count.", "high"),
        ("Microneedling will increase hair count.", "high"),
        ("Microneedling does not work.", "high"),
        ("Microneedling results in a large increase in hair count.", "high"),
        ("Microneedling is effective.", "high"),
        ("Microneedling probably increases hair count.", "moderate"),
        ("Microneedling likely results in a large increase in hair count.", "moderate"),
        ("Microneedling is likely to increase hair count.", "moderate"),
        ("Microneedling is probably effective.", "moderate"),
        ("Microneedling may increase hair count.", "low"),
        ("Microneedling might help.", "low"),
        ("Microneedling can cause scarring.", "low"),
        ("Microneedling may be effective.", "low"),
        ("It is very uncertain whether microneedling regrows hair.", None),
        ("A trial found that microneedling increases hair count.", None),
        ("Whether gains last after stopping is unknown.", None),
        ("The trial reported larger increases in hair count.", None),
        ("Reviews report rare persistent harms such as scarring.", None),
        ("The combination increased hair count in one trial.", None),  # past tense: a report (documented limit)
        ("The two treatments increase hair count.", None),
        ("Its arm sizes do not add up to the stated total.", None),  # plural subject, bare verb (documented limit)
    ],
)
def test_implied_level(text: str, level: str | None) -> None:
    assert hedges.implied_level(text) == level


def test_hedge_is_per_clause() -> None:
    text = "Microneedling may increase hair count, but it regrows hair in everyone."
    assert kinds(text, "low") == ["assertion"]


def test_more_likely_is_frequency_not_certainty() -> None:
    text = "People with active infection are more likely to have granulomas; microneedling may cause redness."
    assert kinds(text, "low") == []


def test_stronger_hedge_fails_weaker_does_not() -> None:
    assert kinds("Microneedling probably increases hair count.", "low") == ["hedge", "hedge"]
    assert kinds("Microneedling may increase hair count; how much is very uncertain.", "low") == []


@pytest.mark.parametrize("word", ["clearly", "definitely", "certainly", "undoubtedly"])
def test_intensifiers_only_at_high(word: str) -> None:
    text = f"Microneedling {word} improves hair density."
    assert "intensifier" in kinds(text, "moderate")
    assert "intensifier" not in kinds(text, "high")


def test_significantly_improves_is_an_intensifier_but_a_reported_difference_is_not() -> None:
    assert "intensifier" in kinds("Microneedling significantly improves hair density.", "low")
    assert kinds("Microneedling may add to minoxidil; one trial found no significant difference.", "low") == []


def test_negated_intensifier_is_not_one() -> None:
    assert "intensifier" not in kinds("Microneedling may help, but not clearly so.", "low")


def test_own_hedge_required_and_absence_counts_at_very_low() -> None:
    assert kinds("We found no trial that compared intervals.", "very-low") == []
    assert kinds("Trials used schedules from twice a week to once every 4 weeks.", "very-low") == ["hedge"]


def test_sentences_keep_abbreviations() -> None:
    text = "Depths differ (e.g. 0.6 vs. 1.2 mm) in Dhurat et al. 2013. The second sentence."
    assert [s for s, _ in hedges.sentences(text)] == [
        "Depths differ (e.g. 0.6 vs. 1.2 mm) in Dhurat et al. 2013.",
        "The second sentence.",
    ]


# --- properties ---------------------------------------------------------------------------------------

WORDS = st.sampled_from(["scalp", "microneedling", "minoxidil", "hair", "count", "density", "PRP", "5%", "topical"])
PHRASE = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(plain.LEVELS))
def test_analyser_never_raises_and_offsets_point_into_the_text(text: str, certainty: str) -> None:
    for s in hedges.analyse(text):
        assert text[s.start : s.start + len(s.text)] == s.text
        for c in s.clauses:
            assert 0 <= c.start <= len(text)
    for p in hedges.problems(text, certainty):
        assert 0 <= p.start <= len(text)


@SETTINGS
@given(
    st.sampled_from(plain.LEVELS),
    st.sampled_from(plain.DIRECTIONS),
    st.sampled_from(plain.SIZES),
    PHRASE,
    PHRASE,
)
def test_every_computed_line_reads_at_its_own_level(c: str, d: str, s: str, x: str, y: str) -> None:
    line = plain.statement(c, d, s, x, y).text
    assert hedges.problems(line, c) == []
    assert hedges.implied_level(line) == (None if c == "very-low" else c)


@SETTINGS
@given(st.sampled_from(["low", "moderate"]), st.sampled_from(["moderate", "small"]), PHRASE, PHRASE)
def test_a_computed_line_with_an_intensifier_fails(c: str, s: str, x: str, y: str) -> None:
    line = plain.statement(c, "increase", s, x, y).text
    worse = line.replace("may increase", "clearly increases").replace("probably increases", "clearly increases")
    assert "intensifier" in kinds(worse, c)


@SETTINGS
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=200))
def test_problems_shrink_as_certainty_rises(text: str) -> None:
    def over(c: str) -> int:
        return sum(1 for p in hedges.problems(text, c) if not p.message.startswith("no "))

    counts = [over(c) for c in plain.LEVELS]
    assert counts == sorted(counts, reverse=True)


@SETTINGS
@given(st.integers(min_value=1, max_value=2100), PHRASE)
def test_may_before_a_number_is_never_a_hedge(n: int, tail: str) -> None:
    assert "low" not in hedges.hedges_in(f"May {n} {tail}.")
    assert "low" not in hedges.hedges_in(f"In May {n} {tail}.")


def test_size_claims_in_our_voice_only() -> None:
    assert [h.phrase for h in hedges.size_claims("It may give a large increase in the count.")] == ["large"]
    assert hedges.size_claims("A trial found a large difference; whether it lasts is unknown.") == []
    assert hedges.size_claims("There was no large difference.") == []
    assert [h.level for h in hedges.size_claims("It may slightly increase itching.")] == ["small"]
