"""The living review: PRISMA counts, the Atom feed, JSON-LD, `--since`, `import-retractions`, CITATION.cff."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

import derma_evidence
from derma_evidence import render
from derma_evidence.commands import cli
from derma_evidence.export.files import claims_json
from derma_evidence.pipeline import check_bytes, check_files
from derma_evidence.render import feed
from derma_evidence.render import jsonld as schema_org
from derma_evidence.render.charts import prisma
from derma_evidence.render.pages import searches
from derma_evidence.rules import since as rules_living
from tests._sitebuild import ROOT
from tests.conftest import CASES, DATA_TODAY, TODAY, TODAY_ISO

HERE = ROOT / "tests" / "living"
ATOM = "{http://www.w3.org/2005/Atom}"

BASE = (CASES / "_valid" / "claims.yaml").read_text("utf-8")
BIB = (CASES / "_valid" / "references.bib").read_bytes()
LIVING = """
searches:
  - date: 2026-11-01
    source: PubMed
    query: microneedling alopecia
    records_found: 10
    screened: 8
    included: [dunkin2007]
    excluded:
      - {what: case reports, reason: not trials, records: 5}
      - {what: reviews, reason: not needed, records: 2}
  - date: 2026-11-20
    source: ClinicalTrials.gov
    query: microneedling
    records_found: 4
    screened: 4
    excluded:
      - {what: all, reason: not androgenetic alopecia}
changes:
  - date: 2026-11-02
    kind: new-study
    claims: [dunkin-threshold]
    what: "Added </script><!-- a & b"
    why: Found in the PubMed search.
