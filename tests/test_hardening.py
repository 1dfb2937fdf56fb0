"""Hostile and broken input (issue 10): each class refused at its position or handled, with its limit tested."""

from __future__ import annotations

import os
import resource
import sys
import threading
import unicodedata
from pathlib import Path

import pytest

from derma_evidence import report
from derma_evidence.contract.vocab import DOI_RE, ID_RE, PMID_RE
from derma_evidence.diagnostics import MAX_PER_CODE, Diagnostic
from derma_evidence.load import bib as bibmod
from derma_evidence.load.bib import load_bib
from derma_evidence.load.text import FORBIDDEN, MAX_REPORTS, decode, read_bytes
from derma_evidence.load.yamlpos import MAX_NUMBER, load_yaml
from derma_evidence.pipeline import check_bytes
from tests._growth import assert_cpu_grows, assert_grows, calls
from tests.conftest import CASES, TODAY

VALID_YAML = (CASES / "_valid" / "claims.yaml").read_bytes()
VALID_BIB = (CASES / "_valid" / "references.bib").read_bytes()


def codes(diags: list[Diagnostic]) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.code) for d in diags]


def entry(i: int, key: str | None = None) -> str:
    k = key or f"k{i}"
    return (
        f"@article{{{k}, author = {{A, B}}, title = {{T{i}}}, journal = {{J}}, year = {{2001}}, doi = {{10.1000/{i}}}}}"
    )


# --- BibTeX ---------------------------------------------------------------------------------------


def test_percent_does_not_comment_out_an_entry() -> None:
    r = load_bib("r.bib", b"% @article{old, title = {x}}\n")
    assert [x.key for x in r.references] == ["old"]  # live, as in BibTeX
    assert codes(r.diagnostics) == [(1, 1, "B011")]


def test_comment_hides_only_its_name() -> None:
    r = load_bib("r.bib", b"@comment{\n  @article{inner, title = {x}}\n}\n@comment{just text {with braces}}\n")
    assert [x.key for x in r.references] == ["inner"]
    assert codes(r.diagnostics) == [(2, 3, "B011")]  # the closing braces are the comment's, not stray


def test_space_after_at_and_case_of_type() -> None:
    r = load_bib("r.bib", b"@ ARTICLE {k, title = {x}}\n")
    assert [(x.key, x.entry_type) for x in r.references] == [("k", "article")]
    assert r.diagnostics == []


@pytest.mark.parametrize(
    ("key", "code"),
    [("my key", "B012"), ("m\u00fcller2019", "B012"), ("a/b", "B012"), ("ok_key:1.2+3-4", None)],
)
def test_key_syntax(key: str, code: str | None) -> None:
    r = load_bib("r.bib", f"@article{{{key}, title = {{x}}}}\n".encode())
    assert [d.code for d in r.diagnostics] == ([code] if code else [])


def test_keys_equal_under_nfc_and_casefold_are_duplicates() -> None:
    nfc = unicodedata.normalize("NFC", "m\u00fcller")
    nfd = unicodedata.normalize("NFD", "m\u00fcller")
    r = load_bib("r.bib", f"@misc{{{nfc}, title={{a}}}}\n@misc{{{nfd.upper()}, title={{b}}}}\n".encode())
    assert [d.code for d in r.diagnostics] == ["B012", "B012", "B002"]
    assert len(r.references) == 1


def test_missing_comma_is_reported_at_the_next_field_and_nothing_is_swallowed() -> None:
    r = load_bib("r.bib", b"@article{k,\n  title = {T}\n  year = {2001},\n}\n")
    assert codes(r.diagnostics) == [(3, 3, "B013")]
    assert r.references[0].fields == {"title": "T", "year": "2001"}


