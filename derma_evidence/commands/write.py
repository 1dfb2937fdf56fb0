"""The byte-preserving insertion of `derma new`: one entry in, every other byte kept, nothing lost.

The claim goes at the end of the `claims:` list, the reference at the end of references.bib. The
result is checked in memory (errors inside the new entry, or a file that no longer reads as the
old one plus the entry, refuse it) and then written safely:

- under an exclusive lock on the data folder (flock on the directory: no lock file is left), so
  two runs at once are serialised and the second one reads what the first one wrote;
- only if the file still holds the bytes it was read with (an edit saved meanwhile is refused,
  never overwritten);
- through a symbolic link to its target, in place when the file has several hard links (so that
  every link sees the entry), else atomically (temporary file + os.replace);
- never into a read-only file; stale temporary files of a killed run are removed by the next run.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import re
import stat
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from derma_evidence import safefs
from derma_evidence.commands.entries import UsageError, claim_lines, reference_text
from derma_evidence.contract.schema import missing_field
from derma_evidence.diagnostics import Diagnostic, Pos, Severity
from derma_evidence.load.bib import decode_latex, load_bib
from derma_evidence.load.text import read_bytes
from derma_evidence.load.yamlpos import Map, Node, Scalar, Seq, YamlResult, load_yaml
from derma_evidence.pipeline import Result, check_loaded

TMP_PREFIX = ".derma-new-"
LOCK_TIMEOUT = 60.0
"""Seconds to wait for another `derma new` on the same folder before giving up."""


class Refused(Exception):
    """The entry cannot be added: exit 1, with diagnostics or a message."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    line: int
    entry: str
    warnings: list[Diagnostic]


def _newline(data: bytes) -> str:
    if b"\r\n" in data:
        return "\r\n"
    if b"\r" in data and b"\n" not in data:
        return "\r"  # a file with classic Mac line ends
    return "\n"


_BYTES_BREAK = re.compile(rb"\r\n|\r|\n")


