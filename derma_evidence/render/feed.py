"""The Atom feed (RFC 4287) of the change log, written into the downloads folder."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from derma_evidence.render.context import (
    PAGES,
    Context,
)
from derma_evidence.render.pages.whats_new import kind_label, newest_first
from derma_evidence.render.permalinks import FEED, PROJECT, absolute, version_date

# --- the Atom feed (RFC 4287) ----------------------------------------------------------------------------

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def feed(ctx: Context) -> bytes:
    """The change log as an Atom feed: newest first; ids are permanent (tag URIs of the entries' anchors)."""
    ET.register_namespace("", ATOM)
    version = version_date(ctx.kb) or "1970-01-01"
    tag = "tag:derma-evidence.github.io,2026:"
    root = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(root, "id", tag + "whats-new")
    sub(root, "title", f"{PROJECT}: what's new")
    sub(root, "subtitle", "New studies, changed verdicts and corrections, with the reasons.")
    sub(root, "updated", _stamp(version))
    author = sub(root, "author")
    sub(author, "name", PROJECT)
    sub(root, "link", rel="alternate", type="text/html", href=absolute(ctx, PAGES["whats_new"]))
    sub(root, "link", rel="self", type="application/atom+xml", href=absolute(ctx, f"{ctx.download_dir}/{FEED}"))
    sub(root, "rights", "CC BY 4.0")
    for ch in newest_first(ctx.kb.changes):
        entry = sub(root, "entry")
        sub(entry, "id", tag + ch.anchor)
        what = ch.what or ""
        sub(entry, "title", f"{kind_label(ch.kind)}: {what if len(what) <= 90 else what[:89].rstrip() + '…'}")
        sub(entry, "updated", _stamp(ch.date or version))
        sub(entry, "link", rel="alternate", type="text/html", href=absolute(ctx, PAGES["whats_new"], ch.anchor))
        sub(entry, "category", term=ch.kind or "", label=kind_label(ch.kind))
        sub(entry, "summary", what + (f" Why: {ch.why}" if ch.why else ""))
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def extra_files(ctx: Context) -> dict[str, bytes]:
    """Files besides pages: the Atom feed."""
    return {f"{ctx.download_dir}/{FEED}": feed(ctx)}
