"""Generated pages' search entries are made directly (`render.search.sections`), not parsed by Material.

The reference is what Material's search plugin made of a generated page before: its HTML parser over a lean
copy of the page (`lean_copy` below: no attributes, inline tags or excluded parts; the build fed it this copy
until the entries were made directly). The entries must be equal, part for part, for every generated page of
the fixture, of the real data and of a synthetic base; and equal, up to whitespace, to the plugin's parse of
the full HTML. The quick update under serve indexes a rewritten page the same way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser, SearchIndex

from derma_evidence import render
from derma_evidence.publish.build import Options, Site
from derma_evidence.render import search as search_module
from derma_evidence.render.html import KEYWORDS_END, KEYWORDS_RE, KEYWORDS_START, marked_keywords
from derma_evidence.render.search import KEYWORDS_FIELD, sections, shape_docs, shape_index, with_keywords_field
from tests._sitebuild import FIXTURE, ROOT
from tests.publish.test_plugin import _served

# the tag vocabulary is shared with the module (what counts as inline, void, skipped); the walk below is not
_TOKEN_RE, _HEADINGS, _SKIP, _VOID, _INLINE, _ID_RE = (
    search_module._TOKEN_RE,
    search_module._HEADINGS,
    search_module._SKIP,
    search_module._VOID,
    search_module._INLINE,
    search_module.ID_ATTR_RE,
)


def lean_copy(html: str) -> str:
    """The reference: the copy of a generated page Material's search plugin parsed before (same index entries).

    Left out: subtrees marked `data-search-exclude` (and script, style, object), permalinks, void elements,
    the tags of inline and SVG elements (their text stays), every attribute except a heading's id (an h1's
    too: the page's title). Block elements keep their bare tags. Hidden words marked as `marked_keywords` does.
    """
    html = marked_keywords(html)
    out: list[str] = []
    stack: list[str] = []
    skip_at = -1
    pos = 0
    for m in _TOKEN_RE.finditer(html):
        if skip_at < 0:
            out.append(html[pos : m.start()])
        pos = m.end()
        tag = m.group(2)
        if tag is None:
            continue
        tag = tag.lower()
        if tag in _VOID or m.group(3).endswith("/"):
            continue
        if m.group(1):
            if not stack or stack[-1] != tag:
                if tag not in stack:
                    continue
                while stack[-1] != tag:
                    stack.pop()
            stack.pop()
            if skip_at >= 0:
                if len(stack) == skip_at:
                    skip_at = -1
                continue
            if tag not in _INLINE:
                out.append(f"</{tag}>")
            continue
        stack.append(tag)
        if skip_at >= 0:
            continue
        attrs = m.group(3)
        if tag in _SKIP or "data-search-exclude" in attrs or 'class="headerlink"' in attrs:
            skip_at = len(stack) - 1
            continue
        if tag in _HEADINGS:
            found = _ID_RE.search(attrs) if tag != "h1" else None
            out.append(f'<{tag} id="{found.group(1)}">' if found else f"<{tag}>")
        elif tag not in _INLINE:
            out.append(f"<{tag}>")
    if skip_at < 0:
        out.append(html[pos:])
    return "".join(out)


Parts = list[tuple[str | None, str, str]]


def parsed(html: str) -> Parts:
    """What Material's search plugin's parser makes of `html`: (id, title, text) per document, not yet stripped."""
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(s.id, "".join(s.title), "".join(s.text)) for s in parser.data if not s.is_excluded()]


def made(html: str) -> Parts:
    return [(s.id, "".join(s.title), "".join(s.text)) for s in sections(html)]


def pages_of(claims: Path, bib: Path) -> list[render.Page]:
    return list(Site(str(ROOT), Options(claims=str(claims), bib=str(bib))).build().pages.values())


@pytest.fixture(scope="module")
def synthetic_pages(tmp_path_factory: pytest.TempPathFactory) -> list[render.Page]:
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from synthetic import generate

    yaml_text, bib_text = generate(120, 40, n_topics=9, n_questions=6, n_comparisons=4, n_changes=5)
    folder = tmp_path_factory.mktemp("synthetic")
    (folder / "claims.yaml").write_text(yaml_text, "utf-8")
    (folder / "references.bib").write_text(bib_text, "utf-8")
    return pages_of(folder / "claims.yaml", folder / "references.bib")


def _real_pages() -> list[render.Page]:
    claims, bib = ROOT / "data/claims.yaml", ROOT / "references.bib"
    if not (claims.exists() and bib.exists()):
        pytest.skip("the real data is not there")
    return pages_of(claims, bib)


def _all(synthetic_pages: list[render.Page]) -> dict[str, list[render.Page]]:
    return {
        "fixture": pages_of(FIXTURE / "claims.yaml", FIXTURE / "references.bib"),
        "real": _real_pages(),
        "synthetic": synthetic_pages,
    }


def test_sections_equal_what_material_parses_from_the_lean_copy(synthetic_pages: list[render.Page]) -> None:
    """Every generated page (those `search: exclude` keeps out too): the same documents, part for part."""
    for base, pages in _all(synthetic_pages).items():
        assert pages
        for page in pages:
            assert made(page.html) == parsed(lean_copy(page.html)), (base, page.path)


def test_sections_equal_what_material_parses_from_the_full_html(synthetic_pages: list[render.Page]) -> None:
    """Up to whitespace, the same documents as the plugin's parse of the whole page (its h1 is the title)."""

    def norm(parts: Parts) -> Parts:
        squash = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
        return [(i, squash(t), squash(x)) for i, t, x in parts]

    for page in _all(synthetic_pages)["synthetic"] + _real_pages():
        full = marked_keywords(page.html.replace(f' id="{render.context.PAGE_TOP}"', "", 1))
        assert norm(made(page.html)) == norm(parsed(full)), page.path


