"""Index-backed spatial predicates over ``ivoa.ObsCore``, compiled per backend.

A cone search on the row's position (``s_ra``, ``s_dec``) becomes:

* PostgreSQL + pgSphere: ``s_point <@ scircle(...)``, answered by the GiST index;
* SQLite: an R*Tree box overlap (the index) refined by the exact great-circle distance
  computed by :func:`angular_distance_deg`, registered on every connection by
  :func:`register_sqlite_functions`.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import sqlalchemy as sa

from obscore.schema import ArchiveSchema
from obscore.sphere import cone_box

__all__ = [
    "SQLITE_DISTANCE_FUNCTION",
    "angular_distance_deg",
    "cone_search",
    "register_sqlite_functions",
]

SQLITE_DISTANCE_FUNCTION = "obscura_distance"


def angular_distance_deg(
    ra1: float | None, dec1: float | None, ra2: float | None, dec2: float | None
) -> float | None:
    """Great-circle distance in degrees (haversine); NULL in, NULL out."""
    if ra1 is None or dec1 is None or ra2 is None or dec2 is None:
        return None
    d1, d2 = math.radians(dec1), math.radians(dec2)
    h = (
        math.sin((d2 - d1) / 2) ** 2
        + math.cos(d1) * math.cos(d2) * math.sin(math.radians(ra2 - ra1) / 2) ** 2
    )
    return math.degrees(2 * math.asin(math.sqrt(min(1.0, max(0.0, h)))))


class _FunctionRegistry(Protocol):
    def create_function(
        self, name: str, narg: int, func: Any, *, deterministic: bool = ...
    ) -> None: ...


def register_sqlite_functions(connection: _FunctionRegistry) -> None:
    """Register the spherical-geometry SQL functions on a SQLite connection.

    Works on a ``sqlite3`` connection.
    """
    connection.create_function(
        SQLITE_DISTANCE_FUNCTION, 4, angular_distance_deg, deterministic=True
    )


def cone_search(
    schema: ArchiveSchema, ra: float, dec: float, radius: float, columns: list[Any] | None = None
) -> sa.Select[Any]:
    """Select ObsCore rows whose position lies within ``radius`` degrees of (ra, dec).

    Parameters
    ----------
    schema
        The archive schema of the backend the query will run on.
    ra, dec, radius
        The cone, in degrees.
    columns
        What to select; all ObsCore columns by default.
    """
    table = schema.obscore
    selected = columns if columns is not None else [table]
    if schema.backend == "postgresql":
        centre = sa.func.spoint(sa.func.radians(ra), sa.func.radians(dec))
        circle = sa.func.scircle(centre, sa.func.radians(radius))
        return sa.select(*selected).where(table.c.s_point.op("<@")(circle))
    rtree = schema.rtree
    assert rtree is not None
    x0, x1, y0, y1, z0, z1 = cone_box(ra, dec, radius)
    distance = sa.func.obscura_distance(table.c.s_ra, table.c.s_dec, ra, dec)
    return (
        sa.select(*selected)
        .select_from(table.join(rtree, rtree.c.id == table.c.obscore_id))
        .where(
            rtree.c.xmax >= x0,
            rtree.c.xmin <= x1,
            rtree.c.ymax >= y0,
            rtree.c.ymin <= y1,
            rtree.c.zmax >= z0,
            rtree.c.zmin <= z1,
            distance <= radius,
        )
    )
