"""Trained mastery models on disk: one folder per version, the newest (or the pinned) one served.

Layout under ``<data dir>/models/mastery/``: ``<version>/`` folders, each with
``model.safetensors``, ``config.json``, ``metrics.json`` and ``data.json``, and an
optional ``CURRENT`` file naming the version to serve instead of the newest.
Versions are named ``YYYYmmdd-HHMMSS-<model>`` so the newest sorts last.

A model is written into a hidden staging folder beside its version (``staged``) and
renamed into place once complete: a service starting, a switch to the newest version or
a backup taken while a training run saves never sees half a model.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["STAGING_PREFIX", "ModelVersions", "check_new_folder", "staged"]

STAGING_PREFIX = ".staging-"  # hidden: never listed as a version, never copied by a backup
_STAMPED = re.compile(r"^\d{8}-\d{6}-")  # a trained version's name: YYYYmmdd-HHMMSS-<model>


def check_new_folder(folder: Path) -> None:
    """Refuse a model folder that holds something already (checked before training, and again on saving).

    Raises:
        FileExistsError: ``folder`` exists and is not empty.
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FileExistsError(f"{folder} exists already and is not empty: a model is saved into a new folder")


@contextmanager
def staged(folder: Path) -> Iterator[Path]:
    """A hidden folder to save a model into, renamed to ``folder`` when the block ends without error.

    On error the staging folder is removed and ``folder`` is left as it was.

    Raises:
        FileExistsError: ``folder`` exists and is not empty (a version is never overwritten).
    """
    check_new_folder(folder)
    staging = folder.with_name(STAGING_PREFIX + folder.name)
    shutil.rmtree(staging, ignore_errors=True)  # left by a run that was killed
    staging.mkdir(parents=True)
    try:
        yield staging
        if folder.exists():
            folder.rmdir()  # empty (checked above), as a caller's temporary folder may be
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


class ModelVersions:
    """The model folders of one data folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def list(self) -> list[str]:
        """Every complete version, oldest first: a name without a date (the shipped ``demo``) before any trained one.

        By name alone ``demo`` sorted after ``2026...``, so a trained model was never the
        newest and never served unless pinned.
        """
        if not self.root.exists():
            return []
        names = [p.name for p in self.root.iterdir() if not p.name.startswith(".") and (p / "config.json").exists()]
        return sorted(names, key=lambda name: (_STAMPED.match(name) is not None, name))

    def current(self) -> str | None:
        """The pinned version if any (and still there), else the newest."""
        pin = self.root / "CURRENT"
        if pin.exists():
            name = pin.read_text().strip()
            if name in self.list():
                return name
        versions = self.list()
        return versions[-1] if versions else None

    def use(self, version: str) -> None:
        """Pin ``version``. Raises ``KeyError`` when there is no such version."""
        if version not in self.list():
            raise KeyError(version)
        self.root.mkdir(parents=True, exist_ok=True)
        pin = self.root / "CURRENT"
        tmp = pin.with_name(".CURRENT.tmp")
        tmp.write_text(version + "\n")
        os.replace(tmp, pin)  # a reader sees the old pin or the new one, never an empty file

    def path(self, version: str) -> Path:
        """The folder of ``version``."""
        return self.root / version

    def new_version(self, model_name: str, now: datetime | None = None) -> Path:
        """A fresh, unique folder for a model being saved."""
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
        folder = self.root / f"{stamp}-{model_name}"
        n = 1
        while folder.exists() or folder.with_name(STAGING_PREFIX + folder.name).exists():
            folder = self.root / f"{stamp}-{model_name}-{n}"
            n += 1
        return folder

    def install(self, source: Path, version: str) -> Path:
        """Copy a model folder in (the demo's shipped model on first start)."""
        target = self.root / version
        if not target.exists():
            with staged(target) as staging:
                shutil.copytree(source, staging, dirs_exist_ok=True)
        return target

    def info(self, version: str) -> dict[str, Any]:
        """Metrics and data summary of a version (empty where missing)."""
        folder = self.root / version
        out: dict[str, Any] = {"version": version}
        for name in ("metrics", "data"):
            path = folder / f"{name}.json"
            out[name] = json.loads(path.read_text()) if path.exists() else {}
        return out
