"""Real ``obscura serve`` (uvicorn) and ``obscura worker`` processes for end-to-end tests
with pyvo and STILTS."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = [
    "ServerProcess",
    "WorkerProcess",
    "children",
    "cpu_seconds",
    "free_port",
    "obscura_environment",
    "served",
    "status_kib",
]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def status_kib(pid: int, field: str) -> int:
    """A memory field of a process's /proc status (VmRSS, VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """A process's child processes (the processes of a several-process server)."""
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def obscura_environment(
    database_url: str, data_dir: Path, env: Mapping[str, str] | None, port: int = 0
) -> dict[str, str]:
    """This process's environment without its OBSCURA_* settings, plus the test's;
    "{port}" in a value stands for ``port``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OBSCURA_")}
    environment.update(
        {
            "OBSCURA_DATABASE_URL": database_url,
            "OBSCURA_DATA_DIR": str(data_dir),
            "OBSCURA_AUTO_DEMO_DATA": "false",
            "OBSCURA_LOG_LEVEL": "WARNING",
            # One process: tests measure its memory and its per-process limits
            # (tests/test_server_processes.py runs several).
            "OBSCURA_WORKERS": "1",
        }
    )
    environment.update({k: v.format(port=port) for k, v in (env or {}).items()})
    return environment


class WorkerProcess:
    """``obscura worker`` taking jobs from the task queue in ``database_url``."""

    def __init__(
        self, database_url: str, data_dir: Path, env: Mapping[str, str] | None = None
    ) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._log = Path(tempfile.mkstemp(prefix="worker-", suffix=".log", dir=data_dir)[1])
        self._log_file = self._log.open("w")
        environment = obscura_environment(
            database_url, data_dir, {"OBSCURA_JOB_RUNNER": "queue", **(env or {})}
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"],
            env=environment,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        """What the worker wrote to stdout and stderr so far."""
        self._log_file.flush()
        return self._log.read_text()

    def stop(self, seconds: float = 15) -> str:
        """Stop the worker (killed if it does not stop within ``seconds``); its output."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()
        return self._log.read_text()


class ServerProcess:
    """``obscura serve`` on a free port, serving ``database_url``."""

    def __init__(
        self, database_url: str, data_dir: Path, env: Mapping[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tap_url = f"{self.url}/api/tap"
        environment = obscura_environment(database_url, data_dir, env, self.port)
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
        return status_kib(self.process.pid, "VmRSS")

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


@contextmanager
def served(
    database_url: str, data_dir: Path, env: Mapping[str, str] | None = None
) -> Iterator[ServerProcess]:
    """A server for the block; on leaving, its log must hold no traceback."""
    server = ServerProcess(database_url, data_dir, env=env)
    try:
        yield server
    finally:
        output = server.stop()
        assert "Traceback" not in output, output


def run_obscura(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run an ``obscura`` command on ``database_url`` to its end, output captured."""
    env = {**os.environ, "OBSCURA_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
