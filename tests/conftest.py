"""Shared test constants and fixtures: the folders, the one checking date, and the sites built once per session.

Tests live in folders mirroring the package (tests/load/, tests/rules/, tests/publish/, ...); every path they need
comes from here, never from their own `__file__`. Import with `from tests.conftest import ...` (pytest runs
from the repository root: `python -m pytest`, or `pythonpath = ["."]` in pyproject.toml).
"""

import datetime as dt
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CASES = TESTS / "cases"  # one folder per diagnostic code
FIXTURE = TESTS / "site_fixture"  # the small fixture knowledge base the site tests build
RECORDED = TESTS / "fetch" / "recorded"  # recorded HTTP responses of the fetch layer

# The one date the checker is run at: the rule cases and inline fixtures are written against it.
TODAY = dt.date(2026, 11, 25)
TODAY_ISO = TODAY.isoformat()
# The real data (data/claims.yaml) holds claims reviewed on 2026-12-07 (issue 19): checked at that date.
DATA_TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site (tests/site_fixture), built strict once per session; tests read it, never write it."""
    from tests._sitebuild import build

    dest = tmp_path_factory.mktemp("fixture-site")
    proc = build(dest)
    assert proc.returncode == 0, proc.stderr
    return dest


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the real data (data/claims.yaml, references.bib) once per session: read only."""
    from tests._sitebuild import build

    dest = tmp_path_factory.mktemp("real-site")
    proc = build(dest, claims=ROOT / "data" / "claims.yaml", bib=ROOT / "references.bib")
    assert proc.returncode == 0, proc.stderr
    return dest