def _page(page: render.Page, content: str = "") -> Any:
    meta = yaml.safe_load(page.front.split("---", 2)[1]) or {}
    url = render.page_url(page.path, True)
    return SimpleNamespace(meta=meta, title=page.title, url=url, toc=[], content=content)


def test_entries_equal_the_plugins_own(synthetic_pages: list[render.Page]) -> None:
    """Entries (location, title, text, boost; none for `search: exclude`) as `add_entry_from_context` made them."""
    for page in _all(synthetic_pages)["real"] + synthetic_pages:
        theirs, ours = SearchIndex(), SearchIndex()
        theirs.add_entry_from_context(_page(page, lean_copy(page.html)))
        target = _page(page)
        if not (target.meta.get("search") or {}).get("exclude"):
            for section in sections(page.html):
                ours.create_entry_for_section(section, [], target.url, target)
        assert ours.entries == theirs.entries, page.path


@pytest.mark.parametrize(
    "html",
    [
        "",
        "plain text & more",
        "<p>before</p><h2 id='x'>T</h2><p>after</p>",
        '<div><h1 id="page_top">Title</h1><section><h2 id="a">A <a class="headerlink" href="#a">&para;</a></h2>'
        "<p>one <strong>two</strong>\n<em>three</em></p><p> </p><ul><li><p></p></li></ul></section>"
        "<p>tail</p></div>",
        '<h2 id="a&amp;b">x</h2><pre>  keep\n  lines </pre><p>a<br>b<img src="x"/>c<!-- note <p> --></p>',
        '<div><h3 id="n">N</h3><span data-search-exclude>gone <b>too</b></span> stays'
        "<script>var x = '<p>';</script><style>p{}</style></div><h2 id=\"m\">M</h2>",
        '<section><h2 id="s">S<code>c</code><sub>1</sub></h2>text<p><code></code></p></section>after',
        '<p class="derma-keywords" hidden>hidden words</p>\n<p>\ufdd0 \ufdd1</p><p>&nbsp;&#32;&lt;b&gt;</p>',
        "<ul><li>a<li>b</ul><p>unclosed <span>x</p></div><h2>no id</h2>",
        "<svg><title>T</title><text>axis</text></svg><table><tr><td>1</td><td>2</td></tr></table>",
    ],
)
def test_sections_equal_the_reference_on_odd_html(html: str) -> None:
    assert made(html) == parsed(lean_copy(html))


def test_hidden_words_are_marked_for_the_index() -> None:
    html = '<h2 id="a">A</h2><p>shown</p>\n<p class="derma-keywords" hidden>roller pen</p>\n'
    (doc,) = [d for d in made(html) if d[0] == "a"]
    assert KEYWORDS_START + "roller pen" + KEYWORDS_END in doc[2] and KEYWORDS_RE.search(html)


def _docs(site: Path, location: str) -> list[dict[str, Any]]:
    docs = json.loads((site / "search/search_index.json").read_text("utf-8"))["docs"]
    return [d for d in docs if d["location"] == location or d["location"].startswith(location + "#")]


def test_the_quick_update_indexes_a_rewritten_page_as_the_full_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mkdocs.commands.build import build as mkdocs_build

    plugin, config, claims, server, full_builds = _served(monkeypatch, tmp_path)
    old = "The inflammatory phase lasts about one to three days after injury."
    claims.write_text(claims.read_text("utf-8").replace(old, old.replace("injury", "an injury")), "utf-8")
    server.builder()  # type: ignore[operator]
    plugin.settle()  # the search index is written after the pages
    assert full_builds == [1] and plugin.live is not None and "topics/wound-healing.md" in plugin.live.rewritten
    site = tmp_path / "site"
    quick = _docs(site, "topics/wound-healing/")
    assert any("after an injury" in d["title"] for d in quick)
    everything = json.loads((site / "search/search_index.json").read_text("utf-8"))["docs"]
    mkdocs_build(config, serve_url="http://127.0.0.1:8000/")  # type: ignore[arg-type]
    assert _docs(site, "topics/wound-healing/") == quick
    rebuilt = json.loads((site / "search/search_index.json").read_text("utf-8"))["docs"]
    key = lambda d: json.dumps(d, sort_keys=True)  # noqa: E731
    assert sorted(map(key, everything)) == sorted(map(key, rebuilt))  # the same entries (in the same order: test_live)


