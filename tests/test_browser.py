"""The built fixture site in a real headless Chromium: search, permalinks, filters, privacy, axe, narrow viewport."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from _sitebuild import build

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (apt-get install -y chromium)"),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
PAGE_TYPES = [
    "",
    "answers/",
    "findings/",
    "topics/needle-depth/",
    "claims/",
    "trials/",
    "references/",
    "article/",
    "figures/",
    "methodology/",
    "methodology/rules/",
    "methodology/schema/",
    "downloads/",
    "disclaimer/",
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("browser-site")
    proc = build(site)
    assert proc.returncode == 0, proc.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    m = re.search(r"port (\d+)", server.stdout.readline())
    assert m
    yield f"http://127.0.0.1:{m.group(1)}/"
    server.terminate()
    server.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any, base_url: str) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.foreign: list[str] = []  # type: ignore[attr-defined, misc]
    host = urlsplit(base_url).netloc
    pg.on(
        "request",
        lambda r: (
            pg.foreign.append(r.url)
            if urlsplit(r.url).netloc not in ("", host) and not r.url.startswith("data:")
            else None
        ),
    )
    yield pg
    ctx.close()


def search(pg: Any, query: str, narrow: bool = False) -> list[str]:
    """Type a query into Material's search; the hrefs of the results."""
    pg.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && !/Initializing/i.test(m.textContent); }",
        timeout=20000,
    )
    if narrow:
        pg.click('label.md-header__button[for="__search"]')
    else:
        pg.click(".md-search__input")
    pg.locator(".md-search__input").press_sequentially(query, delay=20)
    pg.wait_for_selector("li.md-search-result__item > a.md-search-result__link", timeout=10000)
    links = pg.locator(
        "li.md-search-result__item > a.md-search-result__link, "
        "li.md-search-result__item details a, .md-search-result__item a"
    )
    # search.highlight adds `?h=terms`; keep path and anchor
    return [re.sub(r"\?h=[^#]*", "", links.nth(i).get_attribute("href") or "") for i in range(links.count())]


@pytest.mark.parametrize("query", ["threshold", "dunkin-scarring-threshold", "Dunkin"])
def test_search_lands_on_claim(page: Any, base_url: str, query: str) -> None:
    page.goto(base_url)
    hrefs = search(page, query)
    target = [h for h in hrefs if h.endswith("topics/needle-depth/#dunkin-scarring-threshold")]
    assert target, hrefs
    page.goto(base_url + "topics/needle-depth/#dunkin-scarring-threshold")
    page.locator("a.md-search-result__link").count()
    assert page.url.endswith("#dunkin-scarring-threshold")
    assert page.foreign == []


def test_search_result_click_opens_anchor(page: Any, base_url: str) -> None:
    page.goto(base_url)
    search(page, "Dunkin")
    sel = 'a.md-search-result__link[href*="topics/needle-depth/"][href$="#dunkin-scarring-threshold"]'
    link = page.locator(sel).first
    if not link.is_visible():  # Material folds further sections of a page under "more matches"
        page.locator("li.md-search-result__item", has=link).locator("details summary").first.click()
    link.click()
    page.wait_for_url(re.compile(r".*/topics/needle-depth/(\?h=[^#]*)?#dunkin-scarring-threshold$"))
    assert page.locator("#dunkin-scarring-threshold").is_visible()


def test_permalink(page: Any, base_url: str) -> None:
    page.goto(base_url + "topics/needle-depth/#weekly-sessions-hair")
    heading = page.locator("h2#weekly-sessions-hair")
    assert heading.is_visible()
    assert heading.bounding_box()["y"] < 300  # scrolled to the anchor
    assert page.locator("h2#weekly-sessions-hair a.headerlink").get_attribute("href") == "#weekly-sessions-hair"


def test_filters(page: Any, base_url: str) -> None:
    page.goto(base_url + "claims/")
    rows = page.locator("#claims-table tbody tr")
    total = rows.count()
    assert total == 5
    page.select_option("select[name=topic]", "wound-healing")
    assert page.locator("#claims-table tbody tr:visible").count() == 2
    page.select_option("select[name=verdict]", "partly-supported")
    assert page.locator("#claims-table tbody tr:visible").count() == 1
    page.select_option("select[name=topic]", "")
    page.select_option("select[name=verdict]", "")
    page.select_option("select[name=certainty]", "moderate")
    assert page.locator("#claims-table tbody tr:visible").count() == 1
    assert "1 of 5" in page.locator(".derma-count").inner_text()


