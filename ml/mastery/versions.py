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
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ml.mastery.metrics import json_safe

__all__ = ["STAGING_PREFIX", "ModelVersions", "check_new_folder", "folder_damage", "staged"]

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


_FLOATS: dict[str, np.dtype[Any]] = {"F16": np.dtype("<f2"), "F32": np.dtype("<f4"), "F64": np.dtype("<f8")}
_CHUNK = 1 << 20  # bytes of a tensor checked at a time: a multiple of every item size


def _finite(handle: BinaryIO, start: int, end: int, dtype: str) -> bool:
    """Whether a tensor's values (``start``..``end`` of the file) are all finite; other than float: True.

    A bfloat16 is non-finite when its 8 exponent bits are all set (numpy has no bfloat16).
    """
    if dtype not in _FLOATS and dtype != "BF16":
        return True
    handle.seek(start)
    while start < end:
        chunk = handle.read(min(_CHUNK, end - start))
        if not chunk:  # shorter than its header says: said as cut short before this is asked
            return True
        start += len(chunk)
        if dtype == "BF16":
            if np.any((np.frombuffer(chunk, dtype="<u2") & 0x7F80) == 0x7F80):
                return False
        elif not np.isfinite(np.frombuffer(chunk, dtype=_FLOATS[dtype])).all():
            return False
    return True


def _safetensors_damage(path: Path) -> str | None:
    """Whether a safetensors file is whole (its header) and its float tensors finite (each read in chunks).

    Weights holding NaN or inf (a flipped byte) loaded, and every estimate was NaN: the
    API answered "Float cannot represent non numeric value: nan", with nothing logged.
    """
    size = path.stat().st_size
    try:
        with path.open("rb") as handle:
            (length,) = struct.unpack("<Q", handle.read(8))
            if length > size - 8:
                return f"{path.name} is cut short"
            header = json.loads(handle.read(length))
            tensors = {
                key: (str(entry["dtype"]), int(entry["data_offsets"][0]), int(entry["data_offsets"][1]))
                for key, entry in header.items()
                if key != "__metadata__"
            }
            end = 8 + length + max((stop for _, _, stop in tensors.values()), default=0)
            if end != size:
                return f"{path.name} is cut short" if end > size else f"{path.name} has extra bytes"
            for key, (dtype, start, stop) in sorted(tensors.items()):
                if not _finite(handle, 8 + length + start, 8 + length + stop, dtype):
                    return f"{path.name}: tensor {key} holds non-finite values (NaN or inf)"
    except (struct.error, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return f"{path.name} is not a safetensors file"
    return None


def folder_damage(folder: Path) -> str | None:
    """What is wrong with a model folder's files, or ``None``: a quick check for listings.

    JSON files must parse, every weights file must be as long as its header says and its
    float tensors finite; a load (``ml.mastery.serving.load_version``) checks this first,
    and remains the full check.
    """
    try:
        for path in sorted(folder.rglob("*.json")):
            json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return f"{path.relative_to(folder)} is not readable JSON"
    weights = sorted(folder.rglob("*.safetensors"))
    if not weights:
        return "no weights file (*.safetensors)"
    missing = _missing_weights(folder)
    if missing is not None:
        return missing
    for path in weights:
        problem = _safetensors_damage(path)
        if problem is not None:
            return str(path.parent.relative_to(folder) / problem) if path.parent != folder else problem
    return None


def _missing_weights(folder: Path) -> str | None:
    """A weights file the folder's config says its model loads, missing (``None``: each is there).

    Any one weights file anywhere passed: an ensemble member's removed, or the fine-tuned
    encoder's (read only when a new concept arrives), listed no damage and was accepted by
    ``models use``; the encoder's then failed the service's first new concept, and left
    the served model half-grown (an audit).
    """
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # said by the JSON check
    if not isinstance(config, dict) or config.get("model") != "pathwise":
        return None
    names = config.get("members") if "ensemble" in config else None
    parts = [folder / str(name) for name in names] if isinstance(names, list) else [folder]
    for position, part in enumerate(parts):
        where = "" if part == folder else f"{part.name}/"
        if not (part / "model.safetensors").exists():
            return f"{where}model.safetensors is missing"
        try:
            own = json.loads((part / "config.json").read_text(encoding="utf-8")) if part != folder else config
        except (OSError, ValueError):
            return f"{where}config.json is not readable JSON"
        knobs = own.get("config", {}) if isinstance(own, dict) else {}
        fine_tuned = bool(knobs.get("finetune_encoder")) and int(own.get("text_dim") or 0) > 0
        if fine_tuned and position == 0:  # an ensemble's members share the first one's encoder
            encoder = part / "encoder"
            if not encoder.is_dir():
                return f"{where}encoder/ is missing (the model was trained with a fine-tuned encoder)"
            if not any((encoder / name).exists() for name in ("model.safetensors", "pytorch_model.bin")):
                return f"{where}encoder/model.safetensors is missing"
    return None


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
        name = self.pinned()
        if name is not None and name in self.list():
            return name
        versions = self.list()
        return versions[-1] if versions else None

    def at_start(self) -> str | None:
        """The version a start serves: the pinned one (damaged or not: the operator's), else the newest whole one.

        ``current`` names the newest even when its files are damaged, where a start serves
        the newest that loads (``MasteryService``): ``models list`` starred the damaged one
        and ``models use --newest`` warned that no model would be served (an audit). A load
        remains the full check: this reads the files as ``folder_damage`` does.
        """
        pinned = self.pinned()
        versions = self.list()
        if pinned is not None and pinned in versions:
            return pinned
        return next((name for name in reversed(versions) if folder_damage(self.root / name) is None), None)

    def pinned(self) -> str | None:
        """The version pinned by ``use``, whether or not its folder is still there (``None``: no pin)."""
        pin = self.root / "CURRENT"
        return (pin.read_text().strip() or None) if pin.exists() else None

    def missing_pin(self) -> str | None:
        """The pinned version when its folder has gone: a start serves the newest instead, and says so."""
        name = self.pinned()
        return name if name is not None and name not in self.list() else None

    def use(self, version: str) -> None:
        """Pin ``version``. Raises ``KeyError`` when there is no such version."""
        if version not in self.list():
            raise KeyError(version)
        self.root.mkdir(parents=True, exist_ok=True)
        pin = self.root / "CURRENT"
        tmp = pin.with_name(".CURRENT.tmp")
        tmp.write_text(version + "\n")
        os.replace(tmp, pin)  # a reader sees the old pin or the new one, never an empty file

    def unpin(self) -> None:
        """Drop the pin: the newest version is served (``use`` pins; nothing undid it)."""
        (self.root / "CURRENT").unlink(missing_ok=True)

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
        """Metrics and data summary of a version (empty where missing or unreadable) and its ``damage``.

        A damaged version was listed like a healthy one, and found out only when served.
        """
        folder = self.root / version
        out: dict[str, Any] = {"version": version, "damage": folder_damage(folder)}
        for name in ("metrics", "data"):
            path = folder / f"{name}.json"
            try:
                out[name] = json_safe(json.loads(path.read_text())) if path.exists() else {}
            except (OSError, UnicodeDecodeError, ValueError):
                out[name] = {}
        return out
