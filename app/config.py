"""The service's configuration: one pydantic-settings class, read from ``OBSCURA_*`` variables.

Nothing else in the code base reads the environment; libraries get what they need as
arguments.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Config", "sync_database_url"]

_DEFAULT_DATA_DIR = Path("data")


def sync_database_url(url: str) -> str:
    """The URL with the drivers the service uses: sqlite3, or psycopg 3 (any other
    PostgreSQL or SQLite driver named in it, such as the ``aiosqlite`` of older
    configurations, is replaced)."""
    if url.startswith("sqlite"):
        return "sqlite://" + url.split("://", 1)[1]
    if url.startswith(("postgresql", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Config(BaseSettings):
    """Settings of one Obscura deployment."""

    model_config = SettingsConfigDict(env_prefix="OBSCURA_", extra="ignore")

    data_dir: Annotated[
        Path,
        Field(
            title="Data directory",
            description="Where the embedded SQLite database, job results and pixel files live.",
        ),
    ] = _DEFAULT_DATA_DIR

    database_url: Annotated[
        str,
        Field(
            title="Database URL",
            description=(
                "SQLAlchemy URL: sqlite:///path (default: obscura.db in the "
                "data directory) or postgresql+psycopg://user:pass@host/db."
            ),
        ),
    ] = ""

    database_read_urls: Annotated[
        list[str],
        Field(
            title="Read replica URLs",
            description=(
                "PostgreSQL streaming replicas of the database (JSON list of SQLAlchemy "
                "URLs). Sync TAP queries without uploads and SIA searches are spread over "
                "them; a replica that cannot be reached hands its query to the primary. "
                "Jobs, uploads and every write use the database URL."
            ),
        ),
    ] = []

    base_url: Annotated[
        str,
        Field(
            title="Public base URL",
            description=(
                "The URL users reach the service at, used in every link the service "
                "writes (access_url, capabilities). No trailing slash."
            ),
        ),
    ] = "http://127.0.0.1:8000"

    demo_seed: Annotated[
        int,
        Field(
            title="Demo data seed",
            description="Seed of the DP1-like demo data set built on first start.",
        ),
    ] = 1786

    auto_demo_data: Annotated[
        bool,
        Field(
            title="Build demo data when empty",
            description="On start, fill an empty SQLite archive with the DP1-like demo data set.",
        ),
    ] = True

    log_level: Annotated[str, Field(title="Log level")] = "INFO"
    log_format: Annotated[
        Literal["console", "json"],
        Field(
            title="Log format",
            description="console: readable lines; json: one JSON object a line.",
        ),
    ] = "console"
    tap_default_maxrec: Annotated[
        int,
        Field(
            title="TAP default MAXREC",
            description="Rows a TAP query returns when it gives no MAXREC.",
            ge=0,
        ),
    ] = 100_000
    tap_max_maxrec: Annotated[
        int,
        Field(
            title="TAP hard row limit",
            description="The most rows any TAP query returns, whatever MAXREC asks for.",
            ge=1,
        ),
    ] = 20_000_000
    workers: Annotated[
        int,
        Field(
            title="Server processes",
            description=(
                "Processes `obscura serve` answers requests with (0: one per CPU core). "
                "Each has its own interpreter, so queries use every core; the limits "
                "marked 'one process' apply to each."
            ),
            ge=0,
        ),
    ] = 0
    sync_timeout: Annotated[
        float,
        Field(
            title="Sync query time limit",
            description="Seconds a synchronous TAP query may run (database time and transfer).",
            gt=0,
        ),
    ] = 600.0
    upload_limit_bytes: Annotated[
        int,
        Field(
            title="Upload size limit",
            description=(
                "The most bytes one uploaded table may have; a request body may hold at "
                "most this plus 1 MiB (its other parameters), checked as it arrives."
            ),
            gt=0,
        ),
    ] = 32 * 1024 * 1024
    upload_max_columns: Annotated[
        int,
        Field(
            title="Upload column limit", description="Columns one uploaded table may have.", ge=1
        ),
    ] = 500
    upload_max_rows: Annotated[
        int,
        Field(title="Upload row limit", description="Rows one uploaded table may have.", ge=1),
    ] = 1_000_000
    upload_concurrency: Annotated[
        int,
        Field(
            title="Uploads read at once",
            description=(
                "Requests with uploaded tables one process reads and loads at a time; "
                "others wait their turn without holding a thread or a connection."
            ),
            ge=1,
        ),
    ] = 2
    client_concurrency: Annotated[
        int,
        Field(
            title="Heavy requests per client",
            description=(
                "Sync queries, image searches and cutouts one client (its user, or its "
                "address when anonymous) may have running at once in one process; more "
                "are refused with 429 and Retry-After."
            ),
            ge=1,
        ),
    ] = 8
    body_timeout_seconds: Annotated[
        float,
        Field(
            title="Request body idle limit",
            description=(
                "Seconds a client may pause while sending a request body; a body that stalls "
                "longer is refused (408), so slow clients cannot hold the service."
            ),
            gt=0,
        ),
    ] = 30.0
    upload_url_enabled: Annotated[
        bool,
        Field(
            title="Uploads by URL",
            description=(
                "Let UPLOAD name an http(s) URL the service fetches (TAP's upload-http). "
                "Only hosts whose every address is public are fetched (never loopback, "
                "private, link-local or multicast), at the address that was checked, "
                "redirects checked again, within the upload limits."
            ),
        ),
    ] = True
    upload_url_allow: Annotated[
        list[str],
        Field(
            title="Upload URL prefixes allowed",
            description=(
                "If set, uploads by URL come only from URLs starting with one of these, "
                "which may be internal hosts (the operator's own services)."
            ),
        ),
    ] = []

    pixel_cache_bytes: Annotated[
        int,
        Field(
            title="Pixel cache size",
            description=(
                "Bytes of made files (demo images, previews, thumbnails) kept under the data "
                "directory's pixels/; past it, the least recently used go first."
            ),
            ge=1,
        ),
    ] = 20 * 1024**3
    pixel_cache_dir: Annotated[
        Path | None,
        Field(
            title="Pixel cache directory",
            description="Where made files are kept (default: pixels/ in the data directory).",
        ),
    ] = None
    datalink_max_ids: Annotated[
        int,
        Field(
            title="DataLink IDs per request",
            description="IDs one links request answers; more are left out (OVERFLOW).",
            ge=1,
        ),
    ] = 100

    sia_collection: Annotated[
        str,
        Field(
            title="SIA collection label",
            description=(
                "The label in the SIA service's path, /api/sia/{label}/query (Rubin's "
                "dataset label, e.g. dp1)."
            ),
            pattern=r"^[A-Za-z0-9_.-]+$",
        ),
    ] = "dp1"

    user_header: Annotated[
        str,
        Field(
            title="Trusted user header",
            description=(
                "Request header carrying the authenticated user's name, as set by an "
                "authenticating proxy in front of the service. Without it, jobs are anonymous."
            ),
        ),
    ] = "X-Auth-Request-User"
    job_runner: Annotated[
        Literal["inprocess", "queue"],
        Field(
            title="Where async jobs run",
            description=(
                "'inprocess': in the API process (the embedded default). 'queue': on "
                "`obscura worker` processes, through a task queue in the PostgreSQL database "
                "(any number of API replicas and workers)."
            ),
        ),
    ] = "inprocess"
    job_concurrency: Annotated[
        int,
        Field(
            title="Async jobs at once",
            description="Jobs one process (API in-process runner, or worker) runs at a time.",
            ge=1,
        ),
    ] = 2
    job_lease_seconds: Annotated[
        int,
        Field(
            title="Job lease",
            description=(
                "A running job's runner renews its claim this often (times three); a job "
                "whose claim lapses (its worker died) is ended in ERROR by the next sweep."
            ),
            ge=3,
        ),
    ] = 30
    result_store_url: Annotated[
        str,
        Field(
            title="Result store",
            description=(
                "Where async job results are written: a directory or any fsspec URL "
                "(shared volume, s3://...). Empty: `results` under the data directory."
            ),
        ),
    ] = ""
    job_execution_seconds: Annotated[
        int,
        Field(
            title="Async job time limit",
            description="Default and largest execution duration of an async job (seconds).",
            ge=1,
        ),
    ] = 3600
    job_lifetime_seconds: Annotated[
        int,
        Field(
            title="Async job lifetime",
            description="How long a job and its results are kept (seconds).",
            ge=60,
        ),
    ] = 7 * 24 * 3600
    job_sweep_seconds: Annotated[
        float,
        Field(
            title="Expired-job sweep interval",
            description=(
                "Seconds between sweeps deleting jobs past their destruction time and "
                "ending jobs whose runner stopped renewing its lease."
            ),
            gt=0,
        ),
    ] = 60.0
    job_active_limit: Annotated[
        int,
        Field(
            title="Active jobs per user",
            description="Queued and executing jobs one user may have at once.",
            ge=1,
        ),
    ] = 10
    job_stored_limit: Annotated[
        int,
        Field(
            title="Stored jobs per user",
            description=(
                "Jobs one user may have stored at once, in any phase, per service (each "
                "holds its parameters, uploaded tables and results until it is deleted or "
                "expires)."
            ),
            ge=1,
        ),
    ] = 1000
    job_result_bytes_limit: Annotated[
        int,
        Field(
            title="Stored result bytes per user",
            description=(
                "Bytes all of one user's async job results may take; a job whose results "
                "would pass it ends in ERROR, saying so."
            ),
            ge=1,
        ),
    ] = 10 * 1024**3

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return sync_database_url(value) if value else value

    @model_validator(mode="after")
    def _queue_needs_postgres(self) -> Config:
        if self.job_runner == "queue" and not self.effective_database_url.startswith("postgresql"):
            raise ValueError(
                "OBSCURA_JOB_RUNNER=queue needs a PostgreSQL OBSCURA_DATABASE_URL: the task queue "
                "lives in the archive's database"
            )
        return self

    @model_validator(mode="after")
    def _replicas_need_postgres(self) -> Config:
        urls = [self.effective_database_url, *self.database_read_urls]
        if self.database_read_urls and not all(u.startswith("postgres") for u in urls):
            raise ValueError(
                "OBSCURA_DATABASE_READ_URLS are PostgreSQL streaming replicas of a PostgreSQL "
                "OBSCURA_DATABASE_URL"
            )
        return self

    @property
    def pixel_cache_location(self) -> Path:
        """Where made files (demo images, previews) are kept."""
        return self.pixel_cache_dir or self.data_dir / "pixels"

    @property
    def result_location(self) -> str:
        """Where job results are stored (directory or fsspec URL)."""
        return self.result_store_url or str(self.data_dir / "results")

    @property
    def server_processes(self) -> int:
        """How many processes ``obscura serve`` runs (``workers``, 0 meaning one per core)."""
        return self.workers or os.cpu_count() or 1

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'obscura.db').resolve()}"
