"""Writing files only inside a target folder: the one safe-write helper of the package.

Every path a user or a configuration gives is a relative POSIX path checked by `relative_path`
(not empty, not absolute, no `..`, no backslash or drive, no control character). `write_tree` writes
a set of files into a folder without ever following a symbolic link:

- the files are first written into a fresh temporary folder beside a new target, or inside an
  existing one (same file system either way),
  each opened with `O_CREAT | O_EXCL | O_NOFOLLOW`; a failure there (a full disk, a quota) removes
  the temporary folder and leaves the target as it was;
- a missing target is then the temporary folder, renamed in one step;
- an existing target (empty, or `replace=True`: `derma init --force`) gets each file by `os.replace`, which
  replaces a symbolic link at that name instead of writing through it; a folder on the way that is
  a symbolic link (or not a folder) is refused before anything is moved.

Limits (docs: README "Writing files"): a path part is at most `MAX_PART` characters and a path at
most `MAX_PATH`; at most `MAX_FILES` files per call.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Mapping

MAX_PART = 255
MAX_PATH = 1024
MAX_FILES = 10_000


class UnsafePath(ValueError):
    """A path that would leave its folder, or a folder on the way that is a symbolic link."""


def _bad_char(s: str) -> str | None:
    for ch in s:
        if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            return ch
    return None


def relative_path(value: str, what: str = "path") -> str:
    """``value`` as a normalised relative POSIX path inside its folder; raises `UnsafePath` saying why."""
    if not isinstance(value, str) or not value.strip():
        raise UnsafePath(f"{what} must not be empty")
    if _bad_char(value) is not None:
        raise UnsafePath(f"{what} {value!r} holds a control character")
    if "\\" in value or (len(value) > 1 and value[1] == ":"):
        raise UnsafePath(f"{what} {value!r} must use '/' and no drive letter")
    if value.startswith("/"):
        raise UnsafePath(f"{what} {value!r} must be relative, not absolute")
    if len(value) > MAX_PATH:
        raise UnsafePath(f"{what} is {len(value)} characters long, over {MAX_PATH}")
    parts = [p for p in value.split("/") if p not in ("", ".")]
    if not parts:
        raise UnsafePath(f"{what} {value!r} names the folder itself, not a folder inside it")
    if ".." in parts:
        raise UnsafePath(f"{what} {value!r} must stay inside its folder (no '..')")
    if any(len(p) > MAX_PART for p in parts):
        raise UnsafePath(f"{what} {value!r} has a part over {MAX_PART} characters")
    return "/".join(parts)


def create(path: str, data: bytes, mode: int = 0o644, sync: bool = False) -> None:
    """Create ``path`` and write ``data``: it must not exist, and a symbolic link there is not followed.

    `O_CREAT | O_EXCL | O_NOFOLLOW`: the one way this package creates a file (the scaffold's files, the
    temporary file `derma new` and `derma import-retractions` write before replacing the data file).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, mode)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(path: str, data: bytes) -> None:
    create(path, data)


def _real_dir(path: str) -> bool:
    """True for a folder that is not a symbolic link; False if missing; `UnsafePath` for anything else."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode):
        raise UnsafePath(f"{path} is a symbolic link; refusing to write through it")
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafePath(f"{path} is not a folder")
    return True


def write_tree(target: str, files: Mapping[str, str | bytes], replace: bool = False) -> list[str]:
    """Write ``files`` ({relative path: text or bytes}) into ``target``; return the relative paths written.

    Nothing is written outside ``target`` and no symbolic link is followed. With ``replace`` false the
    target must be missing or empty (`FileExistsError` otherwise). On any failure before the move the
    target is left untouched and the temporary folder removed.
    """
    if len(files) > MAX_FILES:
        raise UnsafePath(f"{len(files)} files, over {MAX_FILES}")
    rels = {relative_path(rel): data for rel, data in files.items()}
    target = os.path.abspath(target)
    if os.path.islink(target):
        raise UnsafePath(f"{target} is a symbolic link; name the folder itself")
    if os.path.lexists(target) and not os.path.isdir(target):
        raise NotADirectoryError(target)
    exists = os.path.isdir(target)
    if exists and os.listdir(target) and not replace:
        raise FileExistsError(target)
    parent = os.path.dirname(target)
    if not exists:
        os.makedirs(parent, exist_ok=True)
    # beside a new target (one rename at the end), inside an existing one (its parent may be read-only)
    tmp = tempfile.mkdtemp(prefix=".derma-tmp-", dir=target if exists else parent)
    try:
        for rel, data in sorted(rels.items()):
            path = os.path.join(tmp, *rel.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            _write_new(path, data.encode("utf-8") if isinstance(data, str) else data)
        if not exists:
            os.chmod(tmp, 0o755 & ~_umask())
            os.rename(tmp, target)
            return sorted(rels)
        # an existing target (empty, or with --force): its own inode stays (it may be the working folder);
        # check every folder on the way first, then move file by file
        for rel in rels:
            here = target
            for part in rel.split("/")[:-1]:
                here = os.path.join(here, part)
                _real_dir(here)
            final = os.path.join(target, *rel.split("/"))
            if os.path.lexists(final) and not os.path.islink(final) and os.path.isdir(final):
                raise UnsafePath(f"{final} is a folder")
        for rel in sorted(rels):
            *folders, name = rel.split("/")
            src = os.path.join(tmp, *rel.split("/"))
            if not _AT:  # no *at() calls here: the checks above, by path
                here = target
                for part in folders:
                    here = os.path.join(here, part)
                    if not _real_dir(here):
                        os.mkdir(here)
                os.replace(src, os.path.join(here, name))
                continue
            fd = _open_folder(target, folders)  # each step opened with O_NOFOLLOW: a link swapped in is refused
            try:
                os.rename(src, name, dst_dir_fd=fd)  # renameat: replaces a file or a link at that name (POSIX)
            finally:
                os.close(fd)
        return sorted(rels)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_AT = os.rename in os.supports_dir_fd and os.open in os.supports_dir_fd and os.mkdir in os.supports_dir_fd


def _open_folder(target: str, folders: list[str]) -> int:
    """A descriptor of ``target``/``folders`` (made where missing), no step through a symbolic link."""
    fd = os.open(target, _DIR_FLAGS)
    try:
        for part in folders:
            try:
                nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                os.mkdir(part, 0o777, dir_fd=fd)
                nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:  # ELOOP or ENOTDIR: a link or a file where a folder should be
                raise UnsafePath(f"{os.path.join(target, part)} is not a folder (or is a symbolic link)") from exc
            os.close(fd)
            fd = nfd
    except BaseException:
        os.close(fd)
        raise
    return fd


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
