"""The sentence analyser's memo (grade.hedges.memo): kept only inside a block, never changes an answer."""

from __future__ import annotations

from derma_evidence.grade import hedges

TEXT = "It may increase hair counts. No trial compared it with a sham, but it clearly works."


def test_memo_returns_the_same_analysis_as_a_fresh_read() -> None:
    fresh = hedges.problems(TEXT, "low")
    with hedges.memo():
        first = hedges.problems(TEXT, "low")
        first.append(hedges.Problem("hedge", "caller's own edit", 0))  # a caller's list is its own
        assert hedges.problems(TEXT, "low") == fresh == first[:-1]
        assert hedges.analyse(TEXT) is hedges.analyse(TEXT)
        assert hedges.analyse(TEXT) == hedges._analyse(TEXT)
        assert hedges.problems(TEXT, "not-a-level") == []


def test_nothing_is_kept_outside_a_block() -> None:
    with hedges.memo():
        with hedges.memo():  # nested: the inner block shares the outer's
            hedges.analyse(TEXT)
        assert hedges._MEMO is not None and TEXT in hedges._MEMO
    assert hedges._MEMO is None
    assert hedges.analyse(TEXT) is not hedges.analyse(TEXT)


def test_a_kept_store_carries_the_analyses_from_one_block_to_the_next() -> None:
    store: dict[object, tuple[object, ...]] = {}
    with hedges.memo(store):
        first = hedges.analyse(TEXT)
    assert hedges._MEMO is None and TEXT in store
    with hedges.memo(store), hedges.memo():  # rules.run's own block inside shares the store
        assert hedges.analyse(TEXT) is first
