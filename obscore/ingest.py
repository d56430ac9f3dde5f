"""Writing ObsCore rows (Arrow tables) and TAP_SCHEMA into either backend.

PostgreSQL rows go in through ``COPY ... FROM STDIN (FORMAT csv)`` fed by Arrow's CSV writer
(pgSphere's generated columns fill the spatial helpers; each row's bounding circle,
``s_bound``, is computed here); SQLite rows through
``executemany``, with each row's footprint box added to the R*Tree. Every function works
inside the caller's transaction, so a failed load rolls back whole.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import sqlalchemy as sa

from obscore.archive_columns import recorded_columns
from obscore.loader import FILE_SIZE, FILE_URL, LoadError
from obscore.schema import ARROW_SCHEMA, BOUND_COLUMN, RTREE_TABLE, ArchiveSchema
from obscore.sphere import footprint_bounds, footprint_box, radec_to_xyz
from obscore.stcs import canonical_polygons, parse_polygon
from obscore.tap_schema import published_tables, tap_schema_rows

__all__ = [
    "append_rows",
    "bulk_load",
    "check_new_dids",
    "clear_rows",
    "create_archive",
    "finish_load",
    "row_count",
    "write_tap_schema",
]


def create_archive(conn: sa.Connection, schema: ArchiveSchema) -> None:
    """Create every table and index that is missing, and (re)write TAP_SCHEMA's rows."""
    schema.metadata.create_all(conn)
    write_tap_schema(conn, schema)


def write_tap_schema(conn: sa.Connection, schema: ArchiveSchema) -> None:
    """(Re)write TAP_SCHEMA's rows: the fixed tables and the ObsCore columns the archive
    publishes beyond the fixed ones (:mod:`obscore.archive_columns`)."""
    rows = tap_schema_rows(published_tables(recorded_columns(conn, schema)))
    for name in ("key_columns", "keys", "columns", "tables", "schemas"):
        conn.execute(sa.delete(schema.tap_schema[name]))
    for name in ("schemas", "tables", "columns", "keys", "key_columns"):
        conn.execute(sa.insert(schema.tap_schema[name]), rows[name])


