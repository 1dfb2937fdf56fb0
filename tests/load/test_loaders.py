"""Loader behaviour: positions, refusals and limits that matter for hostile input."""

from __future__ import annotations

import pytest

from derma_evidence.load.bib import load_bib
from derma_evidence.load.text import MAX_BYTES
from derma_evidence.load.yamlpos import MAX_DEPTH, Map, Scalar, load_yaml, resolve_plain
from tests._growth import assert_cpu_grows, assert_grows
from tests.conftest import TODAY


def codes(diags: list) -> list[tuple[int, int, str]]:  # type: ignore[type-arg]
    return [(d.line, d.col, d.code) for d in diags]


def test_scalars_keep_one_based_positions() -> None:
    r = load_yaml("f.yaml", b"a: 1\nb:\n  - x\n")
    assert isinstance(r.root, Map)
    (ka, va), (kb, vb) = r.root.items
    assert (ka.line, ka.col, va.line, va.col) == (1, 1, 1, 4)
    assert (kb.line, kb.col) == (2, 1)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("yes", "ambiguous"),
        ("No", "ambiguous"),
        ("010", "ambiguous"),
        ("0x1F", "ambiguous"),
        ("1:30", "ambiguous"),
        ("1_000", "ambiguous"),
        ("2024-01-01", "timestamp"),
        ("true", "bool"),
        ("~", "null"),
        ("", "null"),
        ("12", "int"),
        ("-0.56", "float"),
        (".inf", "float"),
        ("0.5 mm", "str"),
        ("dunkin2007", "str"),
    ],
)
def test_plain_scalars_are_typed_as_yaml_1_1_would(text: str, kind: str) -> None:
    assert resolve_plain(text) == kind


def test_quoted_scalars_stay_text() -> None:
    r = load_yaml("f.yaml", b"a: 'yes'\nb: \"010\"\n")
    assert isinstance(r.root, Map)
    assert [v.kind for _, v in r.root.items if isinstance(v, Scalar)] == ["str", "str"]


def test_duplicate_key_names_both_lines() -> None:
    r = load_yaml("f.yaml", b"a: 1\nb: 2\na: 3\n")
    assert codes(r.diagnostics) == [(3, 1, "Y002")]
    assert "line 1" in r.diagnostics[0].message


def test_bom_is_accepted_and_crlf_lines_count() -> None:
    r = load_yaml("f.yaml", b"\xef\xbb\xbfa: 1\r\nb: [\r\n")
    assert codes(r.diagnostics)[0][2] == "Y001"
    assert r.diagnostics[0].line == 3


def test_utf16_is_refused() -> None:
    r = load_yaml("f.yaml", "a: 1\n".encode("utf-16"))
    assert codes(r.diagnostics) == [(1, 1, "Y005")]


def test_every_invalid_byte_is_reported_at_its_column() -> None:
    r = load_yaml("f.yaml", b"a: ok\nb: x\xff y \xfe\n")
    assert codes(r.diagnostics) == [(2, 5, "Y005"), (2, 9, "Y005")]


@pytest.mark.parametrize("ch", ["\u202e", "\u200b", "\u2066", "\x00", "\x1b", "\ufeff"])
def test_invisible_and_control_characters_are_refused(ch: str) -> None:
    r = load_yaml("f.yaml", f"a: x{ch}y\n".encode())
    assert codes(r.diagnostics) == [(1, 5, "Y006")]


def test_alias_bomb_is_refused_at_bounded_cost() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    r = load_yaml("f.yaml", "\n".join(lines).encode())
    assert {d.code for d in r.diagnostics} == {"Y003"}
    # bounded: 10^9 expansions refused at no more cost than 10^5
    assert_grows(lambda: load_yaml("f.yaml", "\n".join(lines[:5]).encode()),
                 lambda: load_yaml("f.yaml", "\n".join(lines).encode()), 2)  # fmt: skip


def test_deep_nesting_is_refused() -> None:
    r = load_yaml("f.yaml", b"[" * 100 + b"]" * 100)
    assert codes(r.diagnostics) == [(1, MAX_DEPTH + 1, "Y009")]
    r = load_yaml("f.yaml", b"[" * 100_000 + b"]" * 100_000)
    assert [d.code for d in r.diagnostics] == ["Y009"]
    # the refusal stops at the limit: 100,000 levels cost no more calls than 1,000
    assert_grows(lambda: load_yaml("f.yaml", b"[" * 1000 + b"]" * 1000),
                 lambda: load_yaml("f.yaml", b"[" * 100_000 + b"]" * 100_000), 1)  # fmt: skip


def test_oversized_file_is_refused_without_parsing() -> None:
    r = load_yaml("f.yaml", b"#" * (MAX_BYTES + 1))
    assert codes(r.diagnostics) == [(1, 1, "Y009")]


@pytest.mark.parametrize("text", [b"", b"\n\n", b"# only a comment\n", b"---\n", b"~\n"])
def test_empty_documents(text: bytes) -> None:
    assert [d.code for d in load_yaml("f.yaml", text).diagnostics] == ["Y008"]


def test_bib_start_line_is_one_based() -> None:
    """Positions are 1-based lines and columns (pinned here)."""
    r = load_bib("r.bib", b"\n\n@article{k,\n  title = {T},\n  year = 2001,\n}\n")
    (ref,) = r.references
    assert (ref.pos.line, ref.pos.col) == (3, 1)
    assert (ref.field_pos["title"].line, ref.field_pos["title"].col) == (4, 3)


def test_bib_resolves_macros_and_months() -> None:
    r = load_bib("r.bib", b"@string{j = {J Test}}\n@article{k, journal = j # { 2}, month = mar, note = nope}\n")
    (ref,) = r.references
    assert ref.fields["journal"] == "J Test 2"
    assert ref.fields["month"] == "3"
    assert codes(r.diagnostics) == [(2, 46, "B003")]


def test_bib_keeps_going_after_a_broken_block() -> None:
    r = load_bib("r.bib", b"@article{a, title = {x}\n@article{b, title={y}, year={2001}}\n")
    assert [ref.key for ref in r.references] == ["b"] or "b" in [ref.key for ref in r.references]
    assert any(d.code == "B001" for d in r.diagnostics)


def test_wrong_top_level_type_is_one_clear_error() -> None:

    from derma_evidence.pipeline import check_bytes

    r = check_bytes("c.yaml", b"- just\n- a list\n", "r.bib", b"", TODAY)
    assert [(d.line, d.col, d.code) for d in r.diagnostics] == [(1, 1, "S002")]
    assert "mapping" in r.diagnostics[0].message


def test_escaped_invisible_character_in_double_quotes_is_refused() -> None:
    r = load_yaml("f.yaml", b"a: \"safe \\u202e text\"\nb: '\\u202e stays literal'\n")
    assert codes(r.diagnostics) == [(1, 4, "Y006")]


def test_bib_field_columns_stay_linear_on_hostile_lines() -> None:
    r = load_bib("r.bib", b"@article{" + b"x" * 200_000 + b", " + b"y" * 200_000 + b" = {v}, title={t}}\n")
    assert r.references

    def hostile(n: int) -> object:
        return load_bib("r.bib", b"@article{" + b"x" * n + b", " + b"y" * n + b" = {v}, title={t}}\n")

    assert_grows(lambda: hostile(2000), lambda: hostile(200_000), 100)
    assert_cpu_grows(lambda: hostile(2000), lambda: hostile(200_000), 100)
