"""Typed records the services return: a bibliographic `Record` (ids, title, authors, journal, year) and a `Notice`.

Every text field is cleaned once here (control and bidi characters dropped, whitespace collapsed,
length bounded) so nothing a service sends reaches a terminal, the YAML queue or a page raw.
Identifiers are normalised and validated: a value that is not a DOI, PMID, PMCID or NCT id is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_TITLE = 500
"""Characters kept of a title (longer ones end with '…')."""
MAX_AUTHORS = 50
"""Authors kept per record; more are summarised as 'et al.'."""
MAX_FIELD = 200
"""Characters kept of an author's name or a journal's title."""

DOI_RE = re.compile(r"\A10\.\d{4,9}/\S+\Z")
PMID_RE = re.compile(r"\A[1-9]\d{0,9}\Z", re.ASCII)
PMCID_RE = re.compile(r"\APMC\d{1,10}\Z", re.ASCII)
NCT_RE = re.compile(r"\ANCT\d{8}\Z", re.ASCII)
_YEAR_RE = re.compile(r"(?<!\d)(1[5-9]\d\d|2[01]\d\d)(?!\d)", re.ASCII)


def clean(value: object, limit: int = MAX_FIELD) -> str:
    """Printable text: control, format (bidi) and non-characters dropped, whitespace collapsed, at most `limit`."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    text = "".join(
        " " if ch.isspace() else ch
        for ch in str(value)
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def doi(value: object) -> str | None:
    """A DOI, lowercased, without a resolver prefix; None when the value is not one."""
    text = clean(value, 300).lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
        text = text.removeprefix(prefix)
    return text if DOI_RE.match(text) else None


def pmid(value: object) -> str | None:
    text = clean(value, 20)
    return text if PMID_RE.match(text) else None


def pmcid(value: object) -> str | None:
    text = clean(value, 20).upper()
    text = text if text.startswith("PMC") else "PMC" + text
    return text if PMCID_RE.match(text) else None


def nct(value: object) -> str | None:
    text = clean(value, 20).upper()
    return text if NCT_RE.match(text) else None


def year(value: object) -> int | None:
    """The first plausible four-digit year in a date such as '2020 Jan 5', '2021-03' or 2019."""
    match = _YEAR_RE.search(clean(value, 40))
    return int(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class Record:
    """One record a search returned, as the screening queue stores it."""

    database: str  # pubmed, europepmc, ctgov
    title: str
    authors: tuple[str, ...] = ()
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    nct: str | None = None

    @property
    def ids(self) -> tuple[str, ...]:
        """Its identifiers as `doi:...`, `pmid:...`, `pmcid:...`, `nct:...` (the keys duplicates are found by)."""
        pairs = (("doi", self.doi), ("pmid", self.pmid), ("pmcid", self.pmcid), ("nct", self.nct))
        return tuple(f"{k}:{v}" for k, v in pairs if v)

    @property
    def key(self) -> str:
        """The record's main identifier: its DOI, else PMID, else PMCID, else NCT id."""
        return self.ids[0] if self.ids else ""


def authors(names: list[str]) -> tuple[str, ...]:
    kept = [n for n in (clean(x) for x in names) if n]
    return tuple(kept[:MAX_AUTHORS]) + (("et al.",) if len(kept) > MAX_AUTHORS else ())


NOTICE_KINDS = {
    "retraction": "retracted",
    "withdrawal": "retracted",
    "removal": "retracted",
    "correction": "corrected",
    "corrigendum": "corrected",
    "erratum": "corrected",
    "expression_of_concern": "expression-of-concern",
    "expression-of-concern": "expression-of-concern",
}
"""Crossref update types (Crossmark and Retraction Watch) as the `status` values references.bib uses."""


@dataclass(frozen=True, slots=True)
class Notice:
    """A retraction, correction or expression of concern that updates a work (Crossref `updated-by`)."""

    work_doi: str
    kind: str  # the Crossref update type as given (lowercase)
    notice_doi: str | None
    date: str | None  # YYYY-MM-DD, or YYYY-MM / YYYY when Crossref gives a partial date
    source: str  # publisher, retraction-watch, or '' when not said
    label: str = ""

    @property
    def status(self) -> str | None:
        """The `status` value this notice sets (retracted, corrected, expression-of-concern), or None."""
        return NOTICE_KINDS.get(self.kind)


MAX_RECORDS = 1000
"""Records one search may return; a search finding more fails with its count (narrow the query or its dates)."""


@dataclass(frozen=True, slots=True)
class Found:
    """What one search returned: the service's count and the records, in the service's order."""

    database: str
    query: str
    count: int
    records: tuple[Record, ...]


def too_many(count: int) -> str:
    return f"the search found {count} records, more than the limit of {MAX_RECORDS}; narrow the query or its dates"
