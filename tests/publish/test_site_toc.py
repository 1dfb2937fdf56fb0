"""Generated pages skip Python-Markdown: their table of contents, skip link and anchors still hold (search entries:
test_search_entries.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from derma_evidence import render
from derma_evidence.publish.build import Options, Site
from tests._sitebuild import ROOT, build, parse

sys.path.insert(0, str(ROOT / "scripts"))
from synthetic import generate  # noqa: E402

GENERATED = ["topics/needle-depth", "claims", "trials", "figures", "references", "article", "methodology/rules",
             "methodology/schema", "answers", "findings", "downloads", "topics"]  # fmt: skip


@pytest.fixture
def site(fixture_site: Path) -> Path:
    """The fixture site, built once per session (tests/conftest.py)."""
    return fixture_site


def toc_links(html: str) -> list[str]:
    block = html.split('aria-label="Table of contents"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="#([^"]+)" class="md-nav__link">', block)


@pytest.mark.parametrize("page", GENERATED)
def test_generated_pages_have_a_skip_link_to_their_title(site: Path, page: str) -> None:
    html = (site / page / "index.html").read_text("utf-8")
    assert '<a href="#page_top" class="md-skip">' in html
    assert f'<h1 id="{render.context.PAGE_TOP}">' in html


def test_topic_page_toc_lists_every_claim_and_section(site: Path) -> None:
    html = (site / "topics/needle-depth/index.html").read_text("utf-8")
    doc = parse(site / "topics/needle-depth/index.html")
    claims = [i for i in doc.ids if i in re.findall(r'<section class="derma-claim" aria-labelledby="([^"]+)"', html)]
    links = toc_links(html)
    assert claims and all(c in links for c in claims)
    assert "topic_references" in links
    assert all(a in doc.ids for a in links)  # every TOC entry lands on an anchor of the page


def test_rules_and_article_toc(site: Path) -> None:
    rules = toc_links((site / "methodology/rules/index.html").read_text("utf-8"))
    assert "c010" in rules and "p001" in rules
    assert toc_links((site / "article/index.html").read_text("utf-8"))[0].startswith("statement-")


def fixture_pages() -> list[render.Page]:
    options = Options(claims="tests/site_fixture/claims.yaml", bib="tests/site_fixture/references.bib")
    return list(Site(str(ROOT), options).build().pages.values())


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(v or "" for k, v in attrs if k == "id")


def test_anchor_ids_match_an_html_parser(site: Path) -> None:
    for page in fixture_pages():
        p = _Ids()
        p.feed(page.html)
        assert render.anchor_ids(page.html) == p.ids, page.path


def test_many_topics_leave_the_nav_short(tmp_path: Path) -> None:
    """Above `nav_topics_max` topics, the nav lists the All topics page only (the build stays linear in topics)."""
    yaml_text, bib_text = generate(200, 50, n_topics=80)
    (tmp_path / "claims.yaml").write_text(yaml_text, "utf-8")
    (tmp_path / "references.bib").write_text(bib_text, "utf-8")
    proc = build(tmp_path / "out", claims=tmp_path / "claims.yaml", bib=tmp_path / "references.bib")
    assert proc.returncode == 0, proc.stderr
    about = parse(tmp_path / "out/about/index.html").links
    assert "../topics/" in about and not any(link.startswith("../topics/topic-") for link in about)
    listed = parse(tmp_path / "out/topics/index.html").links
    assert sum(1 for link in listed if link.startswith("topic-") or "/topic-" in link) == 80 - 7
    assert (tmp_path / "out/topics/topic-0079/index.html").is_file()
    docs = json.loads((tmp_path / "out/search/search_index.json").read_text("utf-8"))["docs"]
    assert any(d["location"] == "topics/topic-0079/#claim-000079" for d in docs)


def test_bench_site_runs_small(tmp_path: Path) -> None:
    """The benchmark script runs end to end on a tiny size (figures are not checked: never timed tests)."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts/bench_site.py"), "--claims", "100", "--topics", "7", "--refs", "50",
         "--check-refs", "50", "--repeat", "1", "--no-search", "--growth", "questions,changes",
         "--growth-base", "60,7,30,20,10,20"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert "1. build of 100 claims" in out.stdout and "2. check" in out.stdout
    assert "peak RSS" in out.stdout and re.search(r"^  questions +x", out.stdout, re.M), out.stdout
