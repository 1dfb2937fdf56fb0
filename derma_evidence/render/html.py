"""Reading our own generated HTML: its table of contents, its anchor ids, its description, its hidden words.

Generated pages skip Python-Markdown (see `render.context.Page`), so what the Markdown step used to
give MkDocs is computed here from the HTML the templates wrote: every heading is written
`<hN id="ANCHOR">TEXT</hN>`, every value in it is already escaped. Their search entries are made from
the same HTML by `render.search.sections`.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

HEADING_RE = re.compile(r'<h([1-6]) id="([^"]+)"([^>]*)>(.*?)</h\1>', re.S)
_TOC_RE = re.compile(r'\sdata-toc="([^"]*)"')
_TAG_RE = re.compile(r"<[^>]*>")
_HEADERLINK_RE = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
ID_ATTR_RE = re.compile(r'\sid="([^"]*)"')
KEYWORDS_RE = re.compile(r'<p class="derma-keywords"[^>]*>(.*?)</p>\n?', re.S)
"""A section's hidden search words as templates write them (`<p class="derma-keywords" hidden>`)."""
KEYWORDS_START, KEYWORDS_END = "\ufdd0", "\ufdd1"
"""Around hidden search words in the search entries' text; `render.search` moves them into the `keywords` field.
Unicode noncharacters, meant for a program's internal use (not whitespace: Python's `str.strip` keeps them,
as Material's indexer needs); any in the page's own text are removed first, so nothing can be mistaken for them."""


def toc_tokens(html: str) -> list[dict[str, Any]]:
    """MkDocs' toc tokens (level, id, name, children) of every `<hN id="...">` heading, nested by level.

    The permalink (`a.headerlink`) and any inline markup are left out of the name, which stays
    escaped HTML text, as Python-Markdown's toc extension gives it. A heading's `data-toc` attribute (a claim's
    short title, its heading being the whole statement) names it in the table of contents instead.
    """
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for m in HEADING_RE.finditer(html):
        level = int(m.group(1))
        short = _TOC_RE.search(m.group(3))
        name = short.group(1) if short else _TAG_RE.sub("", _HEADERLINK_RE.sub("", m.group(4))).strip()
        token: dict[str, Any] = {"level": level, "id": m.group(2), "name": name, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


def anchor_ids(html: str) -> set[str]:
    """Every `id="..."` after whitespace in the page: the anchors other pages may link to (MkDocs validates them).

    The same set as `ID_ATTR_RE.findall` (tests/render/test_render_equivalence.py), found by jumping from one
    `id="` to the next: the pattern's leading `\\s` made the regular expression try every space of the page.
    """
    out = set()
    find = html.find
    at = find('id="')
    while at != -1:
        if at and html[at - 1].isspace():
            end = find('"', at + 4)
            if end == -1:
                break
            out.add(html[at + 4 : end])
            at = find('id="', end + 1)
        else:
            at = find('id="', at + 1)
    return out


DESCRIPTION_MAX = 160
"""The longest meta description (characters): what search engines show of it."""
_FIRST_P_RE = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p>", re.S)


def page_description(html: str, limit: int = DESCRIPTION_MAX) -> str:
    """A page's meta description: the text of its first paragraph, cut at a word within `limit` characters.

    Plain text (tags removed, entities decoded); Jinja escapes it again where the theme prints it.
    """
    m = _FIRST_P_RE.search(html)
    if m is None:
        return ""
    words = " ".join(unescape(_TAG_RE.sub("", m.group(1))).split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "\u2026"


def without_keywords(html: str) -> str:
    """The page as readers get it: the hidden search words are in the search index only, not in the page."""
    return KEYWORDS_RE.sub("", html)


def marked_keywords(html: str) -> str:
    """The page with its hidden search words as bare text between `KEYWORDS_START` and `KEYWORDS_END`."""
    if KEYWORDS_START in html or KEYWORDS_END in html:  # never mistaken for the marks
        html = html.replace(KEYWORDS_START, "").replace(KEYWORDS_END, "")
    return KEYWORDS_RE.sub(lambda m: KEYWORDS_START + m.group(1) + KEYWORDS_END, html)
