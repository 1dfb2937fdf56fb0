"""`derma new claim` / `derma new reference`: nothing lost, duplicates refused, hostile text kept as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derma_evidence.commands import cli, new
from derma_evidence.commands import entries as new_entries
from derma_evidence.commands import write as new_write
from derma_evidence.load.yamlpos import Map, Scalar, Seq, load_yaml
from derma_evidence.pipeline import check_files
from tests.conftest import ROOT, TODAY, TODAY_ISO

CLAIMS = """\
# yaml-language-server: $schema=../derma_evidence/contract/claims.schema.json
# A comment at the top.
topics:
  - id: needle-depth
    title: Needle depth and scarring
    summary: One paragraph introducing the topic.
claims:
  - id: dunkin-scarring-threshold   # trailing comment
    topic: needle-depth
    statement: Plain-text statement in neutral words.
    quantity:
      measure: depth
      min: 0.56
      unit: mm
    verdict: supported
    certainty: low
    sources:
      - key: dunkin2007
        stance: supports
        locator: Abstract
        # a comment inside the claim
    reviewed: 2026-11-25

# --- trials: this comment belongs to the next section ---
trials:
  - key: dunkin2007
    design: animal
    outcome: Scarring above 0.56 mm.
"""

BIB = """\
% references
@article{dunkin2007,
  author  = {Dunkin, C. S. J. and Pleat, J. M.},
  title   = {Scarring occurs at a critical depth of skin injury},
  journal = {Plastic and Reconstructive Surgery},
  year    = {2007},
  doi     = {10.1097/01.prs.0000259457.31089.51},
  pmid    = {17496593},
  design  = {animal},
}
"""

CLAIM_ARGS = [
    "--topic",
    "needle-depth",
    "--verdict",
    "supported",
    "--certainty",
    "low",
    "--key",
    "dunkin2007",
    "--stance",
    "supports",
    "--locator",
    "Figure 2",
    "--today",
    TODAY_ISO,
]


@pytest.fixture
def kb(tmp_path: Path) -> tuple[Path, Path]:
    claims = tmp_path / "claims.yaml"
    bib = tmp_path / "references.bib"
    claims.write_bytes(CLAIMS.encode())
    bib.write_bytes(BIB.encode())
    return claims, bib


def run(kb: tuple[Path, Path], *args: str) -> int:
    claims, bib = kb
    return cli.main(["new", *args, "--claims", str(claims), "--bib", str(bib)])


def clean(kb: tuple[Path, Path]) -> bool:
    result = check_files(str(kb[0]), str(kb[1]), TODAY)
    return not result.diagnostics


def last_claim(path: Path) -> Map:
    root = load_yaml(str(path), path.read_bytes()).root
    assert isinstance(root, Map)
    claims = root.get("claims")
    assert isinstance(claims, Seq)
    item = claims.items[-1]
    assert isinstance(item, Map)
    return item


def scalar(m: Map, *path: str) -> Scalar:
    node: object = m
    for p in path:
        if isinstance(node, Seq):
            node = node.items[0]
        assert isinstance(node, Map)
        node = node.get(p)
    assert isinstance(node, Scalar)
    return node


def test_fixture_is_clean(kb: tuple[Path, Path]) -> None:
    assert clean(kb)


def test_claim_inserted_at_end_of_claims_list_byte_for_byte(kb: tuple[Path, Path]) -> None:
    claims, _ = kb
    assert run(kb, "claim", "--id", "new-claim", "--statement", "A new statement.", *CLAIM_ARGS) == 0
    entry = (
        "  - id: new-claim\n"
        "    topic: needle-depth\n"
        '    statement: "A new statement."\n'
        "    verdict: supported\n"
        "    certainty: low\n"
        "    sources:\n"
        '      - key: "dunkin2007"\n'
        "        stance: supports\n"
        '        locator: "Figure 2"\n'
        f"    reviewed: {TODAY_ISO}\n"
    )
    cut = CLAIMS.index("\n\n# --- trials") + 1
    assert claims.read_text("utf-8") == CLAIMS[:cut] + entry + CLAIMS[cut:]
    assert clean(kb)


def test_claims_last_in_file_and_no_final_newline(kb: tuple[Path, Path]) -> None:
    claims, _ = kb
    text = CLAIMS[: CLAIMS.index("\n\n# --- trials")]  # no trials, no final newline
    claims.write_text(text, "utf-8")
    assert run(kb, "claim", "--id", "new-claim", "--statement", "S.", *CLAIM_ARGS) == 0
    out = claims.read_text("utf-8")
    assert out.startswith(text + "\n  - id: new-claim\n")
    assert clean(kb)


def test_crlf_file_keeps_crlf(kb: tuple[Path, Path]) -> None:
    claims, _ = kb
    original = CLAIMS.replace("\n", "\r\n").encode()
    claims.write_bytes(original)
    assert run(kb, "claim", "--id", "new-claim", "--statement", "S.", *CLAIM_ARGS) == 0
    data = claims.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert len(data) > len(original)


def test_quantity_and_optional_fields(kb: tuple[Path, Path]) -> None:
    claims, _ = kb
    assert (
        run(
            kb,
            "claim",
            "--id",
            "q",
            "--statement",
            "S.",
            "--measure",
            "depth",
            "--min",
            "1e-1",
            "--max",
            "2",
            "--unit",
            "mm",
            "--quote",
            "Q.",
            "--note",
            "N.",
            *CLAIM_ARGS,
        )
        == 0
    )
    c = last_claim(claims)
    assert (scalar(c, "quantity", "min").kind, scalar(c, "quantity", "min").value) == ("float", "0.1")
    assert (scalar(c, "quantity", "max").kind, scalar(c, "quantity", "max").value) == ("int", "2")
    assert scalar(c, "sources", "quote").value == "Q."
    assert clean(kb)


def test_reference_appended_byte_for_byte(kb: tuple[Path, Path]) -> None:
    _, bib = kb
    assert (
        run(
            kb,
            "reference",
            "--key",
            "dhurat2013",
            "--author",
            "Dhurat, Rachita and Sukesh, Manoj",
            "--title",
            "A randomized evaluation",
            "--journal",
            "Int J Trichology",
            "--year",
            "2013",
            "--doi",
            "10.4103/0974-7753.114700",
            "--pmid",
            "23960389",
            "--design",
            "rct",
            "--today",
            TODAY_ISO,
        )
        == 0
    )
    entry = (
        "\n@article{dhurat2013,\n"
        "  author  = {Dhurat, Rachita and Sukesh, Manoj},\n"
        "  title   = {A randomized evaluation},\n"
        "  journal = {Int J Trichology},\n"
        "  year    = {2013},\n"
        "  doi     = {10.4103/0974-7753.114700},\n"
        "  pmid    = {23960389},\n"
        "  design  = {rct},\n"
        "}\n"
    )
    assert bib.read_text("utf-8") == BIB + entry
    result = check_files(str(kb[0]), str(bib), TODAY)
    assert [(d.line, d.col, d.code) for d in result.diagnostics] == [(12, 1, "B009")]  # not yet cited


def test_then_cite_it_and_all_is_clean(kb: tuple[Path, Path]) -> None:
    assert (
        run(
            kb,
            "reference",
            "--key",
            "dhurat2013",
            "--author",
            "Dhurat, R.",
            "--title",
            "T",
            "--journal",
            "J",
            "--year",
            "2013",
            "--pmid",
            "23960389",
            "--design",
            "rct",
        )
        == 0
    )
    args = [a if a != "dunkin2007" else "dhurat2013" for a in CLAIM_ARGS]
    assert run(kb, "claim", "--id", "mn-minox", "--statement", "S.", *args) == 0
    assert clean(kb)


@pytest.mark.parametrize("claim_id", ["dunkin-scarring-threshold", "Dunkin-Scarring-Threshold"])
def test_duplicate_claim_id_refused(kb: tuple[Path, Path], claim_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(kb, "claim", "--id", claim_id, "--statement", "S.", *CLAIM_ARGS) == 1
    assert kb[0].read_text("utf-8") == CLAIMS
    out = capsys.readouterr().out  # the checker's own rule, at the new (second) claim, naming the first
    assert (":23:9: C001 " in out and "line 8" in out) if claim_id.islower() else ":23:9: C002 " in out


@pytest.mark.parametrize("key", ["dunkin2007", "DUNKIN2007"])
def test_duplicate_bib_key_refused(kb: tuple[Path, Path], key: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            kb,
            "reference",
            "--key",
            key,
            "--author",
            "A",
            "--title",
            "T",
            "--journal",
            "J",
            "--year",
            "2000",
            "--design",
            "rct",
        )
        == 1
    )
    assert kb[1].read_text("utf-8") == BIB
    out = capsys.readouterr().out  # the loader's own B002, at the new entry, naming the first
    assert ":12:1: B002 " in out and "line 2" in out


def test_errors_leave_file_untouched_and_show_did_you_mean(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a if a != "dunkin2007" else "dunkn2007" for a in CLAIM_ARGS]
    assert run(kb, "claim", "--id", "typo", "--statement", "S.", *args) == 1
    assert kb[0].read_text("utf-8") == CLAIMS
    out = capsys.readouterr().out
    assert "C005" in out and "did you mean 'dunkin2007'?" in out


def test_restores_original_when_the_file_on_disk_fails(kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The file does not read back as written (a full disk, a racing writer): the original comes back."""
    real = new_write.read_bytes
    calls = {"n": 0}

    def flaky(path: str) -> bytes:
        calls["n"] += 1
        data = real(path)
        return data + b"#" if calls["n"] == 4 else data  # claims, bib, compare-before, read-back

    monkeypatch.setattr("derma_evidence.commands.write.read_bytes", flaky)
    assert run(kb, "claim", "--id", "x", "--statement", "S.", *CLAIM_ARGS) == 1
    assert kb[0].read_text("utf-8") == CLAIMS
    assert sorted(p.name for p in kb[0].parent.iterdir()) == ["claims.yaml", "references.bib"]


