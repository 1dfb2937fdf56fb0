"""Claim view-models kept between builds under serve (`Site.keep_views`, `publish.build.KeptClaims`): the same pages.

A site keeping its view-models is built, the data edited (a statement, a cited reference's title, authors
and correction notice, a topic's title, the change log), and built again; every generated page must be the bytes a
site built from scratch gives for the same data. The store's count of view-models built shows the reuse.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from derma_evidence.publish.build import Options, Site
from tests.conftest import FIXTURE, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from synthetic import generate  # noqa: E402


def _pages(site: Site) -> dict[str, str]:
    site._key = None  # build again whatever the bytes
    build = site.build()
    return {path: p.front + p.html for path, p in build.pages.items()}


class Kept:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.claims, self.bib = folder / "claims.yaml", folder / "references.bib"
        options = Options(claims="claims.yaml", bib="references.bib", cache=False)
        self.kept = Site(str(folder), options)
        self.kept.keep_views()
        self.options = options
        _pages(self.kept)

    @property
    def made(self) -> int:
        assert self.kept._views is not None
        return self.kept._views.made

    def edit(self, file: Path, old: str, new: str) -> int:
        """Edit `file`, build both ways, assert the same pages; how many view-models the kept site built anew."""
        text = file.read_text("utf-8")
        assert old in text, old
        file.write_text(text.replace(old, new, 1), "utf-8")
        before = self.made
        kept = _pages(self.kept)
        fresh = _pages(Site(str(self.folder), self.options))
        assert kept.keys() == fresh.keys()
        differ = [p for p in kept if kept[p] != fresh[p]]
        assert not differ, differ
        return self.made - before


@pytest.fixture
def fixture_site(tmp_path: Path) -> Kept:
    for name in ("claims.yaml", "references.bib"):
        shutil.copy(FIXTURE / name, tmp_path / name)
    return Kept(tmp_path)


def test_kept_view_models_give_the_pages_a_fresh_build_gives(fixture_site: Kept) -> None:
    s = fixture_site
    old = "The inflammatory phase lasts about one to three days after injury."
    assert s.edit(s.claims, old, old.replace("injury", "an injury")) == 1  # the edited claim only
    assert s.edit(s.claims, "title: Wound healing", "title: Wound healing and repair") >= 1
    s.edit(s.bib, "title = {Wound repair and regeneration}", "title = {Wound repair, regeneration}")
    notice = "@article{gurtner2008,\n  status = {corrected},\n  status_doi = {10.1000/fix.1},\n"
    notice += "  status_date = {2020-01-02},"
    assert s.edit(s.bib, "@article{gurtner2008,", notice) >= 1  # the claims citing it show the badge
    assert s.edit(s.bib, "2020-01-02", "2020-01-03") >= 1
    author = next(line for line in s.bib.read_text("utf-8").splitlines() if line.strip().startswith("author"))
    assert s.edit(s.bib, author, author.replace("{", "{Zed, A. and ", 1)) >= 1
    assert s.edit(s.claims, old.replace("injury", "an injury"), old) == 1  # back as it was: a new view-model
    assert s.edit(s.claims, old, old) == 0  # nothing changed: everything reused


def test_kept_view_models_of_a_synthetic_base(tmp_path: Path) -> None:
    claims, bib = generate(300, 60, n_topics=24, n_questions=6, n_comparisons=6, n_changes=6)
    (tmp_path / "claims.yaml").write_text(claims, "utf-8")
    (tmp_path / "references.bib").write_text(bib, "utf-8")
    s = Kept(tmp_path)
    statement = next(line for line in claims.splitlines() if line.lstrip().startswith("statement: "))
    assert s.edit(s.claims, statement, statement.replace("statement: ", "statement: Edited ", 1)) == 1
    topic = next(line for line in claims.splitlines() if line.lstrip().startswith("title: "))
    assert 1 <= s.edit(s.claims, topic, topic + " again") < 300
