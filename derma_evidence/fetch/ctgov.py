"""ClinicalTrials.gov's API version 2: `GET /api/v2/studies` (JSON), paged with `pageToken`.

Documented format (clinicaltrials.gov/data-api/api, "study data structure"): `{"totalCount": N
(with countTotal=true), "studies": [{"protocolSection": {"identificationModule": {"nctId",
"briefTitle"}, "statusModule": {"studyFirstPostDateStruct": {"date"}}, "sponsorCollaboratorsModule":
{"leadSponsor": {"name"}}}}], "nextPageToken": "..."}`; no `nextPageToken` on the last page. Error
bodies are plain text (e.g. HTTP 400 "Parameter `nctId` has incorrect format").
"""

from __future__ import annotations

from typing import Any

from derma_evidence.fetch.http import Client, FetchError, url
from derma_evidence.fetch.records import MAX_RECORDS, MAX_TITLE, Found, Record, clean, nct, too_many, year

SERVICE = "ctgov"
BASE = "https://clinicaltrials.gov/api/v2/studies"
PAGE = 100
"""Studies per page."""
MAX_PAGES = MAX_RECORDS // PAGE + 1
"""Pages followed at most."""
FIELDS = "NCTId,BriefTitle,StudyFirstPostDate,LeadSponsorName"


def _get(obj: Any, *path: str) -> Any:
    for name in path:
        obj = obj.get(name) if isinstance(obj, dict) else None
    return obj


def search(client: Client, term: str) -> Found:
    """The registered studies matching `term` (the `query.term` syntax of ClinicalTrials.gov)."""
    token: str | None = None
    records: list[Record] = []
    count = 0
    for _ in range(MAX_PAGES):
        params: dict[str, str | int] = {
            "query.term": term,
            "fields": FIELDS,
            "pageSize": PAGE,
            "countTotal": "true",
            "format": "json",
        }
        if token:
            params["pageToken"] = token
        data = client.get_json(SERVICE, url(BASE, params))
        if not isinstance(data, dict) or not isinstance(data.get("studies"), list):
            raise FetchError(SERVICE, "the response has no `studies` list; not the documented format")
        total = data.get("totalCount", count)
        if isinstance(total, int) and not isinstance(total, bool):
            count = total
        if count > MAX_RECORDS:
            raise FetchError(SERVICE, too_many(count))
        records.extend(r for r in (record(s) for s in data["studies"]) if r is not None)
        nxt = data.get("nextPageToken")
        if not isinstance(nxt, str) or not nxt or nxt == token:
            break
        token = nxt
    return Found(SERVICE, term, max(count, len(records)), tuple(records))


def record(study: Any) -> Record | None:
    ident = _get(study, "protocolSection", "identificationModule")
    nct_id = nct(_get(ident, "nctId"))
    if nct_id is None:
        return None
    sponsor = clean(_get(study, "protocolSection", "sponsorCollaboratorsModule", "leadSponsor", "name"))
    return Record(
        SERVICE,
        clean(_get(ident, "briefTitle"), MAX_TITLE) or "(no title)",
        (sponsor,) if sponsor else (),
        "ClinicalTrials.gov",
        year(_get(study, "protocolSection", "statusModule", "studyFirstPostDateStruct", "date")),
        nct=nct_id,
    )
