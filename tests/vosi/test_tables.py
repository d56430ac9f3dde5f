"""VOSI tables (VOSI 1.1 sect. 3.4): the tableset and per-table documents say what
TAP_SCHEMA says, with VOTable types (TAP 1.1 sect. 4)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa
from pyvo.io import vosi

from app.storage.database import archive_schema
from app.vosi import table_document, tableset_document
from obscore.tap_schema import tap_schema_rows

VOSI = "{http://www.ivoa.net/xml/VOSITables/v1.0}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
ROWS = tap_schema_rows()


@pytest.fixture(scope="module")
def tableset() -> ET.Element:
    return ET.fromstring(tableset_document())


def _tables(root: ET.Element) -> dict[str, ET.Element]:
    return {t.findtext("name", ""): t for t in root.iter("table")}


def _flag(value: Any) -> str:
    return "true" if value else "false"


def _assert_columns(table: ET.Element, name: str) -> None:
    """The table's column elements are its TAP_SCHEMA.columns rows, in column_index order."""
    expected = sorted(
        (c for c in ROWS["columns"] if c["table_name"] == name), key=lambda c: c["column_index"]
    )
    columns = table.findall("column")
    assert [c.findtext("name") for c in columns] == [c["column_name"] for c in expected]
    for element, row in zip(columns, expected, strict=True):
        for tag in ("description", "unit", "ucd", "utype"):
            assert element.findtext(tag) == row[tag], (name, row["column_name"], tag)
        data_type = element.find("dataType")
        assert data_type is not None
        assert data_type.get(XSI_TYPE) == "vs:VOTableType"
        assert data_type.text == row["datatype"]
        assert data_type.get("arraysize") == row["arraysize"]
        assert data_type.get("extendedType") == row["xtype"]
        assert element.get("std") == _flag(row["std"])
        flags = [f.text for f in element.findall("flag")]
        assert ("indexed" in flags) == bool(row["indexed"])
        assert ("principal" in flags) == bool(row["principal"])


def _assert_foreign_keys(table: ET.Element, name: str) -> None:
    keys = sorted((k for k in ROWS["keys"] if k["from_table"] == name), key=lambda k: k["key_id"])
    found = table.findall("foreignKey")
    assert [k.findtext("targetTable") for k in found] == [k["target_table"] for k in keys]
    for element, key in zip(found, keys, strict=True):
        pairs = [
            (c.findtext("fromColumn"), c.findtext("targetColumn"))
            for c in element.findall("fkColumn")
        ]
        expected = [
            (c["from_column"], c["target_column"])
            for c in ROWS["key_columns"]
            if c["key_id"] == key["key_id"]
        ]
        assert pairs == expected
        assert element.findtext("description") == key["description"]


def test_root_and_schemas(tableset: ET.Element) -> None:
    assert tableset.tag == f"{VOSI}tableset"
    schemas = tableset.findall("schema")
    assert [s.findtext("name") for s in schemas] == [s["schema_name"] for s in ROWS["schemas"]]
    for element, row in zip(schemas, ROWS["schemas"], strict=True):
        assert element.findtext("description") == row["description"]


def test_every_table_once_under_its_schema(tableset: ET.Element) -> None:
    for row in ROWS["tables"]:
        (schema,) = [
            s for s in tableset.findall("schema") if s.findtext("name") == row["schema_name"]
        ]
        found = [t for t in schema.findall("table") if t.findtext("name") == row["table_name"]]
        assert len(found) == 1, row["table_name"]
        assert found[0].get("type") == "output"
        assert found[0].findtext("description") == row["description"]
        assert found[0].findtext("utype") == row["utype"]
    assert len(list(tableset.iter("table"))) == len(ROWS["tables"])


@pytest.mark.parametrize("name", [t["table_name"] for t in ROWS["tables"]])
def test_columns_and_keys_as_in_tap_schema(tableset: ET.Element, name: str) -> None:
    table = _tables(tableset)[name]
    _assert_columns(table, name)
    _assert_foreign_keys(table, name)


