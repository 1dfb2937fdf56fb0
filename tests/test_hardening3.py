"""Issue 21, third hostile set: writes outside the target, user regular expressions, silent accepts,
wrong diagnostics, terminal injection, BibTeX as BibTeX reads it. Each limit at and past it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from derma_evidence import safefs
from derma_evidence.commands import init as init_cmd
from derma_evidence.commands.cli import main
from derma_evidence.contract import patterns
from derma_evidence.contract.vocabulary import check as vocabulary_check
from derma_evidence.diagnostics import Diagnostic, clean
from derma_evidence.load.text import forbidden_in
from derma_evidence.load.yamlpos import load_yaml
from derma_evidence.model.project import Project
from derma_evidence.publish.build import MAX_NAV_TOPICS, Options
from derma_evidence.render.words import search_keywords
from derma_evidence.report import github, text
from tests.conftest import CASES, FIXTURE

# --- 1. writes outside the target ------------------------------------------------------------------


def test_init_force_replaces_a_link_never_writes_through_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", "utf-8")
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "README.md").symlink_to(outside)
    assert main(["init", str(kb), "--force"]) == 0
    assert outside.read_text("utf-8") == "keep me"
    assert not (kb / "README.md").is_symlink() and "derma" in (kb / "README.md").read_text("utf-8").lower()


def test_init_force_refuses_a_linked_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "data").symlink_to(elsewhere)
    assert main(["init", str(kb), "--force"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == [] and [p.name for p in kb.iterdir()] == ["data"]


def test_init_refuses_a_linked_target(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert main(["init", str(tmp_path / "link")]) == 2
    assert list(real.iterdir()) == []


def test_init_on_a_full_disk_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def full(path: str, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", path)
        Path(path).write_bytes(data)

    monkeypatch.setattr(safefs, "_write_new", full)
    assert main(["init", str(tmp_path / "kb")]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no target, no temporary folder
    (tmp_path / "kb2").mkdir()
    (tmp_path / "kb2" / "mine.txt").write_text("x", "utf-8")
    calls.clear()
    assert main(["init", str(tmp_path / "kb2"), "--force"]) == 2
    assert [p.name for p in (tmp_path / "kb2").iterdir()] == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb2"]


def test_force_message_only_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "x").write_text("x", "utf-8")
    assert main(["init", str(kb)]) == 1
    assert "pass --force" in capsys.readouterr().err
    (kb / "data").write_text("a file where the scaffold wants a folder", "utf-8")
    assert main(["init", str(kb), "--force"]) == 2
    assert "pass --force" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("downloads", True),
        ("a/b", True),
        ("", False),
        ("  ", False),
        (".", False),
        ("/", False),
        ("/abs", False),
        ("../outside", False),
        ("a/../../b", False),
        ("a\\b", False),
        ("C:x", False),
        ("a\nb", False),
        ("a" * safefs.MAX_PART, True),
        ("a" * (safefs.MAX_PART + 1), False),
        ("a/" * (safefs.MAX_PATH // 2), True),
        ("a/" * (safefs.MAX_PATH // 2) + "a", False),
    ],
)
def test_relative_path_limits(value: str, ok: bool) -> None:
    if ok:
        safefs.relative_path(value)
    else:
        with pytest.raises(safefs.UnsafePath):
            safefs.relative_path(value)


def test_write_tree_file_count_limit(tmp_path: Path) -> None:
    safefs.write_tree(str(tmp_path / "a"), {f"f{i}": "" for i in range(3)})
    with pytest.raises(safefs.UnsafePath):
        safefs.write_tree(str(tmp_path / "b"), {f"f{i}": "" for i in range(safefs.MAX_FILES + 1)})
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    ("options", "name"),
    [
        (Options(download_dir=""), "download_dir"),
        (Options(download_dir="../outside"), "download_dir"),
        (Options(download_dir="/srv"), "download_dir"),
        (Options(download_dir="./files/"), "download_dir"),
        (Options(nav_topics_max=-3), "nav_topics_max"),
        (Options(nav_topics_max=MAX_NAV_TOPICS + 1), "nav_topics_max"),
        (Options(topics_nav=""), "topics_nav"),
        (Options(topics_nav="Topics\u202e"), "topics_nav"),
        (Options(timeline_topic="x\x1b[2J"), "timeline_topic"),
        (Options(project=Project(rules_url="https://x/\nforged")), "rules_url"),
        (Options(project=Project(name="Acne\u202e")), "site_name"),
    ],
)
def test_plugin_options_refused_with_their_name(options: Options, name: str) -> None:
    problems = options.problems()
    assert len(problems) == 1 and problems[0].startswith(name), problems


def test_plugin_options_at_the_limits_pass() -> None:
    assert Options(nav_topics_max=0).problems() == []
    assert Options(nav_topics_max=MAX_NAV_TOPICS, download_dir="a/b").problems() == []


def test_unknown_timeline_topic_stops_the_build() -> None:
    from derma_evidence.publish.build import OptionError, Site

    root = FIXTURE
    site = Site(str(root), Options(claims="claims.yaml", bib="references.bib", timeline_topic="needle-dept"))
    with pytest.raises(OptionError, match="did you mean 'needle-depth'"):
        site.build()


# --- 2. user regular expressions -------------------------------------------------------------------


def _vocab_diags(section: str) -> list[tuple[int, int, str]]:
    root = load_yaml("c.yaml", ("vocabulary:\n" + section).encode()).root
    return [(d.line, d.col, d.code) for d in vocabulary_check("c.yaml", root)]


def test_catastrophic_pattern_matches_in_linear_time() -> None:
    table = (("(a+)+$", "many"), ("(x|x)*y", "xs"))
    # with Python's backtracking engine each of these would not finish; RE2 answers at once
    assert search_keywords(table, "a" * 50_000 + "b") == ""
    assert search_keywords(table, "a" * 50_000) == "many"
    assert search_keywords(table, "x" * 50_000) == ""


def test_bad_patterns_are_refused_with_their_line() -> None:
    section = (
        "  search_synonyms:\n"
        "    - {pattern: 'ok', words: fine}\n"
        "    - {pattern: '(a', words: open}\n"
        "    - {pattern: '(\\w)\\1', words: backref}\n"
        f"    - {{pattern: '{'a' * patterns.MAX_PATTERN}', words: at}}\n"
        f"    - {{pattern: '{'a' * (patterns.MAX_PATTERN + 1)}', words: past}}\n"
    )
    assert _vocab_diags(section) == [(4, 17, "S005"), (5, 17, "S005"), (7, 17, "S005")]


def test_synonym_count_limit() -> None:
    at = "  search_synonyms:\n" + "    - {pattern: 'a', words: b}\n" * patterns.MAX_SYNONYMS
    assert _vocab_diags(at) == []
    past = at + "    - {pattern: 'a', words: b}\n"
    assert _vocab_diags(past) == [(patterns.MAX_SYNONYMS + 3, 7, "S005")]


def test_synonyms_compiled_once() -> None:
    table = tuple((f"word{i}", f"w{i}") for i in range(600))
    assert patterns.compile_synonyms(table) is patterns.compile_synonyms(table)
    assert search_keywords(table, "WORD599 and word0") == "w0 w5 w59 w599"


def test_vocabulary_duplicates_factors_and_reserved_fields() -> None:
    section = (
        "  measures:\n    - {id: dose, units: [mg]}\n    - {id: dose, units: [mL]}\n"
        "  units:\n    - {id: mg, factor: 0}\n    - {id: mL, factor: .inf}\n    - {id: ug, factor: 0.001}\n"
        "  trial_fields:\n    - {id: duration, measure: duration, label: D}\n"
    )
    assert _vocab_diags(section) == [(4, 12, "S006"), (6, 24, "S004"), (7, 24, "S004"), (10, 12, "S004")]


# --- 3. one check for every text a user gives ---------------------------------------------------------


@pytest.mark.parametrize("ch", ["\u202e", "\u2066", "\x00", "\x1b", "\x85", "\ufffe", "\U0010ffff", "\ufdd0", "\n"])
def test_forbidden_in_titles_and_options(ch: str, tmp_path: Path) -> None:
    assert forbidden_in(f"a{ch}b") is not None
    assert main(["init", str(tmp_path / "kb"), "--title", f"Skin{ch}care"]) == 2
    assert not (tmp_path / "kb").exists()


def test_title_limits(tmp_path: Path) -> None:
    assert init_cmd.title_problem("T" * init_cmd.MAX_TITLE) is None
    assert init_cmd.title_problem("T" * (init_cmd.MAX_TITLE + 1)) is not None
    assert forbidden_in("Skin \u00e9 care \U0001f600") is None


def test_no_title_error_when_no_title_was_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = tmp_path / "{weird}"
    assert main(["init", str(odd)]) == 0
    assert "title" not in capsys.readouterr().err
    assert "Evidence knowledge base" in (odd / "mkdocs.yml").read_text("utf-8")


# --- 5. terminal injection ---------------------------------------------------------------------------


def test_docs_url_cannot_forge_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DERMA_DOCS_URL", "https://x/\nforged.yaml:1:1: C001 fake\x1b[31m\u202e")
    d = Diagnostic("f.yaml", 1, 1, "Y001", "bad\rline", help="one\ntwo\x1b]0;t\x07")
    out = text([d])
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert not any(line.startswith("forged") for line in out.splitlines())
    assert "\x1b" not in github([d]) and "\x07" not in github([d])


def test_clean_escapes_c0_c1_and_bidi() -> None:
    assert clean("a\x1bb\x9bc\u202ed\u2066e") == "a\\x1bb\\x9bc\\u202ed\\u2066e"
    assert clean("plain é") == "plain é"


def test_cli_docs_url_argument_is_cleaned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("a: [\n", "utf-8")
    main(["check", "--claims", str(bad), "--bib", os.devnull, "--docs-url", "u\n\x1b[2Jforged"])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\nforged" not in out


# --- 4. wrong diagnostic or output -------------------------------------------------------------------

MARKER_PAGE = """# Markers

