"""The Atom feed (RFC 4287) of the change log, written into the downloads folder, and the link that finds it.

Every page's `<head>` carries `<link rel="alternate" type="application/atom+xml">` (`head_link`), so
feed readers discover the feed from any page. Entries are dated by their change's day; entries of the
same day are told apart by one second each in log order (the n-th entry of a day is n - 1 seconds past midnight), so
every entry has its own `updated` and readers keep the log's order. Text is stripped of what XML 1.0
cannot hold (the loaders refuse it already; this keeps the feed well-formed whatever the data).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markupsafe import Markup

from derma_evidence.render.context import (
    PAGES,
    Context,
)
from derma_evidence.render.pages.whats_new import kind_label, newest_first
from derma_evidence.render.permalinks import FEED, absolute, version_date

# --- the Atom feed (RFC 4287) ----------------------------------------------------------------------------

ATOM = "http://www.w3.org/2005/Atom"


_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (controls, lone surrogates, U+FFFE, U+FFFF)."""
    return _NOT_XML.sub("", text)


def _stamp(day: str, nth: int = 0) -> str:
    """`day` at midnight UTC plus `nth` seconds: the n-th entry of a day, one second after the one before."""
    hours, rest = divmod(min(nth, 86_399), 3600)
    return f"{day}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}Z"


def head_link(ctx: Context, path: str) -> str:
    """The feed's autodiscovery `<link>` for the page at source path `path` (a relative href)."""
    href = ctx.linker(path)(f"{ctx.download_dir}/{FEED}")
    title = Markup('title="{}"').format(f"{ctx.project.name}: what's new")
    return str(Markup('<link rel="alternate" type="application/atom+xml" {} href="{}">').format(title, href))


def feed(ctx: Context) -> bytes:
    """The change log as an Atom feed: newest first; ids are permanent (tag URIs of the entries' anchors)."""
    ET.register_namespace("", ATOM)
    version = version_date(ctx.kb) or "1970-01-01"
    tag = f"tag:{ctx.project.host},2026:"
    root = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{name}", {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = xml_text(text)
        return el

    sub(root, "id", tag + "whats-new")
    sub(root, "title", f"{ctx.project.name}: what's new")
    sub(root, "subtitle", "New studies, changed verdicts and corrections, with the reasons.")
    entries = newest_first(ctx.kb.changes)
    sub(root, "updated", max((_stamp(ch.date, ch.nth - 1) for ch in entries if ch.date), default=_stamp(version)))
    author = sub(root, "author")
    sub(author, "name", ctx.project.publisher)
    sub(root, "link", rel="alternate", type="text/html", href=absolute(ctx, PAGES["whats_new"]))
    sub(root, "link", rel="self", type="application/atom+xml", href=absolute(ctx, f"{ctx.download_dir}/{FEED}"))
    sub(root, "rights", ctx.project.licence)
    for ch in entries:
        entry = sub(root, "entry")
        sub(entry, "id", tag + ch.anchor)
        what = ch.what or ""
        sub(entry, "title", f"{kind_label(ch.kind)}: {what if len(what) <= 90 else what[:89].rstrip() + '…'}")
        sub(entry, "updated", _stamp(ch.date, ch.nth - 1) if ch.date else _stamp(version))
        sub(entry, "link", rel="alternate", type="text/html", href=absolute(ctx, PAGES["whats_new"], ch.anchor))
        sub(entry, "category", term=ch.kind or "", label=kind_label(ch.kind))
        sub(entry, "summary", what + (f" Why: {ch.why}" if ch.why else ""))
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def extra_files(ctx: Context) -> dict[str, bytes]:
    """Files besides pages: the Atom feed."""
    return {f"{ctx.download_dir}/{FEED}": feed(ctx)}
