"""TAP_UPLOAD tables: a VOTable sent with a query becomes a temporary table on the query's
own connection, so only that query sees it, and it is dropped when the query ends.

The table is read by :class:`app.votable.reader.VOTableReader`: its columns first (the
query is compiled against them), then its rows, batch by batch straight into the
temporary table on the query's connection, under the query's time limit. Nothing but the
bytes the client sent is read, and memory holds one batch, not the table.

Column names are the FIELD names; a name that is not a regular ADQL identifier (or is a
reserved word) is published delimited, as TAP_SCHEMA would store it. In the database the
columns are ``c1``, ``c2``...: any FIELD name is safe, however long or strange. Numeric
arrays (DALI points, circles, polygons) are kept as text and can be selected, not
computed on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa

from adql.catalog import identifier_key
from adql.reserved import RESERVED_WORDS
from app.faults import UploadError
from app.storage.query_runner import UPLOAD_SCHEMA, batch_rows
from app.votable.decoding import InColumn
from app.votable.reader import ReadLimits, VOTableReader, VOTableReadError
from obscore.catalog import CatalogTableRow
from vometa import Field

__all__ = [
    "ReadLimits",
    "UploadTable",
    "drop_upload_tables",
    "fill_upload_tables",
    "open_upload",
]

_REGULAR = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class UploadTable:
    """An uploaded table: its catalog entry, its SQL table, and the reader of its rows."""

    name: str
    entry: CatalogTableRow
    table: sa.Table
    reader: VOTableReader


def _published_name(name: str) -> str:
    if _REGULAR.match(name) and name.upper() not in RESERVED_WORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def _catalog_column(column: InColumn) -> tuple[Field, sa.types.TypeEngine[Any]]:
    kind = column.kind
    sql_type: sa.types.TypeEngine[Any]
    if kind in ("text", "array"):
        datatype = column.datatype if kind == "text" else "double"
        arraysize = column.arraysize or "*"
        sql_type = sa.Text()
    elif kind == "float":
        datatype, arraysize = column.datatype, None
        sql_type = sa.Float() if column.datatype == "float" else sa.Double()
    elif kind == "bool" or column.datatype in ("short", "unsignedByte"):
        datatype, arraysize, sql_type = "short", None, sa.SmallInteger()
    else:
        datatype, arraysize = column.datatype, None
        sql_type = sa.Integer() if column.datatype == "int" else sa.BigInteger()
    row = Field.make(
        _published_name(column.name),
        datatype,
        arraysize,
        column.xtype,
        column.unit,
        column.ucd,
        column.utype,
        column.description,
    )
    return row, sql_type


def _refused(name: str, exc: VOTableReadError) -> UploadError:
    return UploadError(f"The upload {name!r} cannot be used: {exc}")


def open_upload(
    name: str,
    chunks: Iterable[bytes],
    *,
    limits: ReadLimits,
    metadata: sa.MetaData,
    check: Callable[[], None] | None = None,
) -> UploadTable:
    """Read an uploaded VOTable's columns: the table ``TAP_UPLOAD.<name>``, whose rows
    :func:`create_upload_tables` reads on.

    Raises
    ------
    UploadError
        If the content is not a VOTable with one table this service can hold, or breaks
        a limit.
    """
    reader = VOTableReader(chunks, limits, check=check)
    try:
        columns = reader.columns()
    except VOTableReadError as exc:
        raise _refused(name, exc) from None
    catalog_columns: list[Field] = []
    sql_columns: list[sa.Column[Any]] = []
    seen: set[str] = set()
    for position, column in enumerate(columns, start=1):
        catalog_column, sql_type = _catalog_column(column)
        key = identifier_key(catalog_column.name)
        if key in seen:
            raise UploadError(f"The upload {name!r} has two columns named {column.name!r}")
        seen.add(key)
        catalog_columns.append(catalog_column)
        sql_columns.append(sa.Column(f"c{position}", sql_type, key=key))
    table = sa.Table(
        name.lower(), metadata, *sql_columns, schema=UPLOAD_SCHEMA, prefixes=["TEMPORARY"]
    )
    entry = CatalogTableRow("TAP_UPLOAD", f"TAP_UPLOAD.{name}", tuple(catalog_columns))
    return UploadTable(name, entry, table, reader)


def fill_upload_tables(conn: sa.Connection, uploads: Sequence[UploadTable]) -> None:
    """Create the uploads' temporary tables on ``conn`` and fill them, batch by batch, as
    their rows are read (:func:`drop_upload_tables` removes them, also after a failure).

    Raises
    ------
    UploadError
        If an upload's rows cannot be read or break a limit.
    """
    for upload in uploads:
        # Unconditional SQL: a reflection check (checkfirst) does not look in the
        # temporary schema, and a table left by an earlier query on this pooled
        # connection must go.
        conn.execute(sa.schema.DropTable(upload.table, if_exists=True))
        conn.execute(sa.schema.CreateTable(upload.table))
        write = _copier(conn, upload.table) if conn.dialect.name == "postgresql" else None
        keys = [column.key for column in upload.table.columns]
        insert = upload.table.insert()
        try:
            for batch in upload.reader.batches(batch_rows(len(keys))):
                if write is not None:
                    write(batch)
                else:
                    conn.execute(insert, [dict(zip(keys, row, strict=True)) for row in batch])
        except VOTableReadError as exc:
            raise _refused(upload.name, exc) from None


def _copier(conn: sa.Connection, table: sa.Table) -> Callable[[list[tuple[Any, ...]]], None]:
    """PostgreSQL: rows go in through COPY, several times faster than INSERTs."""
    import psycopg
    from psycopg import sql

    raw = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
    statement = sql.SQL("COPY pg_temp.{} ({}) FROM STDIN").format(
        sql.Identifier(table.name),
        sql.SQL(", ").join(sql.Identifier(column.name) for column in table.columns),
    )

    def write(rows: list[tuple[Any, ...]]) -> None:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    return write


def drop_upload_tables(conn: sa.Connection, uploads: Sequence[UploadTable]) -> None:
    """Drop the uploads' temporary tables from ``conn`` (those that exist)."""
    for upload in uploads:
        conn.execute(sa.schema.DropTable(upload.table, if_exists=True))
