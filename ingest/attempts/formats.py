"""Which reader handles which attempt log format: a registry, not an if/elif chain.

Every reader takes a path (``akt`` also a list of fold files) plus its own keyword
options and returns the canonical attempt table (``ingest.columns``). The ``xapi``
entry also leaves its :class:`~ingest.attempts.xapi.XapiReport` in
``frame.attrs["report"]`` (as a dict) so callers of the registry still see it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from ingest.attempts.akt import read_akt
from ingest.attempts.dkvmn import read_dkvmn
from ingest.attempts.long_csv import read_csv
from ingest.attempts.pykt import read_pykt
from ingest.attempts.table import concat_frames
from ingest.attempts.xapi import read_xapi

__all__ = ["ATTEMPT_READERS", "read_attempts", "sum_reports"]


def _xapi(path: Path, **options: Any) -> pd.DataFrame:
    frame, report = read_xapi(path, **options)
    frame.attrs["report"] = asdict(report)
    return frame


ATTEMPT_READERS: dict[str, Callable[..., pd.DataFrame]] = {
    "csv": read_csv,
    "pykt": read_pykt,
    "akt": read_akt,
    "dkvmn": read_dkvmn,
    "xapi": _xapi,
}


def read_attempts(path: Path | Sequence[Path], fmt: str, **options: Any) -> pd.DataFrame:
    """Read one file, or several as one table (attempts renumbered per student across files).

    ``akt`` reads its fold files together (a student in two folds is refused); other
    formats read each file, then join them. An ``xapi`` join sums the files' reports.

    Raises:
        ValueError: an unknown format.
        MalformedInput: from the reader.
    """
    if fmt not in ATTEMPT_READERS:
        raise ValueError(f"unknown attempt format {fmt!r}; known: {', '.join(sorted(ATTEMPT_READERS))}")
    paths = [path] if isinstance(path, Path) else list(path)
    reader = ATTEMPT_READERS[fmt]
    if fmt == "akt":
        return reader(paths, **options)
    frames = [reader(p, **options) for p in paths]
    joined = concat_frames(frames)
    if fmt == "xapi" and len(frames) > 1:
        joined.attrs["report"] = sum_reports([f.attrs["report"] for f in frames])
    return joined


def sum_reports(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Several files' xAPI reports (as dicts) added up, counts and per-reason counts alike."""
    total: dict[str, Any] = {}
    for report in reports:
        for key, value in report.items():
            if isinstance(value, dict):
                bucket = total.setdefault(key, {})
                for k, n in value.items():
                    bucket[k] = bucket.get(k, 0) + n
            else:
                total[key] = total.get(key, 0) + value
    return total
