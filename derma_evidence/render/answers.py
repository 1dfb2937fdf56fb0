"""Rendering of the answers layer: the Answers page, GRADE summaries of findings, forest plots, risk of bias.

View-models only (plain data, geometry computed here); the templates draw. Importing this module
registers its pages, its trials-page sections and the home page's `<!-- derma:questions -->`
marker with `render` (the pipeline's other pages stay in `render`). Only `render`'s public
helpers are used, so the module can move into a `render` package unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from derma_evidence import grade
from derma_evidence.model import Comparison, Effect, Outcome, Trial
from derma_evidence.render.context import PAGES, Context, Linker, Page, make_page, ref_anchor, topic_path
from derma_evidence.render.escape import attr, render_template, safe_id
from derma_evidence.render.pages import EXTRA_PAGES, FRAGMENTS, TOPIC_SECTIONS, TRIALS_SECTIONS
from derma_evidence.render.words import plural, search_keywords, unverified_words

CERTAINTY_WORDS = {
    "high": "High certainty",
    "moderate": "Moderate certainty",
    "low": "Low certainty",
    "very-low": "Very low certainty",
}
"""Certainty as words; always of the evidence, never the direction of the effect."""
SYMBOLS = {
    "high": "\u2295\u2295\u2295\u2295",
    "moderate": "\u2295\u2295\u2295\u25ef",
    "low": "\u2295\u2295\u25ef\u25ef",
    "very-low": "\u2295\u25ef\u25ef\u25ef",
}
"""GRADE's circles: filled per level, as in GRADEpro's summary-of-findings tables."""
JUDGEMENT_WORDS = {"serious": "serious", "very-serious": "very serious"}
ROB_WORDS = {"low": "Low", "some-concerns": "Some concerns", "high": "High"}
ROB_SYMBOL = {"low": "+", "some-concerns": "\u2212", "high": "\u00d7"}
ROB_FILL = {"low": "#4caf50", "some-concerns": "#f6c431", "high": "#d32f2f"}
ROB_TEXT = {"low": "#000", "some-concerns": "#000", "high": "#fff"}
ROB_DOMAIN_WORDS = {
    "randomisation": "Randomisation process",
    "deviations": "Deviations from intended interventions",
    "missing_data": "Missing outcome data",
    "measurement": "Measurement of the outcome",
    "selection": "Selection of the reported result",
}
MEASURE_WORDS = {
    "MD": "mean difference",
    "SMD": "standardised mean difference",
    "RR": "risk ratio",
    "OR": "odds ratio",
    "RD": "risk difference",
}
RATIO = ("RR", "OR")
JUDGEMENTS_NOTE = (
    "The judgements (GRADE downgrades, risk of bias) are Derma Evidence's, not the sources' authors'; "
    "every number is as the source reports it, never computed, converted or imputed."
)


def certainty_words(value: str | None) -> str:
    return CERTAINTY_WORDS.get(value or "", "Certainty not stated")


def number(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def outcome_anchor(o: Outcome) -> str:
    return o.full_id or ""


# --- effects as reported ---------------------------------------------------------------------


def effect_text(e: Effect) -> str:
    """An effect as its source reports it: "SMD 1.2 (95% CI 0.8 to 1.6); I² 40%; 3 studies; p < 0.05"."""
    parts: list[str] = []
    if e.measure == "arms":
        arms = " vs ".join(
            f"{a.label or 'arm'} {number(a.value) if a.value is not None else '(value not reported)'}"
            + (f" (n = {a.n})" if a.n else "")
            for a in e.arms
        )
        parts.append(arms + (f" {e.unit}" if e.unit else ""))
    elif e.measure:
        head = f"{e.measure} {number(e.value)}"
        if e.unit:
            head += f" {e.unit}"
        if e.ci_low is not None and e.ci_high is not None:
            head += f" (95% CI {number(e.ci_low)} to {number(e.ci_high)})"
        parts.append(head)
    if e.i2 is not None:
        parts.append(f"I\u00b2 {number(e.i2)}%")
    if e.studies is not None:
        parts.append(plural(e.studies, "study", "studies"))
    if e.participants is not None:
        parts.append(plural(e.participants, "participant"))
    if e.p:
        parts.append(f"p {e.p}" if e.p[:1] in "<>=\u2264\u2265" else f"p = {e.p}")
    return "; ".join(parts)


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
                    down = grade.DOWNGRADE[j.judgement]
                    letter = _letters(len(footnotes))
                    fn = FootnoteVM(
                        letter,
                        attr(f"fn_{o.full_id}_{letter}"),
                        f"Downgraded {down} level{'s' if down > 1 else ''} for {grade.DOMAIN_WORDS[name]} "
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
        if g is not None and g.start in grade.START:
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
                trials=tuple((ctx.short(t.id), _trial_href(ctx, link, t.id)) for t in o.trials),
                certainty=o.certainty or "",
                certainty_words=certainty_words(o.certainty),
                symbols=SYMBOLS.get(o.certainty or "", ""),
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


def _trial_href(ctx: Context, link: Linker, key: str) -> Markup:
    if any(t.key == key for t in ctx.kb.trials):
        return link(PAGES["trials"], "trial-" + key)
    return link(PAGES["references"], ref_anchor(key))


# --- forest plots ----------------------------------------------------------------------------

FOREST_WIDTH = 760.0
FOREST_FONT = 14
ROW = 30.0
PLOT_LEFT, PLOT_RIGHT = 290.0, 560.0


@dataclass(frozen=True, slots=True)
class ForestRow:
    y: float
    label: str
    x: float
    x_low: float
    x_high: float
    pooled: bool
    diamond: str  # polygon points, for pooled estimates
    text: str
    text_y: float  # baseline of the row's label and value text
    box_x: float  # the study's square, top-left corner
    box_y: float


@dataclass(frozen=True, slots=True)
class ForestTick:
    pos: float
    label: str


def _nice_ticks(lo: float, hi: float, log: bool) -> list[float]:
    if log:
        candidates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
        return [c for c in candidates if lo <= c <= hi] or [1.0]
    span = hi - lo
    step = 10 ** math.floor(math.log10(span)) if span > 0 else 1.0
    if span / step < 3:
        step /= 2
    if span / step > 8:
        step *= 2
    first = math.ceil(lo / step)
    return [round(i * step, 6) for i in range(first, int(math.floor(hi / step)) + 1)]


def forest_plots(o: Outcome) -> tuple[tuple[dict[str, Any], ...], tuple[tuple[str, str], ...]]:
    """One static forest plot per effect measure of the outcome (effects with a CI), and the effects not plottable.

    Ratios (RR, OR) are drawn on a log axis with the line of no effect at 1; differences on a
    linear axis with it at 0. Nothing is imputed: an effect without both CI bounds is listed
    beneath the plot instead.
    """
    by_measure: dict[str, list[Effect]] = {}
    missing: list[tuple[str, str]] = []
    for e in o.effects:
        if e.measure != "arms" and e.has_ci and e.measure and (e.measure not in RATIO or (e.ci_low or 0) > 0):
            by_measure.setdefault(e.measure, []).append(e)
        else:
            why = "arm values and p only, no estimate with a CI" if e.measure == "arms" else "no 95% CI reported"
            missing.append((e.label or "", f"{effect_text(e)} ({why})"))
    plots = []
    for measure, effects in sorted(by_measure.items()):
        log = measure in RATIO
        null = 1.0 if log else 0.0
        lows = [e.ci_low for e in effects if e.ci_low is not None] + [null]
        highs = [e.ci_high for e in effects if e.ci_high is not None] + [null]
        lo, hi = min(lows), max(highs)

        def f(v: float, log: bool = log) -> float:
            return math.log10(v) if log else v

        a, b = f(lo), f(hi)
        pad = (b - a) * 0.08 or 0.5
        a, b = a - pad, b + pad

        def x(v: float, a: float = a, b: float = b) -> float:
            return round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (f(v) - a) / (b - a), 1)

        rows = []
        for i, e in enumerate(effects):
            assert e.value is not None and e.ci_low is not None and e.ci_high is not None
            y = round(40 + i * ROW, 1)
            cx = x(e.value)
            diamond = ""
            if e.pooled:
                diamond = f"{x(e.ci_low)},{y} {cx},{y - 8} {x(e.ci_high)},{y} {cx},{y + 8}"
            label = e.label or ""
            label = label if len(label) <= 34 else label[:33].rstrip() + "\u2026"
            extra = []
            if e.pooled:
                if e.i2 is not None:
                    extra.append(f"I\u00b2 {number(e.i2)}%")
                if e.studies is not None:
                    extra.append(f"k = {e.studies}")
            text = f"{number(e.value)} [{number(e.ci_low)}, {number(e.ci_high)}]" + (
                " " + ", ".join(extra) if extra else ""
            )
            rows.append(
                ForestRow(
                    y,
                    label,
                    cx,
                    x(e.ci_low),
                    x(e.ci_high),
                    e.pooled,
                    diamond,
                    text,
                    round(y + 5, 1),
                    round(cx - 5, 1),
                    round(y - 5, 1),
                )
            )
        lo_t, hi_t = (10**a, 10**b) if log else (a, b)
        ticks = [ForestTick(x(t), f"{t:g}") for t in _nice_ticks(lo_t, hi_t, log)]
        height = 40 + len(rows) * ROW + 40
        axis_y = round(height - 30, 1)
        plots.append(
            {
                "id": attr(f"forest_{o.full_id}_{measure.lower()}"),
                "measure": measure,
                "measure_words": MEASURE_WORDS.get(measure, measure),
                "log": log,
                "rows": rows,
                "ticks": ticks,
                "null_x": x(null),
                "axis_y": axis_y,
                "tick_y": round(axis_y + 5, 1),
                "tick_text_y": round(axis_y + 20, 1),
                "null_top": 28,
                "label_x": PLOT_LEFT - 10,
                "top": 20,
                "height": round(height, 1),
                "width": FOREST_WIDTH,
                "left": PLOT_LEFT,
                "right": PLOT_RIGHT,
                "text_x": PLOT_RIGHT + 12,
                "font": FOREST_FONT,
                "title": f"{o.name or o.id}: {MEASURE_WORDS.get(measure, measure)}",
            }
        )
    return tuple(plots), tuple(missing)


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
        # not `wide`: one card per outcome fits the column, and the table of contents lists comparisons and outcomes
    )


@dataclass(frozen=True, slots=True)
class QuestionVM:
    anchor: str
    href: str
    question: str
    short: str
    answer: str
    certainty: str
    certainty_words: str
    outcomes: tuple[tuple[str, str, str], ...]  # (label, href, certainty words)
    claims: tuple[tuple[str, str], ...]
    topic_title: str
    topic_href: str
    keywords: str = ""  # hidden search words (`words.SEARCH_SYNONYMS`)


def question_vms(ctx: Context, link: Linker) -> list[QuestionVM]:
    outcomes = ctx.kb.outcome_map()
    titles = {c.id: c.title or c.id for c in ctx.kb.comparisons if c.id}
    out = []
    for q in ctx.kb.questions:
        if not q.id or not safe_id(q.id):
            continue
        rests = []
        for r in q.outcomes:
            o = outcomes.get(r.id)
            if o is None:
                continue
            rests.append(
                (
                    f"{o.name or o.id} ({titles.get(o.comparison or '', '')})",
                    link(PAGES["findings"], outcome_anchor(o)),
                    certainty_words(o.certainty),
                )
            )
        topic = q.topic or ""
        has_topic = topic in ctx.topic_titles
        out.append(
            QuestionVM(
                anchor=safe_id(q.id),
                href=link(PAGES["answers"], q.id),
                question=q.question or "",
                short=q.short or q.answer or "",
                answer=q.answer or "",
                certainty=q.certainty or "",
                certainty_words=certainty_words(q.certainty),
                outcomes=tuple(rests),
                claims=tuple((r.id, ctx.claim_href(link, r.id)) for r in q.claims),
                topic_title=ctx.topic_titles.get(topic, "") if has_topic else "",
                topic_href=link(topic_path(topic)) if has_topic else Markup(""),
                keywords=search_keywords(ctx.kb.vocab.search_synonyms, q.id, q.question, q.answer),
            )
        )
    return out


def answers_page(ctx: Context) -> Page:
    path = PAGES["answers"]
    link = ctx.linker(path)
    return make_page(
        path,
        "Answers",
        "answers.html.j2",
        questions=question_vms(ctx, link),
        findings_href=link(PAGES["findings"]),
        definitions_href=link(PAGES["glossary"]),
        note=JUDGEMENTS_NOTE,
        search_boost=4,
    )


def pages(ctx: Context) -> list[Page]:
    return [answers_page(ctx), findings_page(ctx)]


def questions_fragment(ctx: Context, page: str) -> str:
    """The home page's first screen: every question with its one-line answer and certainty in words."""
    link = ctx.linker(page)
    return render_template(
        "questions.html.j2",
        questions=question_vms(ctx, link),
        answers_href=link(PAGES["answers"]),
        definitions_href=link(PAGES["glossary"]),
        topics=[(t.title or t.id, link(topic_path(t.id))) for t in ctx.kb.topics if t.id and safe_id(t.id)],
        claims_href=link(PAGES["claims"]),
    )


