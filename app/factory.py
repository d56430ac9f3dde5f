"""The one place services are wired to the process's resources (``app/resources.py``).

Services receive what they use, never the whole configuration: the functions here pick
it out.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.config import Config
from app.memory import release_free_memory
from app.paths import CUTOUT_JOBS_PATH, TAP_ASYNC_PATH
from app.services.archive import ArchiveService
from app.services.availability import AvailabilityService
from app.services.cutout_jobs import CutoutJobWork
from app.services.cutouts import CutoutService
from app.services.datalink import DatalinkService
from app.services.datasets import DatasetService
from app.services.sia import SiaService
from app.services.tap import TapService, TapSettings
from app.services.tap_description import TapDescriptionService
from app.services.tap_jobs import TapJobWork
from app.services.tap_request import RowLimits
from app.storage.adql import translation_context
from app.storage.url_fetch import UrlFetcher
from app.uws.events import JobEvents
from app.uws.executor import JobExecutor
from app.uws.results import ResultStore
from app.uws.service import JobPolicy, JobService
from app.uws.store import JobStore
from app.vosi import UPLOAD_INLINE, TapLimits
from app.vosi.capabilities import UPLOAD_HTTP, UPLOAD_HTTPS
from app.votable.reader import ReadLimits
from obscore.catalog import ArchiveCatalog
from obscore.schema import ArchiveSchema
from pixels.file_cache import FileCache

if TYPE_CHECKING:
    from app.resources import Resources

__all__ = [
    "Factory",
    "create_job_executor",
    "create_tap_service",
    "row_limits",
    "tap_settings",
    "write_demo_product",
]


JOB_PATHS = {"tap": TAP_ASYNC_PATH, "soda": CUTOUT_JOBS_PATH}
"""Where each service's job list is."""


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
        upload_fetcher=(
            UrlFetcher(
                allow=tuple(config.upload_url_allow), only_allowed=bool(config.upload_url_allow)
            )
            if config.upload_url_enabled
            else None
        ),
    )


def create_tap_service(
    config: Config,
    *,
    engine: sa.Engine,
    schema: ArchiveSchema,
    catalog: ArchiveCatalog,
    read_engine: sa.Engine | None = None,
) -> TapService:
    """The TAP query service on the archive (queries on ``read_engine`` when given)."""
    return TapService(
        engine=engine,
        catalog=catalog,
        context=translation_context(schema, config.base_url),
        settings=tap_settings(config),
        read_engine=read_engine,
    )


def create_job_executor(
    config: Config,
    *,
    engine: sa.Engine,
    schema: ArchiveSchema,
    catalog: ArchiveCatalog,
    store: JobStore,
    results: ResultStore,
    events: JobEvents,
    cache: FileCache,
) -> JobExecutor:
    """What runs async jobs of every service, in the API process or in a worker."""
    tap_jobs = f"{config.base_url}{TAP_ASYNC_PATH}"
    cutout_jobs = f"{config.base_url}{CUTOUT_JOBS_PATH}"
    tap = TapJobWork(
        tap=create_tap_service(config, engine=engine, schema=schema, catalog=catalog),
        results=results,
        limits=row_limits(config),
        job_url=lambda job_id: f"{tap_jobs}/{job_id}",
    )
    datasets = DatasetService(
        engine=engine, schema=schema, cache=cache, write_product=write_demo_product
    )
    soda = CutoutJobWork(
        cutouts=CutoutService(datasets=datasets),
        results=results,
        job_url=lambda job_id: f"{cutout_jobs}/{job_id}",
    )
    return JobExecutor(
        store=store,
        results=results,
        work={"tap": tap, "soda": soda},
        events=events,
        lease_seconds=config.job_lease_seconds,
        result_bytes_limit=config.job_result_bytes_limit,
    )


def write_demo_product(row: Mapping[str, Any], path: Path, seed: int) -> None:
    """Write a demo row's FITS file (the ``pixels`` generator, loaded when first needed)."""
    from pixels import write_product  # the generator is loaded when first needed

    try:
        write_product(row, path, seed=seed)
    finally:
        release_free_memory()  # its freed temporaries, before the next file (app/memory.py)


_read_turns = itertools.count()
"""Which read replica the next query goes to (round robin, shared by every request)."""


class Factory:
    """Builds services for one request from the process's resources."""

    def __init__(self, resources: Resources) -> None:
        self._resources = resources
        self._config = resources.config

    def create_archive_service(self) -> ArchiveService:
        """The archive summary service."""
        return ArchiveService(engine=self._resources.engine, schema=self._resources.schema)

    def create_tap_service(self) -> TapService:
        """The TAP query service for a sync query or an image search: on the next read
        replica in turn, if there are any."""
        r = self._resources
        replicas = r.read_engines
        replica = replicas[next(_read_turns) % len(replicas)] if replicas else None
        return create_tap_service(
            self._config, engine=r.engine, schema=r.schema, catalog=r.catalog, read_engine=replica
        )

    def create_sia_service(self) -> SiaService:
        """The SIA image search service (its searches run as TAP queries)."""
        return SiaService(
            tap=self.create_tap_service(),
            engine=self._resources.engine,
            table=self._resources.schema.obscore,
            limits=row_limits(self._config),
        )

    def create_job_service(self, owner: str | None, service: str = "tap") -> JobService:
        """The async job service of ``service`` (``tap``, ``soda``) for ``owner``."""
        r, config = self._resources, self._config
        assert r.runner is not None, "only the API serves jobs"
        return JobService(
            service=service,
            list_url=f"{config.base_url}{JOB_PATHS[service]}",
            store=r.jobs,
            results=r.results,
            runner=r.runner,
            events=r.events,
            policy=JobPolicy(
                active_limit=config.job_active_limit,
                stored_limit=config.job_stored_limit,
                execution_seconds=config.job_execution_seconds,
                lifetime_seconds=config.job_lifetime_seconds,
            ),
            owner=owner,
        )

    def create_dataset_service(self) -> DatasetService:
        """The archive's datasets: rows by ID, files, previews."""
        r = self._resources
        return DatasetService(
            engine=r.engine, schema=r.schema, cache=r.file_cache, write_product=write_demo_product
        )

    def create_datalink_service(self) -> DatalinkService:
        """DataLink links documents."""
        return DatalinkService(
            datasets=self.create_dataset_service(),
            schema=self._resources.schema,
            base_url=self._config.base_url,
            max_ids=self._config.datalink_max_ids,
        )

    def create_cutout_service(self) -> CutoutService:
        """SODA cutouts."""
        return CutoutService(datasets=self.create_dataset_service())

    def create_tap_description_service(self) -> TapDescriptionService:
        """The TAP service's self-description."""
        config = self._config
        duration, lifetime = config.job_execution_seconds, config.job_lifetime_seconds
        uploads = [UPLOAD_INLINE]
        if config.upload_url_enabled:
            uploads += [UPLOAD_HTTP, UPLOAD_HTTPS]
        return TapDescriptionService(
            base_url=config.base_url,
            limits=TapLimits(
                default_maxrec=config.tap_default_maxrec,
                hard_maxrec=config.tap_max_maxrec,
                retention_default=lifetime,
                retention_hard=lifetime,
                execution_duration_default=duration,
                execution_duration_hard=duration,
                upload_limit_bytes=config.upload_limit_bytes,
            ),
            upload_methods=uploads,
            tables=self._resources.table_documents,
        )

    def create_availability_service(self) -> AvailabilityService:
        """VOSI availability, checked on the query pool."""
        r = self._resources
        return AvailabilityService(engine=r.engine, limiter=r.health_limiter)
