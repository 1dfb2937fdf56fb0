"""Escaping for the site: data values to inert HTML, safe ids and URLs, the one Jinja environment.

Every data value reaching a template is HTML-escaped *and* has the characters Markdown or its
extensions could still act on (`{ } [ ] * _ ` # | - ! ...`, newlines) replaced by numeric character
references, so claim text can never become markup, a template, a snippet include, an attribute list
or a heading. Only http(s) URLs built from validated parts are ever emitted.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any
from urllib.parse import quote

import jinja2
import jinja2.compiler
from markupsafe import Markup

from derma_evidence.contract.vocab import DOI_RE, ID_RE, PMID_RE

_NEUTRAL = {ord(c): f"&#{ord(c)};" for c in "{}[]*_`\\#|~^+-!:=$@"}
_NEUTRAL.update({ord("\n"): "&#10;", ord("\r"): "", ord("\t"): " "})
# html.escape(quote=True) and the table above in one pass (html.escape's five replacements, then a translate,
# were a fifth of the rendering time)
_NEUTRAL.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#x27;"})


def neutralise(value: str) -> str:
    """HTML-escape `value` and neutralise every character Markdown or an extension could interpret."""
    return value.translate(_NEUTRAL)


_markup = str.__new__
"""`Markup` of a str already escaped, without `Markup.__new__`'s checks (written in Python, called per value)."""


def _finalize(value: Any) -> Any:
    """Jinja's finalize hook: every printed value that is not already markup is neutralised."""
    if isinstance(value, Markup):
        return value
    if value is None:
        raise ValueError("a template printed None; the view-model must give a value")
    return _markup(Markup, str(value).translate(_NEUTRAL))


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, printing a value as `finalize(value)` where Jinja writes `escape(finalize(value))`.

    `_finalize` returns markup, escaped (neutralised) unless it already was; Jinja's `escape` of it then only
    copied it, once per printed value (a fifth of a topic page's rendering). Where autoescaping is decided at
    run time (a volatile `{% autoescape %}`), Jinja's code is kept. `test_render.py` renders the site with both.
    """

    def _folds(self, frame: Any, finalize: Any) -> bool:
        return bool(frame.eval_ctx.autoescape) and not frame.eval_ctx.volatile and finalize.src is not None

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if self._folds(frame, finalize):
            self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: Any, frame: Any, finalize: Any) -> None:
        if self._folds(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


def text(value: str | None) -> Markup:
    """A data value neutralised once, ahead of the template (values shown on several pages, or many times)."""
    return _markup(Markup, (value or "").translate(_NEUTRAL))


word = cache(text)
"""`text` for the few distinct values that repeat on every claim (labels, dates, short citations)."""


@cache
def environment(stock: bool = False) -> jinja2.Environment:
    """The one Jinja environment: autoescape on for every template, StrictUndefined, neutralising finalize.

    `stock`: with Jinja's own code generator (`_CodeGenerator` prints the same bytes; the tests compare them).
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("derma_evidence", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # package templates do not change during a build; skip a stat per include
    )
    if not stock:
        env.code_generator_class = _CodeGenerator
    return env


def render_template(name: str, **context: Any) -> str:
    """A template rendered to a raw HTML block: no blank lines inside, blank line around it."""
    body = environment().get_template(name).render(**context)
    lines = [line.rstrip() for line in body.splitlines() if line.strip()]
    return "\n".join(lines) + "\n"


def attr(value: str) -> Markup:
    """A URL or id built here from validated parts: only HTML-escaped (attributes are never Markdown)."""
    return Markup(html.escape(value, quote=True))


def safe_id(value: str | None) -> Markup:
    """An anchor id, or "" if the value is not a valid kebab-case id (the checker has refused it)."""
    return attr(value) if value and ID_RE.match(value) else Markup("")


def doi_url(doi: str | None) -> str | None:
    if not doi or not DOI_RE.match(doi):
        return None
    return attr("https://doi.org/" + quote(doi, safe="/:;()._-"))


def pubmed_url(pmid: str | None) -> str | None:
    if not pmid or not PMID_RE.match(pmid):
        return None
    return attr(f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/")


def http_url(url: str | None) -> str | None:
    """Only http(s) URLs are ever emitted; anything else (javascript:, data:, relative) is dropped."""
    if not url:
        return None
    url = url.strip()
    if re.match(r"^https?://[^\s<>\"'`]+$", url, re.I) is None:
        return None
    return attr(url)


PMCID_RE = re.compile(r"^PMC[1-9][0-9]{0,9}\Z")


def pmc_url(pmcid: str | None) -> str | None:
    """PubMed Central's page of an article (`pmcid = {PMC6371730}`), or None when the id is malformed."""
    if not pmcid:
        return None
    pmcid = pmcid.strip().upper()
    if not PMCID_RE.match(pmcid):
        return None
    return attr(f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/")


def clean_title(title: str) -> str:
    """A page or nav title: MkDocs' own templates print it without escaping, so keep harmless characters only."""
    return re.sub(r"[<>&\"'`{}\[\]\\]", "", title).strip() or "Untitled"
