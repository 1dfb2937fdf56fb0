"""Reading files as UTF-8 text, with every encoding problem reported at its position."""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import unicodedata
from dataclasses import dataclass

from derma_evidence.diagnostics import Diagnostic, Pos, declare, make

MAX_BYTES = 64 * 1024 * 1024
"""Largest input file read. 20,000 claims are about 20 MB of YAML."""

MAX_REPORTS = 50
"""At most this many encoding or character problems are listed per file; past it the file is not
parsed (it is not text: every later diagnostic would be noise)."""

# C0 controls except tab/LF/CR, DEL, C1 controls (NEL among them), every format character
# (Unicode category Cf: zero-width, bidi controls and marks incl. U+200F and U+061C, soft hyphen,
# BOM anywhere but the start, interlinear annotation, tag characters U+E0000-E007F), the line
# and paragraph separators U+2028/U+2029 (YAML 1.1 line breaks, but no editor's), and the
# invisible fillers U+034F, U+115F, U+1160, U+3164, U+FFA0, and the noncharacters (U+FDD0-U+FDEF and
# the last two code points of every plane, U+FFFE among them) and lone surrogates: XML 1.0 refuses them,
# so the Atom feed and the sitemap could not carry them. A test holds this to unicodedata.
NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17)
)
FORBIDDEN = re.compile(
    "[" + NONCHARACTERS + "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f"
    "\ud800-\udfff"  # lone surrogates: not XML 1.0 text
    "]"
)

_FORBIDDEN_ASCII = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # the same, for text known to be ASCII

LINE_BREAK = re.compile("\r\n|\r|\n")
"""What ends a line, for positions: LF, CR LF and a lone CR, as libyaml and editors count them."""

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
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
    "\u0085": "NEXT LINE",
}


def char_name(ch: str) -> str:
    if ch in _NAMES:
        return _NAMES[ch]
    if "\U000e0000" <= ch <= "\U000e007f":
        return "TAG CHARACTER"
    if "\ufdd0" <= ch <= "\ufdef" or (ord(ch) & 0xFFFE) == 0xFFFE:
        return "NONCHARACTER"
    return unicodedata.name(ch, "control character")


@dataclass(frozen=True, slots=True)
class Text:
    """Decoded text with the BOM removed and forbidden characters replaced by U+FFFD."""

    path: str
    text: str
    ok: bool
    binary: bool = False  # more invalid UTF-8 than MAX_REPORTS runs: not text, not parsed further


_NOT_UTF8 = re.compile(b"(?:[\x80-\xc1\xf5-\xff])+")  # bytes that can never start a character