def row_count(conn: sa.Connection, schema: ArchiveSchema) -> int:
    """Number of rows in ``ivoa.ObsCore``."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(schema.obscore)).scalar_one())


def clear_rows(conn: sa.Connection, schema: ArchiveSchema) -> None:
    """Delete every ObsCore row with its file location (and, on SQLite, its R*Tree box)."""
    if schema.backend == "sqlite":
        conn.exec_driver_sql(f"DELETE FROM {RTREE_TABLE}")
    conn.execute(sa.delete(schema.obscore))
    conn.execute(sa.delete(schema.files))


def append_rows(conn: sa.Connection, schema: ArchiveSchema, rows: pa.Table) -> int:
    """Insert ``rows`` (with :data:`~obscore.schema.ARROW_SCHEMA`'s columns, then any of the
    archive's own columns, already added to the table) into ObsCore, and where they have
    a :data:`FILE_URL` (and :data:`FILE_SIZE`), their file locations.

    Returns
    -------
    int
        The number of rows inserted.
    """
    if FILE_URL in rows.column_names:
        _insert_files(conn, schema, rows)
    own = [n for n in rows.column_names if n not in ARROW_SCHEMA.names]
    own = [n for n in own if n not in (FILE_URL, FILE_SIZE)]
    standard = rows.select(ARROW_SCHEMA.names).cast(ARROW_SCHEMA)
    rows = pa.Table.from_arrays(
        [*standard.columns, *rows.select(own).columns], names=[*ARROW_SCHEMA.names, *own]
    )
    if rows.num_rows == 0:
        return 0
    if schema.backend == "postgresql":
        _copy_postgresql(conn, rows.append_column(BOUND_COLUMN, _bound_texts(rows)))
    else:
        _insert_sqlite(conn, schema, rows)
    return int(rows.num_rows)


def _insert_files(conn: sa.Connection, schema: ArchiveSchema, rows: pa.Table) -> None:
    dids = rows.column("obs_publisher_did").to_pylist()
    urls = rows.column(FILE_URL).to_pylist()
    sizes = (
        rows.column(FILE_SIZE).to_pylist()
        if FILE_SIZE in rows.column_names
        else [None] * rows.num_rows
    )
    values = [
        {"obs_publisher_did": did, "file_url": url, "size": size}
        for did, url, size in zip(dids, urls, sizes, strict=True)
        if url is not None
    ]
    if values:
        conn.execute(sa.insert(schema.files), values)


def check_new_dids(conn: sa.Connection, schema: ArchiveSchema, rows: pa.Table) -> None:
    """Refuse rows whose ``obs_publisher_did`` is already in the archive (also rows of an
    earlier batch of the same load).

    Raises
    ------
    LoadError
        Naming the first such row (1-based) of ``rows``.
    """
    dids = rows.column("obs_publisher_did").to_pylist()
    did = schema.obscore.c.obs_publisher_did
    for start in range(0, len(dids), 1000):
        chunk = dids[start : start + 1000]
        taken = set(conn.execute(sa.select(did).where(did.in_(chunk))).scalars())
        if taken:
            row = next(i for i, d in enumerate(chunk) if d in taken)
            raise LoadError(
                f"{chunk[row]!r} is already in the archive; publisher DIDs "
                "are unique (use --replace to replace the archive's rows)",
                row=start + row + 1,
                column="obs_publisher_did",
            )


def finish_load(conn: sa.Connection, schema: ArchiveSchema) -> None:
    """Refresh the planner's statistics after a load."""
    if schema.backend == "postgresql":
        conn.exec_driver_sql('ANALYZE ivoa."ObsCore"')
    else:
        conn.exec_driver_sql("ANALYZE")


@contextmanager
def bulk_load(conn: sa.Connection, schema: ArchiveSchema) -> Iterator[None]:
    """Drop ObsCore's B-tree (and GiST) indexes for a large load, then rebuild them.

    Building an index once over all rows is several times faster than maintaining it row
    by row. SQLite's R*Tree stays: its boxes are written with the rows.
    """
    # IF [NOT] EXISTS rather than checkfirst: SQLAlchemy cannot see SQLite's expression
    # indexes (lower(obs_publisher_did)), so checkfirst would neither drop nor find them.
    indexes = list(schema.obscore.indexes)
    for index in indexes:
        conn.execute(sa.schema.DropIndex(index, if_exists=True))
    yield
    if schema.backend == "postgresql":
        # More sort memory speeds up the builds; the setting ends with the transaction.
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
    for index in indexes:
        if not index.unique:
            conn.execute(sa.schema.CreateIndex(index, if_not_exists=True))
            continue
        # A DID loaded twice (in batches that each hold it once) fails the unique index;
        # only then is the row looked for (a PostgreSQL error ends the transaction, so
        # the build runs in a savepoint there).
        try:
            with conn.begin_nested() if schema.backend == "postgresql" else nullcontext():
                conn.execute(sa.schema.CreateIndex(index, if_not_exists=True))
        except sa.exc.IntegrityError:
            _refuse_repeated_dids(conn, schema)
            raise


def _refuse_repeated_dids(conn: sa.Connection, schema: ArchiveSchema) -> None:
    """After the unique index failed to build: the publisher DID loaded twice (in batches
    that each hold it once; each batch's own check finds one repeated within it), named
    with the row of its second occurrence. Keeping the index through the load instead
    slowed a 10^7-row load to half its rate once the index outgrew the page cache; with
    this query run on every load, the end of a 10^7-row SQLite load (query, index builds,
    ANALYZE) had not finished after 11 minutes (not broken down), so it runs only when
    the build fails."""
    table = schema.obscore
    did, key = table.c.obs_publisher_did, table.c.obscore_id
    occurrence = sa.func.row_number().over(partition_by=did, order_by=key).label("occurrence")
    ranked = sa.select(did, key, occurrence).subquery()
    second = conn.execute(
        sa.select(ranked.c.obs_publisher_did, ranked.c.obscore_id)
        .where(ranked.c.occurrence == 2)
        .order_by(ranked.c.obscore_id)
        .limit(1)
    ).first()
    if second is None:
        return
    # The load emptied the table first; rows are numbered in the order they were written.
    row = conn.execute(sa.select(sa.func.count()).where(key <= second.obscore_id)).scalar_one()
    raise LoadError(
        f"{second.obs_publisher_did!r} appears more than once; publisher DIDs are unique",
        row=int(row),
        column="obs_publisher_did",
    )


def _copy_postgresql(conn: sa.Connection, rows: pa.Table) -> None:
    buffer = io.BytesIO()
    pa_csv.write_csv(rows, buffer, pa_csv.WriteOptions(include_header=False, batch_size=8192))
    columns = ", ".join(f'"{name}"' for name in rows.column_names)
    driver: Any = conn.connection.driver_connection
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY ivoa."ObsCore" ({columns}) FROM STDIN (FORMAT csv)') as copy,
    ):
        view = buffer.getbuffer()
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start : start + (1 << 20)])


