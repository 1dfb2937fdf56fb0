"""Property-based tests: the loaders and the checker never raise, and always point inside the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derma_evidence import render
from derma_evidence.pipeline import Result, check_bytes

CASES = Path(__file__).parent / "cases"
VALID_YAML = (CASES / "_valid" / "claims.yaml").read_bytes()
VALID_BIB = (CASES / "_valid" / "references.bib").read_bytes()
TODAY = dt.date(2026, 11, 25)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _inside(result: Result, files: dict[str, bytes]) -> None:
    for d in result.diagnostics:
        assert d.file in files, d
        text = files[d.file].decode("utf-8", "replace")
        lines = text.split("\n")
        assert 1 <= d.line <= len(lines) + 1, d
        assert d.col >= 1, d
        if d.line <= len(lines):
            assert d.col <= len(lines[d.line - 1]) + 2, (d, lines[d.line - 1])
        assert d.message and d.code


def _check(yaml_bytes: bytes, bib_bytes: bytes = VALID_BIB) -> Result:
    result = check_bytes("claims.yaml", yaml_bytes, "references.bib", bib_bytes, TODAY)
    _inside(result, {"claims.yaml": yaml_bytes, "references.bib": bib_bytes})
    return result


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    _check(data, data)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("abc:-[]{}#&*!|>'\"\n \t,?%@`0.1\u00e9\u202e\x00")), max_size=400))
def test_yaml_like_text_never_raises(text: str) -> None:
    _check(text.encode("utf-8"))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
    st.sampled_from(["yes", "010", "1:30", "2024-01-01", "dunkin2007", "supported", "low", "mm", "depth"]),
)
keys = st.sampled_from(
    [
        "topics",
        "claims",
        "id",
        "topic",
        "statement",
        "quantity",
        "measure",
        "min",
        "max",
        "unit",
        "verdict",
        "certainty",
        "sources",
        "key",
        "stance",
        "locator",
        "quote",
        "note",
        "reviewed",
        "article",
        "trials",
        "statements",
        "n",
        "text",
        "about",
        "bogus",
    ]
)
documents = st.recursive(
    scalars, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(keys, kids, max_size=6), max_leaves=40
)


@SETTINGS
@given(documents)
def test_random_yaml_documents_never_raise(doc: object) -> None:
    _check(yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))


@SETTINGS
@given(st.data())
def test_mutations_of_a_valid_file_never_raise(data: st.DataObject) -> None:
    lines = VALID_YAML.decode().split("\n")
    op = data.draw(st.sampled_from(["delete", "duplicate", "insert", "replace"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    else:
        line = lines[i]
        j = data.draw(st.integers(0, len(line)))
        ch = data.draw(st.sampled_from(list(":-[]{}#&*!\"' \tx0\u200b")))
        lines[i] = line[:j] + ch + line[j + (1 if op == "replace" else 0) :]
    _check("\n".join(lines).encode("utf-8"))


@SETTINGS
@given(st.data())
def test_mutations_of_a_valid_bib_never_raise(data: st.DataObject) -> None:
    text = VALID_BIB.decode()
    i = data.draw(st.integers(0, len(text)))
    ch = data.draw(st.sampled_from(list('{}",=@#%\\ \nx')))
    n = data.draw(st.integers(0, 3))
    mutated = (text[:i] + ch + text[i + n :]).encode()
    _check(VALID_YAML, mutated)


def test_valid_base_passes_strict() -> None:
    assert _check(VALID_YAML).diagnostics == []


ANSWERS_YAML = (CASES / "_answers_valid" / "claims.yaml").read_bytes()
ANSWERS_BIB = (CASES / "_answers_valid" / "references.bib").read_bytes()


@SETTINGS
@given(st.data())
def test_mutations_of_the_answers_layer_never_raise(data: st.DataObject) -> None:
    """Questions, outcomes, effects, RoB and verification records with lines dropped, doubled or edited."""
    lines = ANSWERS_YAML.decode().split("\n")
    op = data.draw(st.sampled_from(["delete", "duplicate", "replace", "number"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "number":  # a judgement, level or number swapped for another plausible value
        old = data.draw(st.sampled_from(["serious", "low", "1.2", "0.8", "randomised", "some-concerns", "arms"]))
        new = data.draw(st.sampled_from(["very-serious", "high", "-3", "1e9", "observational", "null", "[]", "SMD"]))
        lines[i] = lines[i].replace(old, new)
    else:
        line = lines[i]
        j = data.draw(st.integers(0, len(line)))
        ch = data.draw(st.sampled_from(list(":-[]{}#&*!\"' x0")))
        lines[i] = line[:j] + ch + line[j + 1 :]
    text = "\n".join(lines).encode("utf-8")
    result = check_bytes("claims.yaml", text, "references.bib", ANSWERS_BIB, TODAY)
    _inside(result, {"claims.yaml": text, "references.bib": ANSWERS_BIB})
    render.render_site(result.kb)  # the pages render whatever survived