def test_entries_shaped_page_by_page_equal_the_whole_index_shaped() -> None:
    """`shape_docs` on each page's entries as they join the index == `shape_index` on the index written unshaped."""
    docs = [
        {"location": "", "title": "Home", "text": "<p>a  b</p>"},
        {"location": "answers/", "title": "Answers", "text": "x", "boost": 4},
        *({"location": f"answers/#q{i}", "title": f"Q{i}", "text": f"t {KEYWORDS_START}w{i}{KEYWORDS_END}", "boost": 4}
          for i in range(25)),
        {"location": "answers/#plain", "title": "P", "text": "no boost"},
        {"location": "topics/a/#c", "title": "C", "text": f"<p>x</p> <p>{KEYWORDS_START} roller {KEYWORDS_END}</p>"},
    ]  # fmt: skip
    index = {"config": {"lang": ["en"], "fields": {"title": {"boost": 10}}}, "docs": docs}
    whole = json.loads(json.dumps(shape_index(json.loads(json.dumps(index)), answers_location="answers/")))
    pages = json.loads(json.dumps(docs))
    for start, end in ((0, 1), (1, 28), (28, 29)):
        chunk = pages[start:end]
        shape_docs(chunk, answers_location="answers/")
        pages[start:end] = chunk
    assert pages == whole["docs"]
    assert [list(d) for d in pages] == [list(d) for d in whole["docs"]]  # the same key order: the same JSON
    assert with_keywords_field(index["config"]["fields"]) == whole["config"]["fields"]
    assert list(whole["config"]["fields"]) == ["title", KEYWORDS_FIELD]
    assert with_keywords_field({KEYWORDS_FIELD: {"boost": 8}, "text": {}}) == {KEYWORDS_FIELD: {"boost": 8}, "text": {}}


def test_without_material_search_the_written_index_is_shaped(tmp_path: Path) -> None:
    """Another search plugin (no page-by-page entries): the plugin shapes search_index.json after it is written."""
    from derma_evidence.publish.plugin import DermaPlugin, _search_index

    raw = {
        "config": {"fields": {}},
        "docs": [{"location": "a/#x", "title": "X", "text": f"t {KEYWORDS_START}w{KEYWORDS_END}"}],
    }
    (tmp_path / "search").mkdir()
    (tmp_path / "search/search_index.json").write_text(json.dumps(raw), "utf-8")
    other = SimpleNamespace(search_index=SimpleNamespace(entries=[]), config={"enabled": True})
    config = SimpleNamespace(site_dir=str(tmp_path), use_directory_urls=True, plugins={"search": other})
    assert _search_index(config) is None
    DermaPlugin().on_post_build(config=config)
    written = json.loads((tmp_path / "search/search_index.json").read_text("utf-8"))
    assert written == shape_index(raw, answers_location="answers/")
    assert written["docs"][0]["keywords"] == "w" and KEYWORDS_START not in written["docs"][0]["text"]


_HOSTILE_TEXT = st.lists(
    st.sampled_from(
        list("ab <>&;#x0123456789\"'=/!-[]{}*_`\\|~^+:$@") + ["&amp;", "&lt;b&gt;", "&#10;", "&nbsp;", "&#x27;"]
        + list("\r\n\t\x0b\x0c\x1c\x85\u00a0\u2028\u2003\u202e\ufdd0\u00e9\U0001f600")
        + ["<p>", "</p>", "<h2 id=\"x\">", "<!--", "-->", "<script>", "</section>"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(_HOSTILE_TEXT, min_size=6, max_size=6))
def test_sections_of_hostile_text_equal_what_material_parses(texts: list[str]) -> None:
    """Data text reaches a page neutralised (`render.neutralise`), whatever it holds: markup, entities, controls,
    line and paragraph separators, bidi controls, noncharacters; the documents are still the plugin's own."""
    t = [render.neutralise(x) for x in texts]
    html = (
        f'<div><h1 id="page_top">{t[0]}</h1><section><h2 id="{t[1]}">{t[2]} <a class="headerlink" href="#x">'
        f"&para;</a></h2><p>{t[3]}</p><ul><li>{t[4]}</li><li><span>{t[0]}</span></li></ul><pre>{t[5]}</pre>"
        f'<p class="derma-keywords" hidden>{t[5]}</p></section><h3 id="b">{t[4]}</h3>{t[3]}</div>'
    )
    assert made(html) == parsed(lean_copy(html))

    def norm(parts: Parts) -> Parts:
        squash = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
        return [(i, squash(t), squash(x)) for i, t, x in parts]

    full = marked_keywords(html.replace(' id="page_top"', "", 1))
    assert norm(made(html)) == norm(parsed(full))
