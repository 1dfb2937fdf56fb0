"""The glossary page, generated from the schema's vocabularies: one definition per value, one anchor each.

Terms and their definitions live in `claims.schema.json` (`enum`, `x-labels`, `x-definitions`), so the
glossary, the badges and the checker read one vocabulary. Every badge on the site links to the term's
anchor here (`words.glossary_anchor`). Importing this module registers the page with `render.pages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from derma_evidence.render.context import PAGES, Context, Page, make_page
from derma_evidence.render.escape import attr, text
from derma_evidence.render.pages.methodology import load_schema
from derma_evidence.render.words import GLOSSARY_VOCABULARIES, glossary_anchor


@dataclass(frozen=True, slots=True)
class TermVM:
    anchor: str
    term: str
    value: str
    definition: str


@dataclass(frozen=True, slots=True)
class VocabularyVM:
    anchor: str
    title: str
    intro: str
    terms: tuple[TermVM, ...]


def _node(schema: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node: dict[str, Any] = schema["definitions"]
    for key in path:
        node = node[key]
    return node


def _term(vocab: str, value: str, labels: dict[str, str]) -> str:
    """The term as the site prints it: the schema's label, or the value in words."""
    words = labels.get(value) or value.replace("_", " ").replace("-", " ")
    return words[:1].upper() + words[1:]


def vocabularies(schema: dict[str, Any], publisher: str = "the knowledge base") -> list[VocabularyVM]:
    """Every glossary vocabulary in the order of `words.GLOSSARY_VOCABULARIES`, values in schema order;
    `publisher` (whose the judgements are) fills the introductions' `{publisher}`."""
    out = []
    for vocab, title, intro, path in GLOSSARY_VOCABULARIES:
        node = _node(schema, path)
        definitions: dict[str, str] = node["x-definitions"]
        labels: dict[str, str] = node.get("x-labels", {})
        values = list(node.get("enum") or definitions)
        terms = tuple(
            TermVM(
                anchor=attr(glossary_anchor(vocab, v)),
                term=text(_term(vocab, v, labels)),
                value=text(v),
                definition=text(definitions[v]),
            )
            for v in values
        )
        out.append(VocabularyVM(attr(vocab), text(title), text(intro.replace("{publisher}", publisher)), terms))
    return out


def glossary_page(ctx: Context) -> list[Page]:
    path = PAGES["glossary"]
    link = ctx.linker(path)
    return [
        make_page(
            path,
            "Glossary",
            "glossary.html.j2",
            vocabularies=vocabularies(load_schema(), ctx.project.publisher),
            methodology_href=link(PAGES["methodology"]),
            schema_href=link(PAGES["schema"]),
            search_boost=5,  # a label word ("very low", "supported") finds its definition before the pages using it
        )
    ]