def test_table_without_javascript(browser: Any, base_url: str) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto(base_url + "claims/")
    assert pg.locator("#claims-table tbody tr:visible").count() == 5
    assert not pg.locator("form.derma-filters").is_visible()
    ctx.close()


def run_axe(pg: Any) -> list[dict[str, Any]]:
    import axe_playwright_python

    pg.add_script_tag(path=str(Path(axe_playwright_python.__file__).parent / "axe.min.js"))
    result: dict[str, Any] = pg.evaluate("async () => await axe.run()")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_axe_and_privacy(page: Any, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    assert run_axe(page) == []
    assert page.foreign == []


def test_axe_with_search_open(page: Any, base_url: str) -> None:
    page.goto(base_url)
    search(page, "needle")
    assert run_axe(page) == []
    assert page.foreign == []


def test_narrow_viewport(browser: Any, base_url: str) -> None:
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    pg.goto(base_url + "topics/needle-depth/")
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1
    hrefs = search(pg, "Dunkin", narrow=True)
    assert any(h.endswith("#dunkin-scarring-threshold") for h in hrefs), hrefs
    pg.goto(base_url + "claims/")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 376  # the wide table scrolls in its own region
    pg.select_option("select[name=topic]", "needle-depth")
    assert pg.locator("#claims-table tbody tr:visible").count() == 3
    ctx.close()


def test_figure_text_is_at_least_12px(page: Any, base_url: str) -> None:
    page.goto(base_url + "figures/")
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('.derma-figure svg')].flatMap(svg => {
             const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
             return [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
           }))"""
    )
    assert smallest >= 12, smallest


def test_claim_heading_reads_as_a_list_item(page: Any, base_url: str) -> None:
    page.goto(base_url + "topics/needle-depth/")
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('h2#dunkin-scarring-threshold'));"
        " const body = getComputedStyle(document.querySelector('.derma-summary'));"
        " return [parseFloat(s.fontSize), s.fontWeight, parseFloat(body.fontSize)]; }"
    )
    size, weight, body = style
    assert body <= size <= body * 1.2 and weight == "400", style


@pytest.mark.parametrize("path", ["trials/", "figures/", "claims/"])
def test_wide_content_scrolls_in_its_own_region_on_a_narrow_screen(browser: Any, base_url: str, path: str) -> None:
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    pg.goto(base_url + path)
    assert pg.evaluate("document.documentElement.scrollWidth") <= 376
    regions = pg.locator(".derma-scroll[role=region][tabindex='0'][aria-label]")
    assert regions.count() >= 1
    assert pg.evaluate("getComputedStyle(document.querySelector('.derma-scroll')).overflowX") == "auto"
    ctx.close()


QUESTIONS = {
    "does-it-work": (
        "Does microneedling added to minoxidil regrow more hair",
        "may increase hair counts",
        "Low certainty",
    ),
    "daily-rolling": ("Does daily home rolling with 0.5 mm needles work?", "No trial has tested", "Very low certainty"),
    "scarring-depth": ("How deep can needles go before the skin scars?", "may scar", "Low certainty"),
}


@pytest.mark.parametrize("width, height", [(1280, 900), (375, 812)])
def test_first_screen_shows_the_questions_with_answers_and_certainty(
    browser: Any, base_url: str, width: int, height: int
) -> None:
    ctx = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
    pg = ctx.new_page()
    pg.goto(base_url)
    items = pg.locator(".derma-question-list > li")
    assert items.count() == len(QUESTIONS)
    for i, (anchor, (question, answer, certainty)) in enumerate(QUESTIONS.items()):
        item = items.nth(i)
        box = item.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (anchor, box)
        text = item.inner_text()
        assert question in text and answer in text and certainty in text, text
        assert item.locator("a.derma-question").get_attribute("href") == f"answers/#{anchor}"
    assert pg.evaluate("document.documentElement.scrollWidth") <= width + 1
    pg.locator(".derma-question-list > li a.derma-question").first.click()
    pg.wait_for_url(re.compile(r".*/answers/#does-it-work$"))
    assert pg.locator("h2#does-it-work").is_visible()
    ctx.close()


def test_trials_page_shows_the_risk_of_bias_chart(page: Any, base_url: str) -> None:
    page.goto(base_url + "trials/")
    chart = page.locator("#rob_chart svg")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 80
    assert chart.locator("circle").count() == 6 + 3  # one trial x (5 domains + overall), three legend keys
    symbols = chart.evaluate("svg => [...svg.querySelectorAll('text')].map(t => t.textContent)")
    assert {"+", "\u2212", "\u00d7"} <= set(symbols) and "Some concerns" in symbols and "Overall" in symbols