class _Lines:
    """The lines of ``data`` (as libyaml counts them), cut out only when asked for, and their byte offsets."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offsets = [0]
        self.offsets.extend(m.end() for m in _BYTES_BREAK.finditer(data))

    def __len__(self) -> int:
        return len(self.offsets)

    def __getitem__(self, i: int) -> bytes:
        end = self.offsets[i + 1] if i + 1 < len(self.offsets) else len(self.data)
        return self.data[self.offsets[i] : end].rstrip(b"\r\n")


def _lines(data: bytes) -> tuple[_Lines, list[int]]:
    lines = _Lines(data)
    return lines, lines.offsets


# --- claims --------------------------------------------------------------------------------------


def _claims_node(path: str, y: YamlResult, lines: _Lines) -> tuple[Map, Seq, int]:
    """The root mapping, the block `claims:` sequence and the index of `claims` among the root keys."""
    fatal = [d for d in y.diagnostics if d.code in ("Y001", "Y005", "Y007", "Y008", "Y009")]
    if fatal or not isinstance(y.root, Map):
        raise Refused(f"cannot read {path} as a claims file; fix it first", fatal)
    for i, (k, v) in enumerate(y.root.items):
        if k.value == "claims":
            if not isinstance(v, Seq) or not v.items:
                raise Refused(f"`claims:` in {path} is not a list with at least one claim; add the first one by hand")
            line = lines[v.line - 1] if v.line - 1 < len(lines) else b""
            if line[v.col - 1 : v.col] != b"-":
                raise Refused(f"`claims:` in {path} is a flow list `[...]`; add the claim by hand")
            return y.root, v, i
    raise Refused(f"{path} has no `claims:` list", [missing_field(Pos(path, 1, 1), "claims", "")])


def insertion_point(path: str, data: bytes, y: YamlResult | None = None) -> tuple[int, int, int, int]:
    """(byte offset, line number, dash column, key column) where the next claim goes.

    Just after the last content line of the last claim: before the next top-level key, and
    before any blank lines and comments at (or left of) the list's own indentation, which
    belong to what follows.
    """
    lines, offsets = _lines(data)
    root, seq, idx = _claims_node(path, y or load_yaml(path, data), lines)
    last = seq.items[-1]
    end_line = len(lines) + 1  # 1-based line after the end
    if idx + 1 < len(root.items):
        end_line = root.items[idx + 1][0].line
    dash_col = seq.col
    key_col = last.col if isinstance(last, Map) else dash_col + 2
    n = end_line - 1  # candidate last line of the claim (1-based)
    while n > last.line:
        raw = lines[n - 1]
        stripped = raw.lstrip(b" ")
        indent = len(raw) - len(stripped)
        if not stripped.strip() or (stripped.startswith(b"#") and indent < key_col - 1):
            n -= 1
            continue
        break
    if n >= len(lines):
        return len(data), n + 1, dash_col, key_col
    return offsets[n], n + 1, dash_col, key_col


def _render_claim(values: dict[str, str], dash_col: int, key_col: int, newline: str) -> str:
    pad = " " * (key_col - 1)
    out = []
    for i, (extra, text) in enumerate(claim_lines(values)):
        if i == 0:
            out.append(" " * (dash_col - 1) + "-" + " " * (key_col - dash_col - 1) + text)
        else:
            out.append(pad + " " * extra + text)
    return newline.join(out) + newline


def _plain(node: Node | None) -> object:
    """A node tree as plain values with kinds, for comparing two parses."""
    if isinstance(node, Scalar):
        return (node.kind, node.value)
    if isinstance(node, Seq):
        return [_plain(x) for x in node.items]
    if isinstance(node, Map):
        return [(k.value, _plain(v)) for k, v in node.items]
    return None


def _verify_claims(path: str, a: Node | None, b: Node | None, claim_id: str) -> None:
    """The new tree reads as the old one plus one claim with ``claim_id`` at the end of `claims:`.

    Every value outside `claims:` and the old last claim (the only ones text after the insertion
    point can change) are compared in full; the claims before it ended before the insertion point,
    so their position and count are compared only (linear, not a second deep walk of the file).
    """
    ok = isinstance(a, Map) and isinstance(b, Map) and [k.value for k, _ in a.items] == [k.value for k, _ in b.items]
    if ok:
        assert isinstance(a, Map) and isinstance(b, Map)
        for (ka, va), (_, vb) in zip(a.items, b.items, strict=True):
            if ka.value != "claims":
                ok = ok and _plain(va) == _plain(vb)
            elif isinstance(va, Seq) and isinstance(vb, Seq) and len(vb.items) == len(va.items) + 1 and va.items:
                added = vb.items[-1]
                ok = (
                    ok
                    and [(x.line, x.col) for x in va.items] == [(x.line, x.col) for x in vb.items[:-1]]
                    and _plain(va.items[-1]) == _plain(vb.items[-2])
                    and isinstance(added, Map)
                    and isinstance(added.get("id"), Scalar)
                    and getattr(added.get("id"), "value", None) == claim_id
                )
            else:
                ok = False
    if not ok:
        raise Refused(
            f"the claim could not be inserted into {path} without changing other entries "
            "(unusual layout?); add it by hand, following the contributing guide"
        )


def add_claim(
    claims_path: str, bib_path: str, values: dict[str, str], today: dt.date, dry_run: bool = False
) -> Outcome:
    with _editing(claims_path, dry_run) as (original, nl):
        bib = load_bib(bib_path, read_bytes(bib_path))
        old = load_yaml(claims_path, original)
        offset, line, dash_col, key_col = insertion_point(claims_path, original, old)
        entry = _render_claim(values, dash_col, key_col, nl)
        at_end = offset == len(original) and original and not original.endswith((b"\n", b"\r"))
        inserted = (nl.encode() if at_end else b"") + entry.encode("utf-8")
        new = original[:offset] + inserted + original[offset:]
        y = load_yaml(claims_path, new)
        _verify_claims(claims_path, old.root, y.root, values["id"])
        del old  # one tree in memory at a time from here
        first, last = line, line + entry.count(nl) - 1
        after = check_loaded(claims_path, y, bib_path, bib, today)
        warnings = _judge(after, claims_path, first, last)
        return _done(claims_path, original, new, Outcome(claims_path, line, entry, warnings), dry_run)


# --- references ----------------------------------------------------------------------------------


def add_reference(
    claims_path: str, bib_path: str, values: dict[str, str], today: dt.date, dry_run: bool = False
) -> Outcome:
    with _editing(bib_path, dry_run) as (original, nl):
        claims = load_yaml(claims_path, read_bytes(claims_path))
        entry = reference_text(values, nl)
        second_reading(bib_path, entry)
        if not original:
            sep = ""
        elif original.endswith((b"\n\n", b"\r\n\r\n", b"\r\r")):
            sep = ""
        elif original.endswith((b"\n", b"\r")):
            sep = nl
        else:
            sep = nl + nl
        new = original + (sep + entry).encode("utf-8")
        first = _entry_line(new, len(original) + len(sep.encode()))
        last = first + entry.count(nl) - 1
        old_keys = [r.key for r in load_bib(bib_path, original).references]
        b = load_bib(bib_path, new)
        after = check_loaded(claims_path, claims, bib_path, b, today)
        warnings = _judge(after, bib_path, first, last)
        if [r.key for r in b.references] != [*old_keys, values["key"]]:
            raise Refused(
                f"the entry could not be appended to {bib_path} as one new reference; check the end of the file",
                [d for d in b.diagnostics if d.line >= first - 1],
            )
        return _done(bib_path, original, new, Outcome(bib_path, first, entry, warnings), dry_run)


def second_reading(path: str, entry: str) -> None:
    """Read the new entry with bibtexparser 2 as well; refuse it (UsageError, exit 2) if the two readers disagree.

    A second, independent reader guards what `derma new` emits: the key, the entry type, the field
    names and every value must come out the same. bibtexparser runs with its default parse stack
    (`@string` references resolved, the enclosing braces or quotes removed); the LaTeX decoding the
    checker applies to values is applied to its values too, since bibtexparser does none.
    """
    from bibtexparser.entrypoint import parse_string

    ours = [(r.key, r.entry_type, r.fields) for r in load_bib(path, entry.encode("utf-8")).references]
    log = logging.getLogger("bibtexparser")
    level = log.level
    log.setLevel(logging.CRITICAL + 1)  # its parse errors are reported here, in one sentence
    try:
        library = parse_string(entry)
    finally:
        log.setLevel(level)
    theirs = [
        (e.key, e.entry_type.lower(), {f.key.lower(): decode_latex(str(f.value)) for f in e.fields})
        for e in library.entries
    ]
    if ours == theirs and not library.failed_blocks:
        return
    if library.failed_blocks or len(theirs) != 1 or len(ours) != 1:
        why = "it cannot read the entry as one entry"
    else:
        (k1, t1, f1), (k2, t2, f2) = ours[0], theirs[0]
        if (k1, t1) != (k2, t2):
            why = f"it reads '@{t2}{{{k2}' instead of '@{t1}{{{k1}'"
        else:
            name = next(n for n in [*f1, *f2] if f1.get(n) != f2.get(n))
            why = f"field '{name}' reads {f2.get(name)!r} there, {f1.get(name)!r} here"
    raise UsageError(
        f"bibtexparser reads the new entry differently from the checker ({why}); nothing was written. "
        "Simplify the value (e.g. drop a stray '@', '%' or backslash) or add the entry by hand"
    )


def _entry_line(data: bytes, offset: int) -> int:
    return len(_BYTES_BREAK.findall(data, 0, offset)) + 1


# --- judging and writing -------------------------------------------------------------------------


def _judge(after: Result, path: str, first: int, last: int) -> list[Diagnostic]:
    """Refuse on an error inside the new entry; return the entry's warnings.

    The checker's own rules decide (a duplicate id is C001, a duplicate key B002, reported at the
    new entry, which comes second): nothing here restates a code.
    """
    inside = [d for d in after.diagnostics if d.file == path and first <= d.line <= last]
    errors = [d for d in inside if d.severity is Severity.ERROR]
    if errors:
        raise Refused("the new entry has errors; nothing was written", errors)
    return [d for d in inside if d.severity is Severity.WARNING]


@contextmanager
def _editing(path: str, dry_run: bool) -> Iterator[tuple[bytes, str]]:
    """Lock the data folder of ``path``; give the file's bytes and its line break."""
    with _locked(path, dry_run):
        original = read_bytes(path)
        yield original, _newline(original)


