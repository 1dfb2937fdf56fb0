"""Writing the living review's sections of data/claims.yaml: new search entries, the screening queue.

Only two sections change: entries are appended at the end of `searches:` (every other byte kept)
and the `screening:` section, which `derma search run` and `derma screen` own, is rewritten whole
in its canonical form (records sorted by search, then id; comments inside it are not kept). The
result must read back as the old file with exactly those changes, else nothing is written; the
write itself is the atomic, locked, read-back-checked one of `derma new`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from derma_evidence.commands.write import Refused, _newline
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq, load_yaml

_PLAIN = re.compile(r"[a-z][a-z0-9-]*\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
FATAL = ("Y001", "Y005", "Y007", "Y008", "Y009")
SEARCH_FIELDS = (
    "id",
    "strategy",
    "date",
    "database",
    "database_name",
    "query",
    "limits",
    "records_found",
    "duplicates",
    "topics",
    "note",
)
RECORD_FIELDS = ("id", "search", "title", "authors", "journal", "year", "ids", "decision", "reason", "key")


HEADERS = {"screening": "The screening queue: records the searches found, each awaiting a decision (derma screen)."}


def scalar(value: Any) -> str:
    """One YAML scalar or flow sequence: strings double-quoted (JSON escapes are YAML escapes), numbers plain."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"no YAML form for {value!r} here")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if _PLAIN.match(value) and value.lower() not in _WORDS or _DATE.match(value):
            return value
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Sequence):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    raise TypeError(f"no YAML form for {value!r}")


def block(entry: Mapping[str, Any], fields: Sequence[str], dash_col: int, key_col: int, nl: str) -> str:
    """One list item as block YAML: `- field: value` lines in the order of `fields`, empty values left out."""
    lines: list[str] = []
    for name in fields:
        value = entry.get(name)
        if value is None or value == "" or (isinstance(value, list | tuple) and not value):
            continue
        pad = " " * (dash_col - 1) + "-" + " " * (key_col - dash_col - 1) if not lines else " " * (key_col - 1)
        lines.append(f"{pad}{name}: {scalar(value)}")
    return nl.join(lines) + nl


def plain(node: Node | None) -> Any:
    """A node tree as plain Python values (what the sections are compared by)."""
    if isinstance(node, Scalar):
        return node.python()
    if isinstance(node, Seq):
        return [plain(x) for x in node.items]
    if isinstance(node, Map):
        return {k.value: plain(v) for k, v in node.items}
    return None


class Sections:
    """The top-level sections of a claims file: their keys, lines and byte offsets."""

    def __init__(self, path: str, data: bytes) -> None:
        self.path, self.data, self.nl = path, data, _newline(data)
        y = load_yaml(path, data)
        fatal = [d for d in y.diagnostics if d.code in FATAL]
        if fatal or not isinstance(y.root, Map):
            raise Refused(f"cannot read {path} as a claims file; fix it first (derma check)", fatal)
        self.root: Map = y.root
        self.offsets = [0]
        pos = 0
        for line in data.splitlines(keepends=True):
            pos += len(line)
            self.offsets.append(pos)

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.root.items]

    def node(self, key: str) -> Node | None:
        return self.root.get(key)

    def _offset(self, line: int) -> int:
        return self.offsets[line - 1] if line - 1 < len(self.offsets) else len(self.data)

    def span(self, key: str) -> tuple[int, int] | None:
        """Byte offsets of section `key`: from its key line to its last content line (trailing blank lines
        and column-0 comments belong to what follows)."""
        items = self.root.items
        for i, (k, _) in enumerate(items):
            if k.value != key:
                continue
            end_line = items[i + 1][0].line if i + 1 < len(items) else len(self.offsets)
            n = end_line - 1
            while n > k.line:
                raw = self.data[self._offset(n) : self._offset(n + 1)]
                text = raw.strip()
                if not text or (raw.startswith(b"#")):
                    n -= 1
                    continue
                break
            return self._offset(k.line), self._offset(n + 1)
        return None

    def list_cols(self, key: str, default: tuple[int, int] = (3, 5)) -> tuple[int, int]:
        """(dash column, key column) of the block list under `key`, or `default` when it has none."""
        node = self.node(key)
        if isinstance(node, Seq) and node.items:
            first = node.items[0]
            line = self.data[self._offset(node.line) : self._offset(node.line + 1)]
            if line[node.col - 1 : node.col] != b"-":
                raise Refused(f"`{key}:` in {self.path} is a flow list `[...]`; write it as a block list first")
            return node.col, first.col if isinstance(first, Map) else node.col + 2
        return default


def edit(
    path: str, data: bytes, append: Mapping[str, list[dict[str, Any]]], replace: Mapping[str, list[dict[str, Any]]]
) -> bytes:
    """`data` with entries appended to some list sections and other list sections rewritten whole.

    A section that does not exist is added at the end of the file. The result is re-read: every other
    section must be unchanged and the changed ones must hold exactly what was asked, else Refused.
    """
    s = Sections(path, data)
    before: dict[str, Any] = {k.value: plain(v) for k, v in s.root.items}
    fields = {"searches": SEARCH_FIELDS, "screening": RECORD_FIELDS}
    cuts: list[tuple[int, int, bytes]] = []
    tail: list[str] = []
    for key, entries in [*append.items(), *replace.items()]:
        whole = key in replace
        dash, col = s.list_cols(key)
        body = "".join(block(e, fields[key], dash, col, s.nl) for e in entries)
        span = s.span(key)
        if span is None:
            head = f"{s.nl}# {HEADERS[key]}{s.nl}" if key in HEADERS else ""
            tail.append(head + (f"{key}:{s.nl}{body}" if entries else f"{key}: []{s.nl}"))
        elif whole:
            cuts.append((span[0], span[1], f"{key}:{s.nl}{body}".encode() if entries else f"{key}: []{s.nl}".encode()))
        elif entries:
            node = s.node(key)
            if not isinstance(node, Seq) or not node.items:  # `key: []` or empty: rewrite it with the entries
                cuts.append((span[0], span[1], f"{key}:{s.nl}{body}".encode()))
            else:
                end = span[1]
                lead = b"" if data[:end].endswith((b"\n", b"\r")) else s.nl.encode()
                cuts.append((end, end, lead + body.encode()))
    new = data
    for start, end, text in sorted(cuts, key=lambda c: c[0], reverse=True):
        new = new[:start] + text + new[end:]
    if tail:
        sep = "" if not new or new.endswith((b"\n", b"\r")) else s.nl
        new += (sep + "".join(tail)).encode()
    after = Sections(path, new)
    got: dict[str, Any] = {k.value: plain(v) for k, v in after.root.items}
    expected = dict(before)
    for key, entries in append.items():
        expected[key] = list(before.get(key) or []) + [_as_read(e, fields[key]) for e in entries]
    for key, entries in replace.items():
        expected[key] = [_as_read(e, fields[key]) for e in entries]
    if got != expected:
        changed = sorted(k for k in set(got) | set(expected) if got.get(k) != expected.get(k))
        raise Refused(f"{path} would not read back as intended (sections {', '.join(changed)}); nothing was written")
    return new


def _as_read(entry: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    out = {}
    for name in fields:
        value = entry.get(name)
        if value is None or value == "" or (isinstance(value, list | tuple) and not value):
            continue
        out[name] = list(value) if isinstance(value, tuple) else value
    return out
