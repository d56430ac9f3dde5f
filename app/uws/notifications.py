"""Job phase changes made by any process, heard through PostgreSQL LISTEN/NOTIFY.

A trigger on the job table announces every phase change (``PHASE_CHANNEL``); an API
process listens on one connection and wakes the requests blocked in a UWS ``WAIT`` at
once, whichever worker or replica made the change. Notifications missed while the
connection is being re-established are covered by the waiters' own periodic re-read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import psycopg
import structlog

from app.storage.database import libpq_conninfo
from app.uws.tables import PHASE_CHANNEL

__all__ = ["listen_phase_changes"]

log = structlog.get_logger("obscura")

RETRY_SECONDS = 5.0


async def listen_phase_changes(database_url: str, on_change: Callable[[str], None]) -> None:
    """Call ``on_change(job_id)`` for every job phase change, forever (until cancelled);
    reconnects after a lost connection."""
    conninfo = libpq_conninfo(database_url)
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
                await conn.execute(f"LISTEN {PHASE_CHANNEL}")
                async for note in conn.notifies():
                    on_change(note.payload)
        except psycopg.Error as exc:
            log.warning("listening for job phase changes failed; retrying", error=str(exc))
        await asyncio.sleep(RETRY_SECONDS)