def _done(path: str, original: bytes, new: bytes, outcome: Outcome, dry_run: bool) -> Outcome:
    if not dry_run:
        _write(path, original, new)
    return outcome


@contextmanager
def _locked(path: str, dry_run: bool) -> Iterator[None]:
    """Hold an exclusive lock on the folder of ``path`` (its symlink target's folder), then clean stale temp files."""
    if dry_run:
        yield
        return
    folder = os.path.dirname(os.path.realpath(path)) or "."
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Refused(
                        f"another `derma new` has held {folder} for {LOCK_TIMEOUT:.0f} s; try again"
                    ) from None
                time.sleep(0.05)
        _clean_stale(folder)
        yield
    finally:
        os.close(fd)  # releases the lock


def _clean_stale(folder: str) -> None:
    """Remove temporary files a killed run left (under the lock, no live run has one)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.startswith(TMP_PREFIX) and name.endswith(".tmp"):
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass


def _write(path: str, original: bytes, new: bytes) -> None:
    """Write ``new`` over ``path`` if it still holds ``original``; through links, never into read-only files."""
    target = os.path.realpath(path)
    st = os.stat(target)
    if not stat.S_ISREG(st.st_mode):
        raise Refused(f"{path} is not a regular file; nothing was written")
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise Refused(f"{path} is read-only; nothing was written (make it writable first if that is intended)")
    if read_bytes(target) != original:
        raise Refused(
            f"{path} was changed while `derma new` ran (an editor saved it?); nothing was written: run it again"
        )
    if st.st_nlink > 1:
        _write_in_place(target, original, new)
    else:
        _write_atomic(target, new, st.st_mode & 0o7777)
    if read_bytes(target) != new:
        _write_in_place(target, None, original)
        raise Refused(f"{path} did not read back as written; the original was restored")


def _write_atomic(target: str, data: bytes, mode: int) -> None:
    folder = os.path.dirname(target)
    tmp = os.path.join(folder, f"{TMP_PREFIX}{os.getpid()}-{time.monotonic_ns()}.tmp")
    try:
        safefs.create(tmp, data, 0o600, sync=True)  # O_EXCL | O_NOFOLLOW: never through a planted link
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_in_place(target: str, original: bytes | None, data: bytes) -> None:
    """Rewrite the file's own inode (every hard link sees it); on failure put ``original`` back."""
    with open(target, "r+b") as fh:
        try:
            fh.write(data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
        except BaseException:
            if original is not None:
                fh.seek(0)
                fh.write(original)
                fh.truncate()
            raise
