"""The commands' one ladder from a failure to its message and exit code (commands/errors.py)."""

from __future__ import annotations

import pytest

from derma_evidence.commands.errors import fail
from derma_evidence.commands.write import Refused
from derma_evidence.fetch.http import FetchError


def test_refused_input_is_exit_1_without_a_write_claim(capsys: pytest.CaptureFixture[str]) -> None:
    assert fail(Refused("x.bib:3: no such key"), "x.bib") == 1
    err = capsys.readouterr().err
    assert err == "derma: error: x.bib:3: no such key\n"


def test_a_failed_service_is_exit_2_and_says_nothing_was_written(capsys: pytest.CaptureFixture[str]) -> None:
    assert fail(FetchError("pubmed", "HTTP 500"), "data/claims.yaml") == 2
    assert capsys.readouterr().err == "derma: error: pubmed: HTTP 500; nothing was written\n"


def test_an_os_error_names_its_file_with_control_characters_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    exc = OSError(28, "No space left on device", "data/\x1b[2Jclaims.yaml")
    assert fail(exc, "ignored") == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "No space left on device; nothing was written" in err
    assert fail(OSError(13, "Permission denied"), "refs.bib", wrote=False) == 2
    assert capsys.readouterr().err == "derma: error: refs.bib: Permission denied\n"


def test_anything_else_is_our_bug_and_keeps_its_traceback() -> None:
    with pytest.raises(KeyError):
        fail(KeyError("bug"), "x")
