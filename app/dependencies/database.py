"""The process's database engine, created in the lifespan and handed to handlers."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from app.storage.database import create_engine

__all__ = ["DatabaseDependency", "database_dependency"]


class DatabaseDependency:
    """Holds the async engine between :meth:`initialize` and :meth:`aclose`."""

    def __init__(self) -> None:
        self._engine: AsyncEngine | None = None

    async def initialize(self, url: str) -> None:
        """Create the engine for ``url`` (replacing any previous one)."""
        await self.aclose()
        self._engine = create_engine(url, pool_pre_ping=True)

    async def aclose(self) -> None:
        """Dispose of the engine's connections."""
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    def __call__(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("database dependency used before initialize()")
        return self._engine


database_dependency = DatabaseDependency()
