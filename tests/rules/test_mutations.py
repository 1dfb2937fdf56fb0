"""Meaning-changing edits to a copy of the real data each fail with their code, at their line (issue 18).

Every mutation below changes what the knowledge base says (a number, a sign, a design, a judgement, a
count) in a way a reader could not see from the page; the checker must report it with the expected code
on the expected line, while the unchanged data passes. A mutation is a list of edits, each the first
occurrence of `old` after an `anchor` (so one edit can target one row among many alike), and the line
the diagnostic must point at: the line of the first edit, moved by `delta` lines (a deleted line's
diagnostic points at the line before it), or the line of the first `at` text after the first edit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from derma_evidence.diagnostics import Severity
from derma_evidence.pipeline import check_bytes
from tests.conftest import DATA_TODAY, ROOT

CLAIMS = (ROOT / "data" / "claims.yaml").read_text("utf-8")
BIB = (ROOT / "references.bib").read_text("utf-8")
TODAY = DATA_TODAY  # the real data's reviewed dates (tests/conftest.py)


@dataclass(frozen=True)
class Edit:
    old: str
    new: str
    anchor: str = ""
    bib: bool = False


@dataclass(frozen=True)
class Mutation:
    name: str
    code: str
    edits: tuple[Edit, ...]
    delta: int = 0
    at: str | None = None
    at_from_anchor: bool = False


def _apply(text: str, e: Edit) -> tuple[str, int]:
    start = text.index(e.anchor) if e.anchor else 0
    i = text.index(e.old, start)
    return text[:i] + e.new + text[i + len(e.old) :], i


def _mutate(m: Mutation) -> tuple[str, str, int]:
    claims, bib, first = CLAIMS, BIB, -1
    for e in m.edits:
        if e.bib:
            bib, _ = _apply(bib, e)
        else:
            claims, i = _apply(claims, e)
            if first < 0:
                first = claims.index(e.anchor) if m.at_from_anchor else i
    assert first >= 0, "a mutation edits the claims file"
    if m.at is not None:
        first = claims.index(m.at, first)
    line = claims.count("\n", 0, first) + 1 + m.delta
    return claims, bib, line


def _errors(claims: str, bib: str) -> list[tuple[int, str]]:
    result = check_bytes("claims.yaml", claims.encode(), "references.bib", bib.encode(), TODAY)
    return [(d.line, d.code) for d in result.diagnostics if d.severity == Severity.ERROR and d.file == "claims.yaml"]


HAIR_COUNT = "id: hair-count\n"
ADISTRI = "  - key: adistri2024\n    design: rct"
DHURAT = "  - key: dhurat2013\n    design: rct"
LIANG = "  - key: liang2022\n    design: rct"
PRP_ROW = "id: hair-count-mn-added-to-prp"
NON_RANDOMISED_ROW = "id: global-assessment-non-randomised"
DEPTH_ROW = "id: depth-0-6-vs-1-2-mm"
XU_LATE = "(SMD: 0.64: 95%, CI: 0.35, 0.92"
FAGHIHI = "  - key: faghihi2021\n    design: controlled-trial"


def _line_after(anchor: str, start: str) -> str:
    """The whole line (with its newline) that begins with `start`, first after `anchor`."""
    i = CLAIMS.index("\n" + start, CLAIMS.index(anchor)) + 1
    return CLAIMS[i : CLAIMS.index("\n", i) + 1]


MUTATIONS = [
    # --- issue 18's first set -------------------------------------------------------------------------
    Mutation(
        "arm value 91.4 becomes 19.4",
        "A016",
        (Edit("{label: Microneedling + minoxidil, value: 91.4}", "{label: Microneedling + minoxidil, value: 19.4}"),),
    ),
    Mutation(
        "a CI bound flips from 0.35 to -0.35 (the quote still prints 0.35)",
        "A016",
        (Edit("            ci_low: 0.35\n", "            ci_low: -0.35\n"),),
    ),
    Mutation(
        'p "= .007" becomes "= .7"',
        "A016",
        (Edit('p: "= .04 (group A); = .007 (group B)"', 'p: "= .04 (group A); = .7 (group B)"'),),
    ),
    Mutation(
        "a high-risk trial's row turns 'not serious' for risk of bias",
        "A029",
        (
            Edit(
                _line_after("id: hair-density\n", "          risk_of_bias:"),
                '          risk_of_bias: {judgement: not-serious, reason: "Our judgement: small open trials."}\n',
                "id: hair-density\n",
            ),
        ),
    ),
    Mutation(
        "a non-randomised study is listed under a randomised start",
        "A028",
        (
            Edit(
                "        trials: [dhurat2013]\n        studies: 1\n",
                "        trials: [dhurat2013, faghihi2021]\n        studies: 2\n",
            ),
        ),
        at="start: randomised",
    ),
    Mutation(
        "studies: 11 next to 3 listed trials",
        "A022",
        (Edit("        studies: 3\n", "        studies: 11\n"),),
    ),
    Mutation(
        "an observational row is upgraded by 5 levels",
        "A030",
        (
            Edit(
                "          upgrades: []\n",
                "          upgrades: [{factor: large-effect, levels: 5, reason: A large effect.}]\n",
                NON_RANDOMISED_ROW,
            ),
        ),
    ),
    Mutation(
        "an observational row is upgraded despite serious risk of bias",
        "A031",
        (
            Edit(
                "          upgrades: []\n",
                "          upgrades: [{factor: dose-response, levels: 1, reason: A gradient.}]\n",
                NON_RANDOMISED_ROW,
            ),
        ),
    ),
    # --- issue 18's hostile set -----------------------------------------------------------------------
    Mutation("value: .nan", "A018", (Edit("            value: 1.32\n", "            value: .nan\n"),)),
    Mutation("ci_high: .inf", "A018", (Edit("            ci_high: 1.92\n", "            ci_high: .inf\n"),)),
    Mutation("I² of 140", "A019", (Edit("            i2: 88\n", "            i2: 140\n"),)),
    Mutation("p = 1.5", "A019", (Edit('            p: "< 0.01"\n', '            p: "= 1.5"\n'),)),
    Mutation(
        "a negative risk-ratio bound", "A019", (Edit("            ci_low: 1.62\n", "            ci_low: -1.62\n"),)
    ),
    Mutation(
        "a 9-level upgrade",
        "A030",
        (
            Edit(
                "          upgrades: []\n",
                "          upgrades: [{factor: plausible-confounding, levels: 9, reason: Confounding.}]\n",
                DEPTH_ROW,
            ),
        ),
    ),
    Mutation(
        "a review count below its listed studies",
        "A027",
        (
            Edit(
                "  - key: ahmed2025\n    included: []\n    count: 12\n",
                "  - key: ahmed2025\n    included: [dhurat2013, kumar2018, pmid32516497]\n    count: 2\n",
            ),
        ),
        delta=2,
    ),
    Mutation(
        "RoB 2 on a cohort study",
        "A032",
        (Edit("design: rct", "design: cohort", "\n  - key: shah2017\n"),),
        at="    rob:\n",
        delta=1,
    ),
    Mutation(
        "an effect cites a retracted paper",
        "A034",
        (
            Edit("@article{xu2024,\n", "@article{xu2024,\n  status = {retracted},\n", bib=True),
            Edit("key: xu2024", "key: xu2024"),
        ),
    ),
    # --- our own -------------------------------------------------------------------------------------
    Mutation(
        "an arm value goes back into its label",
        "A020",
        (
            Edit(
                "{label: Microneedling + minoxidil, value: 12.52}",
                '{label: "Microneedling + minoxidil, value: 12.52"}',
            ),
        ),
    ),
    Mutation("a decimal slips: 12.52 becomes 1.252", "A016", (Edit("value: 12.52}", "value: 1.252}"),)),
    Mutation("an SMD's sign flips", "A016", (Edit("            value: 1.16\n", "            value: -1.16\n"),)),
    Mutation(
        "an arm size nobody printed",
        "A016",
        (Edit("{label: Minoxidil, value: 22.2}", "{label: Minoxidil, value: 22.2, n: 50}"),),
    ),
    Mutation(
        "a finding claims an increase on an interval that now crosses no effect",
        "A021",
        (
            Edit(XU_LATE, "(SMD: 0.64: 95%, CI: -0.35, 0.92"),
            Edit("            ci_low: 0.35\n", "            ci_low: -0.35\n"),
            Edit(
                "finding: It is very uncertain whether adding microneedling to topical minoxidil increases",
                "finding: Adding microneedling to topical minoxidil increases",
            ),
        ),
        at="ci_low: -0.35",
    ),
    Mutation("participants inflated tenfold", "A023", (Edit("participants: 60\n", "participants: 600\n", PRP_ROW),)),
    Mutation("a row's participants removed", "A024", (Edit("        participants: 60\n", "", PRP_ROW),), delta=-2),
    Mutation(
        "a pooled estimate loses its review",
        "A025",
        (Edit("            pooled_from: {review: pei2024, not_reported: [studies]}\n", ""),),
        delta=-1,
    ),
    Mutation(
        "a pooled estimate names a review we hold no record of",
        "A026",
        (Edit("pooled_from: {review: pei2024,", "pooled_from: {review: pei2042,"),),
    ),
    Mutation(
        "a non-randomised study loses its risk-of-bias tool",
        "A033",
        (Edit(_line_after(FAGHIHI, "    rob_tool:"), "", FAGHIHI),),
        at="design: controlled-trial",
        at_from_anchor=True,
    ),
    Mutation(
        "signalling answers changed, judgement kept",
        "A036",
        (Edit("answers: NI NI NI}", "answers: Y Y N}", DHURAT),),
    ),
    Mutation(
        "a domain judgement lowered, answers kept",
        "A036",
        (Edit("missing_data: {judgement: high,", "missing_data: {judgement: low,", ADISTRI),),
    ),
    Mutation(
        "an overall judgement softened",
        "A012",
        (Edit("      overall: high\n", "      overall: some-concerns\n", ADISTRI),),
    ),
    Mutation(
        "an answer RoB 2 does not offer (NI at 3.2)",
        "A035",
        (Edit("answers: PY NA NA NA}", "answers: N NI NA NA}", LIANG),),
    ),
    Mutation("signalling answers removed", "A037", (Edit(", answers: NI NI NI}", "}", DHURAT),)),
    Mutation(
        "an assessment claims a result whose row does not list the trial",
        "A039",
        (
            Edit(
                "results: [mn-minoxidil-vs-minoxidil--hair-count]",
                "results: [mn-minoxidil-vs-minoxidil--hair-density]",
                DHURAT,
            ),
        ),
    ),
    Mutation(
        "an override that changes nothing",
        "A038",
        (
            Edit(
                "      overall: high\n",
                "      overall: high\n      override: {judgement: high, reason: Several concerns.}\n",
                DHURAT,
            ),
        ),
        delta=1,
    ),
]


def test_the_unchanged_data_passes() -> None:
    assert _errors(CLAIMS, BIB) == []


@pytest.mark.parametrize("m", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_mutation_fails_with_its_code_at_its_line(m: Mutation) -> None:
    claims, bib, line = _mutate(m)
    errors = _errors(claims, bib)
    assert (line, m.code) in errors, f"{m.name}: expected {m.code} on line {line}, got {errors}"


def test_there_are_at_least_twenty_mutations() -> None:
    assert len(MUTATIONS) >= 20
    assert len({m.name for m in MUTATIONS}) == len(MUTATIONS)
