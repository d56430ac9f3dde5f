"""VOSI tables (VOSI 1.1 sect. 3.4): the published tables, written from TAP_SCHEMA's rows.

TAP 1.1 wants ``/tables`` to say what TAP_SCHEMA says, so both documents are built from
the same rows TAP_SCHEMA holds: :func:`obscore.tap_schema.tap_schema_rows` by default, or
the rows read back from the database. Types use ``vs:VOTableType`` (TAP_SCHEMA's datatype,
arraysize and xtype, the last as ``extendedType``); names are written exactly as
TAP_SCHEMA stores them, delimited names with their quotes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeAlias
from xml.etree import ElementTree as ET

from adql.catalog import identifier_key
from app.vosi._xml import NS_VOSI_TABLES, NS_VS, NS_XSI, add, document, root
from obscore.tap_schema import tap_schema_rows

__all__ = ["Detail", "TableDocuments", "TapSchemaRows", "table_document", "tableset_document"]

TapSchemaRows: TypeAlias = Mapping[str, Sequence[Mapping[str, Any]]]
"""The rows of each TAP_SCHEMA table (``schemas``, ``tables``, ``columns``, ``keys``,
``key_columns``), each a mapping keyed by column name, as
:func:`obscore.tap_schema.tap_schema_rows` returns them."""

Detail: TypeAlias = Literal["min", "max"]
"""VOSI's ``detail`` hint: ``min`` leaves out columns and foreign keys."""

_NAMESPACES = {"vosi": NS_VOSI_TABLES, "vs": NS_VS, "xsi": NS_XSI}


def _ordered(rows: Iterable[Mapping[str, Any]], index: str) -> list[Mapping[str, Any]]:
    """Rows by their TAP_SCHEMA display index (absent last), else in the order given."""
    return sorted(rows, key=lambda r: (r.get(index) is None, r.get(index) or 0))


def _name_parts(name: str) -> list[str]:
    """The comparison keys of a dotted name's parts, dots inside quotes kept."""
    parts, current, quoted = [], "", False
    for char in name:
        if char == '"':
            quoted = not quoted
        if char == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [identifier_key(p) for p in parts]


def _text(parent: ET.Element, tag: str, value: Any) -> None:
    if value is not None and str(value) != "":
        add(parent, tag, str(value))


def _column(parent: ET.Element, row: Mapping[str, Any]) -> None:
    column = add(parent, "column", attrs={"std": "true" if row.get("std") else "false"})
    add(column, "name", row["column_name"])
    for tag in ("description", "unit", "ucd", "utype"):
        _text(column, tag, row.get(tag))
    add(
        column,
        "dataType",
        row["datatype"],
        {
            "xsi:type": "vs:VOTableType",
            "arraysize": row.get("arraysize") or None,
            "extendedType": row.get("xtype") or None,
        },
    )
    # VODataService defines "indexed" (and "primary", "nullable", which TAP_SCHEMA does not
    # record); "principal" is TAP_SCHEMA's flag, passed on as other services do.
    for flag in ("indexed", "principal"):
        if row.get(flag):
            add(column, "flag", flag)


