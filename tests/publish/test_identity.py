"""A knowledge base made with `derma init` publishes its own identity, never this project's.

The name, site, repository, publisher and licence come from its mkdocs.yml (`model.project.Project`):
the built pages, the Atom feed, the JSON-LD, the downloads and the correction links carry neither
"Derma Evidence" nor this repository's URL. A title with HTML in it is text everywhere.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from derma_evidence.commands.init import init
from derma_evidence.load.settings import read_config
from derma_evidence.model.project import Project
from tests._sitebuild import build_project

OURS = ("Derma Evidence", "derma-evidence/derma-evidence", "derma-evidence.github.io")
"""This project's name, its repository's path and its site's host."""


def _build(kb: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    site = kb.parent / (kb.name + "-site")
    proc = build_project(kb, site)
    return site, proc


def _texts(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): p.read_text("utf-8")
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".json", ".atom", ".csv", ".xml", ".bib", ".txt")
    }


@pytest.fixture(scope="module")
def acne(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = tmp_path_factory.mktemp("identity") / "acne"
    init(str(kb), "Acne evidence")
    site, proc = _build(kb)
    assert proc.returncode == 0, proc.stderr
    return site


def test_an_init_knowledge_base_publishes_none_of_this_projects_identity(acne: Path) -> None:
    texts = _texts(acne)
    assert "downloads/feed.atom" in texts and "downloads/datapackage.json" in texts
    for path, text in texts.items():
        for ours in OURS:
            assert ours not in text, f"{path} names this project: {ours!r}"


def test_its_feed_json_ld_and_downloads_carry_its_own_name(acne: Path) -> None:
    feed = ET.parse(acne / "downloads" / "feed.atom").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.findtext("a:title", namespaces=ns) == "Acne evidence: what's new"
    assert feed.findtext("a:author/a:name", namespaces=ns) == "Acne evidence"
    package = json.loads((acne / "downloads" / "datapackage.json").read_text("utf-8"))
    assert (package["name"], package["title"]) == ("acne-evidence", "Acne evidence claims")
    assert json.loads((acne / "downloads" / "claims.schema.json").read_text("utf-8"))["title"] == (
        "Acne evidence knowledge base"
    )
    topics = (acne / "topics" / "index.html").read_text("utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', topics, re.S)[1])  # type: ignore[index]
    assert data["publisher"]["name"] == "Acne evidence"


def test_without_a_repository_there_is_no_correction_link(acne: Path) -> None:
    for path, text in _texts(acne).items():
        assert "derma-correction" not in text and "/issues/new" not in text, path


def test_a_title_with_html_is_text_everywhere_and_corrections_go_to_its_own_repository(tmp_path: Path) -> None:
    kb = tmp_path / "skin"
    title = "Skin & <Hair> care"
    init(str(kb), title)
    config = kb / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace(
            "docs_dir:", "site_url: https://example.org/skin/\nrepo_url: https://example.org/acme/skin\ndocs_dir:", 1
        ),
        "utf-8",
    )
    site, proc = _build(kb)
    assert proc.returncode == 0, proc.stderr
    texts = _texts(site)
    for path, text in texts.items():
        if path.endswith((".html", ".atom", ".xml")):
            # inside a <script> the title is JSON data (JSON-LD), where only "</" could end it: it never occurs
            scripts = re.findall(r"<script[^>]*>(.*?)</script>", text, re.S)
            assert not any("</" in body for body in scripts), path
            markup = re.sub(r"<script[^>]*>.*?</script>", "", text, flags=re.S)
            assert "<Hair>" not in markup, f"{path}: the title as raw HTML"
        for ours in OURS:
            assert ours not in text, f"{path} names this project: {ours!r}"
    home = texts["index.html"]
    assert "<title>Skin &amp; &lt;Hair&gt; care</title>" in home
    assert "Skin &amp;amp;" not in home  # escaped once, never twice
    assert re.search(r"<h1[^>]*>Skin &amp; &lt;Hair&gt; care", home)
    feed = ET.parse(site / "downloads" / "feed.atom").getroot()
    assert feed.findtext("{http://www.w3.org/2005/Atom}title") == f"{title}: what's new"
    assert feed.findtext("{http://www.w3.org/2005/Atom}id", "").startswith("tag:example.org,")
    links = re.findall(r'class="derma-correction" href="([^"]+)"', texts["topics/evidence-based-practice/index.html"])
    assert links and all(u.startswith("https://example.org/acme/skin/issues/new?") for u in links)


def test_project_reads_mkdocs_yml_and_the_plugin_options(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Acne evidence\nsite_url: https://example.org/acne\nrepo_url: https://example.org/a/b/\n"
        "extra: !ENV [NOPE, x]\nplugins:\n  - search\n  - derma:\n      publisher: The Acne Group\n"
        "      licence: CC0 1.0\n",
        "utf-8",
    )
    p = Project.from_config(read_config(str(tmp_path)))
    assert (p.name, p.publisher, p.site_url, p.repo_url) == (
        "Acne evidence",
        "The Acne Group",
        "https://example.org/acne/",
        "https://example.org/a/b",
    )
    assert (p.licence, p.licence_url, p.issues_url) == ("CC0 1.0", "", "https://example.org/a/b/issues/new")
    assert p.rules_url == "https://example.org/acne/methodology/rules/"
    assert Project.from_config(read_config(str(tmp_path / "missing"))) == Project()


def test_the_command_line_links_to_the_knowledge_bases_own_rule_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`derma check` and `derma rules` read mkdocs.yml in the current folder, as the site build does."""
    from derma_evidence.commands.cli import main

    kb = tmp_path / "acne"
    init(str(kb), "Acne evidence")
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("docs_dir:", "site_url: https://acne.example/\ndocs_dir:"))
    claims = kb / "data" / "claims.yaml"
    claims.write_text(claims.read_text("utf-8").replace("verdict: supported", "verdict: proven", 1), "utf-8")
    monkeypatch.chdir(kb)
    monkeypatch.delenv("DERMA_DOCS_URL", raising=False)
    assert main(["rules"]) == 0
    assert "https://acne.example/methodology/rules/#<code>" in capsys.readouterr().err
    assert main(["check", "--format", "json"]) == 1
    urls = {d["url"] for d in json.loads(capsys.readouterr().out)}
    assert urls and all(u.startswith("https://acne.example/methodology/rules/#") for u in urls)
