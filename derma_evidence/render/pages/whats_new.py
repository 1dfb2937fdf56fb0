"""What's new (the change log, newest first) and each claim's last change, citation and retraction lines."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from derma_evidence.contract.vocab import LABELS
from derma_evidence.model.claims import Claim
from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.model.living import Change
from derma_evidence.render.context import (
    PAGES,
    Context,
    Linker,
    Page,
    make_page,
    status_badge,
    topic_path,
)
from derma_evidence.render.escape import attr, render_template, safe_id
from derma_evidence.render.permalinks import FEED, cite_line, version_date

KIND_LABELS = LABELS["change_kind"]


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", kind or "")


# --- the change log ------------------------------------------------------------------------------------------


def newest_first(changes: tuple[Change, ...]) -> list[Change]:
    return sorted(changes, key=lambda c: (c.date or "", c.index), reverse=True)


def last_changes(kb: KnowledgeBase) -> dict[str, Change]:
    """Each claim's latest change entry, by claim id."""
    out: dict[str, Change] = {}
    for ch in reversed(newest_first(kb.changes)):
        for r in ch.claims:
            out[r.id] = ch
    return out


@dataclass(frozen=True, slots=True)
class ChangeVM:
    anchor: str
    date: str
    kind: str
    kind_label: str
    what: str
    why: str
    links: tuple[tuple[str, Markup], ...]  # (label, href) of what it names


def change_vm(ctx: Context, link: Linker, ch: Change) -> ChangeVM:
    links: list[tuple[str, Markup]] = []
    for r in ch.claims:
        if r.id in ctx.claim_topic:
            links.append((ctx.claim_title(r.id), ctx.claim_href(link, r.id)))
        else:
            links.append((f"claim {r.id} (removed)", Markup("")))
    links.extend((f"statement {n}", link(PAGES["article"], f"statement-{n}")) for n in ch.statements)
    links.extend((f"question {r.id}", link(PAGES["answers"], r.id)) for r in ch.questions)
    links.extend(
        (ctx.short(r.id), link(PAGES["references"], "ref_" + r.id) if r.id in ctx.refs else Markup(""))
        for r in ch.references
    )
    return ChangeVM(
        attr(ch.anchor), ch.date or "", ch.kind or "", kind_label(ch.kind), ch.what or "", ch.why or "", tuple(links)
    )


@dataclass(frozen=True, slots=True)
class CandidateVM:
    id: str
    title: str
    where: str  # "Journal, 2024" or what is known of it
    found_by: str  # "2026-12-07, PubMed"
    href: Markup  # the search's row in the search log


def awaiting(ctx: Context, link: Linker) -> list[CandidateVM]:
    """Records the searches found that nobody has screened yet, newest search first, then by id."""
    searches = {s.id: s for s in ctx.kb.searches if s.id}
    out = []
    for c in ctx.kb.screening:
        if not c.awaiting:
            continue
        s = searches.get(c.search.id if c.search else "")
        where = ", ".join(x for x in (c.journal or "", str(c.year) if c.year else "") if x)
        anchor = "search-" + s.id if s and s.id and safe_id(s.id) else ""
        out.append(
            CandidateVM(
                c.id or "",
                c.title or "",
                where,
                f"{s.date or 'undated'}, {s.name or ''}" if s else (c.search.id if c.search else ""),
                link(PAGES["searches"], anchor or None),
            )
        )
    out.sort(key=lambda v: v.id)
    out.sort(key=lambda v: v.found_by[:10], reverse=True)  # stable: newest search first, ids in order
    return out


def whats_new_page(ctx: Context) -> Page:
    path = PAGES["whats_new"]
    link = ctx.linker(path)
    return make_page(
        path,
        "What's new",
        "whats_new.html.j2",
        awaiting=awaiting(ctx, link),
        changes=[change_vm(ctx, link, ch) for ch in newest_first(ctx.kb.changes)],
        feed_href=link(f"{ctx.download_dir}/{FEED}"),
        searches_href=link(PAGES["searches"]),
        version=version_date(ctx.kb),
    )


def _flags(ctx: Context) -> dict[str, tuple[str, str, str]]:
    """(status, badge words, notice URL) of each reference under notice, by key."""
    out = {}
    for key, ref in ctx.refs.items():
        badge = status_badge(ref)
        if badge[0]:
            out[key] = badge
    return out


def claim_extras(ctx: Context, c: Claim) -> Markup:
    """Under each claim: its last change, retraction badges of its sources, and how to cite it."""
    page = topic_path(c.topic or "_")
    ch = ctx.memo("last_changes", last_changes).get(c.id or "") if c.id else None
    flags: dict[str, tuple[str, str, str]] = ctx.memo("flags", lambda kb: _flags(ctx))
    flagged = []
    for s in c.sources:
        badge = flags.get(s.key or "")
        if badge is not None:
            st, words, href = badge
            flagged.append((st, f"{ctx.short(s.key or '')}: {words}", href))
    title = f"Claim {c.id}"
    return Markup(
        render_template(
            "_claim_living.html.j2",
            change=ch is not None,
            change_date=ch.date or "" if ch else "",
            change_kind=kind_label(ch.kind) if ch else "",
            change_what=ch.what or "" if ch else "",
            change_href=ctx.href(page, PAGES["whats_new"], ch.anchor) if ch else "",
            flagged=flagged,
            cite=cite_line(ctx, title, page, c.id),
            claim_href=Markup("#") + safe_id(c.id),
        )
    )