def test_duplicate_field_by_case_keeps_the_first() -> None:
    r = load_bib("r.bib", b"@article{k,\n  author = {First},\n  AUTHOR = {Second},\n}\n")
    assert codes(r.diagnostics) == [(3, 3, "B014")]
    assert r.references[0].fields["author"] == "First"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (b"@article{title = {x}}\n", "no citation key"),
        (b"@article{, title = {x}}\n", "no citation key"),
        (b"@article{k, title {x}}\n", "expected '='"),
        (b"@article{k, title = {x\n@misc{m, title = {y}}\n", "never closed"),
        (b'@article{k, title = "x}"}\n', "unbalanced"),
        (b"@article{k, title = {x} junk}\n", "after the value"),
    ],
)
def test_syntax_errors_say_the_cause(text: bytes, words: str) -> None:
    r = load_bib("r.bib", text)
    assert [d.code for d in r.diagnostics][:1] == ["B001"]
    assert words in r.diagnostics[0].message


def test_recovery_reads_the_next_entry() -> None:
    r = load_bib("r.bib", b"@article{k, title = {x\n@misc{m, title = {y}}\n")
    assert [x.key for x in r.references] == ["m"]


def test_stray_braces_between_entries_are_reported() -> None:
    """BibTeX 0.99d reads this line differently: between entries it skips everything up to the next `@`,
    so it reads entry `a` (title `x`) and says nothing of `}, year = {2001}}`. We differ on purpose: in a
    hand-kept file a stray `}` most often means an entry was closed early and its next field (here
    `year`) silently lost, so each brace is reported (B017); the entry itself is read as BibTeX reads it."""
    r = load_bib("r.bib", b"@misc{a, title = {x}}}, year = {2001}}\n")
    assert codes(r.diagnostics) == [(1, 22, "B017"), (1, 32, "B017"), (1, 37, "B017"), (1, 38, "B017")]


def test_stray_braces_are_capped_and_counted() -> None:
    r = load_bib("r.bib", b"}" * 1000)
    assert len(r.diagnostics) == bibmod.MAX_REPORTS_PER_KIND
    assert "950 more" in r.diagnostics[-1].message


def test_latex_accents_are_decoded() -> None:
    src = (
        b'@article{k, author = {D{\\"u}nkin, C. and H\\\'ebert, J. and G\\"{o}tz, J. and \\c{C}elik, A.},'
        b" title = {5\\% and \\textit{in vivo} \\& more}}\n"
    )
    f = load_bib("r.bib", src).references[0].fields
    assert f["author"] == "D\u00fcnkin, C. and H\u00e9bert, J. and G\u00f6tz, J. and \u00c7elik, A."
    assert f["title"] == "5% and in vivo & more"
    # BibTeX 0.99d keeps a value as written (`5\% Minoxidil \& more, \ss{} Stra\ss e`) for TeX to
    # typeset; we decode it to Unicode, as biber does, because the site, CSL-JSON and the exports are not
    # typeset by TeX. The decoding follows TeX (a control word such as `\ss` ends at one space).
    g = load_bib("r.bib", b"@misc{k, title = {5\\% Minoxidil \\& more, \\ss{} Stra\\ss e}}\n").references[0].fields
    assert g["title"] == "5% Minoxidil & more, \u00df Stra\u00dfe"


def _latex_entries(n: int) -> bytes:
    return "\n".join(
        f"@article{{k{i}, author = {{H{{\\'e}}bert{i}, J.}}, title = {{T{i} 5\\% \\textit{{x}}}}, year = {{2001}}}}"
        for i in range(n)
    ).encode()


def test_latex_decoding_of_5000_references_is_linear_and_cheap() -> None:
    """Counted, not timed (scripts/bench.py times the loader): linear, and few calls per entry."""
    small, big = _latex_entries(500), _latex_entries(5000)
    r = load_bib("r.bib", big)
    assert r.references[-1].fields["author"] == "H\u00e9bert4999, J."
    assert_grows(lambda: load_bib("r.bib", small), lambda: load_bib("r.bib", big), 10)
    # about 520 calls per entry here; a general LaTeX decoder (pylatexenc) on every field makes tens of thousands
    assert calls(lambda: load_bib("r.bib", big)) < 5000 * 2000


