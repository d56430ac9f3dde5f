"""The process's database resources, created in the lifespan and handed to handlers: the
async engine, a blocking engine for streamed queries (run in worker threads) and the ADQL
catalog read from TAP_SCHEMA once per process.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.storage.database import (
    SERVER_CACHE_MIB,
    archive_schema,
    create_engine,
    create_sync_engine,
)
from obscore.catalog import ArchiveCatalog, load_catalog
from obscore.schema import ArchiveSchema

__all__ = ["DatabaseDependency", "DatabaseResources"]


@dataclass(frozen=True, slots=True)
class DatabaseResources:
    """Engines, schema and catalog of the archive database."""

    engine: AsyncEngine
    sync_engine: sa.Engine
    schema: ArchiveSchema
    catalog: ArchiveCatalog


def _load_catalog(engine: sa.Engine, schema: ArchiveSchema) -> ArchiveCatalog:
    with engine.connect() as conn:
        return load_catalog(conn, schema)


class DatabaseDependency:
    """Holds the resources between :meth:`initialize` and :meth:`aclose`."""

    def __init__(self) -> None:
        self._resources: DatabaseResources | None = None

    async def initialize(self, url: str) -> None:
        """Open engines for ``url`` and read the catalog (replacing any previous ones)."""
        await self.aclose()
        # LIFO pools reuse the most recent connections: their caches are warm, and the
        # rest stay idle instead of each growing a page cache of its own.
        engine = create_engine(url, pool_pre_ping=True, pool_use_lifo=True)
        sync_engine = create_sync_engine(
            url,
            cache_mib=SERVER_CACHE_MIB,
            pool_pre_ping=True,
            pool_use_lifo=True,
            pool_size=10,
            max_overflow=20,
        )
        schema = archive_schema(engine)
        catalog = await asyncio.to_thread(_load_catalog, sync_engine, schema)
        self._resources = DatabaseResources(engine, sync_engine, schema, catalog)

    async def aclose(self) -> None:
        """Dispose of the engines' connections."""
        if self._resources is not None:
            await self._resources.engine.dispose()
            await asyncio.to_thread(self._resources.sync_engine.dispose)
            self._resources = None

    def __call__(self) -> DatabaseResources:
        if self._resources is None:
            raise RuntimeError("database dependency used before initialize()")
        return self._resources