Write `<!-- derma:key-number -->` or ``<!-- derma:`x` -->`` in a page.

```md
<!-- derma:nope -->
<!-- derma:key-numbers -->
```

    <!-- derma:indented -->

<!-- derma:key-numbers -->

~~~~
<!-- derma:tilde -->
~~~
still code
~~~~
<!-- derma:bad -->
"""


def test_markers_in_code_are_text() -> None:
    from derma_evidence.contract.markers import marker_problems, markers

    assert [(d.line, d.col, d.code) for d in marker_problems(MARKER_PAGE, "p.md")] == [(19, 12, "P001")]
    assert [m.group(1) for m in markers(MARKER_PAGE)] == ["key-numbers", "bad"]


def test_unclosed_fence_runs_to_the_end() -> None:
    from derma_evidence.contract.markers import marker_problems

    assert marker_problems("```\n<!-- derma:nope -->\n", "p.md") == []
    assert [d.line for d in marker_problems("`open\n\n<!-- derma:nope -->\n", "p.md")] == [3]


def test_effect_not_plotted_says_why_without_contradiction() -> None:
    from dataclasses import replace

    from derma_evidence.model.answers import Effect
    from derma_evidence.render.charts.forest import not_plotted
    from derma_evidence.render.words import effect_text

    base = Effect.__new__(Effect)
    fields = {f: None for f in Effect.__dataclass_fields__}
    ratio = replace(base, **{**fields, "measure": "RR", "value": 0.8, "ci_low": 0.0, "ci_high": 1.6, "pooled": False})
    assert "95% CI 0 to 1.6" in effect_text(ratio) and "no 95% CI" not in not_plotted(ratio)
    assert not_plotted(replace(ratio, ci_low=None)) == "no 95% CI reported"
    assert not_plotted(replace(ratio, value=None)) == "no point estimate reported"


# --- 6. BibTeX as BibTeX reads it ------------------------------------------------------------------


def _bib(src: bytes) -> tuple[list[tuple[int, int, str]], dict[str, str]]:
    from derma_evidence.load.bib import load_bib

    r = load_bib("r.bib", src)
    return [(d.line, d.col, d.code) for d in r.diagnostics], (r.references[0].fields if r.references else {})


def test_empty_field_slot_is_reported() -> None:
    # BibTeX 0.99d: "I was expecting a field name" (missing field name); btparse and biber refuse it too
    diags, fields = _bib(b"@article{k, title={T},  , number={2}}\n")
    assert diags == [(1, 25, "B001")] and fields == {"title": "T", "number": "2"}
    assert _bib(b"@article{k, title={T}, number={2},}\n")[0] == []  # one trailing comma is fine


def test_field_name_starting_with_a_digit_is_refused() -> None:
    diags, fields = _bib(b"@article{k, 2nd = {x}, title = {T}}\n")
    assert diags == [(1, 13, "B001")] and fields == {"title": "T"}
    assert _bib(b"@article{k, x2 = {x}}\n")[0] == []


def test_string_name_starting_with_a_digit_is_refused() -> None:
    diags, _ = _bib(b"@string{1st = {x}}\n@article{k, title = {T}}\n")
    assert diags == [(1, 9, "B001")]
    assert _bib(b"@string{st1 = {x}}\n@article{k, title = st1}\n") == ([], {"title": "x"})


def test_crossref_is_refused() -> None:
    diags, _ = _bib(b"@inproceedings{k, crossref = {proc}, title = {T}}\n@proceedings{proc, year = {2001}}\n")
    assert diags == [(1, 19, "B027")]


def test_latex_decodes_the_rest_after_a_construct_the_decoder_misreads() -> None:
    _, fields = _bib(b"@article{k, author = {So{$\\not$}rensen, Anna and Nyg{\\aa}rd, Bo}}\n")
    assert fields["author"] == "S\u00f8rensen, Anna and Nyg\u00e5rd, Bo"
    _, fields = _bib(b"@article{k, title = {{$\\alpha$}-x of Nyg{\\aa}rd}}\n")
    assert fields["title"] == "$\\alpha$-x of Nyg\u00e5rd"


def test_datapackage_lists_the_knowledge_bases_own_measures_and_units() -> None:
    import json

    from derma_evidence.export.files import datapackage
    from derma_evidence.pipeline import check_bytes

    claims = (CASES / "S004" / "claims.yaml").read_text("utf-8")
    claims = "vocabulary:\n  measures:\n    - {id: dose, units: [mg]}\n  units:\n    - {id: mg, factor: 1}\n" + claims
    bib = (CASES / "S004" / "references.bib").read_bytes()
    kb = check_bytes("c.yaml", claims.encode(), "r.bib", bib).kb
    fields = {f["name"]: f for f in json.loads(datapackage(kb))["resources"][0]["schema"]["fields"]}
    assert "dose" in fields["measure"]["constraints"]["enum"] and "mg" in fields["unit"]["constraints"]["enum"]


def test_init_into_the_empty_working_folder_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = tmp_path / "kb"
    here.mkdir()
    inode = here.stat().st_ino
    monkeypatch.chdir(here)
    assert main(["init", "."]) == 0
    assert here.stat().st_ino == inode and (here / "mkdocs.yml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb"]


def test_compiled_size_limit() -> None:
    assert patterns.pattern_problem("[a-z]{1000}") is None  # within MAX_MEM
    problem = patterns.pattern_problem("\\pL{1000}")  # a large Unicode class repeated: past MAX_MEM
    assert problem is not None and "too large" in problem


def test_measure_declared_twice_is_reported_there_only() -> None:
    from derma_evidence.pipeline import check_bytes

    case = CASES / "S004"
    claims = case.joinpath("claims.yaml").read_text("utf-8").replace("verdict: proven", "verdict: supported")
    claims = claims.replace("measure: depth, min: 0.56, max: 0.56, unit: mm", "measure: dose, min: 1, max: 1, unit: mg")
    head = "vocabulary:\n  measures:\n    - {id: dose, units: [mg]}\n    - {id: dose, units: [g]}\n"
    head += "  units:\n    - {id: mg, factor: 0.001}\n    - {id: g, factor: 1}\n"
    r = check_bytes("c.yaml", (head + claims).encode(), "r.bib", case.joinpath("references.bib").read_bytes())
    assert [(d.line, d.col, d.code) for d in r.diagnostics] == [(4, 12, "S006")]


def test_a_link_swapped_in_after_the_check_is_refused(tmp_path: Path) -> None:
    """The move opens each folder with O_NOFOLLOW: a link put in place between the check and the move
    (a race) is refused there, not followed."""
    if not safefs._AT:
        pytest.skip("no *at() calls on this platform")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "data").symlink_to(elsewhere)
    with pytest.raises(safefs.UnsafePath):
        fd = safefs._open_folder(str(kb), ["data"])
        os.close(fd)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(("date", "refused"), [("2011-12-31", True), ("2012-01-01", False), ("2013-06-01", False)])
def test_verification_date_limit_is_the_year_before_publication(date: str, refused: bool) -> None:
    from derma_evidence.pipeline import check_bytes

    case = CASES / "B025"
    claims = case.joinpath("claims.yaml").read_text("utf-8").replace("2011-12-31", date)
    r = check_bytes("c.yaml", claims.encode(), "r.bib", case.joinpath("references.bib").read_bytes())
    assert ("B025" in {d.code for d in r.diagnostics}) is refused
