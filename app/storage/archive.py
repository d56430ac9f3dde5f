"""Creating and filling the archive's tables in one transaction, with a progress bar.

Shared by ``obscura demo-data``, ``obscura load`` and the server's first start; each
first brings the schema to the newest revision (``app/storage/schema_migrations.py``).
Blocking code: the server calls it through ``asyncio.to_thread``.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext

import pyarrow as pa
import sqlalchemy as sa
from tqdm import tqdm

from app.storage.database import archive_schema
from app.storage.schema_migrations import lock_schema, upgrade_database
from obscore import ingest

__all__ = ["count_rows", "fill_archive", "initialise_archive"]


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
) -> int:
    """Write ``tables`` into ObsCore in one transaction: all rows land, or none do.

    Parameters
    ----------
    engine
        Blocking engine of the archive.
    tables
        Arrow tables of rows; consumed one at a time, so memory stays bounded.
    replace
        Delete the existing rows first (in the same transaction).
    total
        Expected number of rows, for the progress bar.
    description
        Label of the progress bar.
    progress
        Show a progress bar: True, False, or None for "when writing to a terminal".

    Returns
    -------
    int
        Rows written.

    Raises
    ------
    obscore.loader.LoadError
        When appending a row whose publisher DID is already in the archive.
    """
    upgrade_database(engine)  # its own transaction: DDL first, under its lock
    schema = archive_schema(engine)
    written = 0
    disable = None if progress is None else not progress
    with (
        engine.begin() as conn,
        tqdm(total=total, desc=description, unit=" rows", unit_scale=True, disable=disable) as bar,
    ):
        ingest.create_archive(conn, schema)
        if replace:
            ingest.clear_rows(conn, schema)
        with ingest.bulk_load(conn, schema) if replace else nullcontext():
            for table in tables:
                if not replace:
                    ingest.check_new_dids(conn, schema, table)
                written += ingest.append_rows(conn, schema, table)
                bar.update(table.num_rows)
        ingest.finish_load(conn, schema)
    return written
