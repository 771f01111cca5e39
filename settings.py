"""Settings, read once from the environment (and a ``.env`` file when present).

Twelve-factor style, as starlette's ``Config``: every knob has a default that makes
``make run`` work on a fresh clone, and an environment variable to change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.config import Config

__all__ = ["Settings", "load_settings"]


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    env: str
    host: str
    port: int
    data_dir: Path
    store: str
    load_demo: bool
    stale_check_seconds: float
    torch_threads: int
    mastery: bool

    @property
    def development(self) -> bool:
        """Development mode: GraphiQL on, errors shown in full."""
        return self.env != "production"


def load_settings(env_file: str | None = ".env") -> Settings:
    """Read the settings; ``PATHWISE_STORE`` defaults to Oxigraph inside the data folder."""
    config = Config(env_file if env_file and Path(env_file).exists() else None)
    data_dir = Path(config("PATHWISE_DATA_DIR", default="./pathwise-data"))
    return Settings(
        env=config("PATHWISE_ENV", default="development"),
        host=config("PATHWISE_HOST", default="127.0.0.1"),
        port=config("PATHWISE_PORT", cast=int, default=8000),
        data_dir=data_dir,
        store=config("PATHWISE_STORE", default=f"oxigraph:{data_dir / 'store'}"),
        load_demo=config("PATHWISE_LOAD_DEMO", cast=bool, default=True),
        stale_check_seconds=config("PATHWISE_STALE_CHECK_SECONDS", cast=float, default=1.0),
        torch_threads=config("PATHWISE_TORCH_THREADS", cast=int, default=1),
        mastery=config("PATHWISE_MASTERY", cast=bool, default=True),
    )
