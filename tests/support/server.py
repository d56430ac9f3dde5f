"""A real ``obscura serve`` process (uvicorn) for end-to-end tests with pyvo and STILTS."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

__all__ = ["ServerProcess", "free_port"]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


class ServerProcess:
    """``obscura serve`` on a free port, serving ``database_url``."""

    def __init__(
        self, database_url: str, data_dir: Path, env: Mapping[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tap_url = f"{self.url}/api/tap"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("OBSCURA_")}
        environment.update(
            {
                "OBSCURA_DATABASE_URL": database_url,
                "OBSCURA_DATA_DIR": str(data_dir),
                "OBSCURA_AUTO_DEMO_DATA": "false",
                "OBSCURA_LOG_LEVEL": "WARNING",
            }
        )
        # "{port}" in a value stands for the server's own port (to allow-list itself).
        environment.update({k: v.format(port=self.port) for k, v in (env or {}).items()})
        self._log = data_dir / f"server-{self.port}.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self._log_file = self._log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)],
            env=environment,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.output()}")
            try:
                if httpx.get(f"{self.tap_url}/availability", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the server did not start within {seconds} s:\n{self.output()}")

    def output(self) -> str:
        """What the server wrote to stdout and stderr so far."""
        self._log_file.flush()
        return self._log.read_text()

    def resident_kib(self) -> int:
        """The server's resident memory now."""
        return _rss_kib(self.process.pid, "VmRSS")

    def stop(self) -> str:
        """Stop the server; returns its output."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()
        return self._log.read_text()
