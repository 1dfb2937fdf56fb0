"""The search index as readers need it: hidden synonyms in a field of their own, answers in editorial order.

A generated page's documents (`sections`) are made here from its HTML in one pass, as Material's search
plugin would make them with its HTML parser (the plugin adds them in place of its own; see
`derma_evidence.publish.plugin`). Material's search plugin writes `search/search_index.json` (config + one
document per section); the plugin, after the search plugin's post-build, passes it through `shape_index`:

- hidden search words (a claim's or answer's synonyms, `vocabulary: search_synonyms` in the data) reach
  the index as text between `KEYWORDS_START` and `KEYWORDS_END` (see `sections` below); they move
  into the `keywords` field, which lunr searches (every field named in `config.fields` is indexed) but a
  result never displays (Material shows only `title` and `text`), so synonyms find without showing;
- the answers keep the Answers page's editorial order among close matches (general answers are listed
  before those about one group of people): each answer's boost falls by `ANSWER_DECAY` per place, so a
  general question ("does it work") gives the general answer before the answer about one group, while
  naming the group still finds its answer first (the general one does not match the group's words);
- nothing is added: every document stays, in order; the excluded pages (rule reference, data schema) never
  reach the index (their front matter says `search: exclude`), the search log table is marked
  `data-search-exclude` in its template.

No mkdocs import: plain functions on a page's HTML and on the index's JSON data, tested without a build.
"""

from __future__ import annotations

import re
from html import escape, unescape
from itertools import islice
from typing import Any

from derma_evidence.render.html import ID_ATTR_RE, KEYWORDS_END, KEYWORDS_START, marked_keywords

KEYWORDS_FIELD = "keywords"
KEYWORDS_BOOST = 4.0
"""Default weight of the hidden words when mkdocs.yml's search `fields` does not name `keywords`: below a
title (10), above body text (1)."""
ANSWER_LEAD = 1.5
ANSWER_DECAY = 0.9
"""Each answer's boost is the page's boost times ANSWER_LEAD times ANSWER_DECAY to the power of its place on
the Answers page: the first answers rank above the clinical topic pages, the later ones near them."""
ANSWER_FLOOR = 0.5
"""The lowest factor a place can give (ANSWER_LEAD included): a twentieth answer is not buried."""

_KEYWORDS_RE = re.compile(re.escape(KEYWORDS_START) + "(.*?)" + re.escape(KEYWORDS_END), re.S)
_EMPTY_BLOCK_RE = re.compile(r"<(p|li)>\s*</\1>")


def split_keywords(text: str) -> tuple[str, str]:
    """A document's text without its hidden words, and the hidden words (space-joined; "" if none)."""
    words = [w.strip() for w in _KEYWORDS_RE.findall(text) if w.strip()]
    rest = _EMPTY_BLOCK_RE.sub("", _KEYWORDS_RE.sub("", text))
    return re.sub(r"\s{2,}", " ", rest).strip(), " ".join(words)


def shape_index(index: dict[str, Any], answers_location: str | None = None) -> dict[str, Any]:
    """The index with hidden words in their own field and answers boosted by their place (a new dict).

    `answers_location` is the Answers page's location in the index ("answers/"); its section documents
    (locations "answers/#...") get the decaying boost.
    """
    config = dict(index.get("config") or {})
    config["fields"] = with_keywords_field(config.get("fields") or {})
    docs = [dict(doc) for doc in index.get("docs") or []]
    shape_docs(docs, answers_location)
    return {**index, "config": config, "docs": docs}


def with_keywords_field(fields: dict[str, Any]) -> dict[str, Any]:
    """The index's `config.fields` with the hidden words' field (after the others, unless mkdocs.yml names it)."""
    return fields if KEYWORDS_FIELD in fields else {**fields, KEYWORDS_FIELD: {"boost": KEYWORDS_BOOST}}


def shape_docs(docs: list[dict[str, Any]], answers_location: str | None = None) -> None:
    """`shape_index` on a list of documents, changed in place: those of a whole index, or of one page.

    The answers' places count from the first document located on the Answers page: all of them are that page's.
    """
    place = 0
    for doc in docs:
        text, words = split_keywords(str(doc.get("text") or ""))
        doc["text"] = text
        if words:
            doc[KEYWORDS_FIELD] = words
        loc = str(doc.get("location") or "")
        if answers_location is not None and loc.startswith(answers_location + "#"):
            base = float(doc.get("boost", 1.0))
            doc["boost"] = round(base * max(ANSWER_LEAD * ANSWER_DECAY**place, ANSWER_FLOOR), 3)
            place += 1


class Section:
    """One search document of a page: its heading's id (None for the first), title and text as lists of parts.

    The shape Material's search plugin gives `create_entry_for_section` (`id`, `title`, `text`); `tag` and
    `depth` are its parser's: the heading element and how deep in the page it sits.
    """

    __slots__ = ("id", "title", "text", "tag", "depth")

    def __init__(self, tag: str, depth: float) -> None:
        self.id: str | None = None
        self.title: list[str] = []
        self.text: list[str] = []
        self.tag = tag
        self.depth = depth


