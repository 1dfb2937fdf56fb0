"""References as CSL-JSON, and a bibliography formatted by citeproc-py with the shipped Vancouver CSL style.

The BibTeX fields arrive from the loader with their LaTeX decoded (`load.bib`, the one LaTeX decoder,
also used here for a value that still holds a backslash); `clean` removes grouping braces and turns
BibTeX's dashes and ties into text. Formatting itself is
citeproc-py's: no hand-built citation strings here. Output is plain text (Vancouver has no
italics); the renderer escapes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from bibtexparser.middlewares.names import (  # the splitter BibTeX's own rules are written into
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from derma_evidence.load.bib import decode_latex
from derma_evidence.load.text import FORBIDDEN
from derma_evidence.model.claims import Reference

STYLE = "vancouver.csl"
_SPACES = re.compile(r"\s+")

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

_TYPOGRAPHY = (
    ("---", "\u2014"),
    ("--", "-"),
    ("~", "\u00a0"),
)
"""BibTeX's dashes and ties as text (the loader decodes escapes and accents, not these)."""


def clean(value: str) -> str:
    """A BibTeX value as display text: LaTeX decoded (the loader's decoder), grouping braces removed, spaces
    collapsed."""
    if "\\" in value:
        value = decode_latex(value)
    for a, b in _TYPOGRAPHY:
        value = value.replace(a, b)
    value = value.replace("{", "").replace("}", "")
    return _SPACES.sub(" ", value).strip()


def names(value: str) -> list[dict[str, str]]:
    """BibTeX names ("Last, First", "von Last, Jr., First" or "First von Last", joined by "and") as CSL names.

    Split and parsed by bibtexparser's name splitter, which reads particles as BibTeX does: "Ludwig van
    Beethoven" and "van Beethoven, Ludwig" both have the family name "van Beethoven". A name in one pair
    of braces (`{World Health Organization}`) is one literal name; a name the splitter refuses is too.
    """
    out: list[dict[str, str]] = []
    for part in split_multiple_persons_names(value):
        part = part.strip()
        if not part:
            continue
        if part.startswith("{") and part.endswith("}") and part.count("{") == 1:
            out.append({"literal": clean(part)})
            continue
        try:
            split = parse_single_name_into_parts(part, strict=False)
        except InvalidNameError:
            out.append({"literal": clean(part)})
            continue
        entry = {"family": clean(" ".join([*split.von, *split.last]))}
        for key, words in (("given", split.first), ("suffix", split.jr)):
            if clean(" ".join(words)):
                entry[key] = clean(" ".join(words))
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
        "pmcid": "PMCID",
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


@dataclass(frozen=True, slots=True)
class Bibliography:
    """The references of one build, converted and formatted once, shared by the pages and the downloads."""

    csl: Mapping[str, dict[str, Any]]  # key -> CSL-JSON item (source order)
    formatted: Mapping[str, str]  # key -> Vancouver entry as plain text


def bibliography(refs: Iterable[Reference]) -> Bibliography:
    """Every reference as CSL-JSON and as a formatted entry: one `to_csl` and one citeproc run per build."""
    csl = {r.key: to_csl(r) for r in refs}
    return Bibliography(csl, _format(list(csl.values())))


BACKGROUND_MIN_ENTRIES = 50
"""Below this many BibTeX entries citeproc is quicker in the build's own process than a worker is to start."""


def _bibliography_of_bibtex(bib_path: str, bib_bytes: bytes) -> Bibliography:
    """The worker's job: parse the BibTeX as the checker does, then convert and format every reference."""
    import datetime as dt

    from derma_evidence.load.bib import load_bib
    from derma_evidence.model.kb import build

    raw = load_bib(bib_path, bib_bytes).references
    return bibliography(build("", None, bib_path, raw, dt.date.today()).references)


def format_in_background(
    bib_path: str, bib_bytes: bytes, cache_dir: str | None = None
) -> Callable[[Iterable[Reference]], Bibliography]:
    """Start formatting the bibliography in a second process; returns a function that gives the result.

    citeproc-py is the slowest part of a large build after the checker and needs only the BibTeX, so
    on a machine with more than one core it runs next to the checker instead of after it. The
    returned function takes the checked references: if the worker failed (or is not worth starting),
    or its keys differ from them, it formats them here instead, so the result is always the same.
    With `cache_dir`, the last bibliography is kept there (`BibliographyCache`): the same BibTeX,
    style and code give it back without any formatting; whatever is made is kept for the next build.
    """
    cache = BibliographyCache(cache_dir, bib_bytes) if cache_dir else None
    kept = cache.load() if cache is not None else None
    if cache is not None and kept is not None:
        hit, keeper = kept, cache

        def cached(refs: Iterable[Reference]) -> Bibliography:
            checked = list(refs)
            return hit if list(hit.csl) == [r.key for r in checked] else _kept(bibliography(checked), keeper)

        return cached

    def inline(refs: Iterable[Reference]) -> Bibliography:
        return _kept(bibliography(refs), cache)

    # A forked worker starts at once with everything imported, and re-runs nothing of the caller's
    # script (a spawned one would). Forking is only safe while no other thread runs (`mkdocs build`
    # yes; `mkdocs serve`, whose server threads run, formats inline and keeps the result between rebuilds).
    if (
        sys.platform != "linux"
        or threading.active_count() > 1
        or (os.cpu_count() or 1) < 2
        or bib_bytes.count(b"@") < BACKGROUND_MIN_ENTRIES
    ):
        return inline
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        future = pool.submit(_bibliography_of_bibtex, bib_path, bib_bytes)
    except (OSError, RuntimeError, ImportError, ValueError):  # no process support here (sandbox, no /dev/shm)
        return inline

    def result(refs: Iterable[Reference]) -> Bibliography:
        refs = list(refs)
        try:
            bib = future.result()
        except Exception:  # noqa: BLE001 - any failure of the worker: format here instead
            bib = None
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        if bib is None:
            return _kept(bibliography(refs), cache)
        return _checked(bib, refs, cache)

    return result