def test_dry_run_prints_and_writes_nothing(kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(kb, "claim", "--id", "x", "--statement", "S.", "--dry-run", *CLAIM_ARGS) == 0
    assert kb[0].read_text("utf-8") == CLAIMS
    assert capsys.readouterr().out.startswith("  - id: x\n")


def test_missing_options_without_terminal_is_exit_2(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert run(kb, "claim", "--id", "x") == 2
    assert "--statement" in capsys.readouterr().err
    assert kb[0].read_text("utf-8") == CLAIMS


def test_asks_for_missing_fields_on_a_terminal(kb: tuple[Path, Path]) -> None:
    answers = iter(
        ["needle-depth", "Asked statement.", "proven", "supported", "low", "dunkin2007", "", "Abstract", "", "", "", ""]
    )
    parser = cli.build_parser()
    args = parser.parse_args(
        ["new", "claim", "--id", "asked", "--claims", str(kb[0]), "--bib", str(kb[1]), "--today", TODAY_ISO]
    )
    assert new.run(args, ask=lambda _prompt: next(answers), interactive=True) == 0
    c = last_claim(kb[0])
    assert scalar(c, "statement").value == "Asked statement."
    assert scalar(c, "sources", "stance").value == "supports"  # the default
    assert clean(kb)


HOSTILE = [
    "yes",
    "no",
    "010",
    "1:30",
    "2024-01-01",
    "null",
    "~",
    "true",
    "{{ 7*7 }}",
    ": #",
    "# not a comment",
    "a \"quoted\" 'text'",
    "ünïcødé — 日本語 😀",
    "- item",
    "[1, 2]",
    "{a: b}",
    "&anchor",
    "*alias",
    "!!python/object",
    "%TAG",
    "@at",
    "`tick`",
    "|",
    ">",
    "back\\slash",
    "line\nbreak",
    "\ttab",
    " lead",
    "trail ",
    "...",
    "---",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_round_trip_as_text(kb: tuple[Path, Path], value: str) -> None:
    # `--opt=value` form: argparse would take a value starting with `-` for an option
    assert (
        run(
            kb,
            "claim",
            "--id",
            "hostile",
            f"--statement={value}",
            f"--note={value}",
            f"--quote={value}",
            "--topic",
            "needle-depth",
            "--verdict",
            "supported",
            "--certainty",
            "low",
            "--key",
            "dunkin2007",
            f"--locator={value}",
            "--today",
            TODAY_ISO,
        )
        == 0
    )
    c = last_claim(kb[0])
    for path in (("statement",), ("note",), ("sources", "quote"), ("sources", "locator")):
        s = scalar(c, *path)
        assert (s.kind, s.value) == ("str", value)
    assert clean(kb)


@pytest.mark.parametrize("value", ["bidi\u202eoverride", "nul\x00", "zero\u200bwidth", "ls\u2028sep", "del\x7f"])
def test_refused_characters(kb: tuple[Path, Path], value: str) -> None:
    assert run(kb, "claim", "--id", "bad", f"--statement={value}", *CLAIM_ARGS) == 2
    assert kb[0].read_text("utf-8") == CLAIMS


@pytest.mark.parametrize("value", ["unbalanced {", "}{", "two\nlines"])
def test_bib_values_that_braces_cannot_hold_are_refused(kb: tuple[Path, Path], value: str) -> None:
    assert (
        run(
            kb,
            "reference",
            "--key",
            "k2000",
            "--author",
            "A",
            f"--title={value}",
            "--journal",
            "J",
            "--year",
            "2000",
            "--design",
            "rct",
        )
        == 2
    )
    assert kb[1].read_text("utf-8") == BIB


def test_reference_that_bibtexparser_reads_differently_is_refused(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A title ending in a backslash: BibTeX (and the checker) read `{a\\}` as `a\\`, bibtexparser 2 as an
    escaped brace that never closes. The second reader disagrees: exit 2, nothing written."""
    code = run(
        kb, "reference", "--key", "k2000", "--author", "A", "--title=Ends in \\", "--journal", "J",
        "--year", "2000", "--design", "rct", "--today", TODAY_ISO,
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "bibtexparser reads the new entry differently from the checker" in err and "nothing was written" in err
    assert kb[1].read_text("utf-8") == BIB


def test_second_reading_names_the_field_that_differs() -> None:
    from derma_evidence.commands.write import second_reading

    second_reading("r.bib", "@article{k,\n  title = {The {RNA} study: 5\\% H{\\'e}bert},\n  year = {2001},\n}\n")
    with pytest.raises(new_entries.UsageError, match="field 'title' reads '{a} # {b}' there, 'ab' here"):
        second_reading("r.bib", "@article{k,\n  title = {a} # {b},\n}\n")


# The characters new refuses, and surrogates (not encodable as UTF-8), are left out.
TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs", "Cc", "Cf", "Zl", "Zp"],
        blacklist_characters=[c for c in map(chr, range(0x10000)) if new_entries.refused(c)],
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    statement=TEXT,
    locator=TEXT,
    bib_title=TEXT.filter(lambda t: t.count("{") == t.count("}") and "}{" not in t and "\n" not in t and "\r" not in t),
)
def test_arbitrary_text_round_trips(tmp_path: Path, statement: str, locator: str, bib_title: str) -> None:
    claims = tmp_path / "claims.yaml"
    bib = tmp_path / "references.bib"
    claims.write_text(CLAIMS, "utf-8")
    bib.write_text(BIB, "utf-8")
    kb = (claims, bib)
    assert (
        run(
            kb,
            "claim",
            "--id",
            "prop",
            f"--statement={statement}",
            "--topic",
            "needle-depth",
            "--verdict",
            "supported",
            "--certainty",
            "low",
            "--key",
            "dunkin2007",
            f"--locator={locator}",
            "--today",
            TODAY_ISO,
        )
        == 0
    )
    c = last_claim(claims)
    assert scalar(c, "statement").value == statement
    assert scalar(c, "sources", "locator").value == locator
    before = claims.read_text("utf-8")
    cut = CLAIMS.index("\n\n# --- trials") + 1
    assert before.startswith(CLAIMS[:cut]) and before.endswith(CLAIMS[cut:])
    code = run(
        kb,
        "reference",
        "--key",
        "prop2000",
        "--author",
        "A",
        f"--title={bib_title}",
        "--journal",
        "J",
        "--year",
        "2000",
        "--pmid",
        "1",
        "--design",
        "rct",
        "--today",
        TODAY_ISO,
    )
    if code == 0:
        assert bib.read_text("utf-8").startswith(BIB)
    else:  # a value bibtexparser reads differently (e.g. a stray `@`) is refused, the file untouched
        assert bib.read_text("utf-8") == BIB


GUIDE = ROOT / "content" / "contributing.md"


def test_guide_certainty_table_matches_the_rule() -> None:
    from derma_evidence.contract.vocab import CERTAINTY_TABLE

    text = GUIDE.read_text("utf-8")
    for level, allowed in CERTAINTY_TABLE:
        assert f"| `{level}` | {allowed} |" in text


def test_guide_lists_every_design_and_new_option() -> None:
    from derma_evidence.contract.vocab import DESIGNS

    text = GUIDE.read_text("utf-8")
    for design in DESIGNS:
        assert f"| `{design}` |" in text
    for f in (*new.CLAIM_FIELDS, *new.REFERENCE_FIELDS):
        if f.required or f.name in ("measure", "min", "max", "unit", "quote", "note"):
            assert f"--{f.name}" in text, f.name
    assert "methodology.md" in text and "methodology/rules.md" in text