class _Tables:
    """TAP_SCHEMA's rows, grouped for writing tables."""

    def __init__(self, rows: TapSchemaRows) -> None:
        self.schemas = _ordered(rows["schemas"], "schema_index")
        self.tables = _ordered(rows["tables"], "table_index")
        self.columns: dict[str, list[Mapping[str, Any]]] = {}
        for column in _ordered(rows["columns"], "column_index"):
            self.columns.setdefault(column["table_name"], []).append(column)
        self.key_columns: dict[str, list[Mapping[str, Any]]] = {}
        for pair in rows["key_columns"]:
            self.key_columns.setdefault(pair["key_id"], []).append(pair)
        # TAP_SCHEMA gives keys no display order; by key_id, the document is the same
        # whatever order the database returns them in.
        self.keys: dict[str, list[Mapping[str, Any]]] = {}
        for key in sorted(rows["keys"], key=lambda k: str(k["key_id"])):
            self.keys.setdefault(key["from_table"], []).append(key)

    def find(self, name: str) -> Mapping[str, Any] | None:
        wanted = _name_parts(name)
        for table in self.tables:
            if _name_parts(table["table_name"]) == wanted:
                return table
        return None

    def write(self, element: ET.Element, table: Mapping[str, Any], detail: Detail) -> None:
        """Fill a ``vs:Table`` element (``table`` in a schema, or the root ``vosi:table``)."""
        element.set("type", "view" if table.get("table_type") == "view" else "output")
        name = table["table_name"]
        add(element, "name", name)
        _text(element, "description", table.get("description"))
        _text(element, "utype", table.get("utype"))
        if detail == "min":
            return
        for column in self.columns.get(name, []):
            _column(element, column)
        for key in self.keys.get(name, []):
            foreign_key = add(element, "foreignKey")
            add(foreign_key, "targetTable", key["target_table"])
            for pair in self.key_columns.get(key["key_id"], []):
                fk_column = add(foreign_key, "fkColumn")
                add(fk_column, "fromColumn", pair["from_column"])
                add(fk_column, "targetColumn", pair["target_column"])
            _text(foreign_key, "description", key.get("description"))
            _text(foreign_key, "utype", key.get("utype"))


def tableset_document(rows: TapSchemaRows | None = None, *, detail: Detail = "max") -> bytes:
    """Every published schema and table, as VOSI's ``vosi:tableset``.

    Parameters
    ----------
    rows
        TAP_SCHEMA's content; by default what :func:`obscore.tap_schema.tap_schema_rows`
        publishes.
    detail
        ``max`` (the default) lists each table's columns and foreign keys; ``min`` only
        names and describes the tables.

    Returns
    -------
    bytes
        The UTF-8 XML document.
    """
    tables = _Tables(tap_schema_rows() if rows is None else rows)
    top = root("vosi:tableset", _NAMESPACES)
    for schema in tables.schemas:
        element = add(top, "schema")
        add(element, "name", schema["schema_name"])
        _text(element, "description", schema.get("description"))
        _text(element, "utype", schema.get("utype"))
        for table in tables.tables:
            if table["schema_name"] == schema["schema_name"]:
                tables.write(add(element, "table"), table, detail)
    return document(top)


def table_document(name: str, rows: TapSchemaRows | None = None) -> bytes | None:
    """One table with all its columns and foreign keys, as VOSI's ``vosi:table``.

    Parameters
    ----------
    name
        The table's name as in TAP_SCHEMA.tables (``ivoa.ObsCore``); regular identifiers
        match without regard to case (``ivoa.obscore``), delimited ones exactly.
    rows
        TAP_SCHEMA's content, as for :func:`tableset_document`.

    Returns
    -------
    bytes or None
        The UTF-8 XML document, or None if no table has that name (the caller answers
        404).
    """
    tables = _Tables(tap_schema_rows() if rows is None else rows)
    table = tables.find(name)
    if table is None:
        return None
    top = root("vosi:table", _NAMESPACES)
    tables.write(top, table, "max")
    return document(top)


class TableDocuments:
    """The VOSI tables documents of one TAP_SCHEMA content (as the database held it when
    the server started), each written on first use and kept."""

    def __init__(self, rows: TapSchemaRows) -> None:
        self._rows = rows
        self._tablesets: dict[Detail, bytes] = {}
        self._tables: dict[str, bytes | None] = {}

    def tableset(self, detail: Detail) -> bytes:
        """Every table (``min``: without columns)."""
        if detail not in self._tablesets:
            self._tablesets[detail] = tableset_document(self._rows, detail=detail)
        return self._tablesets[detail]

    def table(self, name: str) -> bytes | None:
        """One table in full, or None if there is no such table."""
        if name not in self._tables:
            if len(self._tables) > 1000:  # names are the client's: keep the cache bounded
                self._tables.clear()
            self._tables[name] = table_document(name, self._rows)
        return self._tables[name]
