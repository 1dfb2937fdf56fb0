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
import jinja2.runtime
from markupsafe import Markup

from derma_evidence.contract.vocab import DOI_RE, ID_RE, PMID_RE

_NEUTRAL = {ord(c): f"&#{ord(c)};" for c in "{}[]*_`\\#|~^+-!:=$@"}
_NEUTRAL.update({ord("\n"): "&#10;", ord("\r"): "", ord("\t"): " "})
# html.escape(quote=True) and the table above in one table (`neutralise` applies it)
_NEUTRAL.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#x27;"})


_SPECIAL = re.compile("[" + re.escape("".join(map(chr, _NEUTRAL))) + "]")
_REPLACE = tuple(sorted(((chr(k), v) for k, v in _NEUTRAL.items()), key=lambda kv: {"&": 0, "#": 1}.get(kv[0], 2)))
"""`_NEUTRAL` as (character, reference) replacements, "&" first and "#" second: every later reference holds
both, and none holds a character replaced after it, so replacing in turn gives what one `translate` pass gives."""


def neutralise(value: str) -> str:
    """HTML-escape `value` and neutralise every character Markdown or an extension could interpret.

    `value.translate(_NEUTRAL)`, several times faster: a table of multi-character replacements takes
    `translate`'s slow path (a dictionary look-up per character); most values hold none of the characters, and
    the others a few kinds of them (a tenth of a claim's view-model was the translation of its text).
    """
    if type(value) is not str:
        value = str(value)
    if _SPECIAL.search(value) is None:
        return value
    for char, ref in _REPLACE:
        if char in value:
            value = value.replace(char, ref)
    return value


_markup = str.__new__
"""`Markup` of a str already escaped, without `Markup.__new__`'s checks (written in Python, called per value)."""


def _finalize(value: Any) -> Any:
    """Jinja's finalize hook: every printed value that is not already markup is neutralised."""
    if isinstance(value, Markup):
        return value
    if value is None:
        raise ValueError("a template printed None; the view-model must give a value")
    return _markup(Markup, neutralise(value))


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, printing a value as `finalize(value)` where Jinja writes `escape(finalize(value))`.

    `_finalize` returns markup, escaped (neutralised) unless it already was; Jinja's `escape` of it then only
    copied it, in Python, once per printed value (about 35 per claim on a topic page). Where autoescaping is
    decided at run time (a volatile `{% autoescape %}`), Jinja's code is kept. Autoescaping stays on: this only
    drops the second, redundant pass. tests/render/test_render_equivalence.py renders the site with both.
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
    return _markup(Markup, neutralise(value or ""))


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


@cache
def _template(name: str, stock: bool = False) -> tuple[jinja2.Template, dict[str, Any]]:
    """A template of `environment(stock)` and its globals as a plain dict (read once: they never change)."""
    template = environment(stock).get_template(name)
    return template, dict(template.globals)


def render(name: str, context: dict[str, Any]) -> str:
    """`environment().get_template(name).render(context)` at less than half the fixed cost (the lines under each
    claim are one render of a small template per claim): the template is looked up once, and its globals (a
    `ChainMap`, which Jinja copies key by key in Python at every render) are a dict."""
    template, globals_ = _template(name)
    env = template.environment
    ctx = jinja2.runtime.new_context(env, template.name, template.blocks, context, False, globals_)
    try:
        return env.concat(template.root_render_func(ctx))
    except Exception:
        env.handle_exception()


def render_template(name: str, **context: Any) -> str:
    """A template rendered to a raw HTML block: no blank lines inside, blank line around it."""
    body = render(name, context)
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


def yaml_quoted(value: str) -> str:
    """A YAML double-quoted scalar in ASCII only: every other character as a \\u or \\U escape.

    `json.dumps` would write an emoji as a surrogate pair (`\\ud83d\\ude00`), which YAML refuses; the
    front matter then fails to parse and shows on the page as a raw `title:` line.
    """
    out = []
    for ch in value:
        o = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        elif o <= 0xFFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    return '"' + "".join(out) + '"'
