"""`derma init DIR`: scaffold a new knowledge base that checks clean and builds with the installed package.

The files are package data (`derma_evidence/skeleton/`): mkdocs.yml using the `derma` plugin,
data/claims.yaml with one example claim, references.bib with one verified entry, content/index.md,
a GitHub workflow, a pre-commit config, a README and a .gitignore. A path part `dot-x` is written
as `.x` (hidden files in package data are easy to lose). Two placeholders are filled in:
`{{ title }}` and `{{ version }}` (this package's version, for the pinned hook and action).

Exit codes: 0 created, 1 refused (DIR exists and is not empty; use --force), 2 the tool could not
run (a bad title, an unwritable path, a symbolic link on the way).

The files are written by `safefs.write_tree`: first into a temporary folder (beside a new DIR, inside an
existing one), then moved in,
so a full disk leaves no partial scaffold, and nothing is written through a symbolic link (with
--force, a link at a scaffold file's name is replaced, never followed; a linked folder is refused).
The title is refused when it holds a character a data file may not hold (`load.text.forbidden_in`:
controls, bidi and format characters, noncharacters, line breaks) or a brace, or when it is over
`MAX_TITLE` characters.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib import resources
from importlib.resources.abc import Traversable

import derma_evidence
from derma_evidence import report, safefs
from derma_evidence.load.text import forbidden_in

SKELETON = "skeleton"
MAX_TITLE = 200
"""Longest site title `derma init` accepts (a heading and every page's <title>)."""


def _walk(node: Traversable, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    out: list[tuple[tuple[str, ...], str]] = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        name = "." + child.name[4:] if child.name.startswith("dot-") else child.name
        if child.is_dir():
            if child.name != "__pycache__":
                out.extend(_walk(child, (*prefix, name)))
        else:
            out.append(((*prefix, name), child.read_text("utf-8")))
    return out


_MD_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", **{ch: "\\" + ch for ch in "\\`*_[]"}}


def markdown_text(title: str) -> str:
    """The title as Markdown text: `&`, `<` and `>` as entities (never raw HTML), emphasis and link marks escaped."""
    return "".join(_MD_ESCAPES.get(ch, ch) for ch in title)


def skeleton(title: str) -> dict[str, str]:
    """The scaffold as {relative POSIX path: text}, placeholders filled in (YAML-quoted, or Markdown-escaped)."""
    files: dict[str, str] = {}
    for parts, text in _walk(resources.files("derma_evidence").joinpath(SKELETON)):
        path = "/".join(parts)
        if path.endswith((".yml", ".yaml")):
            value = json.dumps(title, ensure_ascii=False)[1:-1]
        else:
            value = markdown_text(title) if path.endswith(".md") else title
        files[path] = text.replace("{{ title }}", value).replace("{{ version }}", derma_evidence.__version__)
    return files


def default_title(target: str) -> str:
    name = os.path.basename(os.path.abspath(target)).replace("-", " ").replace("_", " ").strip()
    return (name[:1].upper() + name[1:]) if name else "Evidence knowledge base"


def title_problem(title: str) -> str | None:
    """Why ``title`` cannot be a site title, or None."""
    if not title:
        return "must not be empty"
    if len(title) > MAX_TITLE:
        return f"is {len(title)} characters long, over {MAX_TITLE}"
    if "{" in title or "}" in title:
        return "must not hold a brace"
    return forbidden_in(title)


def init(target: str, title: str | None = None, force: bool = False) -> list[str]:
    """Write the scaffold into ``target``; return the paths written. Raises FileExistsError if not empty.

    A title from the folder name (none given) that cannot be a title falls back to a generic one;
    a given title that cannot is refused (ValueError naming `--title`).
    """
    if title is None:
        title = default_title(target)
        if title_problem(title):
            title = "Evidence knowledge base"
    else:
        title = title.strip()
        problem = title_problem(title)
        if problem:
            raise ValueError(f"--title {problem}")
    return safefs.write_tree(target, skeleton(title), replace=force)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `init` under the `derma` subcommands."""
    p = sub.add_parser(
        "init",
        help="scaffold a new knowledge base in DIR",
        description=(
            "Create a new knowledge base: mkdocs.yml (derma plugin), data/claims.yaml with one example claim, "
            "references.bib with one entry, content/index.md, a CI workflow, a pre-commit config and a README. "
            "It checks clean with `derma check --strict`."
        ),
    )
    p.add_argument("dir", metavar="DIR", help="folder to create (must be empty or missing, unless --force)")
    p.add_argument("--title", default=None, help="site title (default: from the folder name)")
    p.add_argument("--force", action="store_true", help="write into a non-empty DIR, overwriting the scaffold's files")


def run(args: argparse.Namespace) -> int:
    try:
        written = init(args.dir, args.title, args.force)
    except FileExistsError as exc:
        if args.force:  # something in the way of a scaffold file, not the folder being non-empty
            print(f"derma init: error: cannot write {report.os_failure(exc, args.dir)}", file=sys.stderr)
            return 2
        shown = report.clean(args.dir)
        print(f"derma init: {shown} is not empty; choose another folder or pass --force", file=sys.stderr)
        return 1
    except NotADirectoryError:
        print(f"derma init: error: {report.clean(args.dir)} exists and is not a folder", file=sys.stderr)
        return 2
    except ValueError as exc:  # a bad title, or safefs.UnsafePath
        print(f"derma init: error: {report.clean(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"derma init: error: cannot write {report.os_failure(exc, args.dir)}", file=sys.stderr)
        print(f"derma init: nothing was written into {report.clean(args.dir)}", file=sys.stderr)
        return 2
    for rel in written:
        print(report.clean(f"created {os.path.join(args.dir, *rel.split('/'))}"))
    print(report.clean(f"next: cd {args.dir} && derma check --strict"))
    return 0
