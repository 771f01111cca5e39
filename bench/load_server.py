"""The server a load bench runs against: one production uvicorn worker over its own data folder.

``bench.load``, ``bench.switch`` and ``bench.forget`` all start the same server (the
demo loaded by the server itself, the shipped model, a pseudonym key shared by every
restart of one run) and stop it the same ways; this is that server, apart from the
load the clients put on it.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.__main__ import BENCH_SECRET
from bench.http_load import free_port, wait_for

__all__ = ["PSEUDONYM_SECRET", "ROOT", "Server", "start_server"]

ROOT = Path(__file__).resolve().parents[1]

#: The servers of one run pseudonymize student ids with this key (a restart must use the same one).
PSEUDONYM_SECRET = secrets.token_urlsafe(32)


@dataclass
class Server:
    """One uvicorn worker over ``data_dir`` in production mode, its output in ``log``."""

    data_dir: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def store(self) -> str:
        return f"oxigraph:{self.data_dir / 'store'}"

    def stop(self, timeout: float = 60) -> int:
        """SIGINT (a clean shutdown), SIGKILL after ``timeout``; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(30)

    def kill(self) -> int:
        """SIGKILL: no shutdown at all."""
        self.process.send_signal(signal.SIGKILL)
        return self.process.wait(30)

    def log_errors(self) -> list[str]:
        """Lines of the log at ERROR or above, and traceback lines."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        keep = ("ERROR", "CRITICAL", "Traceback", "Error:", "Exception")
        return [line for line in text.splitlines() if any(k in line for k in keep)]


def start_server(data_dir: Path, *, port: int | None = None, wait: float = 300, **settings: str) -> Server:
    """Serve ``data_dir`` (the demo loaded into an empty store) and wait for ``/healthz``."""
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PATHWISE_DATA_DIR": str(data_dir),
        "PATHWISE_STORE": f"oxigraph:{data_dir / 'store'}",
        "PATHWISE_LOAD_DEMO": "true",
        "PATHWISE_ENV": "production",
        "PATHWISE_JWT_SECRET": BENCH_SECRET,
        "PATHWISE_PSEUDONYM_SECRET": PSEUDONYM_SECRET,
        "PATHWISE_QA": "false",
        **settings,
    }
    log = data_dir.parent / f"{data_dir.name}-server-{port}.log"
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "server:app", "--port", str(port)]
    cmd += ["--log-level", "warning", "--no-access-log"]
    with log.open("ab") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
    server = Server(data_dir, port, log, process)
    try:
        deadline = time.monotonic() + wait
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
            try:
                wait_for(f"{server.base}/healthz", 1.0)
                return server
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise
    except BaseException:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        raise
