"""Rendering of the answers layer: the Answers page, GRADE summaries of findings, forest plots, risk of bias.

View-models only (plain data, geometry computed here); the templates draw. Importing this module
registers its pages, its trials-page sections and the home page's `<!-- derma:questions -->`
marker with `render` (the pipeline's other pages stay in `render`). Only `render`'s public
helpers are used, so the module can move into a `render` package unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from derma_evidence.contract.vocab import (
    CERTAINTY_SYMBOLS,
    CERTAINTY_WORDS,
    GRADE_DOMAIN_WORDS,
    GRADE_DOWNGRADE,
    GRADE_START,
    JUDGEMENT_WORDS,
    LABELS,
)
from derma_evidence.grade import certainty as grade
from derma_evidence.grade import plain
from derma_evidence.grade.overlap import best_estimate, is_overlapping, overlaps
from derma_evidence.model.answers import Comparison, Outcome
from derma_evidence.render.charts.forest import forest_plots
from derma_evidence.render.context import PAGES, Context, Linker, Page, make_page, ref_anchor, topic_path
from derma_evidence.render.escape import attr, safe_id
from derma_evidence.render.pages.trials import trial_href
from derma_evidence.render.words import (
    certainty_words,
    effect_text,
    judgements_note,
    outcome_anchor,
    unverified_words,
)

# --- effects as reported ---------------------------------------------------------------------


START_WORDS = {"randomised": "randomised trials", "observational": "observational studies"}


def certainty_path(start: str, judgements: list[tuple[str, str]], upgrades: list[int]) -> str:
    """How an outcome's certainty was reached, in words: "Starts high (randomised trials); lowered 1 level for
    risk of bias and 1 for inconsistency: low." Never the bare arithmetic ("= -1 (floored ...)"): a result below
    very low reads "very low, the lowest level"."""
    result = grade.arithmetic(start, judgements, upgrades)
    downs = [
        (GRADE_DOWNGRADE.get(j, 0), GRADE_DOMAIN_WORDS.get(d, d.replace("_", " ")))
        for d, j in judgements
        if GRADE_DOWNGRADE.get(j, 0)
    ]
    text = f"Starts {CERTAINTY_WORDS[grade.level(GRADE_START[start])]} ({START_WORDS.get(start, start)})"
    if downs:
        first, *rest = downs
        steps = [f"{first[0]} level{'s' if first[0] > 1 else ''} for {first[1]}"]
        steps += [f"{n} for {words}" for n, words in rest]
        text += "; lowered " + (", ".join(steps[:-1]) + " and " + steps[-1] if len(steps) > 1 else steps[0])
    ups = sum(u for u in upgrades if u > 0) if start == "observational" else 0
    if ups:
        text += f"; raised {ups} level{'s' if ups > 1 else ''}"
    floor = ", the lowest level" if result.score < 1 else ""
    return f"{text}: {CERTAINTY_WORDS[result.certainty]}{floor}"


@dataclass(frozen=True, slots=True)
class EffectVM:
    label: str
    text: str
    cite: str
    cite_href: str
    locator: str
    quote: str
    unverified: str = ""  # "Authors and title not verified." when the cited entry lists `unverified` fields
    overlap: str = ""  # "best estimate" or "overlaps the best estimate (largely the same trials)", when marked


@dataclass(frozen=True, slots=True)
class FootnoteVM:
    letter: str
    anchor: str
    text: str


@dataclass(frozen=True, slots=True)
class OutcomeVM:
    anchor: str
    name: str
    importance: str
    time_point: str
    effects: tuple[EffectVM, ...]
    studies: str
    participants: str
    trials: tuple[tuple[str, str], ...]
    certainty: str
    certainty_words: str
    symbols: str
    notes: tuple[FootnoteVM, ...]
    sum: str
    finding: str
    claims: tuple[tuple[str, str], ...]
    note: str
    forests: tuple[dict[str, Any], ...]
    not_plottable: tuple[tuple[str, str], ...]
    computed: str = ""  # the computed bottom line (grade.plain): GRADE's statement, or "No studies found: ..."
    no_studies: bool = False  # `evidence: none`: no effects, no rating; the row says so
    best: str = ""  # label of the estimate the row stands on, where several reviews overlap
    overlapping: tuple[str, ...] = ()  # labels of the pooled estimates of largely the same trials


@dataclass(frozen=True, slots=True)
class ComparisonVM:
    anchor: str
    title: str
    population: str
    intervention: str
    comparator: str
    topic_title: str
    topic_href: str
    outcomes: tuple[OutcomeVM, ...]
    footnotes: tuple[FootnoteVM, ...]
    note: str


def counts_words(o: Outcome, name: str) -> str:
    """A count the row does not give: "not reported" when its sources do not report it, else blank."""
    return "not reported" if name in o.not_reported else ""


def _letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(97 + r) + s
    return s


def comparison_vm(ctx: Context, link: Linker, c: Comparison) -> ComparisonVM:
    footnotes: list[FootnoteVM] = []
    outcomes = []
    for o in c.outcomes:
        notes: list[FootnoteVM] = []

        def note(text: str, o_id: str = o.full_id or "", notes: list[FootnoteVM] = notes) -> None:
            letter = _letters(len(footnotes))
            fn = FootnoteVM(letter, attr(f"fn_{o_id}_{letter}"), text)
            footnotes.append(fn)
            notes.append(fn)

        g = o.grade
        if g is not None:
            for name, j in g.domains:
                note(_domain_note(name, j.judgement, j.reason, j.status))
            for u in g.upgrades:
                note(f"Upgraded {u.levels or 0} level(s) for {(u.factor or '').replace('-', ' ')}: {u.reason or ''}")
        bl = o.bottom_line
        if bl is not None and bl.size:
            rule = LABELS["size_rule"].get(bl.rule or "", bl.rule or "")
            note(f"Size of effect: {LABELS['effect_size'].get(bl.size, bl.size)} ({rule}): {bl.reason or ''}")
        best = best_estimate(o) if overlaps(o) else None
        overlapping = tuple(e.label or "" for e in o.effects if is_overlapping(e))
        if best is not None and best.overlap is not None:
            others = "; ".join(overlapping) or "none"
            note(f"Best estimate: {best.label or ''}: {best.overlap.reason or ''} Overlapping estimates: {others}.")
        total = ""
        if g is not None and g.start in GRADE_START:
            total = certainty_path(
                g.start, [(n, j.judgement or "") for n, j in g.domains], [u.levels or 0 for u in g.upgrades]
            )
        effects = []
        for e in o.effects:
            key = e.source.key if e.source and e.source.key else ""
            effects.append(
                EffectVM(
                    e.label or "",
                    effect_text(e),
                    ctx.short(key) if key else "",
                    link(PAGES["references"], ref_anchor(key)) if key in ctx.refs else Markup(""),
                    (e.source.locator or "") if e.source else "",
                    (e.source.quote or "") if e.source else "",
                    unverified_words(ctx.refs.get(key)),
                    _overlap_words(e.overlap.role if e.overlap else None),
                )
            )
        forests, not_plottable = forest_plots(o, c)
        outcomes.append(
            OutcomeVM(
                anchor=attr(outcome_anchor(o)),
                name=o.name or o.id or "",
                importance=(o.importance or "").replace("-", " "),
                time_point=o.time_point or "",
                effects=tuple(effects),
                studies="0"
                if o.no_evidence
                else str(o.studies)
                if o.studies is not None
                else counts_words(o, "studies"),
                participants="none"
                if o.no_evidence
                else str(o.participants)
                if o.participants is not None
                else "not reported",
                trials=tuple((ctx.short(t.id), trial_href(ctx, link, t.id)) for t in o.trials),
                certainty=o.certainty or "",
                certainty_words=certainty_words(o.certainty),
                symbols=CERTAINTY_SYMBOLS.get(o.certainty or "", ""),
                notes=tuple(notes),
                sum=total,
                finding=o.finding or "",
                claims=tuple((ctx.claim_title(r.id), ctx.claim_href(link, r.id)) for r in o.claims),
                note=o.note or "",
                forests=forests,
                not_plottable=not_plottable,
                computed=plain.computed_line(
                    o.certainty,
                    bl.direction if bl else None,
                    bl.size if bl else None,
                    c.intervention or c.title or "",
                    o.name or o.id or "",
                    o.no_evidence,
                ),
                no_studies=o.no_evidence,
                best=best.label or "" if best is not None else "",
                overlapping=overlapping,
            )
        )
    topic = c.topic or ""
    has_topic = topic in ctx.topic_titles
    return ComparisonVM(
        anchor=safe_id(c.id),
        title=c.title or c.id or "",
        population=c.population or "",
        intervention=c.intervention or "",
        comparator=c.comparator or "",
        topic_title=ctx.topic_titles.get(topic, "") if has_topic else "",
        topic_href=link(topic_path(topic)) if has_topic else Markup(""),
        outcomes=tuple(outcomes),
        footnotes=tuple(footnotes),
        note=c.note or "",
    )


def _domain_note(name: str, judgement: str | None, reason: str | None, status: str | None) -> str:
    """Every GRADE judgement's footnote, not only downgrades; publication bias in GRADE's words."""
    domain = GRADE_DOMAIN_WORDS.get(name, name)
    if status:
        domain += f" {LABELS['publication_bias_status'].get(status, status)}"
    why = reason or "no reason given"
    if judgement in JUDGEMENT_WORDS:
        down = GRADE_DOWNGRADE[judgement]
        return f"Downgraded {down} level{'s' if down > 1 else ''} for {domain} ({JUDGEMENT_WORDS[judgement]}): {why}"
    return f"Not downgraded for {domain} (not serious): {why}"


def _overlap_words(role: str | None) -> str:
    if role == "best":
        return "best estimate"
    if role == "overlapping":
        return "overlaps the best estimate (largely the same trials; not independent)"
    return ""


# --- pages -----------------------------------------------------------------------------------


def findings_page(ctx: Context) -> Page:
    path = PAGES["findings"]
    link = ctx.linker(path)
    comparisons = [comparison_vm(ctx, link, c) for c in ctx.kb.comparisons if c.id and safe_id(c.id)]
    return make_page(
        path,
        "Summary of findings",
        "findings.html.j2",
        comparisons=comparisons,
        note=judgements_note(ctx.project.publisher),
        publisher=ctx.project.publisher,
        answers_href=link(PAGES["answers"]),
        definitions_href=link(PAGES["glossary"]),
        search_boost=2,
        # not `wide`: one card per outcome fits the column, and the table of contents lists comparisons and outcomes
    )


# --- trials page: risk of bias and reviews ---------------------------------------------------
