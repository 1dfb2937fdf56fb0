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

from derma_evidence import citations, render
from derma_evidence.export import files as exports
from derma_evidence.pipeline import Result
from tests.conftest import FIXTURE, ROOT


def test_render_does_not_import_mkdocs() -> None:
    code = (
        "import sys, derma_evidence.render, derma_evidence.export.files, derma_evidence.citations;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material', 'properdocs')];"
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_generated_paths(pages: dict[str, str]) -> None:
    assert sorted(pages) == [
        "answers.md",
        "article.md",
        "claims.md",
        "downloads.md",
        "figures.md",
        "findings.md",
        "glossary.md",
        "methodology/rules.md",
        "methodology/schema.md",
        "methodology/searches.md",
        "references.md",
        "topics.md",
        "topics/needle-depth.md",
        "topics/wound-healing.md",
        "trials.md",
        "whats-new.md",
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
    assert set(data) == {
        "vocabulary",  # the fixture declares its trial field and search synonyms
        "source_article",  # the article the statements come from, as the YAML gives it
        "topics",
        "questions",
        "comparisons",
        "claims",
        "trials",
        "statements",
        "reviews",
        "verification",
        "searches",
        "strategies",  # the living review's saved searches and screening queue (issue 23)
        "changes",
        "screening",
    }
    rows = list(csv.DictReader(io.StringIO(files["claims.csv"].decode())))
    assert rows[0]["id"] == "inflammation-phase-duration" and rows[0]["unit"] == "d"
    assert {r["id"] for r in json.loads(files["references.csl.json"])} == {
        "gurtner2008",
        "dunkin2007",
        "dhurat2013",
        "fixturereview2024",
    }
    assert files["references.bib"] == b"@article{x}\n"
    assert json.loads(files["claims.schema.json"])["title"]


def test_csv_formula_injection_is_defused() -> None:
    assert exports._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert exports._cell(0.56) == "0.56"
    assert exports._cell(-0.5) == "-0.5" and exports._cell(-3.0) == "-3"  # numbers stay numbers
    assert exports._cell("-0.5") == "'-0.5"  # text that looks like a formula start does not
    assert exports._cell("a\r=HYPERLINK(1)") == "a =HYPERLINK(1)"  # a CR cannot start a new row


def test_markers(result: Result) -> None:
    ctx = render.Context.of(result.kb)
    out = render.fill_markers("# Home\n\n<!-- derma:key-numbers -->\n", ctx, "index.md")
    assert 'href="topics/needle-depth/#dunkin-scarring-threshold"' in out
    assert "<!-- derma:" not in out
    with pytest.raises(render.MarkerError) as err:
        render.fill_markers("# Home\n\n<!-- derma:key-number -->\n", ctx, "index.md", "content/index.md")
    [d] = err.value.diagnostics
    assert (d.file, d.line, d.col, d.code) == ("content/index.md", 3, 12, "P001")
    assert d.message == "unknown marker 'key-number'" and d.help and "did you mean 'key-numbers'?" in d.help
    # a known name that is not alone on its line is refused too, not left as an invisible comment
    [d] = render.marker_problems("Text <!-- derma:key-numbers -->\n", "x.md")
    assert (d.line, d.col, d.code) == (1, 17, "P001")


def _block(page: str, claim_id: str) -> str:
    m = re.search(rf'<section class="derma-claim" aria-labelledby="{claim_id}">.*?</section>', page, re.S)
    assert m, claim_id
    return m.group(0)


def test_claim_block_cites_short_and_the_page_lists_the_full_reference(result: Result, pages: dict[str, str]) -> None:
    page = pages["topics/needle-depth.md"]
    full = render.neutralise(citations.format_bibliography(result.kb.references)["dunkin2007"])
    block = _block(page, "dunkin-scarring-threshold")
    assert '<a class="derma-cite" href="#ref_dunkin2007">Dunkin et al. 2007</a>' in block  # surname: searchable
    assert full not in block and "Plastic and Reconstructive Surgery" not in block
    assert "Results" in block and "A threshold depth of 0.56 mm was found." in block  # locator and quote stay
    reference_list = page.split('id="topic_references"', 1)[1]
    assert 'id="ref_dunkin2007"' in reference_list and full in reference_list
    assert page.count(full) == 1
    assert '<ol class="derma-refs" data-search-exclude>' in reference_list  # indexed once, on the References page


def test_claim_quotes_and_review_line_stay_out_of_the_search_index(pages: dict[str, str]) -> None:
    block = _block(pages["topics/needle-depth.md"], "dunkin-scarring-threshold")
    assert re.search(r"<span data-search-exclude>: <q class=\"derma-quote\">", block)
    assert '<p class="derma-reviewed" data-search-exclude>' in block


def test_claim_view_model_is_built_once(result: Result) -> None:
    ctx = render.Context.of(result.kb)
    render.render_site(result.kb, ctx=ctx)
    claim = result.kb.claims[0]
    assert ctx.claim(claim) is ctx.claim(claim)
    assert len(ctx._claims) == len([c for c in result.kb.claims if c.id])


def test_bibliography_is_converted_and_formatted_once_and_shared_with_the_exports(result: Result) -> None:
    bib = citations.bibliography(result.kb.references)
    assert list(bib.csl) == [r.key for r in result.kb.references]
    assert bib.formatted["dunkin2007"].startswith("Dunkin CSJ")
    shared = exports.all_exports(result.kb, b"", bib.csl)
    assert shared == exports.all_exports(result.kb, b"")


def test_mixed_case_citation_keys_get_their_formatted_entry() -> None:
    from derma_evidence.diagnostics import Pos
    from derma_evidence.model.claims import Reference

    fields = {"author": "Dunkin, Chris", "title": "T", "year": "2007"}
    ref = Reference("Dunkin2007", "article", fields, Pos("r", 1, 1), {})
    assert citations.format_bibliography([ref])["Dunkin2007"].startswith("Dunkin C")


@pytest.mark.parametrize(
    ("lo", "hi", "unit", "expected"),
    [
        (1, None, "wk", "1 week"),
        (2, None, "wk", "2 weeks"),
        (1, None, "d", "1 day"),
        (1, 1, "d", "1 day"),
        (0.5, None, "d", "0.5 days"),
        (1, 3, "d", "1\u20133 days"),
        (1, 2, "wk", "1\u20132 weeks"),
        (1, None, "mo", "1 month"),
        (12, None, "wk", "12 weeks"),
        (0.56, None, "mm", "0.56 mm"),
        (1, None, "mm", "1 mm"),
        (40, None, "%", "40%"),
    ],
)
def test_units_are_pluralised(lo: float, hi: float | None, unit: str, expected: str) -> None:
    from derma_evidence.diagnostics import Pos
    from derma_evidence.model.claims import Quantity

    assert render.format_range(Quantity(None, "duration", lo, hi, unit, Pos("f", 1, 1))) == expected


def test_trials_table_scrolls_in_a_focusable_region_with_plural_units(pages: dict[str, str]) -> None:
    page = pages["trials.md"]
    assert '<div class="derma-scroll" role="region" aria-label="Table of clinical trials" tabindex="0">' in page
    row = re.search(r'<tr id="trial-dhurat2013">.*?</tr>', page, re.S)
    assert row
    assert ">1 week<" in row.group(0) and ">12 weeks<" in row.group(0) and "weeks<" in row.group(0)
    assert ">1 weeks<" not in page
    assert re.search(r'<th scope="col" class="derma-text[^"]*">Population</th>', page)  # text columns get a min-width
    claims = pages["claims.md"]
    assert '<div class="derma-scroll" role="region" aria-label="Table of all claims" tabindex="0">' in claims


def test_timeline_labels_bars_with_about_sorted_by_start(result: Result) -> None:
    import dataclasses

    for kb in (result.kb, dataclasses.replace(result.kb, claims=tuple(reversed(result.kb.claims)))):
        ctx = render.Context.of(kb)
        tl = render.timeline(ctx, ctx.linker("figures.md"))
        # `quantity.about` where the claim gives it, else the claim id; earliest start first
        assert [b.label for b in tl.bars] == ["inflammatory phase", "proliferation-phase-duration"]
        assert [b.value for b in tl.bars] == ["1\u20133 days", "2\u201321 days"]
        assert tl.bars[0].href.endswith("#inflammation-phase-duration")
        assert tl.font >= 14
        assert tl.topic == "wound-healing"  # no topic configured: the one with the most duration claims


def test_timeline_topic_comes_from_configuration(result: Result) -> None:
    ctx = render.Context.of(result.kb, timeline_topic="needle-depth")
    tl = render.timeline(ctx, ctx.linker("figures.md"))
    assert tl.topic == "needle-depth" and tl.bars == ()


def test_templates_do_no_arithmetic() -> None:
    """Chart geometry lives in the view-models: no `+ - * /` between values inside `{{ }}` in any template."""
    templates = Path(render.__file__).parent.parent / "templates"
    for path in templates.glob("*.j2"):
        for expr in re.findall(r"\{\{(.*?)\}\}", path.read_text("utf-8")):
            assert not re.search(r"[\w)\]]\s*[-+*/]\s*[\w(]", expr), f"{path.name}: {expr}"


def test_figures_text_is_readable_and_the_interval_axis_uses_weeks(pages: dict[str, str]) -> None:
    page = pages["figures.md"]
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', page)]
    assert sizes and min(sizes) >= 14
    for box, width in re.findall(r'viewBox="0 0 ([0-9.]+) [0-9.]+" width="([0-9.]+)"', page):
        assert box == width  # one SVG unit is one CSS pixel unless the column is narrower
    assert "Interval between sessions (weeks)" in page
    assert ">1 week</text>" in page and " d</text>" not in page
    assert "<title>inflammatory phase: 1\u20133 days</title>" in page
    assert "<desc" in page and "Data of the timeline: Wound healing" in page  # text alternative and data table


def test_bibliography_formatted_in_a_worker_is_the_same(result: Result, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(citations, "BACKGROUND_MIN_ENTRIES", 0)
    data = (FIXTURE / "references.bib").read_bytes()
    pending = citations.format_in_background(str(FIXTURE / "references.bib"), data)
    if pending.__name__ == "inline":
        pytest.skip("no second core or other threads running: the bibliography is formatted inline")
    assert pending(result.kb.references) == citations.bibliography(result.kb.references)


def test_topic_page_lists_open_questions_escaped(pages: dict[str, str]) -> None:
    page = pages["topics/needle-depth.md"]
    section = page.split('id="open_questions"', 1)[1]
    assert "At what depth does scalp skin scar?" in section
    assert "<script>" not in section


def test_page_anchors_cannot_be_taken_by_claim_ids(pages: dict[str, str]) -> None:
    """Claim ids are kebab-case; every other anchor on a topic page contains an underscore."""
    for path, page in pages.items():
        if not path.startswith("topics/"):
            continue
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), path
        for i in ids:
            assert "_" in i or re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i), i
        claim_ids = [i for i in ids if "_" not in i]
        assert claim_ids, path


def test_glossary_defines_every_value_of_its_vocabularies_once() -> None:
    """The glossary is generated: each vocabulary's `x-definitions` covers its values exactly (no hand-kept list)."""
    from derma_evidence.render import words
    from derma_evidence.render.pages import glossary

    schema = render.load_schema()
    for vocab, _title, _intro, path in words.GLOSSARY_VOCABULARIES:
        node = glossary._node(schema, path)
        values = node.get("enum") or list(node.get("properties", {}))
        defs = node["x-definitions"]
        if "enum" in node:
            assert list(defs) == list(values), vocab
        else:  # domains: the properties holding a judgement
            assert set(defs) <= set(values), vocab
        assert all(isinstance(d, str) and d.endswith(".") for d in defs.values()), vocab
    vms = glossary.vocabularies(schema)
    anchors = [t.anchor for v in vms for t in v.terms]
    assert len(anchors) == len(set(anchors))  # one definition, one anchor each
    assert {
        "verdict-supported",
        "certainty-very-low",
        "grade-domain-risk-of-bias",
        "rob-judgement-some-concerns",
    } <= set(anchors)


def test_repository_url_and_correction_link() -> None:
    from urllib.parse import parse_qs, urlsplit

    from derma_evidence.load.settings import read_config
    from derma_evidence.model.project import Project
    from derma_evidence.render import words

    project = Project.from_config(read_config(str(Path(render.__file__).parent.parent.parent)))
    assert project.repo_url == "https://github.com/derma-evidence/derma-evidence"  # mkdocs.yml's repo_url
    url = words.correction_url(project.issues_url, "dunkin-scarring-threshold", "Scarring starts at 0.56 mm & deeper.")
    q = parse_qs(urlsplit(url).query)
    assert url.startswith(project.repo_url + "/issues/new?")
    assert q["title"] == ["Correction to claim dunkin-scarring-threshold"]
    assert "Scarring starts at 0.56 mm & deeper." in q["body"][0] and "dunkin-scarring-threshold" in q["body"][0]


def test_search_keywords_follow_the_synonym_table() -> None:
    """The table is this knowledge base's (`vocabulary: search_synonyms` in data/claims.yaml); the engine has none."""
    from derma_evidence.contract.schema import vocabulary_of
    from derma_evidence.load.yamlpos import load_yaml
    from derma_evidence.render import words

    root = ROOT
    table = vocabulary_of(load_yaml("c.yaml", (root / "data" / "claims.yaml").read_bytes()).root).search_synonyms
    assert "how often" in words.search_keywords(table, "Sessions were given every 2 weeks.")
    assert "how deep" in words.search_keywords(table, "Needles of 0.5mm reach the dermis.")
    assert "dermaroller" in words.search_keywords(table, "A derma roller was used.")
    assert "female" in words.search_keywords(table, "In 40 women with pattern hair loss.")
    assert words.search_keywords(table, "Collagen remodelling in rats.") == ""
    assert words.search_keywords(table, "x", "y") == words.search_keywords(table, "x", "y")  # deterministic
    assert words.search_keywords((), "A derma roller was used.") == ""
