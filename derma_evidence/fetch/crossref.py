"""Crossref's REST API, `GET /works/{doi}`: the notices (retraction, correction, expression of concern) of a work.

Documented format (github.com/CrossRef/rest-api-doc, api_format.md; Crossref's tutorial "Get
Retraction Watch metadata from Crossref's API"): `{"status": "ok", "message-type": "work",
"message": {"DOI", "title": [...], "updated-by": [Update], "update-to": [Update]}}` where an Update
is `{"updated": {"date-parts": [[y, m, d]]}, "DOI", "type", "label", "source"}`. `updated-by` on a
work lists the notices that update it (their DOI); `source` says whether the publisher or Retraction
Watch reported it. An unknown DOI is HTTP 404 ("Resource not found."): not an error, no notices.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from derma_evidence.fetch.http import Client, FetchError, url
from derma_evidence.fetch.records import Notice, clean, doi

SERVICE = "crossref"
BASE = "https://api.crossref.org/works/"
MAX_UPDATES = 100
"""Updates read per work; a record listing more is refused as not the documented format."""


def _date(value: Any) -> str | None:
    parts = value.get("date-parts") if isinstance(value, dict) else None
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    nums = [p for p in first[:3] if isinstance(p, int) and not isinstance(p, bool)]
    if not nums or not 1000 <= nums[0] <= 9999:
        return None
    return "-".join([f"{nums[0]:04d}", *(f"{n:02d}" for n in nums[1:])])


def notices(client: Client, work: str, mailto: str | None = None) -> tuple[Notice, ...] | None:
    """The notices updating `work` (a DOI), newest last; None when Crossref does not know the DOI."""
    wanted = doi(work)
    if wanted is None:
        raise FetchError(SERVICE, f"'{clean(work, 80)}' is not a DOI")
    address = url(BASE + urllib.parse.quote(wanted, safe="/:;()"), {"mailto": mailto} if mailto else {})
    try:
        data = client.get_json(SERVICE, address)
    except FetchError as exc:
        if exc.message.startswith("HTTP 404"):
            return None
        raise
    if not isinstance(data, dict) or data.get("status") != "ok" or not isinstance(data.get("message"), dict):
        raise FetchError(SERVICE, "the response is not a work message (status ok); not the documented format")
    updates = data["message"].get("updated-by") or []
    if not isinstance(updates, list) or len(updates) > MAX_UPDATES:
        raise FetchError(SERVICE, f"{wanted}: `updated-by` is not a list of at most {MAX_UPDATES} updates")
    out = []
    for u in updates:
        if not isinstance(u, dict):
            continue
        kind = clean(u.get("type"), 60).lower()
        if not kind:
            continue
        out.append(
            Notice(
                wanted,
                kind,
                doi(u.get("DOI")),
                _date(u.get("updated")),
                clean(u.get("source"), 60),
                clean(u.get("label"), 60),
            )
        )
    return tuple(sorted(out, key=lambda n: (n.date or "", n.kind, n.notice_doi or "")))