def _insert_sqlite(conn: sa.Connection, schema: ArchiveSchema, rows: pa.Table) -> None:
    first = (
        int(
            conn.execute(
                sa.select(sa.func.coalesce(sa.func.max(schema.obscore.c.obscore_id), 0))
            ).scalar_one()
        )
        + 1
    )
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


def _bound_texts(rows: pa.Table) -> pa.Array:
    """PostgreSQL: each row's ``s_bound``, a circle holding its footprint, in pgSphere's
    text form (radians); null without a footprint, or with one no circle can hold."""
    bounds: pa.Array = pa.nulls(rows.num_rows, pa.string())
    by_size = _polygons_by_size(rows.column("s_region"), np.ones(rows.num_rows, dtype=bool))
    if not by_size:
        return bounds
    ra = rows.column("s_ra").to_numpy(zero_copy_only=False)
    dec = rows.column("s_dec").to_numpy(zero_copy_only=False)
    centres = radec_to_xyz(ra, dec)  # NaN where there is no position
    lon = np.full(rows.num_rows, np.nan)
    lat = np.full(rows.num_rows, np.nan)
    radius = np.full(rows.num_rows, np.nan)
    for members, vertices in by_size:
        centre, radius[members] = footprint_bounds(
            radec_to_xyz(vertices[..., 0], vertices[..., 1]), centres[members]
        )
        lon[members] = np.arctan2(centre[:, 1], centre[:, 0]) % (2 * np.pi)
        lat[members] = np.arcsin(np.clip(centre[:, 2], -1.0, 1.0))
    texts = [pc.cast(pa.array(v, from_pandas=True), pa.string()) for v in (lon, lat, radius)]
    return pc.binary_join_element_wise("<(", texts[0], " , ", texts[1], ") , ", texts[2], ">", "")


def _footprint_boxes(rows: pa.Table) -> tuple[np.ndarray, np.ndarray] | None:
    """R*Tree boxes for rows with a position: (row mask, (n, 6) boxes)."""
    ra = rows.column("s_ra").to_numpy(zero_copy_only=False)
    dec = rows.column("s_dec").to_numpy(zero_copy_only=False)
    has_point = ~(np.isnan(ra) | np.isnan(dec))
    if not has_point.any():
        return None
    boxes = np.empty((len(ra), 6))
    by_size = _polygons_by_size(rows.column("s_region"), has_point)
    centres = radec_to_xyz(np.where(has_point, ra, 0.0), np.where(has_point, dec, 0.0))
    lone = np.flatnonzero(has_point)
    boxes[lone, 0::2] = centres[lone]
    boxes[lone, 1::2] = centres[lone]
    for members, vertices in by_size:
        xyz = radec_to_xyz(vertices[..., 0], vertices[..., 1])
        boxes[members] = footprint_box(xyz, centres[members])
    return has_point, boxes[has_point]


def _polygons_by_size(
    regions: pa.ChunkedArray, wanted: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Vertices of the wanted rows' polygons, grouped by vertex count.

    Returns (row indices, (m, k, 2) vertex array) per vertex count k. The usual case, all
    ``POLYGON ICRS`` with one vertex count, is parsed in one vectorised pass.
    """
    present = np.flatnonzero(wanted & ~regions.is_null().to_numpy(zero_copy_only=False))
    if len(present) == 0:
        return []
    chosen = regions.take(pa.array(present))
    vertices = canonical_polygons(chosen)
    if vertices is not None:
        return [(present, vertices)]
    by_size: dict[int, list[int]] = {}
    parsed: dict[int, tuple[tuple[float, float], ...]] = {}
    for i, region in zip(present.tolist(), chosen.to_pylist(), strict=True):
        parsed[i] = parse_polygon(region)
        by_size.setdefault(len(parsed[i]), []).append(i)
    return [
        (np.array(members), np.array([parsed[i] for i in members])) for members in by_size.values()
    ]
