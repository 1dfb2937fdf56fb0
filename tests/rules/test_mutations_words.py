"""Issue 18 (words): meaning-changing edits to a copy of the real data each fail with their code at their line.

Each mutation replaces one passage of data/claims.yaml; the check must then report the named code on
the line where the change reads (the field's line for a folded answer). The unchanged data passes. The
kinds: an intensifier below high certainty, an effect claimed beside an absence, an unhedged claim, a
stronger hedge, a size word above its judgement, a missing or wrong bottom line, an answer above its
claims, a rating on a "No studies found" row, a rated row without its rating, an absence stated without
its row, publication bias against its status, a judgement without its footnote, an unresolved overlap.
"""

from __future__ import annotations

import datetime as dt

import pytest

from derma_evidence.pipeline import check_bytes
from tests.conftest import ROOT

DATA = (ROOT / "data" / "claims.yaml").read_text("utf-8")
BIB = (ROOT / "references.bib").read_bytes()
TODAY = dt.date(2026, 12, 7)

AE_FINDING = (
    "finding: It is very uncertain whether adding microneedling to minoxidil increases mild, short-lived side "
    "effects such as itching and redness; the trials and a meta-analysis reported such events as mild or "
    "self-limiting."
)

# (name, code, old, new, anchor): `anchor` is the text of the line the diagnostic must point at, found at or
# before the end of the replacement.
MUTATIONS = [
    (
        "effect claimed beside an absence (very low)",
        "A044",
        "It is very uncertain whether microneedling on its own regrows hair.",
        "Microneedling on its own regrows hair, although no trial compared it with a sham.",
        "answer: >-",
    ),
    (
        "intensifier with a stray 'may' and the month May (very low)",
        "A043",
        AE_FINDING,
        "finding: It is very uncertain, but microneedling clearly increases side effects; you may see them in May.",
        "finding: ",
    ),
    (
        "unhedged effect claim (very low)",
        "A045",
        AE_FINDING,
        "finding: It is very uncertain whether microneedling increases itching, but it causes redness in everyone.",
        "finding: ",
    ),
    (
        "stronger hedge than the certainty allows (very low)",
        "A011",
        AE_FINDING,
        "finding: Adding microneedling to minoxidil may increase mild, short-lived side effects.",
        "finding: ",
    ),
    (
        "a rule of thumb named where it does not apply",
        "A041",
        "bottom_line: {direction: increase, size: small, rule: judgement,",
        "bottom_line: {direction: increase, size: large, rule: cohen-d,",
        "bottom_line: {direction: increase, size: large, rule: cohen-d,",
    ),
    (
        "direction against the best estimate's interval",
        "A042",
        "        claims: [mn-plus-minoxidil-beats-minoxidil-in-rcts, mn-plus-minoxidil-vs-minoxidil-meta-analyses]\n",
        '        bottom_line: {direction: decrease, size: large, rule: cohen-d, reason: "Ahmed 2025 SMD 1.32."}\n'
        "        claims: [mn-plus-minoxidil-beats-minoxidil-in-rcts, mn-plus-minoxidil-vs-minoxidil-meta-analyses]\n",
        "bottom_line: {direction: decrease",
    ),
    (
        "answer raised above its very-low claims by dropping the serious-harms row",
        "A047",
        "    certainty: very-low\n    rests_on:\n      outcomes: [mn-minoxidil-vs-minoxidil--adverse-events, "
        "mn-minoxidil-vs-minoxidil--serious-harms]",
        "    certainty: low\n    rests_on:\n      outcomes: [mn-minoxidil-vs-minoxidil--adverse-events]",
        "    certainty: low",
    ),
    (
        "a certainty on a No-studies row",
        "A048",
        "        evidence: none\n        claims: [home-devices-and-device-type]",
        "        evidence: none\n        certainty: very-low\n        claims: [home-devices-and-device-type]",
        "        certainty: very-low",
    ),
    (
        "a No-studies row loses its marker",
        "A049",
        "        evidence: none\n        claims: [home-devices-and-device-type]",
        "        claims: [home-devices-and-device-type]",
        "- id: hair-count",
    ),
    (
        "an answer says nothing was found but rests on no such row",
        "A051",
        "      outcomes: [mn-minoxidil-vs-minoxidil--hair-count, interval-vs-interval--hair-count]",
        "      outcomes: [mn-minoxidil-vs-minoxidil--hair-count]",
        "      outcomes: [mn-minoxidil-vs-minoxidil--hair-count]",
    ),
    (
        "publication bias status against its judgement",
        "A052",
        'publication_bias: {judgement: serious, status: strongly-suspected, reason: "Our judgement: suspected. ',
        'publication_bias: {judgement: serious, status: undetected, reason: "Our judgement: suspected. ',
        "status: undetected",
    ),
    (
        "a not-serious judgement without its footnote",
        "A053",
        'indirectness: {judgement: not-serious, reason: "Our judgement: both sources compare microneedling with and '
        'without PRP in pattern hair loss."}',
        "indirectness: {judgement: not-serious}",
        "indirectness: {judgement: not-serious}",
    ),
    (
        "overlapping reviews with no best estimate",
        "A054",
        '            overlap: {role: best, reason: "Our judgement: the most recent review, and the only pooled '
        "hair-count estimate",
        '            # overlap: {role: best, reason: "Our judgement: the most recent review, and the only pooled '
        "hair-count estimate",
        "pooled: true",
    ),
]


def _codes_at(text: str) -> set[tuple[int, str]]:
    result = check_bytes("claims.yaml", text.encode("utf-8"), "references.bib", BIB, TODAY)
    return {(d.line, d.code) for d in result.diagnostics if d.file == "claims.yaml"}


def test_the_unchanged_data_passes() -> None:
    assert _codes_at(DATA) == set()


@pytest.mark.parametrize(("name", "code", "old", "new", "anchor"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_each_mutation_fails_with_its_code_at_its_line(name: str, code: str, old: str, new: str, anchor: str) -> None:
    assert DATA.count(old) == 1, f"{name}: the passage to change is not unique in the data"
    pos = DATA.index(old)
    text = DATA.replace(old, new, 1)
    at = text.rfind(anchor, 0, pos + len(new))
    assert at >= 0, f"{name}: anchor not found"
    line = text.count("\n", 0, at) + 1
    found = _codes_at(text)
    assert (line, code) in found, f"{name}: expected {code} on line {line}, got {sorted(found)}"


def test_there_are_at_least_eight_kinds() -> None:
    assert len({m[1] for m in MUTATIONS}) >= 8
