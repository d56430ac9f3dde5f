"""TAP_UPLOAD tables: a VOTable sent with a query becomes a temporary table on the query's
own connection, so only that query sees it, and it is dropped when the query ends.

Column names are the FIELD names; a name that is not a regular ADQL identifier (or is a
reserved word) is published delimited, as TAP_SCHEMA would store it. Numeric arrays
(DALI points, circles, polygons) are kept as text and can be selected, not computed on.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa
from astropy.io.votable import parse_single_table
from astropy.io.votable.exceptions import VOWarning

from adql.catalog import identifier_key
from adql.reserved import RESERVED_WORDS
from app.errors import UploadError
from app.storage.query_runner import UPLOAD_SCHEMA, Cleanup
from obscore.catalog import CatalogColumnRow, CatalogTableRow

__all__ = ["UploadTable", "create_upload_tables", "read_upload"]

_REGULAR = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
MAX_COLUMNS = 500


@dataclass(frozen=True, slots=True)
class UploadTable:
    """An uploaded table: its catalog entry, its SQL table and its rows."""

    entry: CatalogTableRow
    table: sa.Table
    rows: list[dict[str, Any]]


def _published_name(name: str) -> str:
    if _REGULAR.match(name) and name.upper() not in RESERVED_WORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def _value(value: Any) -> Any:
    if value is np.ma.masked:
        return None
    if isinstance(value, np.ndarray):
        return " ".join(repr(float(v)) for v in np.ravel(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _column_type(field: Any) -> tuple[str, str | None, sa.types.TypeEngine[Any]]:
    datatype = str(field.datatype)
    arraysize = None if field.arraysize in (None, "1") else str(field.arraysize)
    if datatype in ("char", "unicodeChar"):
        return datatype, arraysize or "*", sa.Text()
    if arraysize is not None:
        return "double", arraysize, sa.Text()
    if datatype == "float":
        return "float", None, sa.Float()
    if datatype in ("double", "floatComplex", "doubleComplex"):
        return "double", None, sa.Double()
    if datatype == "boolean":
        return "short", None, sa.SmallInteger()
    if datatype in ("short", "unsignedByte"):
        return "short", None, sa.SmallInteger()
    if datatype == "int":
        return "int", None, sa.Integer()
    if datatype == "long":
        return "long", None, sa.BigInteger()
    raise UploadError(f"column {field.name!r} has datatype {datatype!r}, which uploads cannot hold")


def read_upload(name: str, content: bytes, *, metadata: sa.MetaData) -> UploadTable:
    """Parse an uploaded VOTable into the table ``TAP_UPLOAD.<name>``.

    Raises
    ------
    UploadError
        If the content is not a VOTable with one table, or its columns cannot be held.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VOWarning)
            votable = parse_single_table(io.BytesIO(content), verify="ignore")
    except Exception as exc:  # astropy raises many kinds for malformed XML
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UploadError(f"The upload {name!r} is not a readable VOTable: {first}") from None
    fields = list(votable.fields)
    if not fields:
        raise UploadError(f"The upload {name!r} has no columns")
    if len(fields) > MAX_COLUMNS:
        raise UploadError(
            f"The upload {name!r} has {len(fields)} columns; the limit is {MAX_COLUMNS}"
        )
    columns: list[CatalogColumnRow] = []
    sql_columns: list[sa.Column[Any]] = []
    keys: list[str] = []
    seen: set[str] = set()
    for field in fields:
        field_name = str(field.name or field.ID or f"col{len(columns) + 1}")
        published = _published_name(field_name)
        key = identifier_key(published)
        if key in seen:
            raise UploadError(f"The upload {name!r} has two columns named {field_name!r}")
        seen.add(key)
        datatype, arraysize, sql_type = _column_type(field)
        columns.append(
            CatalogColumnRow(
                published,
                datatype,
                arraysize,
                field.unit.to_string() if field.unit is not None else None,
                field.ucd,
                field.utype,
                field.xtype,
                str(field.description) if field.description else None,
            )
        )
        sql_columns.append(sa.Column(key, sql_type, quote=True))
        keys.append(key)
    table = sa.Table(
        name.lower(), metadata, *sql_columns, schema=UPLOAD_SCHEMA, prefixes=["TEMPORARY"]
    )
    data = votable.array
    rows = _rows(data, keys)
    entry = CatalogTableRow("TAP_UPLOAD", f"TAP_UPLOAD.{name}", tuple(columns))
    return UploadTable(entry, table, rows)


def _rows(data: Any, keys: Sequence[str]) -> list[dict[str, Any]]:
    names = data.dtype.names
    return [
        {key: _value(record[field]) for key, field in zip(keys, names, strict=True)}
        for record in data
    ]


def create_upload_tables(conn: sa.Connection, uploads: Sequence[UploadTable]) -> Cleanup:
    """Create and fill the uploads' temporary tables on ``conn``; returns what drops them."""
    for upload in uploads:
        # Unconditional SQL: a reflection check (checkfirst) does not look in the
        # temporary schema, and a table left by an earlier query on this pooled
        # connection must go.
        conn.execute(sa.schema.DropTable(upload.table, if_exists=True))
        conn.execute(sa.schema.CreateTable(upload.table))
        if upload.rows:
            conn.execute(upload.table.insert(), upload.rows)

    def drop(connection: sa.Connection) -> None:
        for upload in uploads:
            connection.execute(sa.schema.DropTable(upload.table, if_exists=True))

    return drop
