"""The ADQL catalog of the archive, read from TAP_SCHEMA as stored in the database.

Satisfies :class:`adql.catalog.Catalog` structurally (``obscore`` does not import ``adql``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from obscore.schema import ArchiveSchema

__all__ = ["ArchiveCatalog", "CatalogColumnRow", "CatalogTableRow", "load_catalog"]


@dataclass(frozen=True, slots=True)
class CatalogColumnRow:
    """One row of TAP_SCHEMA.columns."""

    name: str
    datatype: str
    arraysize: str | None
    unit: str | None
    ucd: str | None
    utype: str | None
    xtype: str | None
    description: str | None


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


def load_catalog(conn: sa.Connection, schema: ArchiveSchema) -> ArchiveCatalog:
    """Read the catalog from the TAP_SCHEMA tables."""
    tables = schema.tap_schema["tables"]
    columns = schema.tap_schema["columns"]
    by_table: dict[str, list[CatalogColumnRow]] = {}
    for row in conn.execute(
        sa.select(columns).order_by(columns.c.table_name, columns.c.column_index)
    ):
        by_table.setdefault(row.table_name, []).append(
            CatalogColumnRow(
                row.column_name,
                row.datatype,
                row.arraysize,
                row.unit,
                row.ucd,
                row.utype,
                row.xtype,
                row.description,
            )
        )
    entries = tuple(
        CatalogTableRow(row.schema_name, row.table_name, tuple(by_table.get(row.table_name, [])))
        for row in conn.execute(sa.select(tables).order_by(tables.c.table_index))
    )
    return ArchiveCatalog(entries)
