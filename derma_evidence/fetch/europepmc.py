"""Europe PMC's REST search (JSON, `resultType=lite`), paged with `cursorMark`.

Documented format (europepmc.org/RestfulWebService; release note of web service version 6.6):
`{"version", "hitCount": N, "nextCursorMark": "...", "request": {...}, "resultList": {"result":
[{"id", "source", "pmid", "pmcid", "doi", "title", "authorString", "journalTitle", "pubYear"}]}}`.
The first page is asked with `cursorMark=*`; "if nextPageUrl or nextCursorMark are absent from
response, this means that end of results is reached" (the last page may also repeat the cursor).
"""

from __future__ import annotations

from typing import Any

from derma_evidence.fetch.http import Client, FetchError, url
from derma_evidence.fetch.records import MAX_RECORDS, MAX_TITLE, Found, Record, authors, clean, doi, pmcid, pmid, year
from derma_evidence.fetch.records import too_many as _too_many

SERVICE = "europepmc"
BASE = "https://www.ebi.ac.uk/europepmc/webservices/rest/search"
PAGE = 1000
"""Records per page (Europe PMC's maximum page size)."""
MAX_PAGES = MAX_RECORDS // PAGE + 1
"""Pages followed at most: a service that keeps sending cursors cannot keep the run going."""


def search(client: Client, query: str) -> Found:
    """The records of `query` (Europe PMC syntax, e.g. `TITLE:"wound healing" AND PUB_YEAR:[2020 TO 2026]`)."""
    cursor = "*"
    records: list[Record] = []
    count = 0
    for _ in range(MAX_PAGES):
        params: dict[str, str | int] = {
            "query": query,
            "format": "json",
            "resultType": "lite",
            "pageSize": PAGE,
            "cursorMark": cursor,
        }
        data = client.get_json(SERVICE, url(BASE, params))
        if not isinstance(data, dict):
            raise FetchError(SERVICE, "the response is not a JSON object; not the documented format")
        hits = data.get("hitCount")
        if not isinstance(hits, int) or isinstance(hits, bool):
            raise FetchError(SERVICE, "hitCount is missing or not a number; not the documented format")
        count = hits
        if count > MAX_RECORDS:
            raise FetchError(SERVICE, _too_many(count))
        page = (data.get("resultList") or {}).get("result") if isinstance(data.get("resultList"), dict) else None
        if not isinstance(page, list):
            raise FetchError(SERVICE, "resultList.result is not a list; not the documented format")
        records.extend(record(r) for r in page if isinstance(r, dict))
        nxt = data.get("nextCursorMark")
        if not page or not isinstance(nxt, str) or not nxt or nxt == cursor or len(records) >= count:
            break
        cursor = nxt
    return Found(SERVICE, query, count, tuple(records))


def record(r: dict[str, Any]) -> Record:
    names = [n.strip() for n in clean(r.get("authorString"), 10_000).rstrip(".").split(",")]
    return Record(
        SERVICE,
        clean(r.get("title"), MAX_TITLE).rstrip(".") or "(no title)",
        authors(names),
        clean(r.get("journalTitle")) or None,
        year(r.get("pubYear")),
        doi(r.get("doi")),
        pmid(r.get("pmid")),
        pmcid(r.get("pmcid")) if r.get("pmcid") else None,
    )
