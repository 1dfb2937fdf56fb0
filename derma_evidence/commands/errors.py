"""One ladder from a command's failure to its message and exit code, shared by the commands that write.

Exit codes (STYLE.md): 1 the input was refused (the data or the request is wrong: fix it and run again),
2 the tool could not run (a service failed, a file could not be read or written). Every line goes through
`diagnostics.clean`, so nothing a file, a service or the environment says reaches the terminal raw, and
every failure of a writing command says that nothing was written (they write to a temporary file and
rename it, so that is true). Anything else is our bug and keeps its traceback.
"""

from __future__ import annotations

import sys

from derma_evidence.commands.write import Refused
from derma_evidence.diagnostics import clean
from derma_evidence.fetch.http import FetchError

HANDLED: tuple[type[BaseException], ...] = (Refused, FetchError, OSError)
"""What `fail` turns into a message; a command catches exactly these (and its own input errors)."""


def fail(exc: BaseException, target: str, *, wrote: bool = True) -> int:
    """Print the one line for `exc` and return its exit code; `target` names the file the command writes."""
    tail = "; nothing was written" if wrote else ""
    if isinstance(exc, Refused):
        print(f"derma: error: {clean(str(exc))}", file=sys.stderr)
        return 1
    if isinstance(exc, FetchError):
        print(f"derma: error: {clean(str(exc))}{tail}", file=sys.stderr)
        return 2
    if isinstance(exc, OSError):
        where = clean(str(exc.filename or target))
        print(f"derma: error: {where}: {clean(str(exc.strerror or exc))}{tail}", file=sys.stderr)
        return 2
    raise exc
