"""The search index as readers need it: hidden synonyms in a field of their own, answers in editorial order.

Material's search plugin writes `search/search_index.json` (config + one document per section). The
plugin (`derma_evidence.plugin`, after the search plugin's post-build) passes it through `shape_index`:

- hidden search words (a claim's or answer's synonyms, `vocabulary: search_synonyms` in the data) reach
  the index as text between `KEYWORDS_START` and `KEYWORDS_END` (see `render.html.search_html`); they move
  into the `keywords` field, which lunr searches (every field named in `config.fields` is indexed) but a
  result never displays (Material shows only `title` and `text`), so synonyms find without showing;
- the answers keep the Answers page's editorial order among close matches (general answers are listed
  before those about one group of people): each answer's boost falls by `ANSWER_DECAY` per place, so a
  general question ("does it work") gives the general answer before the answer about one group, while
  naming the group still finds its answer first (the general one does not match the group's words);
- nothing is added: every document stays, in order; the excluded pages (rule reference, data schema) never
  reach the index (their front matter says `search: exclude`), the search log table is marked
  `data-search-exclude` in its template.

No mkdocs import: a plain function on the index's JSON data, tested without a build.
"""

from __future__ import annotations

import re
from typing import Any

from derma_evidence.render.html import KEYWORDS_END, KEYWORDS_START

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
    fields = dict(config.get("fields") or {})
    fields.setdefault(KEYWORDS_FIELD, {"boost": KEYWORDS_BOOST})
    config["fields"] = fields
    docs = []
    place = 0
    for doc in index.get("docs") or []:
        new = dict(doc)
        text, words = split_keywords(str(new.get("text") or ""))
        new["text"] = text
        if words:
            new[KEYWORDS_FIELD] = words
        loc = str(new.get("location") or "")
        if answers_location is not None and loc.startswith(answers_location + "#"):
            base = float(new.get("boost", 1.0))
            new["boost"] = round(base * max(ANSWER_LEAD * ANSWER_DECAY**place, ANSWER_FLOOR), 3)
            place += 1
        docs.append(new)
    return {**index, "config": config, "docs": docs}
