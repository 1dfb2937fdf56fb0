"""Issue 21, render side: a site title with HTML characters stays text in every page (title, header, nav, headings)."""

from __future__ import annotations

import re
from pathlib import Path

from derma_evidence.commands import init as scaffold
from tests._sitebuild import build_project

TITLE = "Skin & <Hair> care"
ESCAPED = "Skin &amp; &lt;Hair&gt; care"


def test_a_title_with_html_characters_is_escaped_wherever_the_site_prints_it(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    scaffold.init(str(kb), TITLE)
    assert (kb / "content" / "index.md").read_text("utf-8").startswith("# " + ESCAPED)
    proc = build_project(kb, tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    pages = sorted((tmp_path / "site").rglob("*.html"))
    assert pages
    for page in pages:
        # JSON-LD holds the title as JSON text (a script's content is never parsed as HTML)
        html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", page.read_text("utf-8"), flags=re.S)
        assert "<Hair>" not in html, page  # never a tag
        assert "Skin & <" not in html, page
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert f"<title>{ESCAPED}</title>" in home
    assert re.search(r'<h1 id="[^"]*">' + re.escape(ESCAPED), home)
    assert re.search(r'<span class="md-ellipsis">\s*' + re.escape(ESCAPED) + r"\s*</span>", home)  # the header
    assert f'aria-label="{ESCAPED}"' in home
