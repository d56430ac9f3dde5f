"""Writing ObsCore rows (Arrow tables) and TAP_SCHEMA into either backend.

PostgreSQL rows go in through ``COPY ... FROM STDIN (FORMAT csv)`` fed by Arrow's CSV writer
(pgSphere's generated columns fill the spatial helpers); SQLite rows through
``executemany``, with each row's footprint box added to the R*Tree. Every function works
inside the caller's transaction, so a failed load rolls back whole.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa

from obscore.products import ARROW_SCHEMA
from obscore.schema import RTREE_TABLE, ArchiveSchema
from obscore.sphere import footprint_box, radec_to_xyz
from obscore.stcs import parse_polygon
from obscore.tap_schema import tap_schema_rows

__all__ = [
    "append_rows",
    "bulk_load",
    "clear_rows",
    "create_archive",
    "finish_load",
    "row_count",
]


def create_archive(conn: sa.Connection, schema: ArchiveSchema) -> None:
    """Create every table and index that is missing, and (re)write TAP_SCHEMA's rows."""
    schema.metadata.create_all(conn)
    rows = tap_schema_rows()
    for name in ("key_columns", "keys", "columns", "tables", "schemas"):
        conn.execute(sa.delete(schema.tap_schema[name]))
    for name in ("schemas", "tables", "columns", "keys", "key_columns"):
        conn.execute(sa.insert(schema.tap_schema[name]), rows[name])


def row_count(conn: sa.Connection, schema: ArchiveSchema) -> int:
    """Number of rows in ``ivoa.ObsCore``."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(schema.obscore)).scalar_one())


def clear_rows(conn: sa.Connection, schema: ArchiveSchema) -> None:
    """Delete every ObsCore row (and, on SQLite, every R*Tree box)."""
    if schema.backend == "sqlite":
        conn.exec_driver_sql(f"DELETE FROM {RTREE_TABLE}")
    conn.execute(sa.delete(schema.obscore))


def append_rows(conn: sa.Connection, schema: ArchiveSchema, rows: pa.Table) -> int:
    """Insert ``rows`` (with :data:`~obscore.products.ARROW_SCHEMA`'s columns) into ObsCore.

    Returns
    -------
    int
        The number of rows inserted.
    """
    rows = rows.select(ARROW_SCHEMA.names).cast(ARROW_SCHEMA)
    if rows.num_rows == 0:
        return 0
    if schema.backend == "postgresql":
        _copy_postgresql(conn, rows)
    else:
        _insert_sqlite(conn, schema, rows)
    return rows.num_rows


def finish_load(conn: sa.Connection, schema: ArchiveSchema) -> None:
    """Refresh the planner's statistics after a load."""
    if schema.backend == "postgresql":
        conn.exec_driver_sql('ANALYZE ivoa."ObsCore"')
    else:
        conn.exec_driver_sql("ANALYZE")


@contextmanager
def bulk_load(conn: sa.Connection, schema: ArchiveSchema) -> Iterator[None]:
    """Drop ObsCore's PostgreSQL indexes for the duration of a large load, then rebuild them.

    Building a GiST index once over all rows is several times faster than maintaining it
    row by row. On SQLite this does nothing.
    """
    if schema.backend != "postgresql":
        yield
        return
    indexes = list(schema.obscore.indexes)
    for index in indexes:
        index.drop(conn, checkfirst=True)
    yield
    # Larger sort memory speeds up the builds; the setting ends with the transaction.
    conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
    for index in indexes:
        index.create(conn, checkfirst=True)


def _copy_postgresql(conn: sa.Connection, rows: pa.Table) -> None:
    buffer = io.BytesIO()
    pa_csv.write_csv(rows, buffer, pa_csv.WriteOptions(include_header=False, batch_size=8192))
    columns = ", ".join(f'"{name}"' for name in rows.column_names)
    driver: Any = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(
        f'COPY ivoa."ObsCore" ({columns}) FROM STDIN (FORMAT csv)'
    ) as copy:
        view = buffer.getbuffer()
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start:start + (1 << 20)])


def _insert_sqlite(conn: sa.Connection, schema: ArchiveSchema, rows: pa.Table) -> None:
    first = int(conn.execute(sa.select(sa.func.coalesce(
        sa.func.max(schema.obscore.c.obscore_id), 0))).scalar_one()) + 1
    ids = np.arange(first, first + rows.num_rows, dtype=np.int64)
    names = ["obscore_id", *rows.column_names]
    columns = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" * len(names))
    values = zip(ids.tolist(), *(c.to_pylist() for c in rows.columns), strict=True)
    conn.exec_driver_sql(f'INSERT INTO "ObsCore" ({columns}) VALUES ({marks})', list(values))
    boxes = _footprint_boxes(rows)
    if boxes is not None:
        keep, box = boxes
        conn.exec_driver_sql(
            f"INSERT INTO {RTREE_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(int(i), *map(float, b)) for i, b in zip(ids[keep], box, strict=True)],
        )


def _footprint_boxes(rows: pa.Table) -> tuple[np.ndarray, np.ndarray] | None:
    """R*Tree boxes for rows with a position: (row mask, (n, 6) boxes)."""
    ra = rows.column("s_ra").to_numpy(zero_copy_only=False)
    dec = rows.column("s_dec").to_numpy(zero_copy_only=False)
    regions = rows.column("s_region").to_pylist()
    has_point = ~(np.isnan(ra) | np.isnan(dec))
    if not has_point.any():
        return None
    boxes = np.empty((len(ra), 6))
    # Footprints grouped by vertex count so each group is one vectorised call.
    by_size: dict[int, list[int]] = {}
    polygons: dict[int, tuple[tuple[float, float], ...]] = {}
    for i, region in enumerate(regions):
        if region is not None and has_point[i]:
            polygons[i] = parse_polygon(region)
            by_size.setdefault(len(polygons[i]), []).append(i)
    centres = radec_to_xyz(np.where(has_point, ra, 0.0), np.where(has_point, dec, 0.0))
    lone = np.flatnonzero(has_point)
    boxes[lone, 0::2] = centres[lone]
    boxes[lone, 1::2] = centres[lone]
    for members in by_size.values():
        vertices = np.array([polygons[i] for i in members])
        xyz = radec_to_xyz(vertices[..., 0], vertices[..., 1])
        boxes[members] = footprint_box(xyz, centres[members])
    return has_point, boxes[has_point]
