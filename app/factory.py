"""The one place services are wired to their resources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.config import Config
from app.services.archive import ArchiveService
from app.services.jobs import JobService
from app.services.tap import TapService
from app.services.vosi import VosiService
from app.storage.adql import translation_context

if TYPE_CHECKING:
    from app.dependencies.database import DatabaseResources
    from app.dependencies.jobs import JobResources

__all__ = ["Factory"]


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
        database = self._database
        return TapService(
            engine=database.sync_engine,
            catalog=database.catalog,
            context=translation_context(database.schema, self._config.base_url),
            config=self._config,
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
            tap=self.create_tap_service(),
            owner=owner,
        )

    def create_vosi_service(self) -> VosiService:
        """The TAP service's self-description."""
        return VosiService(config=self._config, engine=self._database.engine)
