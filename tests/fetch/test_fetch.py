"""The fetch layer on recorded responses: PubMed, Europe PMC, ClinicalTrials.gov, Crossref, and the HTTP policy.

Each recording says where its service documents the format (tests/fetch/recorded/*/*.json, field
`documented`; written by tests/fetch/make_recordings.py). Records are synthetic. Waits are recorded
by a fake clock, never measured.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from derma_evidence.fetch import crossref, ctgov, europepmc, http, pubmed, records
from derma_evidence.fetch.http import FetchError, Request
from tests._replay import Replay, Sleeps, client, load


def reply(match: list[str], status: int = 200, body: Any = None, text: str = "", **headers: str) -> dict[str, Any]:
    r: dict[str, Any] = {"status": status, "headers": headers}
    r["json" if body is not None else "text"] = body if body is not None else text
    return {"documented": "test", "match": match, "response": r}


# --- PubMed -------------------------------------------------------------------------------------------


def test_pubmed_search_returns_typed_records_in_order() -> None:
    replay = Replay("pubmed/esearch-three.json", "pubmed/esummary-three.json")
    found = pubmed.search(client(replay), "synthetic")
    assert found.count == 3 and found.database == "pubmed"
    first, second, third = found.records
    assert first == records.Record(
        "pubmed",
        "Synthetic record 1",
        ("Synthetic A1", "Example B"),
        "Synthetic Journal of Examples",
        2021,
        "10.5555/synthetic.1",
        "90000001",
        "PMC9900001",
    )
    assert first.ids == ("doi:10.5555/synthetic.1", "pmid:90000001", "pmcid:PMC9900001")
    assert second.doi == "10.5555/synthetic.2" and third.doi is None and third.key == "pmid:90000003"
    assert "tool=derma-evidence" in replay.sent[0] and "api_key" not in replay.sent[0]
    assert "retmode=json" in replay.sent[0] and "retmax=1000" in replay.sent[0]


def test_pubmed_rate_is_three_a_second_and_ten_with_a_key() -> None:
    sleeps = Sleeps()
    pubmed.search(client(Replay("pubmed/esearch-three.json", "pubmed/esummary-three.json"), sleeps), "synthetic")
    assert sleeps.waits == [0.333]
    sleeps = Sleeps()
    replay = Replay("pubmed/esearch-three.json", "pubmed/esummary-three.json")
    pubmed.search(client(replay, sleeps, pubmed="KEY123"), "synthetic")
    assert sleeps.waits == [0.1]
    assert all("api_key=KEY123" in u for u in replay.sent)


def test_pubmed_date_limits_go_into_the_query() -> None:
    replay = Replay("pubmed/esearch-empty.json")
    found = pubmed.search(client(replay), "synthetic", mindate="2020/01/01", maxdate="2026/12/01")
    assert found.count == 0 and found.records == ()
    assert "datetype=pdat&mindate=2020%2F01%2F01&maxdate=2026%2F12%2F01" in replay.sent[0]


def test_pubmed_summaries_are_asked_in_batches() -> None:
    ids = [str(90000001 + i) for i in range(pubmed.BATCH * 2 + 1)]
    search = reply(["esearch.fcgi"], body={"esearchresult": {"count": str(len(ids)), "idlist": ids}})
    batches = [ids[i : i + pubmed.BATCH] for i in range(0, len(ids), pubmed.BATCH)]
    summaries = [
        reply(["esummary.fcgi", "id=" + "%2C".join(b)], body={"result": {u: {"title": f"Synthetic {u}"} for u in b}})
        for b in batches
    ]
    replay = Replay(extra=[search, *summaries])
    found = pubmed.search(client(replay), "synthetic")
    assert [r.pmid for r in found.records] == ids and len(replay.sent) == 4


@pytest.mark.parametrize(
    ("recording", "message"),
    [
        ("pubmed/esearch-error.json", "pubmed: Empty term and query_key - nothing todo"),
        ("pubmed/malformed.json", "pubmed: the response cannot be read: not valid JSON"),
        ("pubmed/esearch-too-many.json", "pubmed: the search found 25000 records, more than the limit of 1000"),
    ],
)
def test_pubmed_failures_are_one_clear_error(recording: str, message: str) -> None:
    with pytest.raises(FetchError) as err:
        pubmed.search(client(Replay(recording)), "synthetic")
    assert str(err.value).startswith(message)


def test_pubmed_record_limit_at_and_past() -> None:
    at = reply(["esearch.fcgi"], body={"esearchresult": {"count": str(records.MAX_RECORDS), "idlist": []}})
    assert pubmed.search(client(Replay(extra=[at])), "x").count == records.MAX_RECORDS
    past = reply(["esearch.fcgi"], body={"esearchresult": {"count": str(records.MAX_RECORDS + 1), "idlist": []}})
    with pytest.raises(FetchError, match="more than the limit"):
        pubmed.search(client(Replay(extra=[past])), "x")


def test_pubmed_uid_it_cannot_summarise_fails_the_search() -> None:
    search = reply(["esearch.fcgi"], body={"esearchresult": {"count": "1", "idlist": ["90000009"]}})
    with pytest.raises(FetchError, match="PMID 90000009: cannot get document summary"):
        pubmed.search(client(Replay("pubmed/esummary-uid-error.json", extra=[search])), "x")


# --- the HTTP policy: retries, Retry-After, bounds ---------------------------------------------------------


def test_429_waits_as_told_then_succeeds() -> None:
    sleeps = Sleeps()
    replay = Replay("pubmed/429.json", "pubmed/esearch-empty.json")
    assert pubmed.search(client(replay, sleeps), "synthetic").count == 0
    assert sleeps.waits == [2.0] and len(replay.sent) == 2


def test_retry_after_as_an_http_date() -> None:
    sleeps = Sleeps()
    # the fake wall clock is 1_700_000_000 = Tue, 14 Nov 2023 22:13:20 GMT; 30 s later:
    busy = reply(["eutils"], 503, text="busy", **{"Retry-After": "Tue, 14 Nov 2023 22:13:50 GMT"})
    pubmed.search(client(Replay("pubmed/esearch-empty.json", extra=[busy]), sleeps), "x")
    assert sleeps.waits == [30.0]


def test_a_wait_past_the_limit_is_not_waited() -> None:
    sleeps = Sleeps()
    at = reply(["eutils"], 429, text="slow down", **{"Retry-After": str(int(http.MAX_WAIT))})
    pubmed.search(client(Replay("pubmed/esearch-empty.json", extra=[at]), sleeps), "x")
    assert sleeps.waits == [http.MAX_WAIT]
    past = reply(["eutils"], 429, text="slow down", **{"Retry-After": str(int(http.MAX_WAIT) + 1)})
    with pytest.raises(FetchError, match=r"HTTP 429: slow down \(asked to wait 121 s, more than 120 s\)"):
        pubmed.search(client(Replay(extra=[past])), "x")


def test_500_is_retried_a_bounded_number_of_times_with_backoff() -> None:
    sleeps = Sleeps()
    replay = Replay(*["pubmed/500.json"] * http.MAX_ATTEMPTS)
    with pytest.raises(FetchError) as err:
        pubmed.search(client(replay, sleeps), "synthetic")
    assert len(replay.sent) == http.MAX_ATTEMPTS
    assert sleeps.waits == [2.0, 4.0, 8.0]
    assert str(err.value) == "pubmed: HTTP 500: Internal Server Error [31mforged [0m (gave up after 4 tries)"
    assert "\x1b" not in str(err.value)


def test_the_last_try_may_succeed() -> None:
    replay = Replay(*["pubmed/500.json"] * (http.MAX_ATTEMPTS - 1), "pubmed/esearch-empty.json")
    assert pubmed.search(client(replay), "synthetic").count == 0


def test_no_response_is_retried_then_reported() -> None:
    timeouts = [{"documented": "test", "match": ["eutils"], "error": "timed out"}] * http.MAX_ATTEMPTS
    with pytest.raises(FetchError, match=r"pubmed: no response \(timed out\) \(gave up after 4 tries\)"):
        pubmed.search(client(Replay(extra=timeouts)), "x")


def test_an_error_status_that_retrying_cannot_fix_fails_at_once() -> None:
    replay = Replay("ctgov/400.json")
    with pytest.raises(FetchError, match="ctgov: HTTP 400: Parameter `query.term` has incorrect format"):
        ctgov.search(client(replay), "x")
    assert len(replay.sent) == 1


def test_body_size_at_and_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    body = json.dumps({"esearchresult": {"count": "0", "idlist": []}})
    monkeypatch.setattr(http, "MAX_BODY", len(body))
    assert pubmed.search(client(Replay(extra=[reply(["eutils"], text=body)])), "x").count == 0
    monkeypatch.setattr(http, "MAX_BODY", len(body) - 1)
    with pytest.raises(FetchError, match="larger than"):
        pubmed.search(client(Replay(extra=[reply(["eutils"], text=body)])), "x")


def test_json_depth_at_and_past_the_limit() -> None:
    ok = "[" * http.MAX_JSON_DEPTH + "]" * http.MAX_JSON_DEPTH
    assert http.parse_json("s", ok.encode()) is not None
    deep = "[" * (http.MAX_JSON_DEPTH + 1) + "]" * (http.MAX_JSON_DEPTH + 1)
    with pytest.raises(FetchError, match="nests deeper than 64"):
        http.parse_json("s", deep.encode())
    with pytest.raises(FetchError, match="nests deeper"):
        http.parse_json("s", b"[" * 200_000)  # would be a RecursionError in json.loads
    assert http.parse_json("s", b'["[[[[", "\\"[["]') == ["[[[[", '"[[']  # brackets in strings do not count


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"\xff\xfe{}", "not UTF-8"), (b"", "not valid JSON"), (b"<html>busy</html>", "not valid JSON")],
)
def test_malformed_bodies(body: bytes, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        http.parse_json("europepmc", body)


def test_user_agent_names_the_project_and_contact() -> None:
    assert http.user_agent("My KB", "0.1.0", "me@example.org") == "My KB (derma-evidence/0.1.0; mailto:me@example.org)"
    assert http.user_agent("\x1b[2J", "0.1.0") == "[2J (derma-evidence/0.1.0)"
    replay = Replay("pubmed/esearch-empty.json")
    seen: list[Request] = []
    c = client(replay)
    c.transport = lambda r: (seen.append(r), replay(r))[1]
    pubmed.search(c, "x")
    assert dict(seen[0].headers)["User-Agent"] == "Test KB (derma-evidence/0)"


# --- Europe PMC, ClinicalTrials.gov -------------------------------------------------------------------------


def test_europepmc_follows_the_cursor_until_it_repeats() -> None:
    replay = Replay("europepmc/page-1.json", "europepmc/page-2.json")
    found = europepmc.search(client(replay), "synthetic")
    assert found.count == 3 and len(replay.sent) == 2
    assert [r.title for r in found.records] == ["Synthetic record 1", "Synthetic record 4", "Synthetic record 5"]
    assert found.records[0].doi == "10.5555/synthetic.1"  # lowercased
    assert found.records[0].authors == ("Synthetic A1", "Example B")
    assert found.records[2].ids == ()  # a preprint with no DOI or PMID: kept, with no id
    assert "resultType=lite" in replay.sent[0] and "format=json" in replay.sent[0]


def test_europepmc_empty_and_without_cursor() -> None:
    found = europepmc.search(client(Replay("europepmc/empty.json")), "nothing")
    assert found.count == 0 and found.records == ()


def test_europepmc_pages_are_bounded() -> None:
    pages = [
        reply(["europepmc"], body={"hitCount": 1000, "nextCursorMark": f"c{i}", "resultList": {"result": [{}]}})
        for i in range(europepmc.MAX_PAGES + 5)
    ]
    replay = Replay(extra=pages)
    europepmc.search(client(replay), "x")
    assert len(replay.sent) == europepmc.MAX_PAGES


@pytest.mark.parametrize(
    "body",
    [[], {"hitCount": "3"}, {"hitCount": 3, "resultList": {"result": "x"}}, {"hitCount": 3, "resultList": []}],
)
def test_europepmc_undocumented_shapes_are_one_error(body: Any) -> None:
    with pytest.raises(FetchError, match="europepmc: .*not the documented format"):
        europepmc.search(client(Replay(extra=[reply(["europepmc"], body=body)])), "x")


def test_ctgov_follows_the_page_token() -> None:
    replay = Replay("ctgov/page-1.json", "ctgov/page-2.json")
    found = ctgov.search(client(replay), "synthetic")
    assert [r.nct for r in found.records] == ["NCT99000001", "NCT99000002"]
    assert found.records[0] == records.Record(
        "ctgov", "Synthetic record 6", ("Synthetic Sponsor",), "ClinicalTrials.gov", 2026, nct="NCT99000001"
    )
    assert "pageToken" not in replay.sent[0] and "pageToken=NF0g5JGBlPMv" in replay.sent[1]


# --- Crossref --------------------------------------------------------------------------------------------


def test_crossref_reads_retractions_corrections_and_their_sources() -> None:
    c = client(Replay("crossref/retracted.json", "crossref/corrected.json", "crossref/clean.json"))
    retracted = crossref.notices(c, "https://doi.org/10.5555/SYNTHETIC.1", "me@example.org")
    assert retracted is not None
    assert {(n.status, n.notice_doi, n.date, n.source) for n in retracted} == {
        ("retracted", "10.5555/synthetic.1.notice", "2026-10-01", "retraction-watch"),
        ("retracted", "10.5555/synthetic.1.notice", "2026-10-01", "publisher"),
    }
    corrected = crossref.notices(c, "10.5555/synthetic.2")
    assert corrected is not None and [(n.status, n.date) for n in corrected] == [("corrected", "2025-06")]
    assert crossref.notices(c, "10.5555/synthetic.3") == ()


def test_crossref_unknown_doi_is_none_and_bad_answers_are_errors() -> None:
    assert crossref.notices(client(Replay("crossref/404.json")), "10.5555/unknown") is None
    with pytest.raises(FetchError, match="not a work message"):
        crossref.notices(client(Replay("crossref/malformed.json")), "10.5555/x")
    with pytest.raises(FetchError, match="'not a doi' is not a DOI"):
        crossref.notices(client(Replay()), "not a doi")


def test_crossref_asks_politely_with_mailto() -> None:
    replay = Replay("crossref/clean.json")
    crossref.notices(client(replay), "10.5555/synthetic.3", "me@example.org")
    assert replay.sent == ["https://api.crossref.org/works/10.5555/synthetic.3?mailto=me%40example.org"]


# --- records ------------------------------------------------------------------------------------------------


def test_text_from_a_service_is_cleaned_and_bounded() -> None:
    assert records.clean("A\x1b[31m\u202eB\ufffe\u0000C\n  D") == "A[31mBC D"
    assert len(records.clean("x" * 10_000, records.MAX_TITLE)) == records.MAX_TITLE
    assert records.clean(None) == "" and records.clean(True) == "" and records.clean(2021) == "2021"
    assert records.authors([f"A{i}" for i in range(records.MAX_AUTHORS)])[-1] == f"A{records.MAX_AUTHORS - 1}"
    assert records.authors([f"A{i}" for i in range(records.MAX_AUTHORS + 1)])[-1] == "et al."


@pytest.mark.parametrize(
    ("fn", "value", "expected"),
    [
        (records.doi, "doi:10.5555/ABC", "10.5555/abc"),
        (records.doi, "10.5555", None),
        (records.doi, "10.5555/a b", None),
        (records.pmid, "0123", None),
        (records.pmid, "90000001", "90000001"),
        (records.pmcid, "9900001", "PMC9900001"),
        (records.nct, "nct99000001", "NCT99000001"),
        (records.nct, "NCT9900001", None),
        (records.year, "2020 Mar 5", 2020),
        (records.year, "n.d.", None),
    ],
)
def test_identifiers_are_normalised_or_dropped(fn: Any, value: str, expected: object) -> None:
    assert fn(value) == expected


def test_every_recording_names_its_documentation() -> None:
    from tests.conftest import RECORDED

    names = sorted(str(p.relative_to(RECORDED)) for p in RECORDED.rglob("*.json"))
    assert len(names) >= 15
    for name in names:
        assert load(name)["documented"]


# --- the real transport, against a local server (no network) -----------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        status = 429 if "busy" in self.path else 200
        body = json.dumps({"agent": self.headers.get("User-Agent")}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if status == 429:
            self.send_header("Retry-After", "7")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def test_urllib_transport_returns_status_headers_and_body(server: str) -> None:
    ok = http.urllib_transport(Request("t", server + "/ok", (("User-Agent", "UA 1"),), timeout=5))
    assert ok.status == 200 and json.loads(ok.body) == {"agent": "UA 1"}
    busy = http.urllib_transport(Request("t", server + "/busy", timeout=5))
    assert busy.status == 429 and busy.header("retry-after") == "7"


def test_urllib_transport_turns_a_refused_connection_into_oserror() -> None:
    with pytest.raises(OSError):
        http.urllib_transport(Request("t", "http://127.0.0.1:9/", timeout=2))
