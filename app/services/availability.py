"""VOSI availability: whether the service can answer queries now, checked on the very
connection pool queries use, within a bound time, so the answer comes quickly even when
every connection is busy (and then says so)."""

from __future__ import annotations

import datetime

import anyio
import sqlalchemy as sa

from app.vosi import availability_document

__all__ = ["STARTED", "AvailabilityService"]

STARTED = datetime.datetime.now(datetime.UTC)
"""When this process started (the documents' ``upSince``)."""
CHECK_SECONDS = 2.0
"""How long the check may wait for a connection and its answer."""


class AvailabilityService:
    """Checks the archive database through the query pool."""

    def __init__(self, *, engine: sa.Engine, limiter: anyio.CapacityLimiter) -> None:
        self._engine = engine
        self._limiter = limiter

    async def availability(self) -> bytes:
        """The VOSI availability document."""
        try:
            with anyio.fail_after(CHECK_SECONDS):
                await anyio.to_thread.run_sync(
                    self._check, limiter=self._limiter, abandon_on_cancel=True
                )
        except TimeoutError:
            note = (
                f"The database did not answer within {CHECK_SECONDS:g} s: every connection "
                "may be busy. Try again shortly."
            )
            return availability_document(False, STARTED, [note])
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            note = f"The database does not answer: {type(exc).__name__}"
            return availability_document(False, STARTED, [note])
        return availability_document(True, STARTED, ["The archive database answers queries."])

    def _check(self) -> None:
        with self._engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