def test_one_line_file_is_linear_and_columns_are_right() -> None:
    line = " ".join(entry(i) for i in range(8000)).encode()
    r = load_bib("r.bib", line)
    short = " ".join(entry(i) for i in range(800)).encode()
    assert_grows(lambda: load_bib("r.bib", short), lambda: load_bib("r.bib", line), 10)
    assert len(r.references) == 8000
    second = r.references[1]
    assert (second.pos.line, second.pos.col) == (1, len(entry(0)) + 2)
    assert second.field_pos["title"].col == len(entry(0)) + 2 + entry(1).index("title")


def test_checker_ignore_covers_its_own_entry_only_even_on_one_line() -> None:
    bib = (
        b"@article{a, author = {A}, title = {T}, journal = {J}, year = {2001}, design = {rct}, checker-ignore = {B010}}"
        b" @article{b, author = {A}, title = {T}, journal = {J}, year = {2001}, design = {rct}}\n"
    )
    claims = VALID_YAML.replace(b"key: dunkin2007", b"key: a")
    r = check_bytes("c.yaml", claims, "r.bib", bib, TODAY)
    b010 = [d for d in r.diagnostics if d.code == "B010"]
    assert [(d.line, d.col) for d in b010] == [(1, 111)]  # entry b's warning survives


@pytest.mark.parametrize("n", [bibmod.MAX_SYNTAX_ERRORS, bibmod.MAX_SYNTAX_ERRORS + 1])
def test_syntax_error_limit(n: int) -> None:
    r = load_bib("r.bib", b"@article{ x\n" * n)
    b001 = [d for d in r.diagnostics if d.code == "B001"]
    assert len(b001) == min(n, bibmod.MAX_SYNTAX_ERRORS + 1)
    assert ("stopped reading" in b001[-1].message) == (n > bibmod.MAX_SYNTAX_ERRORS)


def _macro_chain(size: int) -> bytes:
    return b"@string{m = {" + b"x" * size + b"}}\n@misc{k, note = m # m}\n"


def test_macro_expansion_limit_at_and_past() -> None:
    half = bibmod.MAX_VALUE_CHARS // 2
    assert load_bib("r.bib", _macro_chain(half)).diagnostics == []
    r = load_bib("r.bib", _macro_chain(half + 1))
    assert [d.code for d in r.diagnostics] == ["B018"]


def test_macro_bomb_is_bounded() -> None:
    src = b"@string{a0 = {xxxxxxxxxxxxxxxx}}\n" + b"".join(
        b"@string{a%d = a%d # a%d}\n" % (i, i - 1, i - 1) for i in range(1, 40)
    )
    r = load_bib("r.bib", src + b"@misc{k, note = a39}\n")
    assert "B018" in {d.code for d in r.diagnostics}

    # bounded: 2^39 copies cost no more calls than 2^20 (each level doubles the value)
    def note(level: int) -> object:
        return load_bib("r.bib", src + b"@misc{k, note = a%d}\n" % level)

    assert_grows(lambda: note(20), lambda: note(39), 1)
    assert_cpu_grows(lambda: note(20), lambda: note(39), 1)


# --- DOI, PMID, ids, urls -------------------------------------------------------------------------


@pytest.mark.parametrize("doi", ["10.1000/x\n", "10.1000/a\u2013b", "10.\u0661\u0662\u0663\u0664/x", "10.1000/a b"])
def test_doi_pattern_refuses(doi: str) -> None:
    assert DOI_RE.match(doi) is None and DOI_RE.fullmatch(doi) is None


@pytest.mark.parametrize("pmid", ["123\n", "\u0661\u0662\u0663", "0123", "1234567890"])
def test_pmid_pattern_refuses(pmid: str) -> None:
    assert PMID_RE.match(pmid) is None


def test_id_pattern_refuses_a_trailing_newline() -> None:
    assert ID_RE.match("needle-depth\n") is None
    r = check_bytes(
        "c.yaml", VALID_YAML.replace(b"id: needle-depth", b'id: "needle-depth\\n"'), "r.bib", VALID_BIB, TODAY
    )
    assert {"S004", "C002"} & {d.code for d in r.diagnostics}


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://pubmed.ncbi.nlm.nih.gov/1/", True),
        ("http://47.251.13.51:8081/18971740", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("https://user@evil.example/", False),
        ("https://example.org/a b", False),
        ("file:///etc/passwd", False),
    ],
)
def test_url_schemes(url: str, ok: bool) -> None:
    bib = VALID_BIB.replace(b"  design =", b"  url = {" + url.encode() + b"},\n  design =")
    r = check_bytes("c.yaml", VALID_YAML, "r.bib", bib, TODAY)
    assert ("B015" in {d.code for d in r.diagnostics}) is not ok


