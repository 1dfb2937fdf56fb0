"""PubMed through NCBI's E-utilities: ESearch for the PMIDs of a query, ESummary for their records (JSON).

Documented formats (NCBI Bookshelf NBK25499, "The E-utilities In-Depth"): ESearch with
`retmode=json` answers `{"header": ..., "esearchresult": {"count": "N", "idlist": [...], ...}}`
(an invalid query: `esearchresult.ERROR`); ESummary answers `{"result": {"uids": [...], "<uid>":
{"title", "authors": [{"name"}], "fulljournalname", "source", "pubdate", "articleids": [{"idtype",
"value"}]}}}` (a uid it cannot summarise: `{"uid", "error"}`). With an API key (NCBI_API_KEY) the
rate rises from 3 to 10 requests a second (`http.RATES`).
"""

from __future__ import annotations

from typing import Any

from derma_evidence.fetch.http import Client, FetchError, url
from derma_evidence.fetch.records import (
    MAX_RECORDS,
    MAX_TITLE,
    Found,
    Record,
    authors,
    clean,
    doi,
    pmcid,
    pmid,
    too_many,
    year,
)

SERVICE = "pubmed"
BASE = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
TOOL = "derma-evidence"
BATCH = 200
"""PMIDs per ESummary request (NCBI asks for batches of at most a few hundred ids on a GET)."""


def _params(client: Client, **params: str | int) -> dict[str, str | int]:
    key = client.api_keys.get(SERVICE)
    return {**params, "tool": TOOL, **({"api_key": key} if key else {})}


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FetchError(SERVICE, f"the response has no {what} object; not the documented format")
    return value


def search(client: Client, term: str, *, mindate: str | None = None, maxdate: str | None = None) -> Found:
    """The records of `term`, in PubMed's order; `mindate`/`maxdate` (YYYY/MM/DD) limit the publication date."""
    dates: dict[str, str | int] = {}
    if mindate or maxdate:
        dates = {"datetype": "pdat", "mindate": mindate or "1800", "maxdate": maxdate or "3000"}
    params = _params(client, db="pubmed", term=term, retmode="json", retmax=MAX_RECORDS, **dates)
    data = _dict(client.get_json(SERVICE, url(BASE + "esearch.fcgi", params)), "top-level")
    result = _dict(data.get("esearchresult"), "esearchresult")
    if isinstance(result.get("ERROR"), str):
        raise FetchError(SERVICE, clean(result["ERROR"], 300))
    try:
        count = int(result.get("count", ""))
    except (TypeError, ValueError):
        raise FetchError(SERVICE, "esearchresult.count is not a number; not the documented format") from None
    if count > MAX_RECORDS:
        raise FetchError(SERVICE, too_many(count))
    ids = result.get("idlist")
    if not isinstance(ids, list):
        raise FetchError(SERVICE, "esearchresult.idlist is not a list; not the documented format")
    pmids = [p for p in (pmid(x) for x in ids) if p]
    records: list[Record] = []
    for start in range(0, len(pmids), BATCH):
        records.extend(summaries(client, pmids[start : start + BATCH]))
    return Found(SERVICE, term, count, tuple(records))


def summaries(client: Client, pmids: list[str]) -> list[Record]:
    """ESummary records of `pmids`, in the order asked; a uid PubMed cannot summarise fails the search."""
    params = _params(client, db="pubmed", id=",".join(pmids), retmode="json")
    data = _dict(client.get_json(SERVICE, url(BASE + "esummary.fcgi", params)), "top-level")
    result = _dict(data.get("result"), "result")
    out = []
    for uid in pmids:
        doc = result.get(uid)
        if not isinstance(doc, dict):
            raise FetchError(SERVICE, f"ESummary returned no record for PMID {uid}")
        if isinstance(doc.get("error"), str):
            raise FetchError(SERVICE, f"PMID {uid}: {clean(doc['error'], 200)}")
        out.append(record(uid, doc))
    return out


def record(uid: str, doc: dict[str, Any]) -> Record:
    ids = {clean(a.get("idtype")): a.get("value") for a in doc.get("articleids") or [] if isinstance(a, dict)}
    names = [a.get("name") for a in doc.get("authors") or [] if isinstance(a, dict)]
    return Record(
        SERVICE,
        clean(doc.get("title"), MAX_TITLE).rstrip(".") or "(no title)",
        authors([n for n in names if isinstance(n, str)]),
        clean(doc.get("fulljournalname") or doc.get("source")) or None,
        year(doc.get("pubdate")) or year(doc.get("epubdate")),
        doi(ids.get("doi")),
        uid,
        pmcid(ids.get("pmc")) if ids.get("pmc") else None,
    )
