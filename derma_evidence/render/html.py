"""Reading our own generated HTML: its table of contents, its anchor ids, and the lean copy search indexes.

Generated pages skip Python-Markdown (see `render.context.Page`), so what the Markdown step used to
give MkDocs is computed here from the HTML the templates wrote: every heading is written
`<hN id="ANCHOR">TEXT</hN>`, every value in it is already escaped. Material's search plugin parses a
page's HTML with a Python `HTMLParser`; `search_html` gives it a copy with only what it indexes.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

HEADING_RE = re.compile(r'<h([1-6]) id="([^"]+)"([^>]*)>(.*?)</h\1>', re.S)
_TOC_RE = re.compile(r'\sdata-toc="([^"]*)"')
_TAG_RE = re.compile(r"<[^>]*>")
_HEADERLINK_RE = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_ID_RE = re.compile(r'\sid="([^"]*)"')
KEYWORDS_RE = re.compile(r'<p class="derma-keywords"[^>]*>(.*?)</p>\n?', re.S)
"""A section's hidden search words as templates write them (`<p class="derma-keywords" hidden>`)."""
KEYWORDS_START, KEYWORDS_END = "\ufdd0", "\ufdd1"
"""Around hidden search words in the lean copy; `render.search` moves them into the index's `keywords` field.
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
    """Every `id="..."` in the page: the anchors other pages may link to (MkDocs validates them)."""
    return set(_ID_RE.findall(html))


_TOKEN_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|<!--.*?-->", re.S)
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_SKIP = frozenset(("script", "style", "object"))
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr")
)
_INLINE = frozenset(
    (
        "a", "abbr", "b", "bdi", "cite", "data", "del", "dfn", "em", "i", "ins", "kbd", "label", "mark", "q",
        "s", "samp", "small", "span", "strong", "time", "u", "var", "output", "button", "option", "select",
        # SVG: their text is indexed, the elements themselves never hold a heading
        "svg", "g", "text", "tspan", "rect", "line", "circle", "path", "polyline", "polygon", "title", "desc",
        "defs", "marker", "use", "ellipse",
    )
)  # fmt: skip
"""Elements that cannot hold a heading: their tags can go, their text stays (as Material's parser reads it)."""


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


def search_html(html: str) -> str:
    """The HTML Material's search plugin would index from `html`, with far fewer tags and no attributes.

    Left out: subtrees marked `data-search-exclude` (and script, style, object), permalinks, void
    elements, the tags of inline and SVG elements (their text stays), every attribute except a
    heading's id. Block elements keep their (bare) tags, since Material closes a section when the
    element holding its heading ends. The index built from the result has the same sections,
    titles and text. Hidden search words (`<p class="derma-keywords">`) become bare text between
    `KEYWORDS_START` and `KEYWORDS_END`, for `render.search.shape_index` to move into a field of their own.
    """
    html = html.replace(KEYWORDS_START, "").replace(KEYWORDS_END, "")
    html = KEYWORDS_RE.sub(lambda m: KEYWORDS_START + m.group(1) + KEYWORDS_END, html)
    out: list[str] = []
    stack: list[str] = []  # open non-void elements
    skip_depth = 0  # >0: inside a removed subtree, counted in open elements of the removed one's stack level
    skip_at = -1
    pos = 0
    for m in _TOKEN_RE.finditer(html):
        if skip_depth == 0:
            out.append(html[pos : m.start()])
        pos = m.end()
        tag = m.group(2)
        if tag is None:  # a comment
            continue
        tag = tag.lower()
        if tag in _VOID or m.group(3).endswith("/"):
            continue
        if m.group(1):  # an end tag
            if not stack or stack[-1] != tag:
                if tag in stack:  # close what was left open, as a browser would
                    while stack and stack[-1] != tag:
                        stack.pop()
                else:
                    continue
            stack.pop()
            if skip_depth:
                if len(stack) == skip_at:
                    skip_depth = 0
                continue
            if tag not in _INLINE:
                out.append(f"</{tag}>")
            continue
        stack.append(tag)
        if skip_depth:
            continue
        attrs = m.group(3)
        if tag in _SKIP or "data-search-exclude" in attrs or 'class="headerlink"' in attrs:
            skip_depth, skip_at = 1, len(stack) - 1
            continue
        if tag in _HEADINGS:
            # an h1 is the page's title: as on a Markdown page, its id makes no section of its own
            found = _ID_RE.search(attrs) if tag != "h1" else None
            out.append(f'<{tag} id="{found.group(1)}">' if found else f"<{tag}>")
        elif tag not in _INLINE:
            out.append(f"<{tag}>")
    if skip_depth == 0:
        out.append(html[pos:])
    return "".join(out)
