"""The TAP service's self-description: VOSI capabilities, availability and tables, and the
DALI examples page, built from the configuration and the published TAP_SCHEMA.
"""

from __future__ import annotations

import datetime
import functools

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Config
from app.formats.registry import OUTPUT_FORMATS
from app.vosi import (
    UPLOAD_INLINE,
    TapLimits,
    availability_document,
    capabilities_document,
    examples_document,
    table_document,
    tableset_document,
)
from app.vosi.capabilities import UPLOAD_HTTP, UPLOAD_HTTPS
from app.vosi.tables import Detail

__all__ = ["TAP_PATH", "VosiService"]

TAP_PATH = "/api/tap"
STARTED = datetime.datetime.now(datetime.UTC)


@functools.cache
def _tables(detail: Detail) -> bytes:
    return tableset_document(detail=detail)


@functools.cache
def _table(name: str) -> bytes | None:
    return table_document(name)


class VosiService:
    """Answers the VOSI and DALI-examples resources."""

    def __init__(self, *, config: Config, engine: AsyncEngine) -> None:
        self._config = config
        self._engine = engine

    def capabilities(self) -> bytes:
        """VOSI capabilities with TAPRegExt."""
        config = self._config
        duration = config.job_execution_seconds
        lifetime = config.job_lifetime_seconds
        uploads = [UPLOAD_INLINE]
        if config.upload_url_enabled:
            uploads += [UPLOAD_HTTP, UPLOAD_HTTPS]
        return capabilities_document(
            base_url=config.base_url,
            tap_path=TAP_PATH,
            limits=TapLimits(
                default_maxrec=config.tap_default_maxrec,
                hard_maxrec=config.tap_max_maxrec,
                retention_default=lifetime,
                retention_hard=lifetime,
                execution_duration_default=duration,
                execution_duration_hard=duration,
                upload_limit_bytes=config.upload_limit_bytes,
            ),
            output_formats=[(f.mime, f.aliases, f.ivo_id) for f in OUTPUT_FORMATS],
            upload_methods=uploads,
        )

    async def availability(self) -> bytes:
        """Available when the database answers."""
        try:
            async with self._engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            return availability_document(
                False, STARTED, [f"The database does not answer: {type(exc).__name__}"]
            )
        return availability_document(True, STARTED, ["The archive database answers queries."])

    def tables(self, detail: Detail) -> bytes:
        """The published tables (``min``: without columns)."""
        return _tables(detail)

    def table(self, name: str) -> bytes | None:
        """One published table in full, or None if there is no such table."""
        return _table(name)

    def examples(self) -> bytes:
        """The DALI examples page."""
        return examples_document(self._config.base_url, TAP_PATH)
