"""Rendering of the answers layer without MkDocs: view-models, geometry, pages, the home fragment."""

from __future__ import annotations

import re

import pytest

from derma_evidence import render
from derma_evidence.pipeline import Result
from derma_evidence.render import words
from derma_evidence.render.charts import forest, rob
from derma_evidence.render.pages import answers


@pytest.fixture(scope="module")
def ctx(result: Result) -> render.Context:
    return render.Context.of(result.kb)


@pytest.fixture(scope="module")
def pages(result: Result, ctx: render.Context) -> dict[str, str]:
    return {p.path: p.content for p in render.render_site(result.kb, ctx=ctx)}


def test_answers_page_has_one_anchor_per_question(pages: dict[str, str]) -> None:
    page = pages["answers.md"]
    assert re.findall(r'<h2 id="([a-z0-9-]+)">', page) == ["does-it-work", "daily-rolling", "scarring-depth"]
    assert 'href="../findings/#mn-minoxidil-vs-minoxidil--hair-count"' in page
    assert "Low certainty of the evidence" in page and "Very low certainty of the evidence" in page
    assert "&#123;&#123; 7&#42;7 &#125;&#125; &lt;b&gt;stays&lt;/b&gt;" in page  # data stays text


def test_summary_of_findings_cards_with_lettered_footnotes(pages: dict[str, str]) -> None:
    page = pages["findings.md"]
    assert page.count('<article class="derma-outcome"') == 3  # two rated outcomes and one "No studies found" row
    assert '<nav class="derma-sof-index"' in page and 'href="#mn-minoxidil-vs-minoxidil--hair-count"' in page
    card = re.search(
        r'<article class="derma-outcome" aria-labelledby="mn-minoxidil-vs-minoxidil--hair-count">.*?</article>',
        page,
        re.S,
    )
    assert card
    text = card.group(0)
    assert "SMD 1.2 (95% CI 0.8 to 1.6); I² 40%; 3 studies" in text
    assert 'href="#fn_mn-minoxidil-vs-minoxidil--hair-count_a"' in text
    # certainty and the plain-language finding come first, then the effects
    assert text.index("Low certainty") < text.index('class="derma-finding"') < text.index("Effect as reported")
    notes = re.findall(
        r'<li id="fn_[^"]+_([a-z])"><span class="derma-fn-letter">[a-z]</span> (Downgraded[^<]*)</li>', page
    )
    assert [n[0] for n in notes] == ["a", "d", "g", "j"]  # every judgement has its footnote (issue 18)
    assert "Downgraded 2 levels for imprecision (very serious)" in notes[3][1]
    assert "Judgements are Evidence knowledge base's." in page  # the publisher: no project given, the default


def test_forest_plot_geometry(result: Result) -> None:
    outcome = result.kb.outcome_map()["mn-minoxidil-vs-minoxidil--hair-count"]
    plots, missing = forest.forest_plots(outcome)
    assert len(plots) == 1 and plots[0]["measure"] == "SMD" and not plots[0]["log"]
    (row,) = plots[0]["rows"]
    assert row.pooled and row.diamond
    assert plots[0]["left"] <= row.x_low < row.x < row.x_high <= plots[0]["right"]
    assert plots[0]["null_x"] < row.x_low  # 0 is left of a CI of 0.8 to 1.6
    assert "I² 40%" in row.text and "k = 3" in row.text
    assert [m[0] for m in missing] == ["Dhurat 2013"]  # arm values: listed, never plotted
    assert "no estimate with a CI" in missing[0][1]


def test_ratio_forest_plot_is_on_a_log_axis(result: Result) -> None:
    outcome = result.kb.outcome_map()["mn-minoxidil-vs-minoxidil--adverse-events"]
    (plot,), missing = forest.forest_plots(outcome)
    assert plot["log"] and missing == ()
    (row,) = plot["rows"]
    assert row.x_low < plot["null_x"] < row.x_high  # RR 0.5 to 2.4 straddles 1
    left, right = plot["null_x"] - row.x_low, row.x_high - plot["null_x"]
    assert right > left  # log(2.4) > -log(0.5)


