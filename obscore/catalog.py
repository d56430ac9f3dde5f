"""The ADQL catalog of the archive, read from TAP_SCHEMA as stored in the database.

Satisfies :class:`adql.catalog.Catalog` structurally (``obscore`` does not import ``adql``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from obscore.schema import ArchiveSchema
from obscore.tap_schema import tap_schema_rows
from vometa import Field

__all__ = [
    "ArchiveCatalog",
    "CatalogColumnRow",
    "CatalogTableRow",
    "catalog_from_rows",
    "load_catalog",
    "load_tap_schema",
    "published_catalog",
]


CatalogColumnRow = Field
"""One row of TAP_SCHEMA.columns: a named column with its VOTable metadata."""


@dataclass(frozen=True, slots=True)
class CatalogTableRow:
    """One row of TAP_SCHEMA.tables with its columns, in column_index order."""

    schema_name: str
    table_name: str
    columns: tuple[CatalogColumnRow, ...]


@dataclass(frozen=True, slots=True)
class ArchiveCatalog:
    """The published tables."""

    entries: tuple[CatalogTableRow, ...]

    def tables(self) -> Iterator[CatalogTableRow]:
        """Every published table, in TAP_SCHEMA's table_index order."""
        return iter(self.entries)


def catalog_from_rows(
    tables: Iterable[Mapping[Any, Any]], columns: Iterable[Mapping[Any, Any]]
) -> ArchiveCatalog:
    """The catalog from TAP_SCHEMA ``tables`` and ``columns`` rows, each in display order."""
    by_table: dict[str, list[CatalogColumnRow]] = {}
    for c in columns:
        by_table.setdefault(c["table_name"], []).append(
            Field.make(
                c["column_name"],
                c["datatype"],
                arraysize=c["arraysize"],
                xtype=c["xtype"],
                unit=c["unit"],
                ucd=c["ucd"],
                utype=c["utype"],
                description=c["description"],
            )
        )
    return ArchiveCatalog(
        tuple(
            CatalogTableRow(
                t["schema_name"], t["table_name"], tuple(by_table.get(t["table_name"], []))
            )
            for t in tables
        )
    )


def published_catalog() -> ArchiveCatalog:
    """The catalog of what this archive publishes, from the column specs (no database)."""
    rows = tap_schema_rows()
    return catalog_from_rows(rows["tables"], rows["columns"])


def load_tap_schema(conn: sa.Connection, schema: ArchiveSchema) -> dict[str, list[dict[str, Any]]]:
    """Every row of the TAP_SCHEMA tables as stored in the database, in display order,
    keyed as :func:`obscore.tap_schema.tap_schema_rows` keys them."""
    t = schema.tap_schema
    order = {
        "schemas": [t["schemas"].c.schema_index, t["schemas"].c.schema_name],
        "tables": [t["tables"].c.table_index, t["tables"].c.table_name],
        "columns": [t["columns"].c.table_name, t["columns"].c.column_index],
        "keys": [t["keys"].c.key_id],
        "key_columns": [t["key_columns"].c.key_id, t["key_columns"].c.from_column],
    }
    return {
        name: [dict(row) for row in conn.execute(sa.select(t[name]).order_by(*keys)).mappings()]
        for name, keys in order.items()
    }


def load_catalog(conn: sa.Connection, schema: ArchiveSchema) -> ArchiveCatalog:
    """Read the catalog from the TAP_SCHEMA tables as stored in the database."""
    rows = load_tap_schema(conn, schema)
    return catalog_from_rows(rows["tables"], rows["columns"])
