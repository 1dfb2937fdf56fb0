"""YAML to a tree of nodes that keep their 1-based line and column.

Built from libyaml's event stream (``CParser`` when available) rather than from PyYAML's
constructor, so that nothing silently changes meaning: duplicate keys are reported, anchors,
aliases, merge keys and explicit tags are refused, and every scalar keeps its source text. How a
plain scalar *would* be read by YAML 1.1 (bool, int, octal, sexagesimal, date...) is recorded in
``Scalar.kind``, and the schema decides whether that kind is acceptable.
"""

from __future__ import annotations

import bisect
import gc
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from derma_evidence.diagnostics import Collector, Diagnostic, Pos
from derma_evidence.load.text import FORBIDDEN, LINE_BREAK, MAX_BYTES, decode, too_large
from derma_evidence.load.yamlcodes import (
    anchor,
    comment_cuts_text,
    complex_key,
    duplicate_key,
    empty,
    explicit_tag,
    forbidden_escape,
    limit,
    multiple_documents,
    number_out_of_range,
    syntax_error,
)

try:
    from yaml import CBaseLoader as _Parser
except ImportError:  # pragma: no cover - libyaml is present on every supported platform
    from yaml import BaseLoader as _Parser  # type: ignore[assignment]

MAX_DEPTH = 24
"""Deepest nesting accepted. A claim needs five levels."""

MAX_NODES = 2_000_000
"""Most scalars, sequences and mappings in one file (20,000 claims need about 940,000)."""

MAX_NUMBER = 1e15
MAX_NUMBER_CHARS = 400
"""Longest number (as written) the loader reads; a longer one is refused as out of range."""
"""Largest magnitude a number may have (and at most 15 digits for a whole number): far above any
real quantity, far below float overflow (1.8e308) and Python's 4,300-digit integer limit."""


@dataclass(slots=True)
class Scalar:
    value: str
    kind: str  # str | int | float | bool | null | timestamp | ambiguous | refused (an alias)
    line: int
    col: int
    plain: bool

    def python(self) -> object:
        """The value as JSON would hold it: str, int, float, bool or None."""
        k = self.kind
        if k == "int":
            return int(self.value)
        if k == "float":
            return _float(self.value)
        if k == "bool":
            return self.value.lower() == "true"
        if k == "null":
            return None
        return self.value


@dataclass(slots=True)
class Seq:
    items: list[Node]
    line: int
    col: int


@dataclass(slots=True)
class Map:
    items: list[tuple[Scalar, Node]]
    line: int
    col: int

    def get(self, key: str) -> Node | None:
        for k, v in self.items:
            if k.value == key:
                return v
        return None


Node = Scalar | Seq | Map

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")
_WORDS = {  # the plain words YAML 1.1 reads as booleans (1.2 too: "bool") and as null
    **{w: "bool" for w in "true True TRUE false False FALSE".split()},
    **{w: "ambiguous" for w in "yes Yes YES no No NO on On ON off Off OFF y Y n N".split()},
    **{w: "null" for w in "~ null Null NULL".split()},
}
# What YAML 1.1 reads as a number but people do not mean as one: octal, hex, binary,
# underscores, sexagesimal (1:30).
_AMBIGUOUS = re.compile(
    r"[-+]?(?:0b[0-1_]+|0[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?|[0-9][0-9_]*\.[0-9_]*_[0-9_]*)\Z"
)
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?\Z"
)


_TRAILING_COMMENT = re.compile(r"[ \t]+#")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\U0000[dD][89a-fA-F][0-9a-fA-F]{2}")


def _in_range(text: str, kind: str) -> bool:
    if kind == "int":
        return len(text.lstrip("+-")) <= 15
    if _SPECIAL_FLOAT.match(text):
        return True  # .inf and .nan are reported by the range rule (C006)
    if len(text) > MAX_NUMBER_CHARS:
        return False
    value = float(text)
    return math.isfinite(value) and abs(value) <= MAX_NUMBER


def _float(text: str) -> float:
    t = text.lower()
    if t.endswith(".inf"):
        return -math.inf if t.startswith("-") else math.inf
    if t.endswith(".nan"):
        return math.nan
    return float(text)


def resolve_plain(value: str) -> str:
    """How YAML 1.1 would type a plain (unquoted) scalar."""
    if not value:
        return "null"
    c = value[0]
    if c.isdigit() or c in "+-.":
        if _INT.match(value):
            return "int"
        if _FLOAT.match(value):
            return "float"
        if _SPECIAL_FLOAT.match(value):
            return "float"
        if _TIMESTAMP.match(value):
            return "timestamp"
        if _AMBIGUOUS.match(value):
            return "ambiguous"
        return "str"
    return _WORDS.get(value, "str")  # one dict lookup, not three regex matches, per scalar


_SCALAR_EVENT = yaml.ScalarEvent


@dataclass(slots=True)
class YamlResult:
    root: Node | None
    diagnostics: list[Diagnostic]