def test_rob_chart_uses_symbols_and_a_legend(ctx: render.Context) -> None:
    chart = rob.rob_chart(ctx, ctx.linker("trials.md"))
    (row,) = chart["rows"]
    assert [c.symbol for c in row.cells] == ["\u2212", "+", "+", "\u2212", "+", "\u2212"]
    assert [c.words for c in row.cells][-1] == "Some concerns"
    assert [w for *_, w in chart["legend"]] == ["Low", "Some concerns", "High"]
    assert [h for _, h in chart["heads"]] == ["D1", "D2", "D3", "D4", "D5", "Overall"]


def test_trials_page_shows_rob_and_review_inclusions(pages: dict[str, str]) -> None:
    page = pages["trials.md"]
    assert '<h2 id="risk_of_bias">' in page and 'id="rob_chart"' in page
    assert '<h2 id="review_inclusions">' in page and "Included" in page


def test_questions_fragment_for_the_home_page(ctx: render.Context) -> None:
    out = render.fill_markers("# Home\n\n<!-- derma:questions -->\n", ctx, "index.md")
    assert re.findall(r'class="derma-question" href="answers/#([a-z-]+)"', out) == [
        "does-it-work",
        "daily-rolling",
        "scarring-depth",
    ]
    assert "Added to minoxidil, microneedling may increase hair counts." in out
    assert 'href="glossary/#certainty-low"' in out and "Very low certainty" in out


def test_questions_fragment_without_questions(result: Result) -> None:
    from dataclasses import replace

    kb = replace(result.kb, questions=())
    out = answers.questions_fragment(render.Context.of(kb), "index.md")
    assert "being written" in out and 'href="topics/needle-depth/"' in out


def test_effect_text_is_as_reported(result: Result) -> None:
    om = result.kb.outcome_map()
    arms = om["mn-minoxidil-vs-minoxidil--hair-count"].effects[1]
    assert words.effect_text(arms) == "Microneedling + minoxidil: 91.4 vs Minoxidil: 22.2 hairs/cm2"


def test_claim_badges_name_what_they_judge(pages: dict[str, str]) -> None:
    page = pages["topics/needle-depth.md"]
    assert "Statement: supported by its sources" in page
    assert "Certainty of the evidence: Low" in page
    assert "Verdict: Supported" not in page
    assert 'href="../../glossary/#verdict-supported"' in page and 'href="../../glossary/#certainty-low"' in page


def test_answers_json_export(result: Result) -> None:
    import json

    from derma_evidence.export import files as exports

    data = json.loads(exports.all_exports(result.kb, b"")["answers.json"])
    assert [q["id"] for q in data["questions"]] == ["does-it-work", "daily-rolling", "scarring-depth"]
    (comparison,) = data["comparisons"]
    hair = comparison["outcomes"][0]
    # the same walk as claims.json: the YAML's shape (an outcome's id is its own, under its comparison's)
    assert (comparison["id"], hair["id"]) == ("mn-minoxidil-vs-minoxidil", "hair-count") and hair["certainty"] == "low"
    assert hair["grade"]["imprecision"] == {"judgement": "serious", "reason": "Few small trials."}
    assert hair["effects"][0]["ci_low"] == 0.8 and "null" not in json.dumps(data)
    assert data["risk_of_bias"][0]["overall"] == "some-concerns"
    assert data["reviews"][0]["included"] == ["dhurat2013"]


def test_links_into_the_bibliography_use_its_anchors(pages: dict[str, str]) -> None:
    """Effect sources, review columns and trial keys link to `ref_<key>`, the anchor the references page has."""
    anchors = set(re.findall(r'id="(ref_[^"]+)"', pages["references.md"]))
    linked = [
        a for path, page in pages.items() if path != "references.md" for a in re.findall(r'references/#([^"]+)"', page)
    ]
    assert linked, "no page links into the bibliography"
    assert set(linked) <= anchors, set(linked) - anchors
