"""The fixture knowledge base checked once per test module, and its generated pages (shared by the render tests)."""

from __future__ import annotations

import pytest

from derma_evidence import render
from derma_evidence.pipeline import Result, check_files
from tests.conftest import FIXTURE


@pytest.fixture(scope="module")
def result() -> Result:
    r = check_files(str(FIXTURE / "claims.yaml"), str(FIXTURE / "references.bib"))
    assert r.diagnostics == [], r.diagnostics
    return r


@pytest.fixture(scope="module")
def pages(result: Result) -> dict[str, str]:
    return {p.path: p.content for p in render.render_site(result.kb)}
