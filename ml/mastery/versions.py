"""Trained mastery models on disk: one folder per version, the newest (or the pinned) one served.

Layout under ``<data dir>/models/mastery/``: ``<version>/`` folders, each with
``model.safetensors``, ``config.json``, ``metrics.json`` and ``data.json``, and an
optional ``CURRENT`` file naming the version to serve instead of the newest.
Versions are named ``YYYYmmdd-HHMMSS-<model>`` so the newest sorts last.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["ModelVersions"]


class ModelVersions:
    """The model folders of one data folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def list(self) -> list[str]:
        """Every complete version, oldest first."""
        if not self.root.exists():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "config.json").exists())

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
        (self.root / "CURRENT").write_text(version + "\n")

    def path(self, version: str) -> Path:
        """The folder of ``version``."""
        return self.root / version

    def new_version(self, model_name: str, now: datetime | None = None) -> Path:
        """A fresh, unique folder for a model being saved."""
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
        folder = self.root / f"{stamp}-{model_name}"
        n = 1
        while folder.exists():
            folder = self.root / f"{stamp}-{model_name}-{n}"
            n += 1
        return folder

    def install(self, source: Path, version: str) -> Path:
        """Copy a model folder in (the demo's shipped model on first start)."""
        target = self.root / version
        if not target.exists():
            shutil.copytree(source, target)
        return target

    def info(self, version: str) -> dict[str, Any]:
        """Metrics and data summary of a version (empty where missing)."""
        folder = self.root / version
        out: dict[str, Any] = {"version": version}
        for name in ("metrics", "data"):
            path = folder / f"{name}.json"
            out[name] = json.loads(path.read_text()) if path.exists() else {}
        return out