# --- YAML and values ------------------------------------------------------------------------------


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\u0085"])
def test_line_separators_keep_line_numbers(sep: str) -> None:
    text = f"# a comment {sep} with a separator\ntopics: x\ntopics: y\n".encode()
    r = load_yaml("f.yaml", text)
    assert codes(r.diagnostics) == [(1, 13, "Y006"), (3, 1, "Y002")]


def test_every_format_character_is_forbidden() -> None:
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        if unicodedata.category(ch) in ("Cf", "Zl", "Zp"):
            assert FORBIDDEN.match(ch), f"U+{cp:04X}"
    for ch in "\u061c\u200f\u3164\U000e0001\U000e0041\U000e007f\u00ad\u115f":
        assert FORBIDDEN.match(ch), f"U+{ord(ch):04X}"
    for ch in "\t\n\r \u00e9\u00b5\u2013\U0001f600":
        assert not FORBIDDEN.match(ch)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (b"summary: How deep # cut", "Y011"),
        (b"summary: Session #3", "Y011"),
        (b"summary: word  # a comment", None),
        (b'summary: "Session #3 quoted"', None),
        (b"summary: C# is fine", None),
        (b"summary:  #todo", None),
        (b"summary:\n  - a  # note\n  - b c #3", "Y011"),
    ],
)
def test_comment_cutting_unquoted_text(line: bytes, code: str | None) -> None:
    r = load_yaml("f.yaml", line + b"\n")
    assert [d.code for d in r.diagnostics] == ([code] if code else [])


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("9" * 15, False),
        ("9" * 16, True),
        ("9" * 5000, True),
        ("1.0e15", False),
        ("1.1e15", True),
        ("1.0e308", True),
        ("1.0e309", True),
        ("-1.0e400", True),
    ],
)
def test_number_limits_at_and_past(value: str, refused: bool) -> None:
    r = load_yaml("f.yaml", f"n: {value}\n".encode())
    assert [d.code for d in r.diagnostics] == (["Y010"] if refused else [])


def test_huge_numbers_never_crash_downstream() -> None:
    for value in ("1" * 5000, "1.0e309", "-1.0e400", ".inf"):
        claims = VALID_YAML.replace(b"max: 0.56", b"max: " + value.encode())
        r = check_bytes("c.yaml", claims, "r.bib", VALID_BIB, TODAY)
        assert {"Y010", "C006"} & {d.code for d in r.diagnostics}
        q = r.kb.claims[0].quantity
        assert q is not None and (q.max is None or q.max == float("inf"))
    assert MAX_NUMBER < sys.float_info.max


def test_lone_surrogate_escape_says_surrogate() -> None:
    r = load_yaml("f.yaml", b'a: "\\ud800"\n')
    assert [d.code for d in r.diagnostics] == ["Y001"] and "surrogate" in r.diagnostics[0].message


@pytest.mark.parametrize(
    ("quantity", "bad"),
    [
        (b"{measure: depth, min: -0.5, unit: mm}", True),
        (b"{measure: depth, min: 0, unit: mm}", False),
        (b"{measure: interval, min: -1, unit: wk}", True),
        (b"{measure: proportion, min: 10, max: 500, unit: '%'}", True),
        (b"{measure: proportion, min: 10, max: 100, unit: '%'}", False),
        (b"{measure: proportion, min: 0.2, max: 1.5, unit: '1'}", True),
    ],
)
def test_quantity_ranges(quantity: bytes, bad: bool) -> None:
    claims = VALID_YAML.replace(b"{measure: depth, min: 0.56, max: 0.56, unit: mm}", quantity)
    r = check_bytes("c.yaml", claims, "r.bib", VALID_BIB, TODAY)
    assert ("C017" in {d.code for d in r.diagnostics}) is bad


