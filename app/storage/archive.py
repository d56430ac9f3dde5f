"""Creating and filling the archive's tables in one transaction, with a progress bar.

Shared by ``obscura demo-data``, ``obscura load`` and the server's first start; each
first brings the schema to the newest revision (``app/storage/schema_migrations.py``).
Blocking code: the server calls it through ``asyncio.to_thread``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import nullcontext

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from tqdm import tqdm

from app.storage.database import archive_schema
from app.storage.schema_migrations import lock_schema, upgrade_database
from obscore import archive_columns, ingest
from obscore.columns import ColumnSpec
from obscore.demo import DEMO_FILE_SCHEME
from obscore.loader import FILE_SIZE, FILE_URL, LoadError
from pixels.locations import FileProblemError, check_fits

__all__ = ["check_files", "count_rows", "fill_archive", "initialise_archive"]


def initialise_archive(engine: sa.Engine) -> None:
    """Create or upgrade the schema (archive and job tables) to the newest revision, and
    refresh TAP_SCHEMA's rows."""
    upgrade_database(engine)
    schema = archive_schema(engine)
    with engine.begin() as conn:
        lock_schema(conn)  # processes starting together would each add TAP_SCHEMA's rows
        ingest.create_archive(conn, schema)


def count_rows(engine: sa.Engine) -> int:
    """Rows in ``ivoa.ObsCore`` (0 when the table does not exist yet)."""
    schema = archive_schema(engine)
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("ObsCore", schema=_physical_schema(engine)):
            return 0
        return ingest.row_count(conn, schema)


def _physical_schema(engine: sa.Engine) -> str | None:
    return None if engine.dialect.name == "sqlite" else "ivoa"


def fill_archive(
    engine: sa.Engine,
    tables: Iterable[pa.Table],
    *,
    replace: bool,
    total: int | None = None,
    description: str = "loading ObsCore rows",
    progress: bool | None = None,
    own_columns: Sequence[ColumnSpec] = (),
) -> int:
    """Write ``tables`` into ObsCore in one transaction: all rows land, or none do.

    Parameters
    ----------
    engine
        Blocking engine of the archive.
    tables
        Arrow tables of rows; consumed one at a time, so memory stays bounded. A
        :class:`~obscore.loader.LoadError` raised while one is made or checked names its
        row within the table: it is raised again naming the row of the whole sequence.
    replace
        Delete the existing rows first (in the same transaction).
    total
        Expected number of rows, for the progress bar.
    description
        Label of the progress bar.
    progress
        Show a progress bar: True, False, or None for "when writing to a terminal".
    own_columns
        The archive's own columns the tables hold (declared, checked): added to the table
        and published. With ``replace``, the archive's own columns of earlier loads go.

    Returns
    -------
    int
        Rows written.

    Raises
    ------
    obscore.loader.LoadError
        When appending a row whose publisher DID is already in the archive, or declaring
        again one of the archive's own columns with another type.
    """
    upgrade_database(engine)  # its own transaction: DDL first, under its lock
    schema = archive_schema(engine)
    written = 0
    disable = None if progress is None else not progress
    with (
        engine.begin() as conn,
        tqdm(total=total, desc=description, unit=" rows", unit_scale=True, disable=disable) as bar,
    ):
        schema.metadata.create_all(conn)  # TAP_SCHEMA's rows are written once, at the end
        if replace:
            ingest.clear_rows(conn, schema)
            archive_columns.forget_own_columns(conn, schema)
        archive_columns.record_own_columns(conn, schema, own_columns)
        with ingest.bulk_load(conn, schema) if replace else nullcontext():
            batches = iter(tables)
            while True:
                try:
                    table = next(batches, None)  # a loader's batch is read and checked here
                    if table is not None and not replace:  # also the earlier batches
                        ingest.check_new_dids(conn, schema, table)
                except LoadError as exc:
                    raise exc.moved(written) from None  # the file's row, not the batch's
                if table is None:
                    break
                try:
                    written += ingest.append_rows(conn, schema, table)
                except sa.exc.IntegrityError:
                    # Only the files' table keeps a unique index through a replacing
                    # load: a DID with a file, repeated in a later batch.
                    raise LoadError(
                        "a publisher DID appears more than once (in rows naming a file); "
                        "publisher DIDs are unique",
                        column="obs_publisher_did",
                    ) from None
                archive_columns.publish_optional_columns(conn, schema, table)
                bar.update(table.num_rows)
        ingest.write_tap_schema(conn, schema)
        ingest.finish_load(conn, schema)
    return written


def check_files(rows: pa.Table) -> pa.Table:
    """Check the files a load's ``file_url`` column names: each must exist and be FITS.
    Returns the rows with each file's size (``file_size``) and ``access_estsize`` made the
    real size (kB, rounded up); rows without a file are left as they are.

    Raises
    ------
    obscore.loader.LoadError
        Naming the first row (1-based) whose file is missing, unreadable or not FITS.
    """
    if FILE_URL not in rows.column_names:
        return rows
    sizes: list[int | None] = []
    for number, url in enumerate(rows.column(FILE_URL).to_pylist(), start=1):
        if url is None or url.startswith(f"{DEMO_FILE_SCHEME}:"):  # made on first access
            sizes.append(None)
            continue
        try:
            sizes.append(check_fits(url))
        except FileProblemError as exc:
            raise LoadError(str(exc), row=number, column=FILE_URL) from None
    size_array = pa.array(sizes, pa.int64())
    estimate = rows.column("access_estsize")
    real_kb = pc.divide(pc.add(size_array, 1023), 1024)
    index = rows.column_names.index("access_estsize")
    rows = rows.set_column(index, "access_estsize", pc.coalesce(real_kb, estimate))
    return rows.append_column(FILE_SIZE, size_array)
