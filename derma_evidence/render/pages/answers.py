"""The answers page (questions with their one-line answers), the home page's questions fragment, a topic's questions."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from derma_evidence.render.context import PAGES, Context, Linker, Page, make_page, topic_path
from derma_evidence.render.escape import render_template, safe_id
from derma_evidence.render.words import certainty_words, judgements_note, outcome_anchor, search_keywords


@dataclass(frozen=True, slots=True)
class QuestionVM:
    anchor: str
    href: str
    question: str
    short: str
    answer: str
    certainty: str
    certainty_words: str
    outcomes: tuple[tuple[str, str, str, str], ...]  # (label, href, certainty words, why it differs or "")
    claims: tuple[tuple[str, str, str], ...]  # (short title, href, certainty words)
    topic_title: str
    topic_href: str
    keywords: str = ""  # hidden search words (`words.SEARCH_SYNONYMS`)
    claims_note: str = ""  # why a claim's certainty may differ from the answer's ("" when none differs)


CLAIMS_DIFFER = (
    "A claim's certainty is about its own statement (for example, which schedules the trials used), "
    "not about the answer to the question, so the two can differ."
)


def differs(answer: str | None, outcome: str | None) -> str:
    """Why an answer's certainty differs from an outcome it rests on, in words ("" when they agree).

    An answer is rated at most as the lowest outcome it rests on (rule A007); rated lower, the outcome bears on
    the question only in part (it measured something else: an effect size, not the schedule that was asked about).
    """
    if not answer or not outcome or answer == outcome:
        return ""
    a, o = certainty_words(answer).lower(), certainty_words(outcome).lower()
    return (
        f"The answer is rated {a}, below this outcome's {o}: the outcome bears on the question only in part, "
        "so the claims listed above carry the answer."
    )


def question_vms(ctx: Context, link: Linker) -> list[QuestionVM]:
    outcomes = ctx.kb.outcome_map()
    titles = {c.id: c.title or c.id for c in ctx.kb.comparisons if c.id}
    claim_certainty = {c.id: c.certainty for c in ctx.kb.claims if c.id}
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
                    differs(q.certainty, o.certainty),
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
                claims=tuple(
                    (ctx.claim_title(r.id), ctx.claim_href(link, r.id), certainty_words(claim_certainty.get(r.id)))
                    for r in q.claims
                ),
                topic_title=ctx.topic_titles.get(topic, "") if has_topic else "",
                topic_href=link(topic_path(topic)) if has_topic else Markup(""),
                keywords=search_keywords(ctx.kb.vocab.search_synonyms, q.id, q.question, q.answer),
                claims_note=CLAIMS_DIFFER
                if any(claim_certainty.get(r.id) not in (None, q.certainty) for r in q.claims)
                else "",
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
        note=judgements_note(ctx.project.publisher),
        search_boost=4,
    )


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
