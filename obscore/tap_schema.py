"""TAP_SCHEMA (TAP 1.1 section 4): its own column specs and the rows that describe the archive.

TAP_SCHEMA describes ``ivoa.ObsCore`` and itself. Its rows are derived from the same
:class:`~obscore.columns.ColumnSpec` tables that build the SQL schema, and are stored in the
database so they can be queried with ADQL like any other table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from obscore.columns import OBSCORE_COLUMNS, OBSCORE_DESCRIPTION, OBSCORE_TABLE, ColumnSpec

__all__ = [
    "TAP_SCHEMA_TABLES",
    "KeySpec",
    "TableSpec",
    "obscore_table",
    "published_tables",
    "tap_schema_rows",
]


@dataclass(frozen=True, slots=True)
class KeySpec:
    """A foreign key declared in ``TAP_SCHEMA.keys`` and ``key_columns``."""

    key_id: str
    from_table: str
    target_table: str
    columns: tuple[tuple[str, str], ...]
    description: str


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A published table: its qualified TAP name, description and columns."""

    schema: str
    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    utype: str | None = None
    keys: tuple[KeySpec, ...] = ()

    @property
    def qualified_name(self) -> str:
        """The name stored in ``TAP_SCHEMA.tables.table_name`` (``schema.table``)."""
        return f"{self.schema}.{self.name}"


def _text(
    name: str, description: str, size: int = 64, *, nullable: bool = True, principal: bool = True
) -> ColumnSpec:
    return ColumnSpec(
        name, "char", description, f"{size}*", std=True, nullable=nullable, principal=principal
    )


def _int(name: str, description: str, *, principal: bool = True) -> ColumnSpec:
    return ColumnSpec(name, "int", description, std=True, principal=principal)


_SCHEMAS = TableSpec(
    "tap_schema",
    "schemas",
    "Schemas published by this service",
    (
        _text("schema_name", "Schema name, as used in queries", nullable=False),
        _text("utype", "Utype of the schema", 512, principal=False),
        _text("description", "Describes the schema", 512),
        _int("schema_index", "Recommended order of schemas for display", principal=False),
    ),
)

_TABLES = TableSpec(
    "tap_schema",
    "tables",
    "Tables published by this service",
    (
        _text("schema_name", "Schema the table belongs to", nullable=False),
        _text("table_name", "Qualified table name, as used in queries", 128, nullable=False),
        _text("table_type", "'table' or 'view'", 8, nullable=False),
        _text("utype", "Utype of the table", 512, principal=False),
        _text("description", "Describes the table", 512),
        _int("table_index", "Recommended order of tables for display", principal=False),
    ),
    keys=(
        KeySpec(
            "tables_schema",
            "tap_schema.tables",
            "tap_schema.schemas",
            (("schema_name", "schema_name"),),
            "Each table belongs to a schema",
        ),
    ),
)

_COLUMNS = TableSpec(
    "tap_schema",
    "columns",
    "Columns of the published tables",
    (
        _text(
            "table_name", "Qualified name of the table the column belongs to", 128, nullable=False
        ),
        _text("column_name", "Column name, as used in queries", nullable=False),
        _text("utype", "Utype of the column", 512, principal=False),
        _text("ucd", "UCD of the column", 64),
        _text("unit", "Unit in VOUnit syntax", 64),
        _text("description", "Describes the column", 512),
        _text("datatype", "VOTable datatype of the column", 64, nullable=False),
        _text("arraysize", "VOTable arraysize of the column", 16, principal=False),
        _text("xtype", "VOTable xtype of the column", 64, principal=False),
        ColumnSpec(
            '"size"',
            "int",
            "Deprecated length of variable-length columns (TAP 1.0)",
            std=True,
            principal=False,
        ),
        _int("principal", "1 if the column is principal, else 0"),
        _int("indexed", "1 if the column is indexed, else 0"),
        _int("std", "1 if the column is defined by a standard, else 0"),
        _int("column_index", "Recommended order of columns for display", principal=False),
    ),
    keys=(
        KeySpec(
            "columns_table",
            "tap_schema.columns",
            "tap_schema.tables",
            (("table_name", "table_name"),),
            "Each column belongs to a table",
        ),
    ),
)