def test_obscore_types(tableset: ET.Element) -> None:
    obscore = _tables(tableset)["ivoa.ObsCore"]
    assert obscore.findtext("utype") == "ivo://ivoa.net/std/ObsCore#table-1.1"
    data_types = {c.findtext("name"): c.find("dataType") for c in obscore.findall("column")}
    assert len(data_types) == 38
    types = {
        name: (d.text, d.get("arraysize"), d.get("extendedType"))
        for name, d in data_types.items()
        if d is not None
    }
    assert types["s_ra"] == ("double", None, None)
    assert types["calib_level"] == ("int", None, None)
    assert types["lsst_visit"] == ("long", None, None)
    assert types["obs_id"] == ("char", "128*", None)
    assert types["s_region"] == ("char", "*", "adql:REGION")
    assert types["access_url"] == ("char", "*", "adql:clob")


def test_delimited_names_keep_their_quotes(tableset: ET.Element) -> None:
    columns = _tables(tableset)["tap_schema.columns"]
    assert '"size"' in [c.findtext("name") for c in columns.findall("column")]


def test_detail_min_lists_tables_only() -> None:
    root = ET.fromstring(tableset_document(detail="min"))
    assert sorted(_tables(root)) == sorted(t["table_name"] for t in ROWS["tables"])
    assert root.find(".//column") is None
    assert root.find(".//foreignKey") is None
    assert _tables(root)["ivoa.ObsCore"].findtext("description") is not None


@pytest.mark.parametrize(
    ("requested", "name"),
    [
        ("ivoa.ObsCore", "ivoa.ObsCore"),
        ("ivoa.obscore", "ivoa.ObsCore"),
        ("IVOA.OBSCORE", "ivoa.ObsCore"),
        ("TAP_SCHEMA.columns", "tap_schema.columns"),
        ("tap_schema.key_columns", "tap_schema.key_columns"),
    ],
)
def test_one_table(requested: str, name: str) -> None:
    document = table_document(requested)
    assert document is not None
    root = ET.fromstring(document)
    assert root.tag == f"{VOSI}table"
    assert root.findtext("name") == name
    assert root.get("type") == "output"
    _assert_columns(root, name)
    _assert_foreign_keys(root, name)


@pytest.mark.parametrize(
    "requested", ["ivoa.nothing", "ivoa", "ObsCore", "obscore.ivoa", '"ivoa"."ObsCore"', ""]
)
def test_unknown_table(requested: str) -> None:
    assert table_document(requested) is None


def test_valid_against_the_schemas(validate_xsd: Callable[[bytes], None]) -> None:
    validate_xsd(tableset_document())
    validate_xsd(tableset_document(detail="min"))
    for row in ROWS["tables"]:
        document = table_document(row["table_name"])
        assert document is not None
        validate_xsd(document)


def test_pyvo_reads_it() -> None:
    tableset = vosi.parse_tables(io.BytesIO(tableset_document()), pedantic=True)
    names = [t.name for t in tableset.iter_tables()]
    assert names == [t["table_name"] for t in ROWS["tables"]]
    single = vosi.parse_tables(io.BytesIO(table_document("ivoa.ObsCore") or b""), pedantic=True)
    assert len(single.table.columns) == 38


def test_rows_from_the_database_give_the_same_documents(demo_engine: sa.Engine) -> None:
    """What the database's TAP_SCHEMA holds is what VOSI publishes."""
    schema = archive_schema(demo_engine)
    with demo_engine.connect() as conn:
        rows = {
            name: [dict(r) for r in conn.execute(sa.select(table)).mappings()]
            for name, table in schema.tap_schema.items()
        }
    assert tableset_document(rows) == tableset_document()
    assert tableset_document(rows, detail="min") == tableset_document(detail="min")
    assert table_document("ivoa.obscore", rows) == table_document("ivoa.ObsCore")
