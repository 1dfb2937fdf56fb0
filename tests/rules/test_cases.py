"""One case folder per diagnostic code: input files plus the expected `(file, line, col, code)`."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from derma_evidence import render  # noqa: F401  (registers the rule codes and the site's P codes)
from derma_evidence.pipeline import check_files
from derma_evidence.rules import CODES
from derma_evidence.rules import since as rules_living
from tests.conftest import CASES, TODAY


def _run(folder: Path) -> list[str]:
    result = check_files(str(folder / "claims.yaml"), str(folder / "references.bib"), TODAY)
    diags = list(result.diagnostics)
    previous = folder / "previous.json"
    if previous.exists():  # a previous claims.json export: `derma check --since previous.json` (L007)
        diags.extend(rules_living.since(result.kb, rules_living.load_previous(previous.read_bytes())))
    page = folder / "page.md"
    if page.exists():  # a hand-written page of the site, with its markers (P codes)
        diags.extend(render.marker_problems(page.read_text("utf-8"), str(page)))
    return [f"{Path(d.file).name}:{d.line}:{d.col}: {d.code}" for d in diags]


@pytest.mark.parametrize("folder", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_case_folder(folder: Path) -> None:
    expected = (folder / "expected.txt").read_text().splitlines()
    assert _run(folder) == expected


def test_valid_case_is_clean() -> None:
    assert _run(CASES / "_valid") == []


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_case_docs_and_function(code: str) -> None:
    """A registered code lacks none of: a case folder that triggers it, a docstring, a function."""
    folder = CASES / code
    assert folder.is_dir(), f"no case folder for {code}"
    assert any(line.endswith(f" {code}") for line in (folder / "expected.txt").read_text().splitlines())
    entry = CODES[code]
    doc = inspect.cleandoc(entry.doc)
    assert entry.summary, f"{code} has no summary line"
    assert "Why:" in doc and "Example:" in doc and "Fix:" in doc, f"{code} docstring lacks why/example/fix"
    assert entry.func_name


def test_case_folders_name_only_known_codes() -> None:
    for p in CASES.iterdir():
        if p.is_dir() and not p.name.startswith("_"):
            assert p.name in CODES, p.name
