"""What the archive holds for each SIA parameter: the values of the enumerable columns
(collections, subtypes, calibration levels...) and the range of the numeric ones, for the
service's self-description (``MAXREC=0``). Cached for a few minutes per engine: the
archive changes by loads, not by queries.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, field

import sqlalchemy as sa

from sia import SIA_PARAMETERS, Kind

__all__ = ["CACHE_SECONDS", "Domain", "parameter_domains"]

CACHE_SECONDS = 300.0
MAX_OPTIONS = 100
"""Columns with more distinct values than this get no OPTION list."""


@dataclass(frozen=True, slots=True)
class Domain:
    """The values a parameter can usefully take in this archive."""

    options: tuple[tuple[str, str], ...] = field(default=())
    """(name, value) pairs."""
    minimum: float | None = None
    maximum: float | None = None


_cache: weakref.WeakKeyDictionary[sa.Engine, tuple[float, dict[str, Domain]]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def _distinct(conn: sa.Connection, column: sa.ColumnElement[object]) -> tuple[str, ...] | None:
    query = sa.select(column).where(column.is_not(None)).distinct().limit(MAX_OPTIONS + 1)
    values = sorted(str(v) for v in conn.execute(query).scalars())
    return None if len(values) > MAX_OPTIONS else tuple(values)


def _bands(conn: sa.Connection, table: sa.Table) -> tuple[tuple[str, str], ...]:
    if "lsst_band" not in table.c:
        return ()
    c = table.c
    query = (
        sa.select(c.lsst_band, sa.func.min(c.em_min), sa.func.max(c.em_max))
        .where(c.lsst_band.is_not(None), c.em_min.is_not(None))
        .group_by(c.lsst_band)
        .order_by(sa.func.min(c.em_min))
    )
    return tuple((f"{band} band", f"{low!r} {high!r}") for band, low, high in conn.execute(query))


def _compute(engine: sa.Engine, table: sa.Table) -> dict[str, Domain]:
    domains: dict[str, Domain] = {}
    with engine.connect() as conn:
        for spec in SIA_PARAMETERS:
            columns = [table.c[name] for name in spec.columns]
            if spec.kind in (Kind.EXACT, Kind.INTEGER):
                values = _distinct(conn, columns[0])
                if values is not None:
                    domains[spec.name] = Domain(options=tuple((v, v) for v in values))
            elif spec.kind in (Kind.OVERLAP, Kind.INTERVAL):
                low, high = conn.execute(
                    sa.select(sa.func.min(columns[0]), sa.func.max(columns[-1]))
                ).one()
                options = _bands(conn, table) if spec.name == "BAND" else ()
                domains[spec.name] = Domain(options, low, high)
    return domains


def parameter_domains(engine: sa.Engine, table: sa.Table) -> dict[str, Domain]:
    """Each SIA parameter's domain in the archive, by name (blocking)."""
    with _lock:
        cached = _cache.get(engine)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
    domains = _compute(engine, table)
    with _lock:
        _cache[engine] = (time.monotonic(), domains)
    return domains
