"""The checker's command line: formats, exit codes, filters, and running from any directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from derma_evidence.commands.cli import main
from tests.conftest import CASES, ROOT, TODAY_ISO


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def case_args(name: str) -> list[str]:
    return [
        "--claims",
        str(CASES / name / "claims.yaml"),
        "--bib",
        str(CASES / name / "references.bib"),
        "--today",
        TODAY_ISO,
    ]


def test_clean_input_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", *case_args("_valid"), "--strict"], capsys)
    assert code == 0
    assert "All checks passed" in out


def test_text_format_is_compiler_style_with_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", *case_args("C005")], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith("claims.yaml:13:14: C005 citation key 'dunkin2070' is not in references.bib")
    assert lines[1] == "  = help: did you mean 'dunkin2007'?"
    assert lines[2].startswith("  = see: ") and lines[2].endswith("#c005")


def test_json_format_carries_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", *case_args("S001"), "--format", "json"], capsys)
    assert code == 1
    (d,) = json.loads(out)
    assert {k: d[k] for k in ("code", "severity", "line", "column")} == {
        "code": "S001",
        "severity": "error",
        "line": 10,
        "column": 5,
    }
    assert d["help"].startswith("did you mean 'verdict'?")
    assert d["file"].endswith("claims.yaml") and d["message"]


def test_github_format_annotates_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["check", *case_args("C003"), "--format", "github"], capsys)
    assert out.startswith("::error file=")
    assert ",line=7,col=12,title=C003::C003 unknown topic 'needle-dept'" in out


def test_warnings_fail_only_with_strict(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", *case_args("C012")], capsys)[0] == 0
    assert run(["check", *case_args("C012"), "--strict"], capsys)[0] == 1


def test_select_and_ignore(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", *case_args("C004"), "--ignore", "C004"], capsys)
    assert code == 0 and ": C004 " not in out and ": B009 " in out
    code, out, _ = run(["check", *case_args("C004"), "--select", "B"], capsys)
    assert code == 0 and ": C004 " not in out


@pytest.mark.parametrize("args", [["--format", "xml"], ["--select", "Z999"], ["--today", "someday"], ["--bogus"]])
def test_bad_options_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", *case_args("_valid"), *args])
    assert exc.value.code == 2


def test_missing_input_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(["check", "--claims", str(tmp_path / "nope.yaml"), "--bib", str(tmp_path / "x.bib")], capsys)
    assert code == 2
    assert "cannot read" in err and "nope.yaml" in err


def test_script_runs_from_any_directory(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check.py"), *case_args("C003")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "C003 unknown topic 'needle-dept'" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_repository_data_passes_strict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["check", "--claims", str(ROOT / "data" / "claims.yaml"), "--bib", str(ROOT / "references.bib"), "--strict"],
        capsys,
    )
    assert code == 0, out


def test_rules_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    from derma_evidence.rules import CODES

    code, out, _ = run(["rules"], capsys)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == sorted(CODES)


@pytest.mark.parametrize("args", [[], ["check"], ["rules"], ["new"], ["new", "claim"], ["new", "reference"]])
def test_every_help_page_renders(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*args, "--help"])
    assert exc.value.code == 0
    assert "usage: derma" in capsys.readouterr().out


def test_every_checker_option_is_documented() -> None:
    """The README and the contributing guide together mention every option of `derma check`."""
    from derma_evidence.commands.cli import build_parser

    docs = (ROOT / "README.md").read_text("utf-8") + (ROOT / "content" / "contributing.md").read_text("utf-8")
    sub = build_parser()._subparsers._group_actions[0].choices["check"]  # type: ignore[union-attr]
    options = [o for a in sub._actions for o in a.option_strings if o.startswith("--") and o != "--help"]
    missing = [o for o in options if o not in docs]
    assert not missing, f"undocumented options: {missing}"
