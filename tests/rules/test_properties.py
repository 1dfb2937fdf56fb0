"""Property-based tests: the loaders and the checker never raise, and always point inside the file."""

from __future__ import annotations

import re
import unicodedata

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derma_evidence import render
from derma_evidence.pipeline import Result, check_bytes
from tests.conftest import CASES, TODAY

VALID_YAML = (CASES / "_valid" / "claims.yaml").read_bytes()
VALID_BIB = (CASES / "_valid" / "references.bib").read_bytes()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _inside(result: Result, files: dict[str, bytes]) -> None:
    for d in result.diagnostics:
        assert d.file in files, d
        text = files[d.file].decode("utf-8", "replace")
        lines = re.split("\r\n|\r|\n", text)  # lone CRs end lines too, as in libyaml and editors
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


def _edit_a_line(data: st.DataObject, lines: list[str], op: str, chars: str) -> None:
    """One line of `lines` dropped, doubled, or with a character of `chars` inserted or put in place of one."""
    i = data.draw(st.integers(0, len(lines) - 1))
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    else:
        line = lines[i]
        j = data.draw(st.integers(0, len(line)))
        ch = data.draw(st.sampled_from(list(chars)))
        lines[i] = line[:j] + ch + line[j + (1 if op == "replace" else 0) :]


@SETTINGS
@given(st.data())
def test_mutations_of_a_valid_file_never_raise(data: st.DataObject) -> None:
    lines = VALID_YAML.decode().split("\n")
    op = data.draw(st.sampled_from(["delete", "duplicate", "insert", "replace"]))
    _edit_a_line(data, lines, op, ":-[]{}#&*!\"' \tx0\u200b")
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


# --- issue 10: random Unicode, line separators and invisible characters ------------------------

INVISIBLE = [
    "\u2028",
    "\u2029",
    "\u0085",
    "\u200b",
    "\u200d",
    "\u200f",
    "\u202e",
    "\u2066",
    "\u061c",
    "\u3164",
    "\u00ad",
    "\ufeff",
    "\U000e0001",
    "\U000e0041",
    "\x00",
    "\x1b",
    "\x7f",
]


@SETTINGS
@given(st.data())
def test_mutations_of_the_answers_layer_never_raise(data: st.DataObject) -> None:
    """Questions, outcomes, effects, RoB and verification records with lines dropped, doubled or edited."""
    lines = ANSWERS_YAML.decode().split("\n")
    op = data.draw(st.sampled_from(["delete", "duplicate", "replace", "number"]))
    if op == "number":  # a judgement, level or number swapped for another plausible value
        i = data.draw(st.integers(0, len(lines) - 1))
        old = data.draw(st.sampled_from(["serious", "low", "1.2", "0.8", "randomised", "some-concerns", "arms"]))
        new = data.draw(st.sampled_from(["very-serious", "high", "-3", "1e9", "observational", "null", "[]", "SMD"]))
        lines[i] = lines[i].replace(old, new)
    else:
        _edit_a_line(data, lines, op, ":-[]{}#&*!\"' x0")
    text = "\n".join(lines).encode("utf-8")
    result = check_bytes("claims.yaml", text, "references.bib", ANSWERS_BIB, TODAY)
    _inside(result, {"claims.yaml": text, "references.bib": ANSWERS_BIB})
    render.render_site(result.kb)  # the pages render whatever survived


@SETTINGS
@given(st.data())
def test_an_invisible_character_is_reported_exactly_where_it_is(data: st.DataObject) -> None:
    lines = VALID_YAML.decode().split("\n")
    i = data.draw(st.integers(0, len(lines) - 2))
    j = data.draw(st.integers(0, len(lines[i])))
    ch = data.draw(st.sampled_from(INVISIBLE))
    if ch == "\ufeff" and i == j == 0:
        ch = "\u200b"  # a byte order mark at the very start is allowed
    lines[i] = lines[i][:j] + ch + lines[i][j:]
    result = _check("\n".join(lines).encode("utf-8"))
    y006 = [(d.line, d.col) for d in result.diagnostics if d.code == "Y006"]
    assert y006[:1] == [(i + 1, j + 1)], (ch, result.diagnostics)
    # nothing after the character moves: every other diagnostic is at or below its line
    assert all(d.line <= len(lines) for d in result.diagnostics)


