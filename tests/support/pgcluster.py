"""A private, throwaway PostgreSQL cluster for the test suite and the benchmarks.

Uses the PostgreSQL binaries installed on the machine (``/usr/lib/postgresql/N/bin``),
initialises a cluster in a temporary directory on a free port, and removes it on stop.
PostgreSQL refuses to run as root, so under root the server runs as the ``postgres``
system user, in a directory that user owns. Any missing piece is an error, never a skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PostgresCluster", "PostgresClusterError"]


class PostgresClusterError(RuntimeError):
    """The private cluster could not be started."""


def _bindir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
    )
    if not candidates:
        raise PostgresClusterError(
            "no PostgreSQL server binaries found under /usr/lib/postgresql/*/bin; "
            "install postgresql-15 (make test does this)"
        )
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class PostgresCluster:
    """Start with :meth:`start`, which returns a SQLAlchemy URL; :meth:`stop` removes it."""

    def __init__(self) -> None:
        self.bindir = _bindir()
        self.version = self.bindir.parts[-2]
        self.root = Path(tempfile.mkdtemp(prefix="obscura-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as_root = os.geteuid() == 0
        self._full_page_writes = False

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise PostgresClusterError(
                f"{' '.join(args[:2])} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )

    def _check_pgsphere(self) -> None:
        control = Path(f"/usr/share/postgresql/{self.version}/extension/pg_sphere.control")
        if not control.exists():
            raise PostgresClusterError(
                f"pgSphere is not installed ({control} is missing): "
                f"apt-get install postgresql-{self.version}-pgsphere (make test does this)"
            )

    def start(self, database: str = "obscura", *, replicated: bool = False) -> str:
        """Initialise and start the cluster, create ``database``, return its URL.
        ``replicated``: ready for :meth:`start_replica` (full-page writes on, which a base
        backup needs)."""
        self._check_pgsphere()
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self._full_page_writes = replicated
        self._start_server()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database)
        return self.url(database)

    def _start_server(self) -> None:
        full_page_writes = self._full_page_writes
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off "
            f"-c full_page_writes={'on' if full_page_writes else 'off'} "
            "-c shared_buffers=512MB -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def start_replica(self) -> PostgresCluster:
        """A streaming replica of this cluster (started with ``replicated=True``), running
        as a hot standby on a port of its own; :meth:`stop` it as any cluster."""
        replica = PostgresCluster()
        if self._as_root:
            shutil.chown(replica.root, "postgres", "postgres")
        try:
            replica._run(
                "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                "-D", str(replica.data), "--write-recovery-conf", "--wal-method=stream",
                "--checkpoint=fast",
            )  # fmt: skip
            replica._full_page_writes = True
            replica._start_server()
        except BaseException:
            replica.stop()
            raise
        return replica

    def url(self, database: str = "obscura") -> str:
        """SQLAlchemy URL of a database in this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, database: str) -> str:
        """Create another database in the cluster and return its URL."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database)
        return self.url(database)

    def restart(self) -> None:
        """Restart the server the way an operator does (``pg_ctl restart -m fast``): open
        connections are ended, and the server is back with the same settings."""
        log = str(self.root / "server.log")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", log, "-m", "fast", "-w", "-t", "60", "restart"
        )

    def halt(self) -> None:
        """Stop the server (``pg_ctl stop -m fast``), keeping its files for :meth:`resume`."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def resume(self) -> None:
        """Start the server again after :meth:`halt`, with the same settings."""
        self._start_server()

    def stop(self) -> None:
        """Stop the server and delete the cluster's files."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
