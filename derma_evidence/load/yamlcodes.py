"""The YAML loader's diagnostics: one function per code (Y001-Y004, Y006-Y011), with its documentation.

`load.yamlpos` reports through these; `derma rules` and the rule reference read their docstrings.
"""

from __future__ import annotations

import yaml

from derma_evidence.diagnostics import Diagnostic, Pos, declare, make
from derma_evidence.load.text import FORBIDDEN


@declare("Y008", "empty-document", phase="load")
def empty(path: str) -> Diagnostic:
    """The file holds no data.

    Why: an empty claims file is almost always a mistake (a failed save, a wrong path), and
    an empty knowledge base would publish an empty site without complaint.

    Example: a `claims.yaml` with only comments, or a lone `---`.

    Fix: restore the file, or start from the example in the contributing guide.
    """
    return make(Pos(path, 1, 1), "Y008", "the file is empty", "a claims file starts with `topics:` and `claims:`")


@declare("Y001", "yaml-syntax", phase="load")
def syntax_error(path: str, exc: yaml.MarkedYAMLError, surrogate: bool = False) -> Diagnostic:
    """The file is not well-formed YAML.

    Why: nothing after a syntax error can be read reliably, so the file is not checked further.

    Example: `statement: "unclosed` or a list item indented under a scalar.

    Fix: correct the syntax at the position given; a YAML-aware editor shows it as you type.
    """
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or "invalid YAML"
    context = f" ({exc.context})" if exc.context else ""
    if surrogate and "escape" in problem:
        return make(
            Pos(path, line, col),
            "Y001",
            f"YAML syntax error: {problem}: a \\uD800-\\uDFFF escape is a lone surrogate, not a character",
            "write the character itself, or the escape of the whole character (e.g. \\U0001F600)",
        )
    return make(Pos(path, line, col), "Y001", f"YAML syntax error: {problem}{context}", None)


def complex_key(pos: Pos) -> Diagnostic:
    return make(pos, "Y001", "a mapping key must be plain text, not a list or mapping", "use a plain key")


@declare("Y002", "duplicate-key", phase="load")
def duplicate_key(pos: Pos, key: str, first_line: int) -> Diagnostic:
    """A mapping has the same key twice.

    Why: YAML loaders silently keep the last value, so the first one vanishes without a trace.

    Example: a claim with two `verdict:` lines.

    Fix: keep one of the two values and delete the other.
    """
    return make(
        pos,
        "Y002",
        f"duplicate key '{key}' (first defined on line {first_line})",
        f"keep one of the two values; the loader would otherwise drop the one on line {first_line}",
    )


@declare("Y003", "anchor-or-alias", phase="load")
def anchor(pos: Pos, message: str) -> Diagnostic:
    """An anchor (`&a`), alias (`*a`) or merge key (`<<`) is used.

    Why: aliases make one edit change many claims unseen, and they allow "billion laughs" alias
    bombs. Every claim should be readable on its own.

    Example: `sources: *dhurat-sources`.

    Fix: write the value out in full where it is used.
    """
    return make(pos, "Y003", message, "write the value out in full; anchors, aliases and merge keys are refused")


@declare("Y004", "explicit-tag", phase="load")
def explicit_tag(pos: Pos, tag: str) -> Diagnostic:
    """A value carries an explicit YAML tag such as `!!python/object` or `!!binary`.

    Why: tags can make a loader build arbitrary objects or change a value's type unseen; the
    data contract has plain text, numbers and dates only.

    Example: `note: !!binary aGVsbG8=`.

    Fix: remove the tag; put text in quotes if it must stay text.
    """
    return make(
        pos, "Y004", f"explicit tag '{tag}' is not allowed", "remove the tag; quote the value to keep it as text"
    )


@declare("Y007", "multiple-documents", phase="load")
def multiple_documents(pos: Pos) -> Diagnostic:
    """The file holds more than one YAML document (a second `---`).

    Why: only the first document would be read; the rest would silently be ignored.

    Example: two blocks of claims separated by `---`.

    Fix: merge the documents into one, under a single `claims:` list.
    """
    return make(
        pos, "Y007", "a second YAML document starts here; only one is allowed", "merge it into the first document"
    )


def forbidden_escape(pos: Pos, value: str) -> Diagnostic:
    m = FORBIDDEN.search(value)
    code = ord(m.group()) if m else 0
    return make(
        pos,
        "Y006",
        f"escape sequence in this quoted value produces forbidden character U+{code:04X}",
        "remove the escape; invisible and control characters are not allowed in any value",
    )


def limit(pos: Pos, message: str) -> Diagnostic:
    return make(pos, "Y009", message, "simplify the data; real claims are never nested this deep")


@declare("Y010", "number-out-of-range", phase="load")
def number_out_of_range(pos: Pos, text: str, most: float) -> Diagnostic:
    """A number is too large to be a real quantity: over 1e15 in magnitude, or a whole number of more than 15 digits.

    Why: `1e309` overflows to infinity, a 5,000-digit integer cannot even be converted to text by
    Python, and either would crash a chart or an export downstream. No depth, count or
    proportion comes near 1e15, so such a value is a typo or an attack.

    Example: `max: 1e400`, or `n: 10000000000000000000`.

    Fix: write the value the source reports.
    """
    shown = text if len(text) <= 40 else text[:20] + "..." + f" ({len(text)} characters)"
    return make(
        pos,
        "Y010",
        f"number {shown} is out of range (at most {most:.0e} in magnitude, 15 digits)",
        "write the value the source reports",
    )


@declare("Y011", "comment-cuts-text", phase="load")
def comment_cuts_text(pos: Pos, value: str) -> Diagnostic:
    """A ` #` after unquoted text starts a YAML comment: the text is cut there.

    Why: in `statement: Dosing #2 helped` YAML reads only `Dosing`; the rest vanishes without
    a word. A comment after unquoted text of several words, or a `#` followed directly by text
    (`#2`), is therefore refused; a comment after a single word (`verdict: supported  # checked`)
    is allowed.

    Example: `title: Session #3 results` or `statement: Doses help # in mice`.

    Fix: put the text in double quotes (`"Session #3 results"`), or move the comment to a line of its own.
    """
    shown = value if len(value) <= 40 else value[:37] + "..."
    return make(
        pos,
        "Y011",
        f"unquoted text '{shown}' is cut here: ' #' starts a YAML comment",
        "put the whole value in double quotes, or move the comment to its own line",
    )
