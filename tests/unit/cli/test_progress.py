"""Progress bars: one per stage, and a log line that names the work in its own unit."""

from __future__ import annotations

import logging

import pytest

from cli.progress import ProgressBars


def test_each_stage_is_announced_once_in_its_unit(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pathwise.progress")
    with ProgressBars(disable=True, unit="batch") as bars:
        for done in range(1, 4):
            bars("pathwise member 1/3 training", done, 30)
        bars("pathwise member 2/3 training", 1, 30)
    assert caplog.messages == ["pathwise member 1/3 training: 30 batches", "pathwise member 2/3 training: 30 batches"]
    with ProgressBars(disable=True) as bars:
        bars("import", 1, 5)
    assert caplog.messages[-1] == "import: 5 items"


def test_without_a_terminal_progress_is_logged_as_it_goes_and_at_the_end(caplog: pytest.LogCaptureFixture) -> None:
    # A log's import logged "record: 682797 items" and then nothing for six minutes.
    caplog.set_level(logging.INFO, logger="pathwise.progress")
    with ProgressBars(disable=True, log_every=0.0) as bars:
        bars("record", 0, 10)
        bars("record", 4, 10)
        bars("record", 10, 10)
        bars("record", 10, 10)  # the end is said once
    assert caplog.messages == ["record: 10 items", "record: 4 of 10 items (40%)", "record: 10 of 10 items (100%)"]
    caplog.clear()
    with ProgressBars(disable=True) as bars:  # every 30 s: a quick stage says its start and its end
        for done in range(11):
            bars("embed", done, 10)
    assert caplog.messages == ["embed: 10 items", "embed: 10 of 10 items (100%)"]