"""


def kb_of(extra: str = LIVING, bib: bytes = BIB):  # type: ignore[no-untyped-def]
    result = check_bytes("claims.yaml", (BASE + extra).encode(), "references.bib", bib, TODAY)
    assert not result.errors, result.errors
    return result.kb


def test_prisma_counts_come_from_the_data_and_missing_ones_say_so() -> None:
    f = prisma.flow(kb_of().searches)
    rows = {box: n for _, box, n in f.rows}
    assert rows["Records identified from 2 searches"] == "14"
    assert rows["Records screened"] == "12"
    assert rows["Records excluded, with reasons"] == "not recorded"  # the second search did not count
    assert rows["Duplicates removed before screening"] == "not recorded"
    assert rows["Records included (1 distinct study)"] == "1"
    assert [b.count for b in f.boxes] == [
        ("n = " + n if n != "not recorded" else "n not recorded") for n in rows.values()
    ]
    for b in f.boxes:  # geometry inside the canvas
        assert 0 <= b.x and b.x + b.w <= f.width and 0 <= b.y and b.y + b.h <= f.height


def test_prisma_page_draws_svg_and_table() -> None:
    ctx = render.Context.of(kb_of())
    page = searches.searches_page(ctx).content
    assert "<svg" in page and "<table" in page and "n not recorded" in page
    assert page.count("<rect") == 5


def test_atom_feed_has_the_required_elements() -> None:
    ctx = render.Context.of(kb_of())
    ctx.site_url = "https://example.org/kb/"
    root = ET.fromstring(feed.feed(ctx))
    assert root.tag == ATOM + "feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(ATOM + name) is not None, name
    assert root.findtext(ATOM + "updated") == "2026-11-02T00:00:00Z"
    entries = root.findall(ATOM + "entry")
    assert len(entries) == 1
    for e in entries:
        for name in ("id", "title", "updated"):
            assert (e.findtext(ATOM + name) or "").strip(), name
        link = e.find(ATOM + "link")
        assert link is not None and link.get("href") == "https://example.org/kb/whats-new/#change-2026-11-02-1"
        assert dt.datetime.fromisoformat((e.findtext(ATOM + "updated") or "").replace("Z", "+00:00"))
    assert "</script>" in (entries[0].findtext(ATOM + "title") or "")  # text, escaped by the XML writer


def test_claim_shows_last_change_and_cite_line() -> None:
    pages = {p.path: p.content for p in render.render_site(kb_of())}
    topic = pages["topics/needle-depth.md"]
    assert "Last change 2026&#45;11&#45;02" in topic and "Cite this claim" in topic and "Cite this page" in topic
    assert "Last searched: <strong>2026&#45;11&#45;01</strong>" in topic  # the search whose key the topic cites
    assert "#change-2026-11-02-1" in topic
    assert "</script>" not in pages["whats-new.md"] and "&lt;/script&gt;" in pages["whats-new.md"]


def test_topic_without_search_says_so() -> None:
    pages = {p.path: p.content for p in render.render_site(kb_of(""))}
    assert "No search is recorded for this topic" in pages["topics/needle-depth.md"]


def test_jsonld_script_cannot_be_closed_early() -> None:
    script = schema_org.jsonld_script([{"name": "</script><!-- x"}])
    body = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "</" not in body and "<!--" not in body
    assert json.loads(body)["name"] == "</script><!-- x"


RETRACTED_BIB = BIB.replace(
    b"}\n", b"  status = {retracted},\n  status_doi = {10.9999/fake.notice},\n  status_date = {2026-10-01},\n}\n"
)


def test_retracted_source_gets_badges_on_reference_and_claim() -> None:
    text = BASE.replace("stance: supports", "stance: context").replace("verdict: supported", "verdict: insufficient")
    result = check_bytes("claims.yaml", text.encode(), "references.bib", RETRACTED_BIB, TODAY)
    pages = {p.path: p.content for p in render.render_site(result.kb)}
    assert "derma-status-retracted" in pages["references.md"]
    assert "Retracted 2026&#45;10&#45;01" in pages["topics/needle-depth.md"]
    assert 'href="https://doi.org/10.9999/fake.notice"' in pages["topics/needle-depth.md"]


def test_retracted_source_in_support_fails_the_check_at_its_line() -> None:
    result = check_bytes("claims.yaml", BASE.encode(), "references.bib", RETRACTED_BIB, TODAY)
    hits = [(d.line, d.code) for d in result.errors]
    line = next(i for i, t in enumerate(BASE.splitlines(), 1) if "key: dunkin2007" in t)
    assert hits == [(line, "L008")]


def test_since_compares_with_a_previous_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES / "L007"
    args = ["check", "--claims", str(case / "claims.yaml"), "--bib", str(case / "references.bib")]
    assert cli.main([*args, "--today", TODAY_ISO, "--since", str(case / "previous.json")]) == 1
    out = capsys.readouterr().out
    assert "claims.yaml:10:14: L007" in out and "claims.yaml:11:16: L007" in out
    # the export of the same data: nothing changed, nothing to log
    result = check_files(str(case / "claims.yaml"), str(case / "references.bib"), TODAY)
    same = tmp_path / "claims.json"
    same.write_bytes(claims_json(result.kb))
    assert cli.main([*args, "--today", TODAY_ISO, "--since", str(same)]) == 0
    assert cli.main([*args, "--since", str(tmp_path / "missing.json")]) == 2


def test_since_accepts_a_change_entry_dated_after_the_previous_release() -> None:
    previous = rules_living.load_previous((CASES / "L007" / "previous.json").read_bytes())
    text = (CASES / "L007" / "claims.yaml").read_text("utf-8").replace("date: 2026-10-01", "date: 2026-11-20")
    result = check_bytes("claims.yaml", text.encode(), "references.bib", BIB, TODAY)
    assert rules_living.since(result.kb, previous) == []


def test_import_retractions_inserts_fields_and_keeps_every_other_byte(tmp_path: Path) -> None:
    bib = tmp_path / "references.bib"
    shutil.copy(HERE / "references.bib", bib)
    before = bib.read_bytes()
    assert cli.main(["import-retractions", str(HERE / "retractions.csv"), "--bib", str(bib), "--dry-run"]) == 0
    assert bib.read_bytes() == before
    assert cli.main(["import-retractions", str(HERE / "retractions.csv"), "--bib", str(bib)]) == 0
    after = bib.read_bytes().decode()
    assert (
        "  status = {retracted},\n  status_doi = {10.9999/notice.retraction.1},\n  status_date = {2026-03-14},\n}"
        in after
    )
    assert "pmid = {99999991},\n  design = {rct},\n  status = {corrected}," in after  # matched by PMID
    assert "10.9999/notice.eoc.3" not in after  # its status is 'corrected' already: reported, not overwritten
    removed = [line for line in before.decode().splitlines() if line not in after.splitlines()]
    assert removed == ["  design = {rct}}"]  # the one brace that shared a line with the last field moved down
    assert cli.main(["import-retractions", str(HERE / "retractions.csv"), "--bib", str(bib)]) == 0
    assert bib.read_text() == after  # a second run changes nothing


def test_citation_cff_is_valid() -> None:
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    assert data["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert data[key], key
    assert all("name" in a or "family-names" in a for a in data["authors"])
    assert str(data["version"]) == derma_evidence.__version__
    dt.date.fromisoformat(str(data["date-released"]))
    assert set(data["license"]) <= {"MIT", "CC-BY-4.0"}


def test_real_change_log_and_searches_check_clean() -> None:
    result = check_files(str(ROOT / "data" / "claims.yaml"), str(ROOT / "references.bib"), DATA_TODAY)
    assert not result.diagnostics
    assert result.kb.searches and result.kb.changes
    assert all(s.excluded_count is None for s in result.kb.searches)  # exclusions were not counted: not invented


# --- the built site -------------------------------------------------------------------------------------------


@pytest.fixture
def site(real_site: Path) -> Path:
    """The site of the real data, built once per session (tests/conftest.py)."""
    return real_site


def jsonld(path: Path) -> list[dict[str, object]]:
    html = path.read_text("utf-8")
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1, path
    data = json.loads(found[0])
    return data["@graph"] if "@graph" in data else [data]  # type: ignore[no-any-return]


def _check_page(obj: dict[str, object]) -> None:
    assert obj["@type"] == "MedicalWebPage"
    dt.date.fromisoformat(str(obj["lastReviewed"]))
    assert isinstance(obj["citation"], list)
    for c in obj["citation"]:
        assert c["@type"] == "ScholarlyArticle" and c["name"]
        for ident in c.get("identifier", []):
            assert ident["propertyID"] in ("DOI", "PMID") and ident["value"]


def test_jsonld_on_every_topic_page(site: Path) -> None:
    topics = sorted((site / "topics").glob("*/index.html"))
    assert topics
    kinds = set()
    for page in topics:
        objects = jsonld(page)
        _check_page(objects[0])
        assert objects[0]["citation"], page
        for c in objects[0]["citation"]:  # type: ignore[attr-defined]
            kinds.update(i["propertyID"] for i in c.get("identifier", []))
    assert kinds == {"DOI", "PMID"}


def test_jsonld_claim_reviews_on_the_article_page(site: Path) -> None:
    objects = jsonld(site / "article" / "index.html")
    _check_page(objects[0])
    reviews = [o for o in objects if o["@type"] == "ClaimReview"]
    statements = yaml.safe_load((ROOT / "data" / "claims.yaml").read_text("utf-8"))["statements"]
    assert len(reviews) == len(statements)
    words = {"Supported", "Partly supported", "Insufficient evidence", "Contradicted"}
    for r in reviews:
        assert r["claimReviewed"]
        assert r["reviewRating"]["alternateName"] in words  # type: ignore[index]
        assert r["itemReviewed"]["@type"] == "Claim" and r["itemReviewed"]["appearance"]  # type: ignore[index]
        assert r["author"] == {"@type": "Organization", "name": "Derma Evidence"}


MEDICAL_DIRS = {"answers", "findings", "claims", "trials", "figures", "article", "references", "topics"}
"""Pages of medical content; the others (methodology, contributing, downloads, about, ...) are plain WebPages."""


def test_every_page_has_jsonld(site: Path) -> None:
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue
        rel = page.relative_to(site).as_posix()
        medical = rel == "index.html" or rel.split("/")[0] in MEDICAL_DIRS
        assert jsonld(page)[0]["@type"] == ("MedicalWebPage" if medical else "WebPage"), page


def test_feed_and_pages_are_built(site: Path) -> None:
    root = ET.parse(site / "downloads" / "feed.atom").getroot()
    assert root.tag == ATOM + "feed" and len(root.findall(ATOM + "entry")) >= 10
    searches = (site / "methodology" / "searches" / "index.html").read_text("utf-8")
    assert "<svg" in searches and "not recorded" in searches
    assert "change-2026-12-01-1" in (site / "whats-new" / "index.html").read_text("utf-8")


def test_every_page_of_the_built_site_links_the_feed_and_every_topic_says_when_searched(site: Path) -> None:
    pages = sorted(site.rglob("index.html"))
    assert len(pages) > 10
    feed_file = site / "downloads" / "feed.atom"
    assert feed_file.is_file()
    for page in pages:
        html = page.read_text("utf-8")
        found = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html)
        assert len(found) == 1, page
        assert (page.parent / found[0]).resolve() == feed_file.resolve(), page
    for topic in sorted((site / "topics").glob("*/index.html")):
        html = topic.read_text("utf-8")
        assert "Last searched: <strong>" in html, topic
        assert re.search(r'href="[^"]*methodology/searches/#topic-[a-z0-9-]+"', html), topic
    searches = (site / "methodology" / "searches" / "index.html").read_text("utf-8")
    assert 'id="search-2026-12-01-corpus-01"' in searches and "Run it again in PubMed: <code>" in searches
    root = ET.parse(feed_file).getroot()
    stamps = [e.findtext(ATOM + "updated") for e in root.findall(ATOM + "entry")]
    assert len(stamps) == len(set(stamps))  # each entry its own time, newest first
    assert stamps == sorted(stamps, reverse=True)
