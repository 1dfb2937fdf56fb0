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
    GRADE_DOMAIN_WORDS,
    GRADE_DOWNGRADE,
    GRADE_START,
    JUDGEMENT_WORDS,
)
from derma_evidence.grade import certainty as grade
from derma_evidence.model.answers import Comparison
from derma_evidence.render.charts.forest import forest_plots
from derma_evidence.render.context import PAGES, Context, Linker, Page, make_page, ref_anchor, topic_path
from derma_evidence.render.escape import attr, safe_id
from derma_evidence.render.pages.trials import trial_href
from derma_evidence.render.words import (
    JUDGEMENTS_NOTE,
    certainty_words,
    effect_text,
    outcome_anchor,
    unverified_words,
)

# --- effects as reported ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EffectVM:
    label: str
    text: str
    cite: str
    cite_href: str
    locator: str
    quote: str
    unverified: str = ""  # "Authors and title not verified." when the cited entry lists `unverified` fields


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
        notes = []
        g = o.grade
        if g is not None:
            for name, j in g.domains:
                if j.judgement in JUDGEMENT_WORDS:
                    down = GRADE_DOWNGRADE[j.judgement]
                    letter = _letters(len(footnotes))
                    fn = FootnoteVM(
                        letter,
                        attr(f"fn_{o.full_id}_{letter}"),
                        f"Downgraded {down} level{'s' if down > 1 else ''} for {GRADE_DOMAIN_WORDS[name]} "
                        f"({JUDGEMENT_WORDS[j.judgement]}): {j.reason or 'no reason given'}",
                    )
                    footnotes.append(fn)
                    notes.append(fn)
            for u in g.upgrades:
                letter = _letters(len(footnotes))
                fn = FootnoteVM(
                    letter,
                    attr(f"fn_{o.full_id}_{letter}"),
                    f"Upgraded {u.levels or 0} level(s) for {(u.factor or '').replace('-', ' ')}: {u.reason or ''}",
                )
                footnotes.append(fn)
                notes.append(fn)
        total = ""
        if g is not None and g.start in GRADE_START:
            total = grade.arithmetic(
                g.start, [(n, j.judgement or "") for n, j in g.domains], [u.levels or 0 for u in g.upgrades]
            ).sum
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
                )
            )
        forests, not_plottable = forest_plots(o)
        outcomes.append(
            OutcomeVM(
                anchor=attr(outcome_anchor(o)),
                name=o.name or o.id or "",
                importance=(o.importance or "").replace("-", " "),
                time_point=o.time_point or "",
                effects=tuple(effects),
                studies=str(o.studies) if o.studies is not None else "",
                participants=str(o.participants) if o.participants is not None else "not reported",
                trials=tuple((ctx.short(t.id), trial_href(ctx, link, t.id)) for t in o.trials),
                certainty=o.certainty or "",
                certainty_words=certainty_words(o.certainty),
                symbols=CERTAINTY_SYMBOLS.get(o.certainty or "", ""),
                notes=tuple(notes),
                sum=total,
                finding=o.finding or "",
                claims=tuple((r.id, ctx.claim_href(link, r.id)) for r in o.claims),
                note=o.note or "",
                forests=forests,
                not_plottable=not_plottable,
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
        note=JUDGEMENTS_NOTE,
        answers_href=link(PAGES["answers"]),
        definitions_href=link(PAGES["glossary"]),
        search_boost=2,
        wide=True,
    )


# --- trials page: risk of bias and reviews ---------------------------------------------------
