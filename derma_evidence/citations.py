"""References as CSL-JSON, and a bibliography formatted by citeproc-py with the shipped Vancouver CSL style.

The BibTeX fields arrive raw from the loader (braces kept, no LaTeX decoding); `clean` removes
grouping braces and the few LaTeX escapes a medical bibliography uses. Formatting itself is
citeproc-py's: no hand-built citation strings here. Output is plain text (Vancouver has no
italics); the renderer escapes it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from derma_evidence.model import Reference

STYLE = "vancouver.csl"

_CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "online": "webpage",
    "manual": "book",
    "booklet": "pamphlet",
}

_LATEX = (
    (r"\&", "&"),
    (r"\%", "%"),
    (r"\_", "_"),
    (r"\$", "$"),
    ("---", "\u2014"),
    ("--", "-"),
    ("~", "\u00a0"),
)


def clean(value: str) -> str:
    """A raw BibTeX value as display text: grouping braces removed, simple escapes decoded, spaces collapsed."""
    for a, b in _LATEX:
        value = value.replace(a, b)
    value = value.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", value).strip()


def _split_and(value: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and value[i : i + 5].lower() == " and ":
            parts.append(value[start:i])
            start = i + 5
            i += 4
        i += 1
    parts.append(value[start:])
    return [p.strip() for p in parts if p.strip()]


def names(value: str) -> list[dict[str, str]]:
    """BibTeX names ("Last, First", "Last, Jr., First" or "First Last", joined by "and") as CSL names."""
    out: list[dict[str, str]] = []
    for part in _split_and(value):
        if part.startswith("{") and part.endswith("}") and part.count("{") == 1:
            out.append({"literal": clean(part)})
            continue
        suffix = ""
        if part.count(",") >= 2:
            family, suffix, given = (p.strip() for p in part.split(",", 2))
        elif "," in part:
            family, _, given = part.partition(",")
        else:
            words = part.split()
            family, given = words[-1], " ".join(words[:-1])
        entry = {"family": clean(family)}
        if clean(given):
            entry["given"] = clean(given)
        if clean(suffix):
            entry["suffix"] = clean(suffix)
        out.append(entry)
    return out


def surnames(ref: Reference) -> list[str]:
    """The family names of a reference's authors (or editors), for search and display."""
    return list(_surnames(ref.get("author") or ref.get("editor") or ""))


@cache
def _surnames(value: str) -> tuple[str, ...]:
    return tuple(n.get("family", n.get("literal", "")) for n in names(value))


def to_csl(ref: Reference) -> dict[str, Any]:
    """One reference as a CSL-JSON item (keys sorted by the caller's serializer)."""
    item: dict[str, Any] = {"id": ref.key, "type": _CSL_TYPES.get(ref.entry_type, "article")}
    for bib, csl in (("author", "author"), ("editor", "editor")):
        if ref.get(bib):
            item[csl] = names(ref.get(bib) or "")
    simple = {
        "title": "title",
        "journal": "container-title",
        "booktitle": "container-title",
        "shortjournal": "container-title-short",
        "volume": "volume",
        "number": "issue",
        "pages": "page",
        "publisher": "publisher",
        "address": "publisher-place",
        "doi": "DOI",
        "pmid": "PMID",
        "url": "URL",
        "edition": "edition",
    }
    for bib, csl in simple.items():
        v = ref.get(bib)
        if v and csl not in item:
            item[csl] = clean(v)
    year = ref.get("year")
    if year and clean(year).isdigit():
        item["issued"] = {"date-parts": [[int(clean(year))]]}
    return item


@cache
def _style() -> Any:
    from citeproc import CitationStylesStyle

    path = resources.files("derma_evidence").joinpath("csl", STYLE)
    with resources.as_file(path) as p:
        return CitationStylesStyle(str(p), validate=False)


def format_bibliography(refs: Iterable[Reference]) -> dict[str, str]:
    """Each reference's bibliography entry as plain text, keyed by citation key (Vancouver style)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    items = [to_csl(r) for r in refs]
    if not items:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON(items)
        bib = CitationStylesBibliography(_style(), source, formatter.plain)
        for item in items:
            bib.register(Citation([CitationItem(item["id"])]))
        out: dict[str, str] = {}
        for key, entry in zip(bib.keys, bib.bibliography(), strict=True):
            out[str(key)] = re.sub(r"\s+", " ", str(entry)).strip()
    return out