def test_invalid_utf8_is_collected_as_runs_cheaply() -> None:
    text, diags = decode("f", b"ok\n" + b"\xff" * (8 << 20))
    # one run is one report, whatever its length: 8 MB cost no more calls than 8 kB
    small, big = b"ok\n" + b"\xff" * (8 << 10), b"ok\n" + b"\xff" * (8 << 20)
    assert_grows(lambda: decode("f", small), lambda: decode("f", big), 1)
    assert_cpu_grows(lambda: decode("f", small), lambda: decode("f", big), 1024)  # and linear inside the codec
    assert codes(diags) == [(2, 1, "Y005")] and "8388608 bytes" in diags[0].message
    _, diags = decode("f", b"a\xff" * 10_000)
    assert len(diags) == MAX_REPORTS and "more invalid" in diags[-1].message


@pytest.mark.parametrize("n", [MAX_PER_CODE, MAX_PER_CODE + 1])
def test_diagnostics_per_code_limit(n: int) -> None:
    text = b"a: 1\n" * (n + 1)  # n duplicate keys
    r = check_bytes("c.yaml", text, "r.bib", b"", TODAY)
    y002 = [d for d in r.diagnostics if d.code == "Y002"]
    assert len(y002) == MAX_PER_CODE
    assert ("more Y002" in y002[-1].message) == (n > MAX_PER_CODE)


def test_many_duplicate_keys_are_bounded() -> None:
    r = check_bytes("c.yaml", b"a: 1\n" * 300_000, "r.bib", b"", TODAY)
    assert len(r.diagnostics) < 2 * MAX_PER_CODE
    # linear: ten times the duplicates, about ten times the calls (each one is a set lookup, not a rescan)
    assert_grows(lambda: check_bytes("c.yaml", b"a: 1\n" * 30_000, "r.bib", b"", TODAY),
                 lambda: check_bytes("c.yaml", b"a: 1\n" * 300_000, "r.bib", b"", TODAY), 10)  # fmt: skip
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 600 * 1024


# --- files and output -----------------------------------------------------------------------------


def test_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "claims.yaml"
    os.mkfifo(fifo)
    # opening a FIFO for reading waits for a writer: a hang, not slowness, is the failure to catch
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_bytes(str(fifo))
        except BaseException as exc:  # noqa: BLE001  (handed to the test's thread)
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=60)
    if reader.is_alive():  # unblock the reader before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("read_bytes waited for a writer on a FIFO")
    assert len(outcome) == 1 and isinstance(outcome[0], OSError) and "not a regular file" in str(outcome[0])