def load_yaml(path: str, data: bytes) -> YamlResult:
    """Parse ``data`` (the bytes of ``path``) into a node tree; never raises on bad input."""
    if len(data) > MAX_BYTES:
        return YamlResult(None, [too_large(path, len(data))])
    text, diags = decode(path, data)
    if text.binary:
        return YamlResult(None, diags)
    if not text.text and not diags:
        return YamlResult(None, [empty(path)])
    if not text.text.strip() and not diags:
        return YamlResult(None, [empty(path)])
    builder = _Builder(path)
    enabled = gc.isenabled()
    gc.disable()  # the tree holds no cycles; the collector would only rescan it
    try:
        root = builder.run(text.text)
    finally:
        if enabled:
            gc.enable()
    diags.extend(builder.diags.capped())
    if root is None and not any(d.code in ("Y001", "Y005", "Y006", "Y007", "Y009") for d in diags):
        diags.append(empty(path))
    return YamlResult(root, diags)


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.diags = Collector()
        self.text = ""
        self.comment_lines: set[int] = set()
        self.escapes = True
        self.starts: list[int] | None = None

    def check_comment(self, ev: Any) -> None:
        """A comment right after a plain scalar on its line: the author may have meant it as text."""
        if not ev.value:
            return  # `key:  # comment` before a block: nothing is cut
        if self.starts is None:
            self.starts = [0]
            self.starts.extend(m.end() for m in LINE_BREAK.finditer(self.text))
        end = ev.end_mark
        if end.line >= len(self.starts):
            return
        off = self.starts[end.line] + end.column
        m = _TRAILING_COMMENT.match(self.text, off)
        if m is None:
            return
        after = self.text[m.end() : m.end() + 1]
        if any(c in ev.value for c in " \t") or after not in ("", " ", "\t", "\r", "\n"):
            self.diags.append(
                comment_cuts_text(Pos(self.path, end.line + 1, m.end() - self.starts[end.line]), ev.value)
            )

    def pos(self, mark: Any) -> Pos:
        return Pos(self.path, mark.line + 1, mark.column + 1)

    def run(self, text: str) -> Node | None:
        self.text = text
        self.escapes = "\\" in text  # without a backslash no escape can make a character the text scan missed
        hashes = _hashes_after_space(text)  # the offsets of each ` #` (a set lookup per scalar, not a scan)
        if hashes:
            breaks = [m.end() for m in LINE_BREAK.finditer(text)]
            self.comment_lines = {bisect.bisect_right(breaks, at) for at in hashes}
        parser: Any = _Parser(text)
        try:
            root = self.tree(parser)
        except yaml.MarkedYAMLError as exc:
            if "nesting depth" in str(exc.problem):  # libyaml's own limit, reached before ours
                mark = exc.problem_mark
                p = self.pos(mark) if mark is not None else Pos(self.path, 1, 1)
                self.diags.append(limit(p, f"nesting deeper than {MAX_DEPTH} levels"))
            else:
                self.diags.append(syntax_error(self.path, exc, bool(_SURROGATE_ESCAPE.search(text))))
            return None
        except _Abort:
            return None
        finally:
            dispose = getattr(parser, "dispose", None)
            if dispose is not None:
                dispose()
        if isinstance(root, Scalar) and root.kind == "null":
            return None
        return root

    def scalar_marks(self, ev: Any, line: int, col: int) -> None:
        """A scalar's anchor (refused) and explicit tag (refused unless the non-specific `!`)."""
        if ev.anchor is not None:
            self.diags.append(anchor(Pos(self.path, line, col), f"anchor '&{ev.anchor}' is not allowed"))
        if ev.tag is not None and not ev.implicit[0] and not ev.implicit[1]:
            self.diags.append(explicit_tag(Pos(self.path, line, col), ev.tag))
        elif ev.tag is not None and ev.tag != "!":
            self.diags.append(explicit_tag(Pos(self.path, line, col), ev.tag))

    def scalar(self, ev: Any, line: int, col: int) -> Scalar:
        """A scalar event's node, with its checks: marks, escapes, number range, a comment cutting text."""
        text: str = ev.value
        if ev.anchor is not None or ev.tag is not None:  # rare: an anchor or a tag
            self.scalar_marks(ev, line, col)
        if ev.style:
            if ev.style == '"' and self.escapes and FORBIDDEN.search(text):
                # an escape such as "\u202e" produced a character the raw text scan could not see
                self.diags.append(forbidden_escape(Pos(self.path, line, col), text))
            return Scalar(text, "str", line, col, False)
        kind = resolve_plain(text)
        if (kind == "int" or kind == "float") and not _in_range(text, kind):
            self.diags.append(number_out_of_range(Pos(self.path, line, col), text, MAX_NUMBER))
            kind = "refused"
        if self.comment_lines and ev.end_mark is not None and ev.end_mark.line in self.comment_lines:
            self.check_comment(ev)
        return Scalar(text, kind, line, col, True)

    def container(self, ev: Any, line: int, col: int, depth: int) -> None:
        """A sequence's or mapping's checks as it opens: anchor, explicit tag, nesting depth."""
        if ev.anchor is not None:
            self.diags.append(anchor(Pos(self.path, line, col), f"anchor '&{ev.anchor}' is not allowed"))
        if ev.tag is not None and not ev.implicit:
            self.diags.append(explicit_tag(Pos(self.path, line, col), ev.tag))
        if depth > MAX_DEPTH:
            self.diags.append(limit(Pos(self.path, line, col), f"nesting deeper than {MAX_DEPTH} levels"))
            raise _Abort

    def pair(self, seen: dict[str, int], key: Node) -> bool:
        """Whether a mapping keeps the pair under `key` (else its problem is reported: complex, merge, duplicate)."""
        if not isinstance(key, Scalar):
            self.diags.append(complex_key(Pos(self.path, key.line, key.col)))
            return False
        if key.plain and key.value == "<<":
            self.diags.append(anchor(Pos(self.path, key.line, key.col), "merge key '<<' is not allowed"))
            return False
        if key.value in seen:
            if self.diags.full("Y002"):
                self.diags.skip("Y002")
            else:
                self.diags.append(duplicate_key(Pos(self.path, key.line, key.col), key.value, seen[key.value]))
            return False
        seen[key.value] = key.line
        return True

    def tree(self, parser: Any) -> Node | None:
        """The document's root node, built from the event stream in one loop (no recursion, no call per node).

        `open_` holds the sequences and mappings being read: (items, line, col, seen keys or None for a
        sequence, the pending key of a mapping or `_NO_KEY`). Plain scalars, most of a claims file, take
        the short path inline; everything rare (anchors, tags, escapes, out-of-range numbers, comments,
        aliases) goes through the methods above.
        """
        get_event = parser.get_event
        open_: list[list[Any]] = []
        root: Node | None = None
        docs = 0
        count = 0
        comment_lines = self.comment_lines
        comments = bool(comment_lines)
        words = _WORDS.get
        scalar_event, seq_start, map_start = _SCALAR_EVENT, yaml.SequenceStartEvent, yaml.MappingStartEvent
        seq_end, map_end = yaml.SequenceEndEvent, yaml.MappingEndEvent
        no_key = _NO_KEY
        while True:
            ev = get_event()
            kind_ = type(ev)
            node: Node
            if kind_ is scalar_event:
                count += 1
                if count > MAX_NODES:
                    self.too_many(ev)
                mark = ev.start_mark
                value: str = ev.value
                if (
                    ev.style
                    or ev.anchor is not None
                    or ev.tag is not None
                    or not value
                    or (comments and ev.end_mark.line in comment_lines)
                ):
                    node = self.scalar(ev, mark.line + 1, mark.column + 1)
                else:
                    first = value[0]
                    if first.isdigit() or first in "+-.":
                        node = self.scalar(ev, mark.line + 1, mark.column + 1)
                    else:  # the common case: a plain word or sentence
                        node = Scalar(value, words(value, "str"), mark.line + 1, mark.column + 1, True)
            elif kind_ is map_start or kind_ is seq_start:
                count += 1
                if count > MAX_NODES:
                    self.too_many(ev)
                mark = ev.start_mark
                self.container(ev, mark.line + 1, mark.column + 1, len(open_) + 1)
                open_.append([[], mark.line + 1, mark.column + 1, {} if kind_ is map_start else None, no_key])
                continue
            elif kind_ is seq_end:
                items, line, col, _seen, _key = open_.pop()
                node = Seq(items, line, col)
            elif kind_ is map_end:
                items, line, col, _seen, _key = open_.pop()
                node = Map(items, line, col)
            elif kind_ is yaml.AliasEvent:
                count += 1
                if count > MAX_NODES:
                    self.too_many(ev)
                p = self.pos(ev.start_mark)
                self.diags.append(anchor(p, f"alias '*{ev.anchor}' is not allowed"))
                node = Scalar("", "refused", p.line, p.col, True)
            elif kind_ is yaml.StreamEndEvent:
                return root
            elif kind_ is yaml.DocumentStartEvent:
                docs += 1
                if docs > 1:
                    self.diags.append(multiple_documents(self.pos(ev.start_mark)))
                    return root
                continue
            else:  # stream start, document end
                continue
            if not open_:
                root = node
                continue
            top = open_[-1]
            seen = top[3]
            if seen is None:
                top[0].append(node)
            elif top[4] is no_key:
                top[4] = node
            else:
                key = top[4]
                top[4] = no_key
                if self.pair(seen, key):
                    top[0].append((key, node))

    def too_many(self, ev: Any) -> None:
        self.diags.append(limit(self.pos(ev.start_mark), f"more than {MAX_NODES} values in one file"))
        raise _Abort


def _hashes_after_space(text: str) -> list[int]:
    """The offset of every `#` that follows a space or tab (where `_TRAILING_COMMENT` matches).

    `str.find` jumps from `#` to `#`; a regex scan for `[ \\t]+#` would try every space of the file.
    """
    out = []
    at = text.find("#")
    while at != -1:
        if at and text[at - 1] in " \t":
            out.append(at)
        at = text.find("#", at + 1)
    return out


_NO_KEY = object()
"""A mapping's pending-key slot when no key is waiting for its value."""


class _Abort(Exception):
    pass
