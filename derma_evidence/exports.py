"""Downloads built into the site: claims.json, claims.csv, references as CSL-JSON, references.bib, the schema.

Pure functions of the knowledge base and the source bytes; deterministic bytes (fixed key order,
`\\n` line ends, UTF-8, no timestamps).
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from typing import Any

from derma_evidence import citations
from derma_evidence.model import Claim, KnowledgeBase, Quantity

CSV_COLUMNS = (
    "id",
    "topic",
    "statement",
    "verdict",
    "certainty",
    "measure",
    "min",
    "max",
    "unit",
    "sources",
    "note",
    "reviewed",
    "article",
)


def _dumps(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _quantity(q: Quantity | None) -> dict[str, Any] | None:
    if q is None:
        return None
    out: dict[str, Any] = {"measure": q.measure, "min": q.min, "max": q.max, "unit": q.unit}
    return {k: v for k, v in out.items() if v is not None}


def _claim(c: Claim, csl: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": c.id,
        "topic": c.topic,
        "statement": c.statement,
        "quantity": _quantity(c.quantity),
        "verdict": c.verdict,
        "certainty": c.certainty,
        "sources": [
            {
                "key": s.key,
                "stance": s.stance,
                "locator": s.locator,
                "quote": s.quote,
                "reference": csl.get(s.key or ""),
            }
            for s in c.sources
        ],
        "note": c.note,
        "reviewed": c.reviewed,
        "article": list(c.article),
    }


def claims_json(kb: KnowledgeBase) -> bytes:
    """Topics and claims, each source with its resolved reference (as CSL-JSON)."""
    csl = {r.key: citations.to_csl(r) for r in kb.references}
    return _dumps(
        {
            "topics": [{"id": t.id, "title": t.title, "summary": t.summary} for t in kb.topics],
            "claims": [_claim(c, csl) for c in kb.claims],
        }
    )


def _cell(value: object) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def claims_csv(kb: KnowledgeBase) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for c in kb.claims:
        q = c.quantity
        w.writerow(
            [
                _cell(v)
                for v in (
                    c.id,
                    c.topic,
                    c.statement,
                    c.verdict,
                    c.certainty,
                    q.measure if q else None,
                    q.min if q else None,
                    q.max if q else None,
                    q.unit if q else None,
                    "; ".join(s.key for s in c.sources if s.key),
                    c.note,
                    c.reviewed,
                    " ".join(str(n) for n in c.article),
                )
            ]
        )
    return buf.getvalue().encode("utf-8")


def references_csl(kb: KnowledgeBase) -> bytes:
    return _dumps([citations.to_csl(r) for r in kb.references])


def schema_bytes() -> bytes:
    return resources.files("derma_evidence").joinpath("claims.schema.json").read_bytes()


def all_exports(kb: KnowledgeBase, bib_bytes: bytes) -> dict[str, bytes]:
    """File name -> bytes, for every download (names as in render.DOWNLOADS)."""
    return {
        "claims.json": claims_json(kb),
        "claims.csv": claims_csv(kb),
        "references.csl.json": references_csl(kb),
        "references.bib": bib_bytes,
        "claims.schema.json": schema_bytes(),
    }