def test_cli_refuses_a_fifo_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from derma_evidence.commands import cli

    fifo = tmp_path / "claims.yaml"
    os.mkfifo(fifo)
    assert cli.main(["check", "--claims", str(fifo), "--bib", str(tmp_path / "none.bib")]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_output_escapes_control_characters_and_forged_lines() -> None:
    d = Diagnostic("f.yaml", 1, 1, "S004", "'x\x1b[2J\nf.yaml:9:9: C001 forged' bad", help="h\x07")
    for out in (report.text([d]), report.github([d])):
        assert "\x1b" not in out and "\x07" not in out
        assert not any(line.startswith("f.yaml:9:9") for line in out.splitlines())


def test_non_utf8_path_does_not_crash_output() -> None:
    name = os.fsdecode(b"caf\xe9.yaml")
    d = Diagnostic(name, 1, 1, "Y008", "the file is empty")
    for out in (report.text([d]), report.github([d]), report.as_json([d])):
        out.encode("utf-8")  # printable as UTF-8
    assert "caf\\xe9.yaml" in report.text([d])


@pytest.mark.parametrize("n", [bibmod.MAX_ENTRIES, bibmod.MAX_ENTRIES + 1])
def test_entry_limit_at_and_past(n: int) -> None:
    r = load_bib("r.bib", b"".join(b"@misc{k%d, title = {t}}\n" % i for i in range(n)))
    assert len(r.references) == bibmod.MAX_ENTRIES
    assert [d.code for d in r.diagnostics] == ([] if n == bibmod.MAX_ENTRIES else ["Y009"])


# --- every remaining limit at its value and just past it -------------------------------------------


@pytest.mark.parametrize("extra", [0, 1])
def test_depth_limit_at_and_past(extra: int) -> None:
    from derma_evidence.load.yamlpos import MAX_DEPTH

    n = MAX_DEPTH + extra  # MAX_DEPTH nested lists (the scalar inside is not a level), then one more
    r = load_yaml("f.yaml", b"[" * n + b"1" + b"]" * n)
    assert [d.code for d in r.diagnostics] == ([] if not extra else ["Y009"])


@pytest.mark.parametrize("extra", [0, 1])
def test_node_limit_at_and_past(extra: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from derma_evidence.load import yamlpos

    monkeypatch.setattr(yamlpos, "MAX_NODES", 1000)
    items = 1000 - 1 + extra  # the list itself is one value
    r = load_yaml("f.yaml", b"".join(b"- %d\n" % i for i in range(items)))
    assert [d.code for d in r.diagnostics] == ([] if not extra else ["Y009"])


@pytest.mark.parametrize("extra", [0, 1])
def test_file_size_limit_at_and_past(extra: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from derma_evidence.load import bib, text, yamlpos

    for mod in (text, yamlpos, bib):
        monkeypatch.setattr(mod, "MAX_BYTES", 4096)
    data = b"a: b\n" + b"#" * (4096 - 5 + extra)
    assert [d.code for d in load_yaml("f.yaml", data).diagnostics] == ([] if not extra else ["Y009"])
    assert [d.code for d in load_bib("r.bib", data).diagnostics] == ([] if not extra else ["Y009"])


@pytest.mark.parametrize("extra", [0, 1])
def test_encoding_report_limit_at_and_past(extra: int) -> None:
    _, diags = decode("f", b"a\xff" * (MAX_REPORTS + extra))
    assert len(diags) == MAX_REPORTS
    assert ("not read further" in diags[-1].message) == bool(extra)
    _, diags = decode("f", "a\u200b".encode() * (MAX_REPORTS + extra))
    assert len(diags) == MAX_REPORTS
    assert ("not read further" in diags[-1].message) == bool(extra)


@pytest.mark.parametrize("extra", [0, 1])
def test_total_expansion_limit_at_and_past(extra: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibmod, "MAX_EXPANSION_CHARS", 1000)
    src = b"@string{m = {" + b"x" * 100 + b"}}\n" + b"@misc{k, note = " + b" # ".join([b"m"] * (10 + extra)) + b"}\n"
    r = load_bib("r.bib", src)
    assert [d.code for d in r.diagnostics] == ([] if not extra else ["B018"])


@pytest.mark.parametrize("extra", [0, 1])
def test_pylatexenc_budget_at_and_past(extra: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibmod, "MAX_LATEX_CALLS", 3)
    src = b"".join(b"@misc{k%d, title = {\\textbf{bold%d}}}\n" % (i, i) for i in range(3 + extra))
    titles = [r.fields["title"] for r in load_bib("r.bib", src).references]
    assert titles[:3] == ["bold0", "bold1", "bold2"]
    if extra:
        assert titles[3] == "\\textbfbold3"  # past the budget: the table only (braces dropped), no crash


@pytest.mark.parametrize(
    "value",
    [
        "H{\\'e}bert",
        'G{\\"o}tz and J{\\"u}rgen',
        "\\c{C}elik",
        "\\'{\\i}ndice",
        "5\\% Minoxidil",
        "R \\& D",
        "Stra\\ss e",
        "\\o{}stergaard",
        'M\\"uller',
        "\\v{S}ime\\v{c}ek",
        "\\^{o}te",
    ],
)
def test_table_decoding_agrees_with_pylatexenc(value: str) -> None:
    src = "@misc{k, title = {" + value + "}}\n"
    got = load_bib("r.bib", src.encode()).references[0].fields["title"]
    assert got == unicodedata.normalize("NFC", bibmod._pylatexenc(value))
