"""Shared helpers of the site tests: build the fixture site into a folder, parse built HTML."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import FIXTURE, ROOT

BIN = Path(sys.executable).parent


def build(
    dest: Path,
    claims: Path = FIXTURE / "claims.yaml",
    bib: Path = FIXTURE / "references.bib",
    config: Path = ROOT / "mkdocs.yml",
    tool: str = "mkdocs",
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` (strict, from mkdocs.yml) of the given data into `dest`; returns the finished process."""
    env = dict(os.environ, DERMA_CLAIMS=str(claims), DERMA_BIB=str(bib), NO_MKDOCS_2_WARNING="1")
    exe = shutil.which(tool, path=str(BIN)) or tool
    return subprocess.run(
        [exe, "build", "--strict", "-f", str(config), "-d", str(dest)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def build_project(kb: Path, dest: Path, tool: str = "mkdocs") -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of a whole knowledge base folder (its own mkdocs.yml and data) into `dest`."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("DERMA_CLAIMS", None)
    env.pop("DERMA_BIB", None)
    exe = shutil.which(tool, path=str(BIN)) or tool
    return subprocess.run(
        [exe, "build", "--strict", "-d", str(dest)], cwd=kb, env=env, capture_output=True, text=True, timeout=300
    )


class Doc(HTMLParser):
    """Ids, links, tags with their attributes, and text of one built page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "a" and a.get("name"):
            self.ids.append(a["name"] or "")
        for k in ("href", "src"):
            if a.get(k) and tag in ("a", "link", "script", "img", "image", "use"):
                self.links.append(a[k] or "")
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse(path: Path) -> Doc:
    d = Doc()
    d.feed(path.read_text("utf-8"))
    d.close()
    return d