def _checked(bib: Bibliography, refs: list[Reference], cache: BibliographyCache | None) -> Bibliography:
    """`bib` when it holds exactly the checked references in their order (then kept), else theirs formatted here."""
    if list(bib.csl) != [r.key for r in refs]:
        bib = bibliography(refs)
    return _kept(bib, cache)


def _kept(bib: Bibliography, cache: BibliographyCache | None) -> Bibliography:
    if cache is not None:
        cache.save(bib)
    return bib


CACHE_FILE = "bibliography.json"
MAX_CACHE_BYTES = 64 * 1024 * 1024
"""Largest cache file read (a larger one is ignored and written again): 1,000 references take ~0.6 MB."""


@cache
def _code_digest() -> str:
    """A digest of this package's code and styles and of the libraries that read and format a reference:
    any change to them (an edit in an editable install included) makes every cached bibliography stale."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.csl")]):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in ("citeproc-py", "bibtexparser", "pylatexenc", "lxml"):
        try:
            h.update(f"{dist} {version(dist)}\0".encode())
        except PackageNotFoundError:
            h.update(f"{dist} absent\0".encode())
    return h.hexdigest()


class BibliographyCache:
    """The last formatted bibliography of a site, in one JSON file under the cache folder (as Material's
    plugins keep theirs under `.cache/`), keyed by the BibTeX's bytes and the code that reads and formats it.

    Best effort and never trusted blindly: a missing, unreadable, oversized (`MAX_CACHE_BYTES`), malformed
    or stale file reads as no cache; the file is replaced atomically (a temporary file, then a rename), so
    two builds at once leave one whole file. Entries are plain text that the renderer escapes like any other.
    """

    def __init__(self, folder: str, bib_bytes: bytes) -> None:
        self.path = os.path.join(folder, CACHE_FILE)
        self.key = hashlib.sha256(_code_digest().encode() + b"\0" + bib_bytes).hexdigest()

    def load(self) -> Bibliography | None:
        try:
            with open(self.path, "rb") as f:
                if os.fstat(f.fileno()).st_size > MAX_CACHE_BYTES:
                    return None
                data = json.loads(f.read())
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or data.get("key") != self.key:
            return None
        csl, formatted = data.get("csl"), data.get("formatted")
        if not isinstance(csl, dict) or not all(isinstance(k, str) and isinstance(v, dict) for k, v in csl.items()):
            return None
        # one entry per reference (as `bibliography` makes them), text a data file could hold: a truncated or
        # tampered file with the right key would otherwise show a reference's key in place of its entry
        if not isinstance(formatted, dict) or formatted.keys() != csl.keys():
            return None
        if not all(isinstance(v, str) and not FORBIDDEN.search(v) for v in formatted.values()):
            return None
        return Bibliography(csl, formatted)

    def save(self, bib: Bibliography) -> None:
        data = json.dumps({"key": self.key, "csl": dict(bib.csl), "formatted": dict(bib.formatted)})
        if len(data) > MAX_CACHE_BYTES:
            return
        folder = os.path.dirname(self.path)
        try:
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".bibliography-", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(data)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return  # a read-only or full disk: the next build formats again


def format_bibliography(refs: Iterable[Reference]) -> dict[str, str]:
    """Each reference's bibliography entry as plain text, keyed by citation key (Vancouver style)."""
    return dict(bibliography(refs).formatted)


def _format(items: list[dict[str, Any]]) -> dict[str, str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    if not items:
        return {}
    # citeproc-py lower-cases the ids it is given; map them back (the loader refuses keys differing only in case)
    original = {str(item["id"]).lower(): str(item["id"]) for item in items}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON(items)
        bib = CitationStylesBibliography(_style(), source, formatter.plain)
        for item in items:
            bib.register(Citation([CitationItem(item["id"])]))
        out: dict[str, str] = {}
        for key, entry in zip(bib.keys, bib.bibliography(), strict=True):
            # an entry without author and title (fields listed in `unverified`) would start with ". "
            out[original.get(str(key), str(key))] = _SPACES.sub(" ", str(entry)).strip().lstrip(". ")
    return out