class _Collect:
    """An error handler that records runs of invalid bytes, each run replaced by one U+FFFD."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.bad: list[tuple[int, int]] = []

    def __call__(self, exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeDecodeError)
        end = exc.end
        m = _NOT_UTF8.match(self.data, end)
        if m is not None:
            end = m.end()
        if self.bad and self.bad[-1][1] == exc.start:
            self.bad[-1] = (self.bad[-1][0], end)
            return ("", end)
        if len(self.bad) >= MAX_REPORTS:
            raise _Enough(exc.start)
        self.bad.append((exc.start, end))
        return ("\ufffd", end)


class _Enough(Exception):
    def __init__(self, offset: int) -> None:
        self.offset = offset


def _decode_runs(data: bytes) -> tuple[str, list[tuple[int, int]], int]:
    """Text with each run of invalid bytes as one U+FFFD, the first runs, and how many more runs.

    Linear: at most ``MAX_REPORTS`` runs go through the Python error handler; the rest of the
    file is decoded by the C decoder and its runs are only counted.
    """
    collect = _Collect(data)
    name = f"derma-collect-{id(collect)}"
    codecs.register_error(name, collect)
    try:
        return data.decode("utf-8", name), collect.bad, 0
    except _Enough as stop:
        cut = stop.offset
    collect = _Collect(data)
    codecs.register_error(name, collect)
    head = data[:cut].decode("utf-8", name)
    tail = data[cut:].decode("utf-8", "replace")
    return head + tail, collect.bad, tail.count("\ufffd")


def _byte_pos(path: str, data: bytes, offset: int) -> Pos:
    line = data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset) + 1
    start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
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
        text, runs, more = _decode_runs(data)
        for start, end in runs:
            shown = data[start : min(end, start + 8)].hex(" ") + (" ..." if end - start > 8 else "")
            what = "byte" if end - start == 1 else f"{end - start} bytes"
            diags.append(
                make(
                    _byte_pos(path, data, start),
                    "Y005",
                    f"invalid UTF-8 ({what}: {shown})",
                    "re-save the file as UTF-8",
                )
            )
        if more:
            last = diags[-1]
            diags[-1] = make(
                Pos(last.file, last.line, last.col),
                "Y005",
                last.message + f" (and {more} more invalid byte sequences, not listed; the file is not read further)",
                last.help,
            )
            return Text(path, "", False, True), diags
    clean, forbidden = find_forbidden(path, text)
    diags.extend(forbidden)
    if forbidden and not clean:
        return Text(path, "", False, True), diags
    return Text(path, clean, not diags), diags


def forbidden_in(value: str) -> str | None:
    """Why ``value``, one line of text a user gives (a title, an option), is refused, or None.

    The same characters as in a data file (`FORBIDDEN`, Y006), and line breaks: the one check the
    loader, `derma init --title` and the site's options share.
    """
    m = FORBIDDEN.search(value) or re.search("[\t\n\r]", value)
    if m is None:
        return None
    ch = m.group()
    return f"holds U+{ord(ch):04X} ({char_name(ch)}) at character {m.start() + 1}"


@declare("Y006", "forbidden-character", phase="load")
def find_forbidden(path: str, text: str) -> tuple[str, list[Diagnostic]]:
    """A control, zero-width or bidirectional-override character is in the file.

    Why: these characters are invisible or reorder what you see, so a claim could read one way
    in an editor and another on the site ("Trojan Source"). Tabs, line feeds and carriage
    returns are allowed.

    Example: a statement containing U+202E RIGHT-TO-LEFT OVERRIDE, or a NUL byte.

    Fix: delete the character; retype the text around it if it was pasted.
    """
    if not (_FORBIDDEN_ASCII if text.isascii() else FORBIDDEN).search(text):
        return text, []
    diags: list[Diagnostic] = []
    line, start, done = 1, 0, 0  # line number and start offset of the line holding offset `done`
    for m in FORBIDDEN.finditer(text):
        if len(diags) >= MAX_REPORTS:
            last = diags[-1]
            diags[-1] = make(
                Pos(last.file, last.line, last.col),
                "Y006",
                last.message + f" (more than {MAX_REPORTS} such characters; the file is not read further)",
                last.help,
            )
            return "", diags
        off = m.start()
        for br in LINE_BREAK.finditer(text, done, off):  # only up to the last reported character: linear
            line += 1
            start = br.end()
        done = off
        ch = m.group()
        diags.append(
            make(
                Pos(path, line, off - start + 1),
                "Y006",
                f"forbidden character U+{ord(ch):04X} ({char_name(ch)})",
                "delete it; it is invisible or changes how the text around it is shown",
            )
        )
    return FORBIDDEN.sub("\ufffd", text), diags


@declare("Y009", "limit-exceeded", phase="load")
def too_large(path: str, size: int) -> Diagnostic:
    """The input exceeds a safety limit (file size, nesting depth or number of items).

    Why: the checker and the build must finish in bounded time and memory on any input,
    including hostile ones: no input of at most 64 MiB makes the checker take more than about
    10 s or 600 MB (tests/test_hardening.py holds each limit at its value and just past it).
    The limits admit a knowledge base of 20,000 claims (about 22 MB, 940,000 YAML values).

    Limits: file size 64 MiB per file (Y009); YAML nesting 24 levels, a claim needs five (Y009);
    YAML values (scalars, lists, mappings) 2,000,000 per file (Y009); BibTeX blocks (entries,
    `@string`, `@comment`) 50,000 per file (Y009); number magnitude 1e15 and
    15 digits for a whole number (Y010); diagnostics listed 200 per code, the last one counting
    the rest (every code); encoding and character problems 50 per file, past which the file is
    not parsed (Y005, Y006);
    BibTeX syntax errors 100, after which the rest of the file is not read (B001); stray braces
    listed 50 per file (B017); `@string` expansion 100,000 characters a value and 8 MiB a file
    (B018); values decoded from LaTeX by pylatexenc 2,000 per file (accents and escapes are
    decoded by a table without a limit).

    Example: a 100 MB claims file, or lists nested 40 levels deep.

    Fix: split or simplify the data; real claims are never nested more than a few levels.
    """
    return make(
        Pos(path, 1, 1),
        "Y009",
        f"file is {size} bytes, larger than the limit of {MAX_BYTES} bytes",
        "split the data; 20,000 claims take about 20 MB",
    )


def limit(pos: Pos, message: str) -> Diagnostic:
    """A Y009 at ``pos``: a limit other than the file size was reached."""
    return make(pos, "Y009", message, "split or simplify the data; the limits admit 20,000 claims")


def read_bytes(path: str) -> bytes:
    """Read a regular file, raising OSError (the caller turns it into exit code 2).

    The file is opened without blocking and refused unless it is a regular file, so that a FIFO,
    a terminal or a device (`/dev/zero`) given as data fails at once instead of hanging.
    At most ``MAX_BYTES`` + 1 bytes are read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        if hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            return fh.read(MAX_BYTES + 1)
    finally:
        if fd >= 0:
            os.close(fd)
