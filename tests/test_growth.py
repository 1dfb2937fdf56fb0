"""The check's cost grows linearly with the data: measured as ratios between two sizes, never as times.

Each rule must do its work once per check, not once per item: a rule that rebuilds a map of the
outcomes for every question, or sorts every claim id for every change, costs the product of two
sizes, which doubling one size at a time hides. So all the data grows together here (x8): linear
cost grows about x8, such products x64.
"""

from __future__ import annotations

import sys

from derma_evidence import rules
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.pipeline import check_bytes
from tests._growth import assert_cpu_grows
from tests.conftest import ROOT, TODAY

sys.path.insert(0, str(ROOT / "scripts"))
from synthetic import generate  # noqa: E402


def _kb(scale: int) -> KnowledgeBase:
    claims, bib = generate(
        500 * scale, 100 * scale, n_topics=7, n_questions=250 * scale, n_comparisons=125 * scale, n_changes=250 * scale
    )
    r = check_bytes("claims.yaml", claims.encode(), "references.bib", bib.encode(), TODAY)
    assert not r.errors, r.errors[:3]
    return r.kb


def test_rules_are_linear_in_all_the_data_at_once() -> None:
    small, big = _kb(1), _kb(8)
    assert len(big.questions) == 8 * len(small.questions) and len(big.changes) == 8 * len(small.changes)
    assert_cpu_grows(lambda: rules.run(small), lambda: rules.run(big), 8, margin=3)
