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
