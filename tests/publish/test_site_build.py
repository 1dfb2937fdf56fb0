"""Strict builds of the fixture site (MkDocs and ProperDocs): pages, inert data, links and anchors, determinism."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from derma_evidence.render import load_schema
from derma_evidence.rules import CODES
from tests._sitebuild import FIXTURE, ROOT, build, parse


@pytest.fixture
def site(fixture_site: Path) -> Path:
    """The fixture site, built once per session (tests/conftest.py)."""
    return fixture_site


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_pages_and_downloads_exist(site: Path) -> None:
    for rel in (
        "index.html",
        "topics/needle-depth/index.html",
        "topics/wound-healing/index.html",
        "claims/index.html",
        "trials/index.html",
        "references/index.html",
        "article/index.html",
        "figures/index.html",
        "methodology/index.html",
        "methodology/rules/index.html",
        "methodology/schema/index.html",
        "downloads/index.html",
        "about/index.html",
        "disclaimer/index.html",
        "contributing/index.html",
        "downloads/claims.json",
        "downloads/claims.csv",
        "downloads/answers.json",
        "downloads/references.csl.json",
        "downloads/references.bib",
        "downloads/claims.schema.json",
    ):
        assert (site / rel).is_file(), rel
    assert (site / "downloads/references.bib").read_bytes() == (FIXTURE / "references.bib").read_bytes()
    assert not (ROOT / "content" / "topics").exists()  # nothing generated is written into content/


def test_hostile_text_is_inert(site: Path) -> None:
    page = site / "topics/needle-depth/index.html"
    doc = parse(page)
    text = " ".join(doc.text)
    for literal in (
        "{{ 7*7 }}",
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "*star*",
        "_u_",
        '{: onmouseover="alert(1)" }',
        '--8<-- ".git/config"',
        "# A heading {#dunkin-scarring-threshold}",
        "<img src=x onerror=alert(1)>",
    ):
        assert literal in text, literal
    for tag, attrs in doc.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert tag != "img"
        for k in ("href", "src"):
            assert not (attrs.get(k) or "").lower().startswith("javascript"), attrs
        if tag == "script":
            assert attrs.get("src") is None or not urlsplit(attrs["src"] or "").netloc
    assert doc.ids.count("dunkin-scarring-threshold") == 1
    assert "[core]" not in page.read_text("utf-8")  # no snippet of .git/config was included
    assert "49" not in text.replace("1994", "")  # {{ 7*7 }} was never evaluated


def test_no_external_resources(site: Path) -> None:
    for f in html_files(site):
        for tag, attrs in parse(f).tags:
            if tag in ("script", "link", "img", "iframe"):
                linked = attrs.get("href") if tag == "link" and attrs.get("rel") != "canonical" else None
                url = attrs.get("src") or linked
                assert not url or not urlsplit(url).netloc, (f, url)


def test_external_links_are_http_only(site: Path) -> None:
    """Links leaving the site are http(s) only; internal links and anchors are linkchecker's (below)."""
    for f in html_files(site):
        for href in parse(f).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                assert parts.scheme in ("http", "https"), (f, href)


