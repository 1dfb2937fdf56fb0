"""The clinical trials page: the trials table; its sections (risk of bias, reviews) come from the site map."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from derma_evidence.contract.vocab import ROB_TOOL_WORDS, ROB_WORDS
from derma_evidence.grade import rob2
from derma_evidence.model.claims import Trial
from derma_evidence.render.charts.rob import rob_chart
from derma_evidence.render.context import (
    PAGES,
    Context,
    Linker,
    Page,
    make_page,
    ref_anchor,
)
from derma_evidence.render.escape import render_template
from derma_evidence.render.words import design_label, format_range, judgements_note


@dataclass(frozen=True, slots=True)
class TrialVM:
    key: str
    short: str
    href: str
    design: str
    n: str
    population: str
    protocol: tuple[tuple[str, str], ...]  # (label, value) of each declared trial field (`vocabulary: trial_fields`)
    interval: str
    sessions: str
    duration: str
    co_treatment: str
    comparator: str
    outcome: str
    bias: str = ""
    """Risk of bias in words: the RoB 2 overall judgement and its result, or the tool (or none) and why."""


def bias_words(t: Trial) -> str:
    """`RoB 2, pain at week 12: high (overridden from some concerns: reason)` or `Not assessed: reason`."""
    if t.rob is not None:
        final = t.rob.final or ""
        text = f"RoB 2, {t.rob.outcome}: " if t.rob.outcome else "RoB 2: "
        text += ROB_WORDS.get(final, final).lower()
        if t.rob.override is not None:
            text += f" (an override of the algorithm's {ROB_WORDS.get(t.rob.overall or '', '').lower()}: "
            text += f"{t.rob.override.reason or ''})"
        return text
    if t.rob_tool is not None:
        tool = ROB_TOOL_WORDS.get(t.rob_tool.tool or "", t.rob_tool.tool or "")
        return f"{tool[:1].upper()}{tool[1:]}: {t.rob_tool.reason or ''}"
    return ""


def trial_vm(ctx: Context, link: Linker, t: Trial) -> TrialVM:
    key = t.key or ""
    return TrialVM(
        key=key,
        short=ctx.short(key),
        href=link(PAGES["references"], ref_anchor(key)),
        design=design_label(t.design),
        n=str(t.n) if t.n is not None else "",
        population=t.population or "",
        protocol=tuple(
            (label, format_range(t.protocol.get(name), vocab=ctx.kb.vocab))
            for name, _, label in ctx.kb.vocab.trial_fields
        ),
        interval=format_range(t.interval),
        sessions=str(t.sessions) if t.sessions is not None else "",
        duration=format_range(t.duration),
        co_treatment=t.co_treatment or "",
        comparator=t.comparator or "",
        outcome=t.outcome or "",
        bias=bias_words(t),
    )


def trials_page(ctx: Context) -> Page:
    path = PAGES["trials"]
    link = ctx.linker(path)
    trials = [trial_vm(ctx, link, t) for t in ctx.kb.trials]
    sections = [Markup(f(ctx, link)) for f in ctx.site_map.trials_sections]
    return make_page(
        path,
        "Clinical trials",
        "trials.html.j2",
        trials=trials,
        protocol_labels=[label for _, _, label in ctx.kb.vocab.trial_fields],
        figures_href=link(PAGES["figures"]),
        sections=sections,
        search_boost=0.5,
        wide=True,
    )


def trial_href(ctx: Context, link: Linker, key: str) -> Markup:
    if any(t.key == key for t in ctx.kb.trials):
        return link(PAGES["trials"], "trial-" + key)
    return link(PAGES["references"], ref_anchor(key))


# --- the sections the site map adds after the trials table: risk of bias and reviews -----------------


def rob_section(ctx: Context, link: Linker) -> str:
    chart = rob_chart(ctx, link)
    return render_template(
        "rob.html.j2", chart=chart, note=f"{judgements_note(ctx.project.publisher)} {rob2.ABSTRACT_NOTE}"
    )


def reviews_section(ctx: Context, link: Linker) -> str:
    """Which trials each review included: reviews across, the trials held here down, marked where included."""
    reviews = [r for r in ctx.kb.reviews if r.key]
    keys: list[str] = []
    for r in reviews:
        for inc in r.included:
            if inc.id not in keys:
                keys.append(inc.id)
    cols = [(ctx.short(r.key or ""), link(PAGES["references"], ref_anchor(r.key or ""))) for r in reviews]
    rows = []
    for k in keys:
        marks = []
        for r in reviews:
            ids = {i.id for i in r.included}
            if k in ids:
                marks.append("Included")
            elif r.unverified:
                marks.append("List not verified")
            else:
                marks.append("Not included")
        rows.append((ctx.short(k), trial_href(ctx, link, k), tuple(marks)))
    details = [
        (
            ctx.short(r.key or ""),
            link(PAGES["references"], ref_anchor(r.key or "")),
            str(r.count) if r.count is not None else "not seen",
            r.locator or "",
            r.quote or "",
            r.unverified or "",
        )
        for r in reviews
    ]
    return render_template("reviews.html.j2", cols=cols, rows=rows, details=details)