_TOKEN_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|<!--.*?-->", re.S)
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_SKIP = frozenset(("script", "style", "object"))
_KEEP = frozenset(("p", "code", "pre", "li", "ol", "ul", "sub", "sup"))
"""The tags Material keeps (bare) in a document's text."""
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr")
)
_INLINE = frozenset(
    (
        "a", "abbr", "b", "bdi", "cite", "data", "del", "dfn", "em", "i", "ins", "kbd", "label", "mark", "q",
        "s", "samp", "small", "span", "strong", "time", "u", "var", "output", "button", "option", "select",
        "svg", "g", "text", "tspan", "rect", "line", "circle", "path", "polyline", "polygon", "title", "desc",
        "defs", "marker", "use", "ellipse",
    )
)  # fmt: skip
"""Elements our templates never put a heading in: their tags go, their text stays."""


def sections(html: str) -> list[Section]:
    """The search documents of a generated page, as Material's search plugin makes them from its HTML.

    One pass over the tags, with the plugin's rules: a document per heading with an id (h2-h6; the h1 is the
    page's title, its first document), closed when the element holding its heading ends; the text keeps
    `_KEEP`'s tags (bare, empty ones dropped) and nothing else, with entities decoded and `&`, `<`, `>`
    escaped again; whitespace collapsed outside `<pre>`; subtrees marked `data-search-exclude` (and script,
    style, object, permalinks) left out. Hidden search words (`<p class="derma-keywords">`) become text between
    `KEYWORDS_START` and `KEYWORDS_END`, for `shape_index`. tests/publish/test_search_entries.py holds this
    equal to what the plugin's own parser makes of every generated page.
    """
    html = marked_keywords(html)
    docs: list[Section] = []
    section: Section | None = None
    context: list[str] = []  # the open elements the plugin sees (all but inline, void and left-out ones)
    stack: list[str] = []  # every open element
    skip_at = -1  # >= 0: inside a left-out subtree, until the stack is this long again
    run: list[str] = []  # the text since the last tag the plugin sees

    def text() -> None:
        """The plugin's handling of one run of text (`handle_data`)."""
        nonlocal section
        data = unescape("".join(run))
        run.clear()
        if "pre" not in context:
            data = " " if data.isspace() else data.replace("\n", " ")
        if section is None:
            section = Section("hx", 0)
            docs.append(section)
        if section.tag in context:
            section.title.append(escape(data, quote=False))
        elif data.isspace():
            done = section.text
            if not done or not done[-1].isspace() or "pre" in context:
                done.append(data)
        else:
            section.text.append(escape(data, quote=False))

    parts = _TOKEN_RE.split(html)  # text, then per tag: "/" or "", its name, its attributes, the text after it
    for i in range(1, len(parts), 4):
        if skip_at < 0 and parts[i - 1]:
            run.append(parts[i - 1])
        tag = parts[i + 1]
        if tag is None:  # a comment
            continue
        tag = tag.lower()
        attrs = parts[i + 2]
        if tag in _VOID or attrs.endswith("/"):
            continue
        if parts[i]:  # an end tag
            if not stack or stack[-1] != tag:
                if tag not in stack:
                    continue
                while stack[-1] != tag:  # close what was left open, as a browser would
                    stack.pop()
            stack.pop()
            if skip_at >= 0:
                if len(stack) == skip_at:
                    skip_at = -1
                continue
            if tag in _INLINE:
                continue
            if run:
                text()
            # the plugin's `handle_endtag`
            if not context or context[-1] != tag:
                continue
            assert section is not None
            depth = len(context)
            if section.depth > depth:  # the element holding the heading ends: back to the enclosing document
                for earlier in reversed(docs):
                    if earlier.depth <= depth:
                        section.depth = float("inf")
                        section = earlier
                        break
            context.pop()
            if tag in _KEEP:
                found = section.title if section.tag in context else section.text
                start = found.index(f"<{tag}>")  # the first one, as the plugin looks it up
                for part in islice(found, start + 1, None):
                    if not part.isspace():
                        found.append(f"</{tag}>")
                        break
                else:
                    del found[start:]  # an empty element (or only whitespace after the first such tag)
            continue
        stack.append(tag)
        if skip_at >= 0:
            continue
        if tag in _SKIP or "data-search-exclude" in attrs or 'class="headerlink"' in attrs:
            skip_at = len(stack) - 1
            continue
        if tag in _INLINE:
            continue
        if run:
            text()
        # the plugin's `handle_starttag`
        context.append(tag)
        if tag in _HEADINGS and tag != "h1":  # an h1 is the page's title: never a document of its own
            anchor = ID_ATTR_RE.search(attrs)
            if anchor is not None:
                depth = len(context)
                if not docs:
                    docs.append(Section("hx", depth))
                section = Section(tag, depth)
                section.id = unescape(anchor.group(1))
                docs.append(section)
        if section is None:
            section = Section("hx", 0)
            docs.append(section)
        if tag in _KEEP:
            (section.title if section.tag in context else section.text).append(f"<{tag}>")
    if skip_at < 0 and parts[-1]:
        run.append(parts[-1])
    if run:
        text()
    return docs
