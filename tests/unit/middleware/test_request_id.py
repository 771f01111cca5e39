"""A request's id on the log lines written while it runs: a traceback is found by the id the user saw."""

from __future__ import annotations

import logging
import sys

from middleware.request_id import REQUEST_ID, RequestIdFormatter


def _record(message: str, *, failed: bool = False) -> logging.LogRecord:
    exc_info = None
    if failed:
        try:
            raise ValueError("boom")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("pathwise", logging.ERROR, __file__, 1, message, None, exc_info)


def test_a_line_written_in_a_request_ends_with_its_id_before_the_traceback() -> None:
    formatter = RequestIdFormatter("%(levelname)s %(name)s: %(message)s")
    token = REQUEST_ID.set("lb-7f3a.42")
    try:
        lines = formatter.format(_record("resolver failed", failed=True)).splitlines()
    finally:
        REQUEST_ID.reset(token)
    assert lines[0] == "ERROR pathwise: resolver failed request_id=lb-7f3a.42"
    assert lines[1].startswith("Traceback")
    assert lines[-1] == "ValueError: boom"


def test_a_line_outside_a_request_is_as_before() -> None:
    assert RequestIdFormatter("%(message)s").format(_record("started")) == "started"
