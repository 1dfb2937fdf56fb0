"""Downloads built into the site: claims.json, claims.csv, references as CSL-JSON, references.bib, the schema.

Pure functions of the knowledge base and the source bytes; deterministic bytes (fixed key order,
`\\n` line ends, UTF-8, no timestamps).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from derma_evidence import citations
from derma_evidence.model import Claim, Effect, Judgement, KnowledgeBase, Outcome, Quantity

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


def _claim(c: Claim, csl: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
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


def _csl(kb: KnowledgeBase, csl: Mapping[str, dict[str, Any]] | None) -> Mapping[str, dict[str, Any]]:
    return csl if csl is not None else {r.key: citations.to_csl(r) for r in kb.references}


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


def claims_json(kb: KnowledgeBase, csl: Mapping[str, dict[str, Any]] | None = None) -> bytes:
    """Topics and claims, each source with its resolved reference (as CSL-JSON).

    One topic or claim per line: still readable and diffable, and written by the json module's C
    encoder (an indented dump of 10,000 claims takes the pure-Python encoder several times longer).
    """
    items = _csl(kb, csl)
    topics = [_compact({"id": t.id, "title": t.title, "summary": t.summary}) for t in kb.topics]
    claims = [_compact(_claim(c, items)) for c in kb.claims]
    text = (
        '{\n  "topics": [\n    '
        + ",\n    ".join(topics)
        + '\n  ],\n  "claims": [\n    '
        + ",\n    ".join(claims)
        + "\n  ]\n}\n"
    )
    return text.encode("utf-8")


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


def references_csl(kb: KnowledgeBase, csl: Mapping[str, dict[str, Any]] | None = None) -> bytes:
    return _dumps(list(_csl(kb, csl).values()))


def schema_bytes() -> bytes:
    return resources.files("derma_evidence").joinpath("claims.schema.json").read_bytes()


def all_exports(
    kb: KnowledgeBase, bib_bytes: bytes, csl: Mapping[str, dict[str, Any]] | None = None
) -> dict[str, bytes]:
    """File name -> bytes, for every download (names as in render.DOWNLOADS).

    `csl` is the build's CSL-JSON by key (`citations.Bibliography.csl`), so references are converted
    once per build; without it they are converted here.
    """
    return {
        "claims.json": claims_json(kb, csl),
        "claims.csv": claims_csv(kb),
        "answers.json": answers_json(kb),
        "references.csl.json": references_csl(kb, csl),
        "references.bib": bib_bytes,
        "claims.schema.json": schema_bytes(),
    }


# --- the answers layer --------------------------------------------------------------------------


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {}}


def _judgements(domains: tuple[tuple[str, Judgement], ...]) -> dict[str, Any]:
    return {name: _drop_none({"judgement": j.judgement, "reason": j.reason}) for name, j in domains}


def _effect(e: Effect) -> dict[str, Any]:
    src = e.source
    return _drop_none(
        {
            "source": _drop_none({"key": src.key, "locator": src.locator, "quote": src.quote}) if src else None,
            "label": e.label,
            "pooled": e.pooled or None,
            "measure": e.measure,
            "value": e.value,
            "ci_low": e.ci_low,
            "ci_high": e.ci_high,
            "unit": e.unit,
            "i2": e.i2,
            "studies": e.studies,
            "participants": e.participants,
            "p": e.p,
            "arms": [_drop_none({"label": a.label, "value": a.value, "n": a.n}) for a in e.arms],
        }
    )


def _outcome(o: Outcome) -> dict[str, Any]:
    g = o.grade
    return _drop_none(
        {
            "id": o.full_id,
            "name": o.name,
            "importance": o.importance,
            "time_point": o.time_point,
            "trials": [t.id for t in o.trials],
            "studies": o.studies,
            "participants": o.participants,
            "effects": [_effect(e) for e in o.effects],
            "certainty": o.certainty,
            "grade": _drop_none(
                {
                    "start": g.start,
                    **_judgements(g.domains),
                    "upgrades": [
                        _drop_none({"factor": u.factor, "levels": u.levels, "reason": u.reason}) for u in g.upgrades
                    ],
                }
            )
            if g
            else None,
            "finding": o.finding,
            "claims": [c.id for c in o.claims],
            "note": o.note,
        }
    )


def answers_json(kb: KnowledgeBase) -> bytes:
    """Questions, comparisons with their outcomes and effects, risk of bias per trial and review inclusions."""
    data = {
        "note": "GRADE and risk-of-bias judgements are Derma Evidence's; effects are as the sources report them.",
        "questions": [
            _drop_none(
                {
                    "id": q.id,
                    "question": q.question,
                    "short": q.short,
                    "answer": q.answer,
                    "certainty": q.certainty,
                    "rests_on": _drop_none(
                        {"outcomes": [r.id for r in q.outcomes], "claims": [r.id for r in q.claims]}
                    ),
                    "topic": q.topic,
                }
            )
            for q in kb.questions
        ],
        "comparisons": [
            _drop_none(
                {
                    "id": c.id,
                    "title": c.title,
                    "population": c.population,
                    "intervention": c.intervention,
                    "comparator": c.comparator,
                    "topic": c.topic,
                    "outcomes": [_outcome(o) for o in c.outcomes],
                    "note": c.note,
                }
            )
            for c in kb.comparisons
        ],
        "risk_of_bias": [
            _drop_none(
                {"trial": t.key, "outcome": t.rob.outcome, **_judgements(t.rob.domains), "overall": t.rob.overall}
            )
            for t in kb.trials
            if t.rob is not None
        ],
        "reviews": [
            _drop_none(
                {
                    "key": r.key,
                    "included": [i.id for i in r.included],
                    "count": r.count,
                    "locator": r.locator,
                    "quote": r.quote,
                    "unverified": r.unverified,
                }
            )
            for r in kb.reviews
        ],
    }
    return _dumps(data)
