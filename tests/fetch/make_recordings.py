"""Writes tests/fetch/recorded/: synthetic responses in each service's documented format (run once; committed).

Every record is synthetic ("Synthetic record N", DOIs under Crossref's test prefix 10.5555, PMIDs
from 90000001 and NCT ids from NCT99000001, none assigned to a real paper or trial). Where each
format is documented is written into each file's `documented` field and in tests/fetch/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent / "recorded"
EUTILS = "NCBI Bookshelf NBK25499, The E-utilities In-Depth (ESearch/ESummary, retmode=json)"
EPMC = (
    "europepmc.org/RestfulWebService (search, format=json, resultType=lite); web service release note 6.6 (cursorMark)"
)
CTGOV = "clinicaltrials.gov/data-api/api (GET /api/v2/studies, countTotal, pageToken; study data structure)"
CROSSREF = (
    "github.com/CrossRef/rest-api-doc api_format.md (Work, Update);"
    " Crossref tutorial get-rw-metadata (updated-by, source)"
)


def ok(body: object) -> dict[str, object]:
    return {"status": 200, "headers": {"Content-Type": "application/json"}, "json": body}


def text(status: int, body: str, **headers: str) -> dict[str, object]:
    return {"status": status, "headers": {"Content-Type": "text/plain", **headers}, "text": body}


def summary(uid: str, n: int, doi: str | None, pmc: str | None = None) -> dict[str, object]:
    ids = [{"idtype": "pubmed", "idtypen": 1, "value": uid}]
    if doi:
        ids.append({"idtype": "doi", "idtypen": 3, "value": doi})
    if pmc:
        ids.append({"idtype": "pmc", "idtypen": 8, "value": pmc})
    return {
        "uid": uid,
        "pubdate": f"{2020 + n} Mar",
        "epubdate": "",
        "source": "Synth J",
        "authors": [
            {"name": f"Synthetic A{n}", "authtype": "Author", "clusterid": ""},
            {"name": "Example B", "authtype": "Author", "clusterid": ""},
        ],
        "title": f"Synthetic record {n}.",
        "fulljournalname": "Synthetic Journal of Examples",
        "articleids": ids,
        "pubtype": ["Journal Article"],
    }


def esearch(ids: list[str], count: int | None = None) -> dict[str, object]:
    return {
        "header": {"type": "esearch", "version": "0.3"},
        "esearchresult": {
            "count": str(len(ids) if count is None else count),
            "retmax": str(len(ids)),
            "retstart": "0",
            "idlist": ids,
            "translationset": [],
            "querytranslation": "synthetic[All Fields]",
        },
    }


def epmc_result(n: int, doi: str | None, pmid: str | None = None, pmcid: str | None = None) -> dict[str, object]:
    r: dict[str, object] = {"id": pmid or f"PPR9{n:05d}", "source": "MED" if pmid else "PPR"}
    if pmid:
        r["pmid"] = pmid
    if pmcid:
        r["pmcid"] = pmcid
    if doi:
        r["doi"] = doi
    r.update(
        {
            "title": f"Synthetic record {n}.",
            "authorString": f"Synthetic A{n}, Example B.",
            "journalTitle": "Synth J",
            "pubYear": str(2020 + n),
            "pubType": "journal article",
        }
    )
    return r


def epmc(results: list[dict[str, object]], hits: int, cursor: str | None, query: str) -> dict[str, object]:
    body: dict[str, object] = {"version": "6.9", "hitCount": hits}
    if cursor is not None:
        body["nextCursorMark"] = cursor
    body["request"] = {
        "queryString": query,
        "resultType": "lite",
        "cursorMark": "*",
        "pageSize": 1000,
        "sort": "",
        "synonym": False,
    }
    body["resultList"] = {"result": results}
    return body


def study(nct: str, n: int) -> dict[str, object]:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct, "briefTitle": f"Synthetic record {n}"},
            "statusModule": {"studyFirstPostDateStruct": {"date": f"{2020 + n}-01-15", "type": "ACTUAL"}},
            "sponsorCollaboratorsModule": {"leadSponsor": {"name": "Synthetic Sponsor", "class": "OTHER"}},
        },
        "hasResults": False,
    }


def work(doi: str, updated_by: list[dict[str, object]] | None = None) -> dict[str, object]:
    message: dict[str, object] = {
        "DOI": doi,
        "type": "journal-article",
        "title": ["Synthetic record 1"],
        "container-title": ["Synthetic Journal of Examples"],
        "issued": {"date-parts": [[2021, 3]]},
    }
    if updated_by is not None:
        message["updated-by"] = updated_by
    return {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}


def update(doi: str, kind: str, label: str, date: list[int], source: str) -> dict[str, object]:
    return {"updated": {"date-parts": [date]}, "DOI": doi, "type": kind, "label": label, "source": source}


FILES: dict[str, dict[str, object]] = {
    # PubMed: a search of 3 records (one shares its DOI with the Europe PMC record 1), empty, errors.
    "pubmed/esearch-three.json": {
        "documented": EUTILS,
        "match": ["esearch.fcgi", "term=synthetic"],
        "response": ok(esearch(["90000001", "90000002", "90000003"])),
    },
    "pubmed/esummary-three.json": {
        "documented": EUTILS,
        "match": ["esummary.fcgi", "id=90000001%2C90000002%2C90000003"],
        "response": ok(
            {
                "header": {"type": "esummary", "version": "0.3"},
                "result": {
                    "uids": ["90000001", "90000002", "90000003"],
                    "90000001": summary("90000001", 1, "10.5555/synthetic.1", "PMC9900001"),
                    "90000002": summary("90000002", 2, "10.5555/synthetic.2"),
                    "90000003": summary("90000003", 3, None),
                },
            }
        ),
    },
    "pubmed/esearch-empty.json": {"documented": EUTILS, "match": ["esearch.fcgi"], "response": ok(esearch([]))},
    "pubmed/esearch-error.json": {
        "documented": EUTILS + ": an empty term is answered with esearchresult.ERROR",
        "match": ["esearch.fcgi"],
        "response": ok(
            {
                "header": {"type": "esearch", "version": "0.3"},
                "esearchresult": {"ERROR": "Empty term and query_key - nothing todo"},
            }
        ),
    },
    "pubmed/esearch-too-many.json": {
        "documented": EUTILS,
        "match": ["esearch.fcgi"],
        "response": ok(esearch(["90000001"], count=25000)),
    },
    "pubmed/esummary-uid-error.json": {
        "documented": EUTILS + ": a uid ESummary cannot summarise",
        "match": ["esummary.fcgi"],
        "response": ok(
            {
                "header": {"type": "esummary", "version": "0.3"},
                "result": {
                    "uids": ["90000009"],
                    "90000009": {"uid": "90000009", "error": "cannot get document summary"},
                },
            }
        ),
    },
    "pubmed/429.json": {
        "documented": "NCBI E-utilities usage policy (NBK25497): over the rate limit, HTTP 429 with a JSON error",
        "match": ["eutils.ncbi.nlm.nih.gov"],
        "response": {
            "status": 429,
            "headers": {"Content-Type": "application/json", "Retry-After": "2"},
            "json": {"error": "API rate limit exceeded", "api-key": "0.0.0.0", "count": "4", "limit": "3"},
        },
    },
    "pubmed/500.json": {
        "documented": "HTTP 500 from any service: the body is shown as the service's message",
        "match": ["eutils.ncbi.nlm.nih.gov"],
        "response": text(500, "Internal Server Error\n\x1b[31mforged\x1b[0m"),
    },
    "pubmed/malformed.json": {
        "documented": "a body cut short: not JSON",
        "match": ["esearch.fcgi"],
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "text": '{"header": {"type": "esearch"}, "esearchresult": {"count": "3", "idl',
        },
    },
    # Europe PMC: two pages (the second repeats its cursor: the end), and an empty search.
    "europepmc/page-1.json": {
        "documented": EPMC,
        "match": ["europepmc", "cursorMark=%2A"],
        "response": ok(
            epmc(
                [
                    epmc_result(1, "10.5555/SYNTHETIC.1", "90000001", "PMC9900001"),
                    epmc_result(4, "10.5555/synthetic.4"),
                ],
                3,
                "AoIIQKfYxyg0NDIyNjA1Nw==",
                "synthetic",
            )
        ),
    },
    "europepmc/page-2.json": {
        "documented": EPMC,
        "match": ["europepmc", "cursorMark=AoIIQKfYxyg0NDIyNjA1Nw%3D%3D"],
        "response": ok(epmc([epmc_result(5, None)], 3, "AoIIQKfYxyg0NDIyNjA1Nw==", "synthetic")),
    },
    "europepmc/empty.json": {"documented": EPMC, "match": ["europepmc"], "response": ok(epmc([], 0, None, "nothing"))},
    # ClinicalTrials.gov: two pages joined by nextPageToken, and a 400 with its plain-text message.
    "ctgov/page-1.json": {
        "documented": CTGOV,
        "match": ["clinicaltrials.gov", "countTotal=true"],
        "response": ok({"totalCount": 2, "studies": [study("NCT99000001", 6)], "nextPageToken": "NF0g5JGBlPMv"}),
    },
    "ctgov/page-2.json": {
        "documented": CTGOV,
        "match": ["clinicaltrials.gov", "pageToken=NF0g5JGBlPMv"],
        "response": ok({"totalCount": 2, "studies": [study("NCT99000002", 7)]}),
    },
    "ctgov/400.json": {
        "documented": CTGOV + ": error bodies are text/plain",
        "match": ["clinicaltrials.gov"],
        "response": text(400, "Parameter `query.term` has incorrect format"),
    },
    # Crossref: a retracted work (Retraction Watch and the publisher), a corrected one, a clean one, 404, malformed.
    "crossref/retracted.json": {
        "documented": CROSSREF,
        "match": ["api.crossref.org/works/10.5555/synthetic.1"],
        "response": ok(
            work(
                "10.5555/synthetic.1",
                [
                    update("10.5555/synthetic.1.notice", "retraction", "Retraction", [2026, 10, 1], "retraction-watch"),
                    update("10.5555/synthetic.1.notice", "retraction", "Retraction", [2026, 10, 1], "publisher"),
                ],
            )
        ),
    },
    "crossref/corrected.json": {
        "documented": CROSSREF,
        "match": ["api.crossref.org/works/10.5555/synthetic.2"],
        "response": ok(
            work(
                "10.5555/synthetic.2",
                [update("10.5555/synthetic.2.erratum", "correction", "Correction", [2025, 6], "publisher")],
            )
        ),
    },
    "crossref/clean.json": {
        "documented": CROSSREF,
        "match": ["api.crossref.org/works/10.5555/synthetic.3"],
        "response": ok(work("10.5555/synthetic.3")),
    },
    "crossref/404.json": {
        "documented": "Crossref REST API: an unknown DOI is HTTP 404 with a plain-text body",
        "match": ["api.crossref.org/works/"],
        "response": text(404, "Resource not found."),
    },
    "crossref/malformed.json": {
        "documented": "a body that is JSON but not a work message",
        "match": ["api.crossref.org/works/"],
        "response": ok(
            {"status": "failed", "message-type": "validation-failure", "message": [{"type": "doi", "message": "bad"}]}
        ),
    },
}


def main() -> None:
    for name, data in FILES.items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=True) + "\n", "utf-8")


if __name__ == "__main__":
    main()
