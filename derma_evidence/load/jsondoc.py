"""JSON read from outside (a previous export, a service's answer) with its nesting bounded: ValueError, never a crash.

`json.loads` recurses once per level and raises RecursionError (not ValueError) past Python's
recursion limit; the depth is therefore checked first, in one linear pass that skips strings.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64
"""Nesting depth a JSON document may reach; claims.json needs 4 levels, the services' formats fewer than 10."""


def depth_ok(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when brackets nest at most `limit` deep (brackets inside strings do not count)."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def parse(data: bytes, limit: int = MAX_DEPTH) -> Any:
    """The document's value; ValueError saying why not (not UTF-8, nested too deep, not JSON)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from None
    if not depth_ok(text, limit):
        raise ValueError(f"nests deeper than {limit} levels; not read")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
