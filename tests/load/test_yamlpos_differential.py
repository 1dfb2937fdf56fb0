"""The one-loop YAML tree builder against the recursive one it replaced: a differential property test.

`_Recursive` below is the builder as it stood before the one-loop rewrite (issue 22), kept here as the
reference: on any text, hostile or not, both must give the same tree and the same diagnostics (codes,
positions, messages, order), also with the depth, node and per-code caps made small.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import derma_evidence.load.yamlpos as yp
from derma_evidence.diagnostics import Collector, Pos
from derma_evidence.load.text import FORBIDDEN, LINE_BREAK
from derma_evidence.load.yamlcodes import (
    anchor,
    complex_key,
    duplicate_key,
    forbidden_escape,
    limit,
    multiple_documents,
    number_out_of_range,
    syntax_error,
)


class _Recursive(yp._Builder):
    """The builder before the one-loop rewrite (034258a), one call per node."""

    def run(self, text: str) -> yp.Node | None:
        self.text = text
        self.nodes = 0
        if "#" in text:
            breaks = [m.end() for m in LINE_BREAK.finditer(text)] if yp._TRAILING_COMMENT.search(text) else []
            self.comment_lines = {bisect.bisect_right(breaks, m.start()) for m in yp._TRAILING_COMMENT.finditer(text)}
        parser: Any = yp._Parser(text)
        root: yp.Node | None = None
        docs = 0
        try:
            while True:
                ev = parser.get_event()
                if isinstance(ev, yaml.StreamEndEvent):
                    break
                if isinstance(ev, yaml.DocumentStartEvent):
                    docs += 1
                    if docs > 1:
                        self.diags.append(multiple_documents(self.pos(ev.start_mark)))
                        break
                    continue
                if isinstance(ev, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
                    continue
                root = self.node(parser, ev, 1)
        except yaml.MarkedYAMLError as exc:
            if "nesting depth" in str(exc.problem):
                mark = exc.problem_mark
                p = self.pos(mark) if mark is not None else Pos(self.path, 1, 1)
                self.diags.append(limit(p, f"nesting deeper than {yp.MAX_DEPTH} levels"))
            else:
                self.diags.append(syntax_error(self.path, exc, bool(yp._SURROGATE_ESCAPE.search(text))))
            return None
        except yp._Abort:
            return None
        finally:
            parser.dispose()
        if isinstance(root, yp.Scalar) and root.kind == "null":
            return None
        return root

    def node(self, parser: Any, ev: Any, depth: int) -> yp.Node:
        self.nodes += 1
        if self.nodes > yp.MAX_NODES:
            self.diags.append(limit(self.pos(ev.start_mark), f"more than {yp.MAX_NODES} values in one file"))
            raise yp._Abort
        mark = ev.start_mark
        line, col = mark.line + 1, mark.column + 1
        if type(ev) is yaml.ScalarEvent:
            text: str = ev.value
            if ev.anchor is not None or ev.tag is not None:
                self.scalar_marks(ev, line, col)
            if ev.style:
                if ev.style == '"' and FORBIDDEN.search(text):
                    self.diags.append(forbidden_escape(Pos(self.path, line, col), text))
                return yp.Scalar(text, "str", line, col, False)
            kind = yp.resolve_plain(text)
            if (kind == "int" or kind == "float") and not yp._in_range(text, kind):
                self.diags.append(number_out_of_range(Pos(self.path, line, col), text, yp.MAX_NUMBER))
                kind = "refused"
            if self.comment_lines and ev.end_mark is not None and ev.end_mark.line in self.comment_lines:
                self.check_comment(ev)
            return yp.Scalar(text, kind, line, col, True)
        p = Pos(self.path, line, col)
        if isinstance(ev, yaml.AliasEvent):
            self.diags.append(anchor(p, f"alias '*{ev.anchor}' is not allowed"))
            return yp.Scalar("", "refused", p.line, p.col, True)
        if ev.anchor is not None:
            self.diags.append(anchor(p, f"anchor '&{ev.anchor}' is not allowed"))
        if ev.tag is not None and not ev.implicit:
            self.diags.append(yp.explicit_tag(p, ev.tag))
        if depth > yp.MAX_DEPTH:
            self.diags.append(limit(p, f"nesting deeper than {yp.MAX_DEPTH} levels"))
            raise yp._Abort
        if isinstance(ev, yaml.SequenceStartEvent):
            items: list[yp.Node] = []
            while True:
                child = parser.get_event()
                if isinstance(child, yaml.SequenceEndEvent):
                    return yp.Seq(items, p.line, p.col)
                items.append(self.node(parser, child, depth + 1))
        assert isinstance(ev, yaml.MappingStartEvent)
        pairs: list[tuple[yp.Scalar, yp.Node]] = []
        seen: dict[str, int] = {}
        while True:
            kev = parser.get_event()
            if isinstance(kev, yaml.MappingEndEvent):
                return yp.Map(pairs, p.line, p.col)
            key = self.node(parser, kev, depth + 1)
            value = self.node(parser, parser.get_event(), depth + 1)
            if not isinstance(key, yp.Scalar):
                self.diags.append(complex_key(Pos(self.path, key.line, key.col)))
                continue
            if key.plain and key.value == "<<":
                self.diags.append(anchor(Pos(self.path, key.line, key.col), "merge key '<<' is not allowed"))
                continue
            if key.value in seen and self.diags.full("Y002"):
                self.diags.skip("Y002")
                continue
            if key.value in seen:
                self.diags.append(duplicate_key(Pos(self.path, key.line, key.col), key.value, seen[key.value]))
                continue
            seen[key.value] = key.line
            pairs.append((key, value))


@contextmanager
def _limits(depth: int, nodes: int, per_code: int) -> Iterator[None]:
    saved = yp.MAX_DEPTH, yp.MAX_NODES, yp.Collector
    yp.MAX_DEPTH, yp.MAX_NODES = depth, nodes
    yp.Collector = lambda: Collector(per_code)  # type: ignore[assignment,misc]
    try:
        yield
    finally:
        yp.MAX_DEPTH, yp.MAX_NODES, yp.Collector = saved


def _both(data: bytes) -> tuple[yp.YamlResult, yp.YamlResult]:
    new = yp.load_yaml("f.yaml", data)
    saved = yp._Builder
    yp._Builder = _Recursive  # type: ignore[misc]
    try:
        old = yp.load_yaml("f.yaml", data)
    finally:
        yp._Builder = saved  # type: ignore[misc]
    return new, old


def _assert_same(data: bytes) -> None:
    new, old = _both(data)
    assert new.root == old.root
    assert new.diagnostics == old.diagnostics


_SCALARS = [
    "a",
    "a b",
    "yes",
    "~",
    "",
    "12",
    "-0.5",
    "1e400",
    "1" * 20,
    ".inf",
    "0x1F",
    "2024-01-01",
    "<<",
    "'<<'",
    "'q'",
    '"d"',
    '"\\u202e"',
    '"\\x07 bell"',
    '"\\t tab"',
    '"a\\\\b"',
    "&s a",
    "*s",
    "&s",
    "! a",
    "!!str a",
    "!x a",
    "!!int 1",
    "|\n  lit\n",
    ">-\n  fold\n",
    "a #c",
    "a b #c",
    "a\t#c",
    "w #2",
    "#x",
    "a # b # c",
    "[a, b]",
    "{a: b}",
    "[]",
    "{}",
    "[[a]]",
    "{a: [b, {c: d}]}",
    "&m {a: b}",
    "*m",
    "!!map {a: b}",
    "&l [a]",
    "!!seq [a]",
    "{? [a]: b}",
    "[a: b]",
]
_KEYS = [
    "a",
    "b",
    "a",
    "<<",
    "'<<'",
    '"a"',
    "*s",
    "&k k",
    "!!str a",
    "? [a]",
    "? {a: b}",
    "[x]",
    "{x: y}",
    "? ? a",
    "a #c",
    "1",
    "1e400",
    '"\\u200b"',
]


@st.composite
def _block(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> str:
    pad = " " * indent
    kind = draw(st.sampled_from(["map", "seq", "map", "scalar"] if depth < 5 else ["scalar"]))
    if kind == "scalar":
        return draw(st.sampled_from(_SCALARS)).replace("\n", "\n" + pad) + "\n"
    out = ""
    for _ in range(draw(st.integers(1, 4))):
        child = draw(_block(indent + 2, depth + 1))
        lead = draw(st.sampled_from(["", "", "&n ", "!!map ", "! "]))
        if kind == "map":
            key = draw(st.sampled_from(_KEYS))
            if key.startswith("? "):
                out += f"{pad}{key}\n{pad}:"
            else:
                out += f"{pad}{key}:"
        else:
            out += f"{pad}-"
        if child.startswith((" ", "- ", "-\n")) or ":" in child.split("\n")[0]:
            out += f" {lead}\n{child}" if lead.strip() else f"\n{child}"
        else:
            out += " " + child
    return out


@st.composite
def _document(draw: st.DrawFn) -> bytes:
    text = draw(_block())
    if draw(st.booleans()):
        text = "---\n" + text
    text += draw(st.sampled_from(["", "", "---\n", "...\n", "---\nx: 1\n", "--- a\n", "# end\n"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text.encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=_document(),
    depth=st.sampled_from([1, 2, 3, 24]),
    nodes=st.sampled_from([1, 3, 10, 2_000_000]),
    per_code=st.sampled_from([1, 2, 200]),
)
@example(data=b"a: 1\na: 2\na: 3\na: 4\n", depth=24, nodes=2_000_000, per_code=1)
def test_one_loop_builder_equals_the_recursive_one(data: bytes, depth: int, nodes: int, per_code: int) -> None:
    with _limits(depth, nodes, per_code):
        _assert_same(data)


_HOSTILE = [
    b"a: 1\na: 2\na: 3\n",
    b"? [a, b]\n: 1\n? {a: {b: c}}\n: 2\n? [[x]]\n: [y]\n",
    b"{? {? [a]: b}: c}\n",
    b"base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
    b"&r\na: &x !!str b\nc: *x\n*x : d\n*x : e\n",
    b"a: !!binary aGVsbG8=\nb: !local x\nc: ! y\n",
    b"- " * 30 + b"x\n",
    b"[" * 30 + b"]" * 30 + b"\n",
    b"{a: " * 25 + b"x" + b"}" * 25 + b"\n",
    b"---\na: 1\n---\nb: 2\n",
    b"---\n...\n---\n",
    b"--- \n",
    b"# only a comment\n",
    b"a: one\t#two\nb: one two #three\nc: x #y\r\nd: w  #\n",
    b"a: b\r\nc: d #e f\r\n",
    b'a: "\\u202e evil"\n',
    b'a: "\\u0000"\nb: plain\n',
    b"a: '\\u202e'\n",
    b'a: "\\ud800"\n',
    b"a: 1e400\nb: 12345678901234567\nc: -.inf\nd: " + b"9" * 500 + b"\n",
    b"a:\r\n  - x\r\n  - y #z w\r\n",
    b"- &a [1, 2]\n- *a\n- !!seq [3]\n",
    b"? a\n? a\n",
    'a: "x\u202ey"\nb: \'\u200b\'\nc: "\x85"\n'.encode(),  # raw forbidden characters, no backslash
    'a: "x\u202ey"\nb: "\\t"\n'.encode(),  # and with a backslash elsewhere
    b'a: "one\r\n  two\r\n\r\n  three"\r\nb: "\\\r\n  x"\r\n',
]


@pytest.mark.parametrize("data", _HOSTILE)
@pytest.mark.parametrize(("depth", "nodes", "per_code"), [(24, 2_000_000, 200), (2, 4, 1)])
def test_hostile_yaml_same_as_the_recursive_builder(data: bytes, depth: int, nodes: int, per_code: int) -> None:
    with _limits(depth, nodes, per_code):
        _assert_same(data)


@pytest.mark.parametrize("n", [23, 24, 25, 26])
def test_depth_at_and_past_the_limit(n: int) -> None:
    for data in (b"- " * n + b"x\n", b"[" * n + b"]" * n + b"\n", b"- " * (n - 1) + b"[]\n"):
        _assert_same(data)
