"""Reading files as UTF-8 text, with every encoding problem reported at its position."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from derma_evidence.diagnostics import Diagnostic, Pos, declare, make

MAX_BYTES = 64 * 1024 * 1024
"""Largest input file read. 20,000 claims are about 20 MB of YAML."""

MAX_REPORTS = 50
"""At most this many encoding or character problems are listed per file."""

# C0 controls except tab/LF/CR, DEL, C1 controls, zero-width and bidi-override characters,
# a BOM anywhere but the start, and the interlinear annotation controls.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)

_NAMES = {
    "\u200b": "ZERO WIDTH SPACE",
    "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE (BOM)",
}


@dataclass(frozen=True, slots=True)
class Text:
    """Decoded text with the BOM removed and forbidden characters replaced by U+FFFD."""

    path: str
    text: str
    ok: bool


class _Collect:
    def __init__(self) -> None:
        self.bad: list[tuple[int, int]] = []

    def __call__(self, exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeDecodeError)
        self.bad.append((exc.start, exc.end))
        return ("\ufffd", exc.end)


def _byte_pos(path: str, data: bytes, offset: int) -> Pos:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8", "replace")) + 1
    return Pos(path, line, col)


@declare("Y005", "invalid-encoding", phase="load")
def decode(path: str, data: bytes) -> tuple[Text, list[Diagnostic]]:
    """The file is not valid UTF-8.

    Why: the data files are UTF-8 only, so that every editor, diff and tool reads the same
    characters. A Latin-1 or UTF-16 file would silently turn names like "Müller" into garbage.

    Example: a file saved as Latin-1 with the byte 0xFC for "ü".

    Fix: re-save the file as UTF-8 (a byte order mark at the start is accepted).
    """
    diags: list[Diagnostic] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        diags.append(
            make(Pos(path, 1, 1), "Y005", "the file is UTF-16 encoded, not UTF-8", "re-save the file as UTF-8")
        )
        return Text(path, "", False), diags
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        collect = _Collect()
        name = f"derma-collect-{id(collect)}"
        codecs.register_error(name, collect)
        text = data.decode("utf-8", name)
        for start, end in collect.bad[:MAX_REPORTS]:
            shown = data[start:end].hex(" ")
            diags.append(
                make(
                    _byte_pos(path, data, start),
                    "Y005",
                    f"invalid UTF-8 byte sequence {shown}",
                    "re-save the file as UTF-8",
                )
            )
    text, forbidden = find_forbidden(path, text)
    diags.extend(forbidden)
    return Text(path, text, not diags), diags


@declare("Y006", "forbidden-character", phase="load")
def find_forbidden(path: str, text: str) -> tuple[str, list[Diagnostic]]:
    """A control, zero-width or bidirectional-override character is in the file.

    Why: these characters are invisible or reorder what you see, so a claim could read one way
    in an editor and another on the site ("Trojan Source"). Tabs, line feeds and carriage
    returns are allowed.

    Example: a statement containing U+202E RIGHT-TO-LEFT OVERRIDE, or a NUL byte.

    Fix: delete the character; retype the text around it if it was pasted.
    """
    if not FORBIDDEN.search(text):
        return text, []
    diags: list[Diagnostic] = []
    line_starts = [0]
    line_starts.extend(m.end() for m in re.finditer("\n", text))
    import bisect

    for m in FORBIDDEN.finditer(text):
        if len(diags) >= MAX_REPORTS:
            break
        off = m.start()
        li = bisect.bisect_right(line_starts, off) - 1
        ch = m.group()
        name = _NAMES.get(ch, "control character")
        diags.append(
            make(
                Pos(path, li + 1, off - line_starts[li] + 1),
                "Y006",
                f"forbidden character U+{ord(ch):04X} ({name})",
                "delete it; it is invisible or changes how the text around it is shown",
            )
        )
    return FORBIDDEN.sub("\ufffd", text), diags


@declare("Y009", "limit-exceeded", phase="load")
def too_large(path: str, size: int) -> Diagnostic:
    """The input exceeds a safety limit (file size, nesting depth or number of items).

    Why: the checker and the build must finish in bounded time and memory on any input,
    including hostile ones. The limits admit a knowledge base of 20,000 claims (about 20 MB).

    Example: a 100 MB claims file, or lists nested 40 levels deep.

    Fix: split or simplify the data; real claims are never nested more than a few levels.
    """
    return make(
        Pos(path, 1, 1),
        "Y009",
        f"file is {size} bytes, larger than the limit of {MAX_BYTES} bytes",
        "split the data; 20,000 claims take about 20 MB",
    )


def read_bytes(path: str) -> bytes:
    """Read a file, raising OSError (the caller turns it into exit code 2)."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    return data