def test_linkchecker_with_anchors(site: Path, tmp_path: Path) -> None:
    """Every internal link of the built site points at an existing page and anchor (linkchecker, AnchorCheck)."""
    exe = Path(sys.executable).parent / "linkchecker"
    if not exe.exists():
        pytest.skip("linkchecker is not installed")
    cfg = tmp_path / "linkcheckerrc"
    cfg.write_text("[filtering]\nignore=\n  ^https?://\n[AnchorCheck]\n", "utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = re.search(r"port (\d+)", server.stdout.readline())
        assert port
        proc = subprocess.run(
            [
                str(exe),
                "-f",
                str(cfg),
                "--no-status",
                "--check-extern",
                "--no-robots",
                f"http://127.0.0.1:{port.group(1)}/",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        server.terminate()
        server.wait()
    assert proc.returncode == 0, proc.stdout[-4000:]


def test_search_index_finds_claims(site: Path) -> None:
    docs = json.loads((site / "search/search_index.json").read_text("utf-8"))["docs"]
    by_loc = {d["location"]: d for d in docs}
    claim = by_loc["topics/needle-depth/#dunkin-scarring-threshold"]
    assert "Dunkin" in claim["text"] and "dunkin-scarring-threshold" in claim["text"]
    assert not any(d["location"].startswith("claims/") for d in docs)  # the table page is not a search result


def test_rule_and_schema_reference_are_complete(site: Path) -> None:
    rules = set(parse(site / "methodology/rules/index.html").ids)
    assert {c.lower() for c in CODES} <= rules
    schema_ids = set(parse(site / "methodology/schema/index.html").ids)
    assert {f"schema-{d}" for d in load_schema()["definitions"]} <= schema_ids
    meth = " ".join(parse(site / "methodology/index.html").text)
    assert "at least two backing sources" in meth


def test_home_opens_with_the_questions(site: Path) -> None:
    doc = parse(site / "index.html")
    assert {"answers/#does-it-work", "answers/#daily-rolling", "answers/#scarring-depth"} <= set(doc.links)
    text = " ".join(doc.text)
    assert "not give medical advice" in text
    assert "Low certainty" in text and "Very low certainty" in text
    assert "section of the abstract" in text  # the promise the data keeps (issue 9)
    assert "the section, page, table or figure" not in text
    assert "Key numbers" not in text
    html = (site / "index.html").read_text("utf-8").split('<article class="md-content__inner', 1)[1]
    assert html.index("answers/#does-it-work") < html.index("How this site works")


def test_answers_findings_and_trials_pages(site: Path) -> None:
    answers = parse(site / "answers/index.html")
    assert {"does-it-work", "daily-rolling", "scarring-depth"} <= set(answers.ids)
    assert "../findings/#mn-minoxidil-vs-minoxidil--hair-count" in answers.links
    assert "../topics/needle-depth/#weekly-sessions-hair" in answers.links
    findings = parse(site / "findings/index.html")
    assert {"mn-minoxidil-vs-minoxidil", "mn-minoxidil-vs-minoxidil--hair-count"} <= set(findings.ids)
    assert "fn_mn-minoxidil-vs-minoxidil--hair-count_a" in findings.ids
    assert "Judgements are Derma Evidence's." in " ".join(findings.text)
    trials = parse(site / "trials/index.html")
    assert "rob_chart" in trials.ids and "review_inclusions" in trials.ids
    tags = [t for t, _ in trials.tags]
    assert "svg" in tags and "circle" in tags


def test_badges_link_to_their_definitions(site: Path) -> None:
    doc = parse(site / "topics/needle-depth/index.html")
    badges = [a for t, a in doc.tags if t == "a" and "derma-badge" in (a.get("class") or "")]
    hrefs = {a.get("href") or "" for a in badges}
    assert badges and all(
        h.startswith("../../glossary/#verdict-") or h.startswith("../../glossary/#certainty-") for h in hrefs
    )
    glossary = set(parse(site / "glossary/index.html").ids)
    assert {h.split("#")[1] for h in hrefs} <= glossary  # each badge links to its own term's definition
    text = " ".join(doc.text)
    assert "Statement: supported by its sources" in text and "Certainty of the evidence: Low" in text


def test_nav_lists_topics_from_data(site: Path) -> None:
    links = parse(site / "about/index.html").links
    assert "../topics/wound-healing/" in links and "../topics/needle-depth/" in links


def test_two_builds_same_bytes(site: Path, tmp_path: Path) -> None:
    proc = build(tmp_path / "again")
    assert proc.returncode == 0, proc.stderr
    skip = {"sitemap.xml", "sitemap.xml.gz"}
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file() and p.name not in skip)
    match, mismatch, errors = filecmp.cmpfiles(site, tmp_path / "again", files, shallow=False)
    assert mismatch == [] and errors == []


def test_checker_errors_stop_the_build(tmp_path: Path) -> None:
    bad = tmp_path / "claims.yaml"
    bad.write_text(
        (FIXTURE / "claims.yaml").read_text("utf-8").replace("topic: needle-depth", "topic: needle-dept", 1), "utf-8"
    )
    proc = build(tmp_path / "out", claims=bad)
    assert proc.returncode != 0
    assert re.search(r"claims\.yaml:\d+:\d+: C003 unknown topic 'needle-dept'", proc.stderr), proc.stderr
    assert "did you mean 'needle-depth'?" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_collision_with_hand_written_page_is_an_error(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "content" / "claims.md").write_text("# Mine\n", "utf-8")
    cfg = (ROOT / "mkdocs.yml").read_text("utf-8")
    (tmp_path / "mkdocs.yml").write_text(cfg, "utf-8")
    proc = build(tmp_path / "out", config=tmp_path / "mkdocs.yml")
    assert proc.returncode != 0
    assert "content/claims.md: error: a generated page collides with this hand-written file" in proc.stderr


def test_builds_under_properdocs(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "properdocs"
    if not exe.exists():
        pytest.skip("properdocs is not installed")
    proc = build(tmp_path / "pd", tool="properdocs")
    assert proc.returncode == 0, proc.stderr
    doc = parse(tmp_path / "pd/topics/needle-depth/index.html")
    assert "dunkin-scarring-threshold" in doc.ids
    assert (tmp_path / "pd/downloads/claims.json").is_file()


def test_real_data_builds_if_present(request: pytest.FixtureRequest) -> None:
    """Not tied to the real data's content: only that, when it is there and valid, the site builds."""
    claims, bib = ROOT / "data/claims.yaml", ROOT / "references.bib"
    if not (claims.exists() and bib.exists()) or os.environ.get("DERMA_SKIP_REAL_DATA"):
        pytest.skip("the real data is not there yet")
    from derma_evidence.pipeline import check_files

    if check_files(str(claims), str(bib)).errors:
        pytest.skip("the real data does not pass the checker yet")
    assert (request.getfixturevalue("real_site") / "index.html").is_file()  # built strict once per session


def test_hostile_keys_titles_and_urls(tmp_path: Path) -> None:
    """An emoji title, a key named like a theme element id, a PMC id; a javascript: URL stops the build (B015)."""
    claims = (FIXTURE / "claims.yaml").read_text("utf-8")
    bib = (FIXTURE / "references.bib").read_text("utf-8")
    claims = claims.replace("title: Wound healing", "title: Wound healing \U0001fa79").replace("dunkin2007", "__search")
    bib = bib.replace("@article{dunkin2007,", "@article{__search,")
    js = "  design = {narrative-review},\n  url = {javascript:alert(1)}\n"
    bib = bib.replace("  design = {narrative-review}\n", js, 1)
    bib = bib.replace(
        "@article{dhurat2013,", "@article{dhurat2013,\n  pmcid = {PMC3746236},\n  url = {https://example.org/p},"
    )
    (tmp_path / "claims.yaml").write_text(claims, "utf-8")
    (tmp_path / "references.bib").write_text(bib, "utf-8")
    proc = build(tmp_path / "refused", claims=tmp_path / "claims.yaml", bib=tmp_path / "references.bib")
    assert proc.returncode != 0 and "B015 url 'javascript:alert(1)'" in proc.stderr, proc.stderr
    (tmp_path / "references.bib").write_text(bib.replace(js, "  design = {narrative-review}\n"), "utf-8")
    proc = build(tmp_path / "out", claims=tmp_path / "claims.yaml", bib=tmp_path / "references.bib")
    assert proc.returncode == 0, proc.stderr
    topic = (tmp_path / "out/topics/wound-healing/index.html").read_text("utf-8")
    assert "title:" not in topic and "Wound healing \U0001fa79</h1>" in topic
    for page in html_files(tmp_path / "out"):
        doc = parse(page)
        dupes = {i for i in doc.ids if doc.ids.count(i) > 1}
        assert not dupes, (page, dupes)
        assert not [u for u in doc.links if u.lower().startswith(("javascript:", "data:"))], page
    refs = parse(tmp_path / "out/references/index.html")
    assert "ref___search" in refs.ids and "__search" in refs.ids  # the theme's own search toggle keeps its id
    hosts = [urlsplit(u).netloc for u in refs.links if urlsplit(u).netloc]
    dhurat = [h for h in hosts if h in ("doi.org", "pubmed.ncbi.nlm.nih.gov", "pmc.ncbi.nlm.nih.gov", "example.org")]
    i = dhurat.index("pmc.ncbi.nlm.nih.gov")
    assert dhurat[i - 2 : i + 2] == ["doi.org", "pubmed.ncbi.nlm.nih.gov", "pmc.ncbi.nlm.nih.gov", "example.org"]
    assert "https://pmc.ncbi.nlm.nih.gov/articles/PMC3746236/" in refs.links