_KEYS = TableSpec(
    "tap_schema",
    "keys",
    "Foreign keys between the published tables",
    (
        _text("key_id", "Unique key identifier", nullable=False),
        _text("from_table", "Table with the foreign key", 128, nullable=False),
        _text("target_table", "Table with the primary key", 128, nullable=False),
        _text("utype", "Utype of the key", 512, principal=False),
        _text("description", "Describes the key", 512),
    ),
    keys=(
        KeySpec(
            "keys_from",
            "tap_schema.keys",
            "tap_schema.tables",
            (("from_table", "table_name"),),
            "The table a key starts from",
        ),
        KeySpec(
            "keys_target",
            "tap_schema.keys",
            "tap_schema.tables",
            (("target_table", "table_name"),),
            "The table a key points to",
        ),
    ),
)

_KEY_COLUMNS = TableSpec(
    "tap_schema",
    "key_columns",
    "Columns of the foreign keys",
    (
        _text("key_id", "Key identifier from TAP_SCHEMA.keys", nullable=False),
        _text("from_column", "Column in the from_table", nullable=False),
        _text("target_column", "Column in the target_table", nullable=False),
    ),
    keys=(
        KeySpec(
            "key_columns_key",
            "tap_schema.key_columns",
            "tap_schema.keys",
            (("key_id", "key_id"),),
            "Each key column belongs to a key",
        ),
    ),
)

TAP_SCHEMA_TABLES: tuple[TableSpec, ...] = (_SCHEMAS, _TABLES, _COLUMNS, _KEYS, _KEY_COLUMNS)
"""The five TAP 1.1 TAP_SCHEMA tables, in display order."""


def obscore_table(more_columns: Iterable[ColumnSpec] = ()) -> TableSpec:
    """``ivoa.ObsCore`` with its fixed columns, then ``more_columns``: the ObsCore columns
    an archive publishes beyond them (:mod:`obscore.archive_columns`)."""
    return TableSpec(
        "ivoa",
        "ObsCore",
        OBSCORE_DESCRIPTION,
        (*OBSCORE_COLUMNS, *more_columns),
        utype="ivo://ivoa.net/std/ObsCore#table-1.1",
    )


_SCHEMA_DESCRIPTIONS = {
    "ivoa": "IVOA-defined tables: the ObsCore 1.1 image metadata table",
    "tap_schema": "The TAP 1.1 metadata tables describing this service",
}


def published_tables(more_columns: Iterable[ColumnSpec] = ()) -> tuple[TableSpec, ...]:
    """Every table TAP publishes, ``ivoa.ObsCore`` (with ``more_columns``) first."""
    obscore = obscore_table(more_columns)
    assert obscore.qualified_name == OBSCORE_TABLE
    return (obscore, *TAP_SCHEMA_TABLES)


def _flag(value: bool) -> int:
    return 1 if value else 0


def tap_schema_rows(
    tables: Iterable[TableSpec] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The rows of each TAP_SCHEMA table describing ``tables`` (default: all published).

    Returns
    -------
    dict
        Maps each TAP_SCHEMA table name (``schemas``, ``tables``, ...) to its rows, each
        a dict keyed by SQL column name.
    """
    tables = tuple(published_tables() if tables is None else tables)
    schemas = list(dict.fromkeys(t.schema for t in tables))
    rows: dict[str, list[dict[str, Any]]] = {
        "schemas": [
            {
                "schema_name": s,
                "utype": None,
                "description": _SCHEMA_DESCRIPTIONS.get(s),
                "schema_index": i,
            }
            for i, s in enumerate(schemas)
        ],
        "tables": [],
        "columns": [],
        "keys": [],
        "key_columns": [],
    }
    for table_index, table in enumerate(tables):
        rows["tables"].append(
            {
                "schema_name": table.schema,
                "table_name": table.qualified_name,
                "table_type": "table",
                "utype": table.utype,
                "description": table.description,
                "table_index": table_index,
            }
        )
        for column_index, col in enumerate(table.columns):
            rows["columns"].append(
                {
                    "table_name": table.qualified_name,
                    "column_name": col.name,
                    "utype": col.utype,
                    "ucd": col.ucd,
                    "unit": col.unit,
                    "description": col.description,
                    "datatype": col.datatype,
                    "arraysize": col.arraysize,
                    "xtype": col.xtype,
                    "size": col.max_length,
                    "principal": _flag(col.principal),
                    "indexed": _flag(col.indexed),
                    "std": _flag(col.std),
                    "column_index": column_index,
                }
            )
        for key in table.keys:
            rows["keys"].append(
                {
                    "key_id": key.key_id,
                    "from_table": key.from_table,
                    "target_table": key.target_table,
                    "utype": None,
                    "description": key.description,
                }
            )
            rows["key_columns"].extend(
                {"key_id": key.key_id, "from_column": f, "target_column": t} for f, t in key.columns
            )
    return rows
