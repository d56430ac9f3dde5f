"""The one place services are wired to their resources."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Config
from app.services.archive import ArchiveService
from app.storage.database import archive_schema

__all__ = ["Factory"]


class Factory:
    """Builds services for one request from process-wide resources."""

    def __init__(self, *, config: Config, engine: AsyncEngine) -> None:
        self._config = config
        self._engine = engine
        self._schema = archive_schema(engine)

    def create_archive_service(self) -> ArchiveService:
        """The archive summary service."""
        return ArchiveService(engine=self._engine, schema=self._schema)
