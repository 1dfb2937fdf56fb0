"""The downloads page (the files themselves are built by `export`)."""

from __future__ import annotations

from derma_evidence.render.context import (
    DOWNLOADS,
    PAGES,
    Context,
    Page,
    make_page,
)


def downloads_page(ctx: Context) -> Page:
    path = PAGES["downloads"]
    link = ctx.linker(path)
    files = [(name, desc, link(f"{ctx.download_dir}/{name}")) for name, desc in DOWNLOADS]
    return make_page(
        path, "Downloads", "downloads.html.j2", files=files, n_claims=len(ctx.kb.claims), n_refs=len(ctx.kb.references)
    )
