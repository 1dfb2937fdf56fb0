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
)
from derma_evidence.grade import certainty as grade
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
                studies=str(o.studies) if o.studies is not None else counts_words(o, "studies"),
                participants=str(o.participants) if o.participants is not None else "not reported",
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
        note=judgements_note(ctx.project.publisher),
        publisher=ctx.project.publisher,
        answers_href=link(PAGES["answers"]),
        definitions_href=link(PAGES["glossary"]),
        search_boost=2,
        # not `wide`: one card per outcome fits the column, and the table of contents lists comparisons and outcomes
    )


# --- trials page: risk of bias and reviews ---------------------------------------------------
