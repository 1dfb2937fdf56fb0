"""Issue 18 in the summary of findings: the computed line, every judgement's footnote, "No studies found" rows,
overlapping estimates shown but not drawn as independent diamonds, and no empty review matrix."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from derma_evidence.model.bottomline import Overlap
from derma_evidence.pipeline import Result
from derma_evidence.render.charts import forest


def _row(page: str, anchor: str) -> str:
    m = re.search(rf'<article class="derma-outcome" aria-labelledby="{anchor}">.*?</article>', page, re.S)
    assert m, anchor
    return html.unescape(m.group(0))


def test_the_computed_line_leads_the_finding(pages: dict[str, str]) -> None:
    row = _row(pages["findings.md"], "mn-minoxidil-vs-minoxidil--hair-count")
    assert (
        '<p class="derma-computed">Weekly microneedling plus topical minoxidil may result in a large increase in '
        'hair count (change from baseline).</p><p class="derma-finding">Adding microneedling' in row
    )
    very_low = _row(pages["findings.md"], "mn-minoxidil-vs-minoxidil--adverse-events")
    assert (
        "The evidence is very uncertain about the effect of weekly microneedling plus topical minoxidil on " in very_low
    )


def test_every_judgement_has_its_footnote(pages: dict[str, str]) -> None:
    notes = re.findall(
        r'<li id="fn_mn-minoxidil-vs-minoxidil--hair-count_([a-z])">'
        r'<span class="derma-fn-letter">[a-z]</span> ([^<]*)</li>',
        pages["findings.md"],
    )
    texts = [html.unescape(t) for _, t in notes]
    assert [t.split(":")[0] for t in texts] == [
        "Downgraded 1 level for risk of bias (serious)",
        "Not downgraded for inconsistency (not serious)",
        "Not downgraded for indirectness (not serious)",
        "Downgraded 1 level for imprecision (serious)",
        "Not downgraded for publication bias not assessed (not serious)",
        "Size of effect",
    ]
    assert texts[-1].startswith("Size of effect: large (Cohen's rule of thumb (SMD 0.2 small, 0.5 moderate, 0.8")


def test_a_row_without_studies_says_so_and_is_not_rated(pages: dict[str, str]) -> None:
    row = _row(pages["findings.md"], "mn-minoxidil-vs-minoxidil--daily-use")
    assert "<li>No studies found.</li>" in row
    assert "Not rated: no studies found" in row and "derma-grade" not in row
    assert "No studies found: we found no study that measured the effect on hair count with daily rolling" in row
    assert "none (0 studies)" in row


def test_overlapping_estimates_are_named_and_drawn_open(result: Result) -> None:
    o = result.kb.outcome_map()["mn-minoxidil-vs-minoxidil--hair-count"]
    pooled = o.effects[0]
    twin = replace(pooled, label="Second review", overlap=Overlap("overlapping", None, pooled.pos))
    best = replace(pooled, overlap=Overlap("best", "The most recent.", pooled.pos))
    o2 = replace(o, effects=(best, twin, *o.effects[1:]))
    (plot,), _ = forest.forest_plots(o2)
    first, second = plot["rows"]
    assert first.diamond and not first.overlapping
    assert second.overlapping and second.diamond == ""
    assert plot["overlapping"]


def test_no_empty_review_matrix(pages: dict[str, str]) -> None:
    trials = pages["trials.md"]
    if "Which trials each review included" in trials and "<caption>Trials (rows)" not in trials:
        assert "None of the pages we read lists the trials a review included" in trials
