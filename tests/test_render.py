"""The rendering core without MkDocs: escaping, view-models, citations, exports."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from derma_evidence import citations, exports, render
from derma_evidence.pipeline import Result, check_files

FIXTURE = Path(__file__).parent / "site_fixture"


@pytest.fixture(scope="module")
def result() -> Result:
    r = check_files(str(FIXTURE / "claims.yaml"), str(FIXTURE / "references.bib"))
    assert r.errors == [], r.errors
    return r


@pytest.fixture(scope="module")
def pages(result: Result) -> dict[str, str]:
    return {p.path: p.content for p in render.render_site(result.kb)}


def test_render_does_not_import_mkdocs() -> None:
    code = (
        "import sys, derma_evidence.render, derma_evidence.exports, derma_evidence.citations;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material', 'properdocs')];"
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_generated_paths(pages: dict[str, str]) -> None:
    assert sorted(pages) == [
        "article.md",
        "claims.md",
        "downloads.md",
        "figures.md",
        "methodology/rules.md",
        "methodology/schema.md",
        "references.md",
        "topics/needle-depth.md",
        "topics/wound-healing.md",
        "trials.md",
    ]


def test_deterministic(result: Result, pages: dict[str, str]) -> None:
    again = {p.path: p.content for p in render.render_site(result.kb)}
    assert again == pages
    assert exports.all_exports(result.kb, b"x") == exports.all_exports(result.kb, b"x")


@pytest.mark.parametrize(
    "raw", ["{{ 7*7 }}", "<script>", "*a*", "_a_", "[x](y)", "`c`", "{: x }", "--8<--", "# h", "a\nb"]
)
def test_neutralise_leaves_nothing_for_markdown(raw: str) -> None:
    out = re.sub(r"&(#[0-9]+|[a-z]+);", "", render.neutralise(raw))
    assert not re.search(r"[<>{}\[\]*_`#\n-]", out)


def test_strict_undefined() -> None:
    env = render.environment()
    assert env.autoescape is True
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


def test_autoescape_and_finalize_on_every_template() -> None:
    env = render.environment()
    for name in env.list_templates():
        assert env.get_template(name).environment.autoescape is True


def test_hostile_claim_is_inert(pages: dict[str, str]) -> None:
    page = pages["topics/needle-depth.md"]
    body = page.split("---\n\n", 1)[1]
    assert "<script" not in body and "<img" not in body and "{{" not in body and "{:" not in body
    assert "--8<--" not in body and "javascript:" not in body
    assert body.count('id="dunkin-scarring-threshold"') == 1
    for line in body.splitlines():
        assert line.startswith("<"), line  # no data value ever starts a line


def test_only_http_links(pages: dict[str, str]) -> None:
    for content in pages.values():
        for href in re.findall(r'href="([^"]*)"', content):
            assert not re.match(r"^[a-z][a-z0-9+.-]*:", href) or href.startswith(("https://", "http://")), href


def test_http_url_filter() -> None:
    assert render.http_url("javascript:alert(1)") is None
    assert render.http_url("data:text/html,x") is None
    assert render.http_url("https://example.org/a") == "https://example.org/a"
    assert render.doi_url("10.1038/nature07039") == "https://doi.org/10.1038/nature07039"
    assert render.doi_url("javascript:1") is None
    assert render.pubmed_url("123x") is None


@pytest.mark.parametrize(
    ("page", "target", "anchor", "expected"),
    [
        ("topics/a.md", "references.md", "k", "../../references/#k"),
        ("index.md", "topics/a.md", "c", "topics/a/#c"),
        ("claims.md", "downloads/claims.json", None, "../downloads/claims.json"),
        ("methodology.md", "methodology/rules.md", "c010", "rules/#c010"),
        ("index.md", "index.md", None, "./"),
    ],
)
def test_linker(page: str, target: str, anchor: str | None, expected: str) -> None:
    assert render.Linker(page)(target, anchor) == expected


def test_vancouver_formatting(result: Result) -> None:
    formatted = citations.format_bibliography(result.kb.references)
    assert formatted["dunkin2007"] == (
        "Dunkin CSJ, Pleat JM, Gillespie PH, Tyler MPH, Roberts AHN, McGrouther DA. Scarring occurs at a critical "
        "depth of skin injury. Plastic and Reconstructive Surgery. 2007;119(6):1722\u201332. "
        "doi:10.1097/01.prs.0000258829.07399.f0"
    )


def test_bibtex_names() -> None:
    assert citations.names("Dunkin, Chris S. J. and {World Health Organization} and Jane Doe") == [
        {"family": "Dunkin", "given": "Chris S. J."},
        {"literal": "World Health Organization"},
        {"family": "Doe", "given": "Jane"},
    ]


def test_exports(result: Result) -> None:
    files = exports.all_exports(result.kb, b"@article{x}\n")
    data = json.loads(files["claims.json"])
    assert [c["id"] for c in data["claims"]] == [c.id for c in result.kb.claims]
    for c in data["claims"]:
        for s in c["sources"]:
            assert s["reference"]["id"] == s["key"]
    rows = list(csv.DictReader(io.StringIO(files["claims.csv"].decode())))
    assert rows[0]["id"] == "inflammation-phase-duration" and rows[0]["unit"] == "d"
    assert {r["id"] for r in json.loads(files["references.csl.json"])} == {"gurtner2008", "dunkin2007", "dhurat2013"}
    assert files["references.bib"] == b"@article{x}\n"
    assert json.loads(files["claims.schema.json"])["title"]


def test_csv_formula_injection_is_defused() -> None:
    assert exports._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert exports._cell(0.56) == "0.56"


def test_markers(result: Result) -> None:
    ctx = render.Context.of(result.kb)
    out = render.fill_markers("# Home\n\n<!-- derma:key-numbers -->\n", ctx, "index.md")
    assert 'href="topics/needle-depth/#dunkin-scarring-threshold"' in out
    assert "<!-- derma:" not in out
    with pytest.raises(KeyError):
        render.fill_markers("<!-- derma:nope -->\n", ctx, "index.md")
