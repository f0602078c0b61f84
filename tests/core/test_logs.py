"""Log records go to the stderr of the moment they are written."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from regionnav import logs


def test_records_follow_stderr_when_it_is_swapped_back(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A test runner invokes the command line with a stderr of its own and
    # closes it afterwards, while threads of the same process still log.
    swapped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", swapped)
    logs.setup("INFO")
    logging.getLogger("regionnav.test").info("while swapped")
    assert "while swapped" in swapped.getvalue()

    monkeypatch.undo()
    swapped.close()
    logging.getLogger("regionnav.test").info("after")

    written = capsys.readouterr().err
    assert "after" in written
    assert "Logging error" not in written
