"""BibTeX read the way BibTeX reads it, with 1-based positions, bounded macros and every failure kept.

A small hand-written scanner, one pass over the text, so that its cost is linear in the input
also when every entry sits on one line, and so that it can say *why* a block fails. What it
follows from BibTeX itself (bibtex.web), and reports where people expect otherwise:

- Everything between entries is a comment, and `%` means nothing there: `% @article{...}` is a
  live entry (reported, B011). `@comment` hides only its own name: an entry inside
  `@comment{...}` is still read (reported, B011).
- `@ article {` is an entry (white space is allowed after `@`); entry types and field names are
  case-insensitive; a field given twice keeps its first value (reported, B014).
- Braces between entries are ignored by BibTeX; here they are reported (B017), because the usual
  cause is an entry closed too early, whose remaining fields BibTeX silently drops.

Field values are resolved here (braces, quotes, numbers, `@string` macros joined with `#`) so that
an undefined macro is an error rather than a silent literal; macro expansion is bounded (see
``MAX_VALUE_CHARS`` and ``MAX_EXPANSION_CHARS``, rule Y009). Values holding a backslash are
decoded from LaTeX (`H{\\'e}bert` -> `Hébert`): common accents and escapes by a table, the rest by
pylatexenc (about 0.5 ms a value, hence the table and ``MAX_LATEX_CALLS``).

Over 500 lines: one scanner whose states share the text, the position table and the limits; its
nine load codes are declared next to the states that detect them.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from derma_evidence.diagnostics import Collector, Diagnostic, Pos, declare, make
from derma_evidence.load.text import LINE_BREAK, MAX_BYTES, decode, limit, too_large

MONTHS = {m: str(i) for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}

MAX_VALUE_CHARS = 100_000
"""Longest field or `@string` value that macro expansion may produce (the longest real abstract is ~3,000)."""

MAX_EXPANSION_CHARS = 8 * 1024 * 1024
"""Most characters that all `@string` expansions of one file may produce together."""

MAX_LATEX_CALLS = 2_000
"""Most values per file decoded by pylatexenc (the table handles accents and escapes without it)."""

MAX_ENTRIES = 50_000
"""Most blocks (entries, `@string`, `@comment`, `@preamble`) read from one file: ten times the
5,000 references the checker is measured with."""

MAX_SYNTAX_ERRORS = 100
"""After this many syntax errors (B001) the rest of the file is not read: it is not BibTeX."""

MAX_REPORTS_PER_KIND = 50
"""At most this many stray-brace reports per file (the rest are counted in the last one)."""

KEY_RE = re.compile(r"[A-Za-z0-9_:.+-]+", re.ASCII)
"""A citation key: ASCII letters, digits and `_ : . + -` (matched in full)."""

_NAME = re.compile(r"[^\s\"#%'(),={}@\\]+")  # entry types, field and macro names (BibTeX's identifier)
_WS = re.compile(r"\s*")
_BLANK = re.compile(r"[ \t]*")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_KEY_CHARS = re.compile(r"[^,\s{}()=\"#%'@]*")
_BRACED = re.compile(r"[{}]|\n[ \t]*@")
_QUOTED = re.compile(r"[{}\"]|\n[ \t]*@")
_ENTRY_START = re.compile(r"@\s*[A-Za-z][^\s\"#%'(),={}@\\]*\s*[{(]")
_JUNK = re.compile(r"[{}]|" + _ENTRY_START.pattern)  # a brace, or an `@` that starts a block
_KEY_STOP = re.compile(r"[,\n{}()=@]")


@dataclass(frozen=True, slots=True)
class RawReference:
    key: str
    entry_type: str
    fields: dict[str, str]
    pos: Pos
    field_pos: dict[str, Pos] = field(default_factory=dict)
    end: Pos | None = None  # the entry's closing brace


@dataclass(slots=True)
class BibResult:
    references: list[RawReference]
    diagnostics: list[Diagnostic]


class _Stop(Exception):
    """A limit was reached: the rest of the file is not read."""


class _Fail(Exception):
    """A block cannot be read: carries the diagnostic and where to resume."""

    def __init__(self, diag: Diagnostic, resume: int) -> None:
        super().__init__(diag.message)
        self.diag = diag
        self.diag_pos = Pos(diag.file, diag.line, diag.col)
        self.resume = resume


class _Scanner:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.t = text
        self.n = len(text)
        self.starts = [0]
        self.starts.extend(m.end() for m in LINE_BREAK.finditer(text))
        self.diags = Collector()
        self.macros: dict[str, str] = dict(MONTHS)
        self.refs: list[RawReference] = []
        self.seen: dict[str, tuple[str, int]] = {}
        self.comment_depth = 0  # braces opened by `@comment{` and not closed yet
        self.comment_line = 0
        self.stray = 0
        self.failures = 0
        self.blocks = 0
        self.expanded = 0
        self.latex_calls = 0
        self.latex_cache: dict[str, str] = {}

    # --- positions ---------------------------------------------------------------------------

    def pos(self, off: int) -> Pos:
        li = bisect.bisect_right(self.starts, off) - 1
        return Pos(self.path, li + 1, off - self.starts[li] + 1)

    def ws(self, i: int) -> int:
        m = _WS.match(self.t, i)
        assert m is not None
        return m.end()

    def at(self, i: int) -> str:
        return self.t[i] if i < self.n else ""

    def shown(self, i: int) -> str:
        c = self.at(i)
        return "the end of the file" if not c else ("a line break" if c == "\n" else f"'{c}'")

    def resume_after(self, i: int) -> int:
        """Where to go on after a failed block: the next thing that looks like an entry."""
        m = _ENTRY_START.search(self.t, i)
        return m.start() if m else self.n

    # --- top level ---------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self.scan()
        except _Stop:
            pass

    def scan(self) -> None:
        i = 0
        while i < self.n:
            m = _JUNK.search(self.t, i)
            if m is None:
                break
            c = m.group()
            j = m.start()
            if c != "@" and not self.comment_depth and self.stray >= MAX_REPORTS_PER_KIND:
                at = self.t.find("@", j)
                end = self.n if at < 0 else at
                self.stray += self.t.count("{", j, end) + self.t.count("}", j, end)  # only counted now
                i = end
                continue
            if c == "{":
                if self.comment_depth:
                    self.comment_depth += 1
                else:
                    self.stray_brace(j)
                i = j + 1
            elif c == "}":
                if self.comment_depth:
                    self.comment_depth -= 1
                else:
                    self.stray_brace(j)
                i = j + 1
            else:
                try:
                    i = self.block(j)
                except _Fail as exc:
                    self.failures += 1
                    if self.failures > MAX_SYNTAX_ERRORS:
                        self.diags.append(
                            parse_failure(exc.diag_pos, f"more than {MAX_SYNTAX_ERRORS} syntax errors; stopped reading")
                        )
                        break
                    self.diags.append(exc.diag)
                    i = exc.resume if exc.resume > j else j + 1
        if self.stray > MAX_REPORTS_PER_KIND:
            last = self.diags[-1] if self.diags else None
            if last is not None and last.code == "B017":
                more = self.stray - MAX_REPORTS_PER_KIND
                self.diags[-1] = make(
                    Pos(last.file, last.line, last.col),
                    "B017",
                    last.message + f" ({more} more stray braces not listed)",
                    last.help,
                )

    def emit(self, code: str, factory: Callable[..., Diagnostic], *args: Any) -> None:
        """Report through ``factory`` unless ``code`` is full (then only count it: no object is built)."""
        if self.diags.full(code):
            self.diags.skip(code)
        else:
            self.diags.append(factory(*args))

    def stray_brace(self, j: int) -> None:
        self.stray += 1
        if self.stray <= MAX_REPORTS_PER_KIND:
            self.diags.append(stray_brace(self.pos(j), self.t[j]))

    def percent_before(self, j: int) -> int | None:
        """Offset of a `%` that starts the line of offset ``j`` (before it), if any."""
        li = bisect.bisect_right(self.starts, j) - 1
        k = _BLANK.match(self.t, self.starts[li], j)
        assert k is not None
        return k.end() if self.at(k.end()) == "%" else None

    def block(self, at: int) -> int:
        """Read the block starting with the `@` at ``at``; returns where scanning goes on."""
        self.blocks += 1
        if self.blocks > MAX_ENTRIES:
            self.diags.append(limit(self.pos(at), f"more than {MAX_ENTRIES} blocks; the rest of the file is not read"))
            raise _Stop
        t = self.t
        i = self.ws(at + 1)
        m = _NAME.match(t, i)
        if m is None or not m.group()[0].isalpha():
            return at + 1  # an `@` in comment text (an e-mail address): BibTeX skips it too
        kind = m.group().lower()
        i = self.ws(m.end())
        opener = self.at(i)
        if opener not in ("{", "("):
            return at + 1  # not an entry (e.g. `user@example.org` in a comment)
        closer = "}" if opener == "{" else ")"
        if kind == "comment":
            if opener == "{":
                self.comment_depth += 1
                self.comment_line = self.pos(at).line
            return i + 1  # BibTeX skips only the word: what follows is read as usual
        pct = self.percent_before(at)
        if pct is not None and kind != "preamble":
            self.emit("B011", commented_out, self.pos(pct), kind, "%")
        elif self.comment_depth and kind != "preamble":
            self.emit("B011", commented_out, self.pos(at), kind, f"@comment (line {self.comment_line})")
        if kind == "preamble":
            return self.skip_preamble(at, i + 1, closer)
        if kind == "string":
            return self.string(at, i + 1, closer)
        return self.entry(at, kind, i + 1, closer)

    def skip_preamble(self, at: int, i: int, closer: str) -> int:
        _, _, j = self.value(at, self.ws(i), "@preamble")
        j = self.ws(j)
        if self.at(j) != closer:
            raise _Fail(self.syntax(j, f"expected '{closer}' to close @preamble, found {self.shown(j)}"), j)
        return j + 1

    def string(self, at: int, i: int, closer: str) -> int:
        i = self.ws(i)
        m = _NAME.match(self.t, i)
        if m is None:
            raise _Fail(
                self.syntax(i, f"@string needs a macro name, found {self.shown(i)}", "write @string{name = {value}}"),
                self.resume_after(i),
            )
        name = m.group()
        if name[0].isdigit():  # BibTeX: an identifier cannot start with a digit (`1x` in a value reads as `1` then `x`)
            self.emit(
                "B001",
                parse_failure,
                self.pos(i),
                f"@string name '{name}' starts with a digit",
                "BibTeX macro names start with a letter; a value could never use this one",
            )
        j = self.ws(m.end())
        if self.at(j) != "=":
            raise _Fail(self.syntax(j, f"expected '=' after @string name '{name}', found {self.shown(j)}"), j)
        parts, _, j = self.value(at, self.ws(j + 1), f"@string {name}")
        j = self.ws(j)
        if self.at(j) != closer:
            raise _Fail(self.syntax(j, f"expected '{closer}' to close @string{{{name}}}, found {self.shown(j)}"), j)
        if not name[0].isdigit():
            self.macros[name.lower()] = self.resolve(parts, self.pos(at))
        return j + 1

    def entry(self, at: int, kind: str, i: int, closer: str) -> int:
        t = self.t
        bpos = self.pos(at)
        i = self.ws(i)
        km = _KEY_CHARS.match(t, i)
        assert km is not None
        key = km.group()
        j = self.ws(km.end())
        c = self.at(j)
        if c == "=" or (not key and c == ","):
            what = f"'{key} =' starts a field" if c == "=" else "nothing comes before the first comma"
            raise _Fail(
                self.syntax(
                    i,
                    f"@{kind} entry has no citation key: {what}",
                    "write the key right after the brace: @" + kind + "{dhurat2013, ...",
                ),
                self.resume_after(j),
            )
        if c not in (",", closer):
            # a key with white space or a character that cannot start a field: `@article{my key,`
            stop = _KEY_STOP.search(t, j, j + 256)
            comma = stop.start() if stop is not None and stop.group() == "," else -1
            if comma < 0 or not key:
                raise _Fail(
                    self.syntax(j, f"expected ',' after the citation key '{key}', found {self.shown(j)}"),
                    self.resume_after(j),
                )
            key = t[i:comma].strip()
            j = comma
            c = ","
        if not KEY_RE.fullmatch(key):
            self.emit("B012", bad_key, self.pos(i), key)
        fields: dict[str, str] = {}
        fpos: dict[str, Pos] = {}
        flines: dict[str, int] = {}
        while c != closer:
            # here c == ',': a field (or the closer, after a trailing comma) follows
            j = self.ws(j + 1)
            c = self.at(j)
            if c == closer:
                break
            if c == ",":  # `title={T},  , number={2}`: BibTeX stops here ("missing field name"); we read on
                self.emit(
                    "B001",
                    parse_failure,
                    self.pos(j),
                    f"empty field in entry '{key}': two commas with no field between them",
                    "delete the extra comma",
                )
                continue
            j, c = self.field(at, kind, key, j, closer, fields, fpos, flines)
        self.add(kind, key, bpos, fields, fpos, self.pos(j))
        return j + 1

    def field(
        self,
        at: int,
        kind: str,
        key: str,
        j: int,
        closer: str,
        fields: dict[str, str],
        fpos: dict[str, Pos],
        flines: dict[str, int],
    ) -> tuple[int, str]:
        t = self.t
        m = _NAME.match(t, j)
        if m is None:
            raise _Fail(
                self.syntax(
                    j, f"expected a field name or '{closer}' in entry '{key}', found {self.shown(j)}", _CLOSE_HINT
                ),
                self.resume_after(j),
            )
        name = m.group().lower()
        p = self.pos(j)
        if name[0].isdigit():  # BibTeX: an identifier cannot start with a digit; the field is not read
            self.emit(
                "B001",
                parse_failure,
                p,
                f"field name '{m.group()}' in entry '{key}' starts with a digit",
                "BibTeX field names start with a letter",
            )
            name = ""
        j = self.ws(m.end())
        if self.at(j) != "=":
            raise _Fail(
                self.syntax(j, f"expected '=' after field name '{m.group()}' in entry '{key}', found {self.shown(j)}"),
                self.resume_after(j),
            )
        parts, _, j = self.value(at, self.ws(j + 1), f"field '{name}' of '{key}'")
        value = self.latex(self.resolve(parts, p))
        if name == "crossref":
            self.emit("B027", crossref, p, key, value)
        if not name:
            pass
        elif name in fields:
            self.emit("B014", duplicate_field, p, name, key, flines[name])
        else:
            fields[name] = value
            fpos[name] = p
            flines[name] = p.line
        j = self.ws(j)
        c = self.at(j)
        if c in (",", closer):
            return j, c
        nm = _NAME.match(t, j)
        if nm is not None and self.at(self.ws(nm.end())) == "=":
            self.emit("B013", missing_comma, self.pos(j), nm.group().lower(), name)
            return j - 1, ","  # read on as if the comma were there (j - 1 is skipped by the caller)
        raise _Fail(
            self.syntax(
                j,
                f"expected ',' or '{closer}' after the value of field '{name}' in entry '{key}', found {self.shown(j)}",
                "a missing comma, or a value with an unbalanced brace or quote",
            ),
            self.resume_after(j),
        )

    def value(self, at: int, i: int, what: str) -> tuple[list[tuple[str, str]], int, int]:
        """The parts of a value joined with `#`: (kind, text) with kind brace, quote, number or macro."""
        t = self.t
        parts: list[tuple[str, str]] = []
        start = i
        while True:
            c = self.at(i)
            if c == "{":
                end = self.balanced(i + 1, _BRACED, what)
                parts.append(("text", t[i + 1 : end]))
                i = end + 1
            elif c == '"':
                end = self.balanced(i + 1, _QUOTED, what)
                parts.append(("text", t[i + 1 : end]))
                i = end + 1
            elif c.isdigit():
                m = _DIGITS.match(t, i)
                assert m is not None
                parts.append(("text", m.group()))
                i = m.end()
            else:
                m = _NAME.match(t, i)
                if m is None:
                    raise _Fail(
                        self.syntax(i, f"expected a value for {what}, found {self.shown(i)}", _VALUE_HINT),
                        self.resume_after(i),
                    )
                parts.append(("macro", m.group()))
                i = m.end()
            j = self.ws(i)
            if self.at(j) != "#":
                return parts, start, i
            i = self.ws(j + 1)

    def balanced(self, i: int, pattern: re.Pattern[str], what: str) -> int:
        """Offset of the `}` (or `"`) that closes a value opened just before ``i``."""
        depth = 0
        opened = i - 1
        for m in pattern.finditer(self.t, i):
            c = m.group()
            if c == "{":
                depth += 1
            elif c == "}":
                if depth == 0:
                    if pattern is _BRACED:
                        return m.start()
                    raise _Fail(
                        self.syntax(m.start(), f"unbalanced '}}' inside the quoted value of {what}", _BRACE_HINT),
                        self.resume_after(m.start()),
                    )
                depth -= 1
            elif c == '"':
                if depth == 0:
                    return m.start()
            elif _ENTRY_START.match(self.t, m.end() - 1):
                # a new entry starts at the beginning of a line while the value is still open
                sym = "{" if pattern is _BRACED else '"'
                raise _Fail(
                    self.syntax(opened, f"the '{sym}' opening {what} is never closed", _BRACE_HINT),
                    m.end() - 1,
                )
        sym = "{" if pattern is _BRACED else '"'
        raise _Fail(self.syntax(opened, f"the '{sym}' opening {what} is never closed", _BRACE_HINT), self.n)

    # --- values ------------------------------------------------------------------------------

    def resolve(self, parts: list[tuple[str, str]], p: Pos) -> str:
        if len(parts) == 1 and parts[0][0] == "text":
            return parts[0][1]
        out: list[str] = []
        size = 0
        for kind, text in parts:
            if kind == "macro":
                value = self.macros.get(text.lower())
                if value is None:
                    self.emit("B003", undefined_macro, p, text)
                    value = text
                self.expanded += len(value)
            else:
                value = text
            size += len(value)
            if size > MAX_VALUE_CHARS or self.expanded > MAX_EXPANSION_CHARS:
                self.emit("B018", expansion_limit, p, size > MAX_VALUE_CHARS)
                return "".join(out)
            out.append(value)
        return "".join(out)

    def latex(self, value: str) -> str:
        if "\\" not in value:
            return value
        cached = self.latex_cache.get(value)
        if cached is not None:
            return cached
        accented = _ACCENT.sub(_accent, _SLASHED_O.sub(lambda m: _SLASHED[m.group(1)], value))
        text = _table(accented)
        if "\\" in text and self.latex_calls < MAX_LATEX_CALLS and len(value) <= 10_000:
            self.latex_calls += 1
            text = _pylatexenc(accented)
            if "\\" in text:  # commands pylatexenc left raw (a construct it misreads): decode the rest by the table
                text = _table(_ACCENT.sub(_accent, text)).replace("{", "").replace("}", "")
        else:
            text = text.replace("{", "").replace("}", "")
        text = unicodedata.normalize("NFC", text)
        self.latex_cache[value] = text
        return text

    # --- results -----------------------------------------------------------------------------

    def syntax(self, off: int, message: str, help: str | None = None) -> Diagnostic:
        return parse_failure(self.pos(off), message, help)

    def add(self, kind: str, key: str, bpos: Pos, fields: dict[str, str], fpos: dict[str, Pos], end: Pos) -> None:
        folded = unicodedata.normalize("NFC", key).casefold()
        if folded in self.seen:
            first_key, first_line = self.seen[folded]
            self.emit("B002", duplicate_bib_key, bpos, key, first_line, first_key)
            return
        self.seen[folded] = (key, bpos.line)
        self.refs.append(RawReference(key, kind, fields, bpos, fpos, end))


_CLOSE_HINT = "close the entry with '}' (a '}' too many inside a value closes it early)"
_VALUE_HINT = 'write the value in braces {...} or quotes "...", or use a number or an @string macro'
_BRACE_HINT = "close the brace or quote; every '{' in a value needs its '}'"

_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
}
# {\'e}  \'e  \'{e}  \c{c}  \c c  \'{\i}
_ACCENT = re.compile(
    r"\{?\\(?:([`'^\"~=.])\s*|([uvHckr])(?=[\s{]))\s*(?:\{(\\[ij]|[A-Za-z])\}|(\\[ij](?![A-Za-z])|[A-Za-z]))\}?"
)
_ESCAPES = {
    "%": "%",
    "&": "&",
    "_": "_",
    "#": "#",
    "$": "$",
    "{": "{",
    "}": "}",
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
}
# a control symbol (`\%`) keeps the space after it; a control word (`\ss`) ends at one space, as in TeX
_ESCAPE = re.compile(r"\\(?:([%&_#${}])|(ss|o|O|ae|AE|oe|OE|aa|AA|l|L|i)(?![A-Za-z])[ \t]?)")


_SLASHED_O = re.compile(r"([oO])\{\$\\not\$\}")
_SLASHED = {"o": "\u00f8", "O": "\u00d8"}
"""`So{$\\not$}rensen`: an old way of writing ø (a math slash over the o), as BibTeX prints it."""


def _table(text: str) -> str:
    """The escapes of `_ESCAPES` decoded (accents are decoded before)."""
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group(1) or m.group(2)], text)


def _accent(m: re.Match[str]) -> str:
    whole = m.group(0)
    if whole.startswith("{") != whole.endswith("}"):
        return whole  # unbalanced: not a simple accent group; pylatexenc decides
    mark = _ACCENTS[m.group(1) or m.group(2)]
    base = m.group(3) or m.group(4)
    base = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", base + mark)


_DECODER: object | None = None


def _pylatexenc(value: str) -> str:
    global _DECODER
    from pylatexenc.latex2text import LatexNodes2Text  # type: ignore[import-untyped]

    if _DECODER is None:
        _DECODER = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
    assert isinstance(_DECODER, LatexNodes2Text)
    try:
        return str(_DECODER.latex_to_text(value))
    except Exception:  # noqa: BLE001 - a third-party decoder failing leaves the value as written
        return value


def load_bib(path: str, data: bytes) -> BibResult:
    """Parse ``data`` (the bytes of ``path``); never raises on bad input."""
    if len(data) > MAX_BYTES:
        return BibResult([], [too_large(path, len(data))])
    text, diags = decode(path, data)
    if text.binary:
        return BibResult([], diags)
    scanner = _Scanner(path, text.text)
    scanner.run()
    diags.extend(scanner.diags.capped())
    return BibResult(scanner.refs, diags)


def decode_latex(value: str) -> str:
    """A field value decoded from LaTeX exactly as the scanner decodes the values it reads."""
    return _Scanner("", "").latex(value)


@declare("B027", "crossref-not-supported", phase="load")
def crossref(pos: Pos, key: str, parent: str) -> Diagnostic:
    """An entry has a `crossref` field: inheriting fields from another entry is not supported.

    Why: BibTeX and biber copy the fields an entry lacks from the entry its `crossref` names (and
    BibTeX adds that entry to the bibliography when two or more cite it). The checker and the site
    read each entry on its own: an inherited field (a book's title, its editors, its year) would
    silently be missing from the reference, the citation and the exports, so the entry is refused
    rather than shown incomplete.

    Example: `@inproceedings{smith2020, crossref = {proc2020}, ...}`.

    Fix: copy the fields the entry needs from the entry named (`booktitle`, `year`, `publisher`, ...)
    into the entry itself and delete `crossref`.
    """
    return make(
        pos,
        "B027",
        f"entry '{key}' inherits from '{parent}' by crossref, which is not supported",
        "write the inherited fields (booktitle, year, publisher, ...) into the entry and delete crossref",
    )


@declare("B001", "bibtex-parse-failure", phase="load")
def parse_failure(pos: Pos, message: str, help: str | None = None) -> Diagnostic:
    """A BibTeX block cannot be parsed: a syntax error, with the likely cause.

    Why: a block the parser gives up on is a reference that silently disappears; every claim
    citing it would then point at nothing. The rest of the file is still read, from the next
    `@entry{`. The message says what was expected and what was found there (an entry without a
    key, a field without `=`, a brace or quote never closed, a value followed by neither `,`
    nor `}`).

    Example: `@article{dhurat2013, title = {unclosed` or `@article{title = {x}}` (no key).

    After 100 syntax errors the rest of the file is not read (the last diagnostic says so).

    Two slips BibTeX 0.99d also refuses are reported here and read past (BibTeX drops the rest of
    the entry): an empty field between two commas (`title = {T},  , number = {2}`: "missing field
    name"), a field name that starts with a digit (`2nd = {x}`: that field is left out), and an `@string`
    name that starts with a digit (`@string{1st = {x}}`: that macro is not defined).

    Fix: correct the syntax at the position given; the help line names the likely cause.
    """
    return make(pos, "B001", f"BibTeX syntax error: {message}", help or "check braces, quotes and commas here")


@declare("B002", "duplicate-bibtex-key", phase="load")
def duplicate_bib_key(pos: Pos, key: str, first_line: int, first_key: str | None = None) -> Diagnostic:
    """Two BibTeX entries share a citation key (also when only case or Unicode normalisation differs).

    Why: BibTeX tools disagree about which entry wins, and keys that differ only in case break
    on case-insensitive file systems and in many reference managers. Keys are compared after
    NFC normalisation and full case folding.

    Example: `@article{Dhurat2013, ...}` and later `@article{dhurat2013, ...}`.

    Fix: delete the duplicate, or give the second entry its own key (e.g. `dhurat2013b`).
    """
    if first_key is not None and first_key != key:
        msg = f"citation key '{key}' differs only in case or normalisation from '{first_key}' (line {first_line})"
    else:
        msg = f"duplicate citation key '{key}' (first defined on line {first_line})"
    return make(pos, "B002", msg, "delete the duplicate or rename it, e.g. with a trailing 'b'")


@declare("B003", "undefined-macro", phase="load")
def undefined_macro(pos: Pos, name: str) -> Diagnostic:
    """A field uses a `@string` macro that is never defined.

    Why: BibTeX would print the macro's name, or nothing, in place of the value; the error hides
    until someone reads the bibliography. Month names (`jan` ... `dec`) are predefined.

    Example: `journal = jeadv,` with no `@string{jeadv = ...}` above it.

    Fix: define the macro with `@string{name = {...}}` before its first use, or write the value
    in braces.
    """
    return make(
        pos,
        "B003",
        f"undefined @string macro '{name}'",
        "define it with @string{" + name + " = {...}} above, or write the value in braces",
    )


@declare("B011", "commented-out-entry", phase="load")
def commented_out(pos: Pos, kind: str, how: str) -> Diagnostic:
    """An entry looks commented out (`% @article{...}` or inside `@comment{...}`), but BibTeX reads it.

    Why: in a .bib file `%` is not a comment sign, and `@comment` hides only its own name; BibTeX
    (and this checker) still read the entry, so it stays citable and is published. Tools that do
    treat these as comments would drop it: the file means different things to different tools.

    Example: `% @article{old2001, ...}`, or `@comment{ @article{old2001, ...} }`.

    Fix: delete the entry if it should be gone; if it should stay, remove the `%` or `@comment`.
    """
    return make(
        pos,
        "B011",
        f"this @{kind} entry is live: BibTeX does not treat {how} as a comment",
        "delete the entry to remove it, or drop the comment marker to keep it",
    )


@declare("B012", "bad-bibtex-key", phase="load")
def bad_key(pos: Pos, key: str) -> Diagnostic:
    """A citation key holds a character other than ASCII letters, digits and `_ : . + -`.

    Why: keys are cited from the claims, become URL anchors and file names, and are compared by
    many tools byte for byte; a space ends the key in BibTeX, and accented or look-alike letters
    make two keys that look equal but are not.

    Example: `@article{dhurat 2013, ...}` or `@article{müller2019, ...}`.

    Fix: use ASCII letters and digits, e.g. `dhurat2013` or `muller2019`.
    """
    bad = sorted({c for c in key if not KEY_RE.fullmatch(c)})
    shown = ", ".join("space" if c == " " else f"U+{ord(c):04X}" if not c.isprintable() else f"'{c}'" for c in bad)
    return make(
        pos,
        "B012",
        f"citation key '{key}' holds characters keys may not use ({shown})",
        "use ASCII letters, digits and _ : . + - only, e.g. 'dhurat2013'",
    )


@declare("B013", "missing-comma", phase="load")
def missing_comma(pos: Pos, name: str, previous: str) -> Diagnostic:
    """A comma is missing between two fields of an entry.

    Why: without the comma the next field is not a field: tools either stop or swallow it into
    the previous value, so a year or DOI silently disappears.

    Example: `title = {Scarring},` then `year = {2007}` then `doi = {...}` with no comma after the year.

    Fix: add the comma after the previous value.
    """
    return make(
        pos,
        "B013",
        f"missing comma before field '{name}' (after the value of '{previous}')",
        f"add ',' after the value of '{previous}'",
    )


@declare("B014", "duplicate-bibtex-field", phase="load")
def duplicate_field(pos: Pos, name: str, key: str, first_line: int) -> Diagnostic:
    """An entry gives the same field twice (field names ignore case: `author` and `AUTHOR` are one).

    Why: BibTeX keeps the first value and other tools the last, so the bibliography depends on
    the tool. The checker keeps the first, as BibTeX does.

    Example: `author = {Dhurat, R.}` and later `AUTHOR = {Dhurat, Rachita}` in one entry.

    Fix: keep one value and delete the other.
    """
    return make(
        pos,
        "B014",
        f"field '{name}' of '{key}' is given twice (first on line {first_line}); the first value is kept",
        "keep one value per field",
    )


@declare("B017", "stray-brace", phase="load")
def stray_brace(pos: Pos, brace: str) -> Diagnostic:
    """A brace outside any entry.

    Why: BibTeX ignores text between entries, braces included. A stray `}` usually means an entry
    was closed early by a brace too many, and BibTeX dropped the fields after it without a word.
    At most 50 are listed per file; the last one counts the rest.

    Example: `@article{x, title = {a}}, year = {2001}}` (the entry ends after the title).

    Fix: remove the extra brace, or balance the braces of the value before it.
    """
    return make(
        pos,
        "B017",
        f"stray '{brace}' outside any entry",
        "an entry before it may be closed too early by a '}' too many; balance the braces",
    )


@declare("B018", "macro-expansion-limit", phase="load")
def expansion_limit(pos: Pos, value_too_long: bool) -> Diagnostic:
    """`@string` macros expand beyond the limits: 100,000 characters for one value, 8 MiB in total.

    Why: macros can refer to macros, so a few hundred bytes can expand to gigabytes
    (`@string{a = b # b}` repeated doubles each time). The checker stops expanding at the limit
    and keeps what it had.

    Example: thirty lines of `@string{aN = aM # aM}`.

    Fix: write the value out; real bibliographies use macros only for journal names and months.
    """
    what = f"longer than {MAX_VALUE_CHARS} characters" if value_too_long else f"over {MAX_EXPANSION_CHARS} in total"
    return make(pos, "B018", f"@string expansion stopped: the value would be {what}", "write the value out in braces")