@SETTINGS
@given(st.text(st.characters(blacklist_categories=["Cs"]), max_size=200), st.sampled_from(["summary", "title"]))
def test_random_unicode_in_a_value_never_raises(text: str, field: str) -> None:
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    src = VALID_YAML.decode().replace("summary: How deep needles go.", f'{field}: "{quoted}"', 1)
    _check(src.encode("utf-8"))


@SETTINGS
@given(
    st.text(alphabet=st.sampled_from([*INVISIBLE, "a", " ", "#", ":", "\n", "\r", "\t", "\u00e9", "-"]), max_size=120)
)
def test_random_text_with_separators_never_raises(text: str) -> None:
    _check(text.encode("utf-8"))
    _check(VALID_YAML, text.encode("utf-8"))


# --- issue 10: random BibTeX with comments and @string -----------------------------------------

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6).filter(
    lambda n: (
        n
        not in {
            "comment",
            "string",
            "preamble",
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
        }
    )
)
words = st.text(alphabet="abcXYZ 0123.,;:-()'", max_size=20)


@st.composite
def bibtex(draw: st.DrawFn) -> tuple[str, dict[str, dict[str, str]]]:
    """A random .bib text and what each live entry's fields must read as."""
    parts: list[str] = []
    macros: dict[str, str] = {}
    expected: dict[str, dict[str, str]] = {}
    for n in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["entry", "string", "comment", "junk", "percent-text"]))
        if kind == "string":
            name = draw(names)
            value = draw(words)
            macros[name] = value
            parts.append(f"@string{{{name} = {{{value}}}}}")
        elif kind == "comment":
            parts.append("@comment{" + draw(words) + "}")
        elif kind == "junk":
            parts.append(draw(words).replace("@", ""))
        elif kind == "percent-text":
            parts.append("% " + draw(words) + "\n")  # a % line ends at its line end
        else:
            key = f"key{n}"
            fields: dict[str, str] = {}
            body = []
            for fname in draw(st.lists(st.sampled_from(["title", "author", "note", "year", "journal"]), unique=True)):
                how = draw(st.sampled_from(["brace", "quote", "macro", "concat", "number"]))
                if how == "macro" and macros:
                    m = draw(st.sampled_from(sorted(macros)))
                    body.append(f"{fname} = {m}")
                    fields[fname] = macros[m]
                elif how == "concat" and macros:
                    m = draw(st.sampled_from(sorted(macros)))
                    w = draw(words)
                    body.append(f"{fname} = {m} # {{{w}}}")
                    fields[fname] = macros[m] + w
                elif how == "number":
                    v = str(draw(st.integers(0, 9999)))
                    body.append(f"{fname} = {v}")
                    fields[fname] = v
                elif how == "quote":
                    w = draw(words)
                    body.append(f'{fname} = "{w}"')
                    fields[fname] = w
                else:
                    w = draw(words)
                    body.append(f"{fname} = {{{w}}}")
                    fields[fname] = w
            sep = draw(st.sampled_from([",\n  ", ", ", ",\t"]))
            head = draw(st.sampled_from(["@article{", "@ article {", "@ARTICLE{", "@misc("]))
            close = ")" if head.endswith("(") else "}"
            parts.append(head + key + (sep + sep.join(body) if body else "") + draw(st.sampled_from(["", ","])) + close)
            expected[key] = fields
    joiner = draw(st.sampled_from(["\n", "\n\n", " ", "\r\n"]))
    return joiner.join(parts) + "\n", expected


@SETTINGS
@given(bibtex())
def test_random_bibtex_reads_as_generated(case: tuple[str, dict[str, dict[str, str]]]) -> None:
    from derma_evidence.load.bib import load_bib

    text, expected = case
    data = text.encode("utf-8")
    result = load_bib("references.bib", data)
    assert {r.key: r.fields for r in result.references} == expected, result.diagnostics
    assert [d for d in result.diagnostics if d.severity.value == "error"] == []
    _check(VALID_YAML, data)


@SETTINGS
@given(bibtex(), st.integers(0, 400), st.sampled_from(["%", "{", "}", "@", "#", ",", '"', "=", "\\", "\u2028"]))
def test_mutated_random_bibtex_never_raises(case: tuple[str, dict[str, dict[str, str]]], i: int, ch: str) -> None:
    text, _ = case
    i = min(i, len(text))
    _check(VALID_YAML, (text[:i] + ch + text[i:]).encode("utf-8"))


def test_invisible_list_is_forbidden() -> None:
    from derma_evidence.load.text import FORBIDDEN

    for ch in INVISIBLE:
        assert FORBIDDEN.match(ch) or unicodedata.category(ch) == "Cc", repr(ch)
