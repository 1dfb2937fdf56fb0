"""Permalinks and "cite this": the published URL of a page, the knowledge base's version date, the citation line."""

from __future__ import annotations

from markupsafe import Markup

from derma_evidence.model.kb import KnowledgeBase
from derma_evidence.render.context import (
    Context,
    page_url,
)
from derma_evidence.render.escape import attr

FEED = "feed.atom"
"""The Atom feed's file name, in the downloads folder."""


def version_date(kb: KnowledgeBase) -> str:
    """The knowledge base's version: its latest change date, else its latest review date ("" when neither)."""
    days = [c.day for c in kb.changes if c.day] or [c.reviewed_date for c in kb.claims if c.reviewed_date]
    return max(days).isoformat() if days else ""


def absolute(ctx: Context, path: str, anchor: str | None = None) -> str:
    """The published URL of a source path (and anchor); relative to the site root when the site URL is unknown."""
    url = page_url(path, True) + (f"#{anchor}" if anchor else "")
    return (ctx.site_url.rstrip("/") + "/" + url) if ctx.site_url else url


def cite_line(ctx: Context, title: str, path: str, anchor: str | None = None) -> tuple[str, Markup]:
    """A "cite this" line: (project, title and version date as text, the permalink for an href and its text)."""
    version = ctx.memo("version", version_date)
    return f"{ctx.project.name}. {title}. Version {version or 'undated'}.", attr(absolute(ctx, path, anchor))
