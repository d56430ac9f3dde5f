"""The one place services are wired to their resources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.config import Config
from app.services.archive import ArchiveService
from app.services.job_runner import JobEvents, JobExecutor
from app.services.jobs import JobService, job_url
from app.services.sia import SiaService
from app.services.tap import TapService, TapSettings
from app.services.tap_request import RowLimits
from app.services.vosi import VosiService
from app.storage.adql import translation_context
from app.storage.jobs import JobStore
from app.storage.result_store import ResultStore
from app.votable.reader import ReadLimits

if TYPE_CHECKING:
    from app.dependencies.database import DatabaseResources
    from app.dependencies.jobs import JobResources

__all__ = [
    "Factory",
    "create_job_executor",
    "create_tap_service",
    "row_limits",
    "tap_settings",
]


def row_limits(config: Config) -> RowLimits:
    """The deployment's MAXREC default and hard limit."""
    return RowLimits(config.tap_default_maxrec, config.tap_max_maxrec)


def tap_settings(config: Config) -> TapSettings:
    """What TAP queries run under: time limit, upload limits and locations."""
    return TapSettings(
        sync_timeout=config.sync_timeout,
        upload_limits=ReadLimits(
            max_bytes=config.upload_limit_bytes,
            max_columns=config.upload_max_columns,
            max_rows=config.upload_max_rows,
        ),
        upload_url_allow=tuple(config.upload_url_allow) if config.upload_url_enabled else None,
    )


def create_tap_service(config: Config, database: DatabaseResources) -> TapService:
    """The TAP query service on the archive."""
    return TapService(
        engine=database.sync_engine,
        catalog=database.catalog,
        context=translation_context(database.schema, config.base_url),
        settings=tap_settings(config),
    )


def create_job_executor(
    config: Config,
    database: DatabaseResources,
    *,
    store: JobStore,
    results: ResultStore,
    events: JobEvents,
) -> JobExecutor:
    """What runs async TAP jobs, in the API process or in a worker."""
    return JobExecutor(
        store=store,
        results=results,
        tap=create_tap_service(config, database),
        limits=row_limits(config),
        job_url=lambda job_id: job_url(config.base_url, job_id),
        events=events,
        lease_seconds=config.job_lease_seconds,
    )


class Factory:
    """Builds services for one request from process-wide resources."""

    def __init__(self, *, config: Config, database: DatabaseResources, jobs: JobResources) -> None:
        self._config = config
        self._database = database
        self._jobs = jobs

    def create_archive_service(self) -> ArchiveService:
        """The archive summary service."""
        return ArchiveService(engine=self._database.engine, schema=self._database.schema)

    def create_tap_service(self) -> TapService:
        """The TAP query service."""
        return create_tap_service(self._config, self._database)

    def create_sia_service(self) -> SiaService:
        """The SIA image search service (its searches run as TAP queries)."""
        database = self._database
        return SiaService(
            tap=self.create_tap_service(),
            engine=database.sync_engine,
            table=database.schema.obscore,
            limits=row_limits(self._config),
        )

    def create_job_service(self, owner: str | None) -> JobService:
        """The async job service for ``owner``."""
        jobs = self._jobs
        return JobService(
            config=self._config,
            store=jobs.store,
            results=jobs.results,
            runner=jobs.runner,
            events=jobs.events,
            owner=owner,
        )

    def create_vosi_service(self) -> VosiService:
        """The TAP service's self-description."""
        return VosiService(config=self._config, engine=self._database.engine)
