"""MkDocs hooks (the `hooks:` setting): the site build runs the checker's pipeline, then adds generated pages.

Thin glue only: the build refuses what the checker refuses (same diagnostics, printed once), and
everything else lives in `derma_evidence.render` and `derma_evidence.exports`, which do not import
mkdocs. Generated pages and downloads are in-memory `File.generated(...)` entries, never written
into `docs_dir`. Data paths default to `data/claims.yaml` and `references.bib` next to mkdocs.yml;
the environment variables `DERMA_CLAIMS` and `DERMA_BIB` override them (the tests use a fixture).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import sys
from typing import Any

from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files

from derma_evidence import citations, exports, render, render_answers, report  # noqa: F401  (render_answers registers its pages)
from derma_evidence.load.text import read_bytes
from derma_evidence.pipeline import Result, check_bytes

log = logging.getLogger("mkdocs.hooks.derma")

_state: dict[str, Any] = {"command": "build", "ctx": None, "kb": None, "bib": b"", "checked": None}


def data_paths(config: Any) -> tuple[str, str]:
    root = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
    claims = os.environ.get("DERMA_CLAIMS") or "data/claims.yaml"
    bib = os.environ.get("DERMA_BIB") or "references.bib"
    return os.path.join(root, claims), os.path.join(root, bib)


def _fail(message: str) -> None:
    """Stop the build. Under `mkdocs serve` a rebuild prints the message (no traceback) and keeps serving."""
    print(message, file=sys.stderr, end="")
    if _state["command"] == "serve":
        raise SystemExit("derma: the build stopped; fix the problems above and save again")
    raise Abort("derma: the checker refused the data; the build stopped")


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command


def _check(claims_path: str, bib_path: str, use_directory_urls: bool) -> tuple[Result, render.Context, bytes]:
    """The checker's result and the pages' shared context for the two files.

    Both are built once per build, and kept while the files' bytes stay the same (`mkdocs serve`
    rebuilding after an edit of a hand-written page neither re-runs the checker nor citeproc).
    The bibliography is formatted in a second process while the checker runs (large files only).
    """
    claims_bytes, bib_bytes = read_bytes(claims_path), read_bytes(bib_path)
    digest = hashlib.sha256(claims_bytes + b"\0" + bib_bytes).hexdigest()
    key = (claims_path, bib_path, digest, dt.date.today(), use_directory_urls)
    cached = _state.get("checked")
    if cached is not None and cached[0] == key:
        return cached[1], cached[2], bib_bytes
    formatted = citations.format_in_background(bib_path, bib_bytes)
    result = check_bytes(claims_path, claims_bytes, bib_path, bib_bytes)
    if result.errors:
        return result, render.Context(result.kb, use_directory_urls), bib_bytes
    ctx = render.Context.of(result.kb, use_directory_urls, formatted(result.kb.references))
    _state["checked"] = (key, result, ctx)
    return result, ctx, bib_bytes


def on_config(config: Any) -> Any:
    """Run the checker's pipeline once per build; stop on errors; list the topic pages in the nav."""
    claims_path, bib_path = data_paths(config)
    try:
        result, ctx, bib_bytes = _check(claims_path, bib_path, bool(config.use_directory_urls))
    except OSError as exc:
        if _state["command"] == "serve" and _state["kb"] is not None:
            print(f"derma: cannot read the data: {exc}; still serving the last version", file=sys.stderr)
            return _with_topics(config, _state["kb"])
        _fail(f"derma: cannot read the data: {exc}\n")
        return config
    if result.errors:
        if _state["command"] == "serve" and _state["kb"] is not None:
            # a bad edit while serving: say what is wrong, keep serving the last version that passed
            print(report.text(result.diagnostics), file=sys.stderr, end="")
            print(
                "derma: still serving the last version that passed the checker; fix the problems above and save again",
                file=sys.stderr,
            )
            return _with_topics(config, _state["kb"])
        _fail(report.text(result.diagnostics))
    _state.update(ctx=ctx, kb=result.kb, bib=bib_bytes)
    return _with_topics(config, result.kb)


def _with_topics(config: Any, kb: Any) -> Any:
    topics = [
        {render.clean_title(t.title or t.id): render.topic_path(t.id)}
        for t in kb.topics
        if t.id and render.safe_id(t.id)
    ]
    for item in config.nav or []:
        if isinstance(item, dict) and render.TOPICS_NAV in item:
            item[render.TOPICS_NAV] = topics
    return config


def on_files(files: Files, config: Any) -> Files:
    """Add the generated pages and downloads; a path that collides with a hand-written file is an error."""
    kb, ctx = _state["kb"], _state["ctx"]
    generated: dict[str, str | bytes] = {p.path: p.content for p in render.render_site(kb, ctx=ctx)}
    for name, data in exports.all_exports(kb, _state["bib"], ctx.bib.csl).items():
        generated[f"{render.DOWNLOAD_DIR}/{name}"] = data
    collisions = sorted(p for p in generated if files.get_file_from_path(p) is not None)
    if collisions:
        _fail(
            "".join(
                f"{config.docs_dir}/{p}: error: a generated page collides with this hand-written file; "
                "rename or remove it\n"
                for p in collisions
            )
        )
    for path in sorted(generated):
        files.append(File.generated(config, path, content=generated[path]))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    ctx = _state["ctx"]
    if ctx is None or page.file.generated_by is not None:
        return markdown
    return render.fill_markers(markdown, ctx, page.file.src_uri)


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    for path in data_paths(config):
        server.watch(path)
    return server