# --- trials page: risk of bias and reviews ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class RobCell:
    cx: float
    cy: float
    text_y: float  # baseline of the symbol drawn in the circle
    judgement: str
    words: str
    symbol: str
    fill: str
    ink: str
    reason: str


@dataclass(frozen=True, slots=True)
class RobRow:
    y: float
    text_y: float  # baseline of the trial's label
    label: str
    href: str
    outcome: str
    cells: tuple[RobCell, ...]


ROB_COLUMNS = (*ROB_DOMAIN_WORDS, "overall")


def rob_chart(ctx: Context, link: Linker) -> dict[str, Any]:
    """A robvis-style traffic-light chart: one row per trial with a RoB 2 assessment, D1-D5 and overall."""
    trials: list[Trial] = [t for t in ctx.kb.trials if t.rob is not None and t.key]
    left, col, row, top = 200.0, 56.0, 40.0, 60.0
    rows = []
    for i, t in enumerate(trials):
        assert t.rob is not None
        y = round(top + i * row + row / 2, 1)
        cells = []
        for j, name in enumerate(ROB_COLUMNS):
            if name == "overall":
                judgement, reason = t.rob.overall or "", "Overall judgement (RoB 2 algorithm)"
            else:
                d = t.rob.domain(name)
                judgement, reason = (d.judgement or "", d.reason or "") if d else ("", "")
            cells.append(
                RobCell(
                    round(left + col * j + col / 2 + (12 if name == "overall" else 0), 1),
                    y,
                    round(y + 6, 1),
                    judgement,
                    ROB_WORDS.get(judgement, "Not assessed"),
                    ROB_SYMBOL.get(judgement, "?"),
                    ROB_FILL.get(judgement, "#ffffff"),
                    ROB_TEXT.get(judgement, "#000"),
                    reason,
                )
            )
        rows.append(
            RobRow(
                y,
                round(y + 5, 1),
                ctx.short(t.key or ""),
                link(PAGES["trials"], "trial-" + (t.key or "")),
                t.rob.outcome or "",
                tuple(cells),
            )
        )
    heads = [
        (
            round(left + col * j + col / 2 + (12 if n == "overall" else 0), 1),
            f"D{j + 1}" if n != "overall" else "Overall",
        )
        for j, n in enumerate(ROB_COLUMNS)
    ]
    legend_y = round(top + len(rows) * row + 24, 1)
    legend = [
        (round(left + 150 * k, 1), round(left + 150 * k + 18, 1), ROB_FILL[j], ROB_SYMBOL[j], ROB_TEXT[j], ROB_WORDS[j])
        for k, j in enumerate(ROB_WORDS)
    ]
    return {
        "rows": rows,
        "heads": heads,
        "legend": legend,
        "legend_y": legend_y,
        "legend_text_y": round(legend_y + 5, 1),
        "domains": [(f"D{j + 1}", w) for j, w in enumerate(ROB_DOMAIN_WORDS.values())],
        "height": round(legend_y + 30, 1),
        "width": 760.0,
        "label_x": left - 12,
        "head_y": top - 16,
        "font": 14,
        "radius": 15,
    }


def rob_section(ctx: Context, link: Linker) -> str:
    chart = rob_chart(ctx, link)
    return render_template("rob.html.j2", chart=chart, note=JUDGEMENTS_NOTE)


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
        rows.append((ctx.short(k), _trial_href(ctx, link, k), tuple(marks)))
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


def topic_section(ctx: Context, link: Linker, topic: str) -> str:
    """On a topic page: the questions answered there and the summary-of-findings tables of its comparisons."""
    questions = [
        (q.question or q.id or "", link(PAGES["answers"], q.id), certainty_words(q.certainty))
        for q in ctx.kb.questions
        if q.topic == topic and q.id and safe_id(q.id)
    ]
    tables = [
        (c.title or c.id or "", link(PAGES["findings"], c.id))
        for c in ctx.kb.comparisons
        if c.topic == topic and c.id and safe_id(c.id)
    ]
    if not questions and not tables:
        return ""
    return render_template("_topic_answers.html.j2", questions=questions, tables=tables)


EXTRA_PAGES.append(pages)
TOPIC_SECTIONS.append(topic_section)
TRIALS_SECTIONS.extend([rob_section, reviews_section])
FRAGMENTS["questions"] = questions_fragment
