"""Telling a database that cannot be reached now from a request that is wrong.

A PostgreSQL restart, a crash or a cut network shows up as driver errors of their own
(SQLSTATE class 08, "connection exception"; 57P01-57P03, the server shutting down or
starting), or as errors with no SQLSTATE at all when the socket closed under the
client. They are nobody's mistake and pass: the service answers them as
:class:`~app.faults.TransientError` (503 with ``Retry-After``), not as a server fault.
"""

from __future__ import annotations

import psycopg
import sqlalchemy as sa

__all__ = ["RETRY_AFTER_SECONDS", "UNAVAILABLE", "database_unavailable"]

RETRY_AFTER_SECONDS = 5
"""What a 503 answer tells clients to wait before trying again."""

UNAVAILABLE = (
    "The archive database cannot be reached just now (it may be restarting); "
    f"please try again in {RETRY_AFTER_SECONDS} seconds"
)

_SHUTTING_DOWN = frozenset({"57P01", "57P02", "57P03"})


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (SQLAlchemy's or the driver's own) says the database cannot be
    reached now, rather than that the statement was wrong."""
    if isinstance(exc, sa.exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        if exc.orig is not None:
            exc = exc.orig
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        state = exc.sqlstate
        return state is None or state.startswith("08") or state in _SHUTTING_DOWN
    return False
