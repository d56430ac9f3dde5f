"""The ObsCore column metadata and the TAP_SCHEMA rows derived from it."""

from __future__ import annotations

import csv
from pathlib import Path

from obscore.columns import OBSCORE_COLUMNS, column
from obscore.tap_schema import published_tables, tap_schema_rows

# Rubin's DP1 ivoa.ObsCore schema (sdm_schemas ivoa_obscore.yaml), as a reference table.
RUBIN_CSV = Path(__file__).parent / "data" / "rubin_obscore_columns.csv"

# ObsCore 1.1 sect. 4 (Table 6): the 30 mandatory columns and their VOTable datatypes.
MANDATORY = {
    "dataproduct_type": "char",
    "calib_level": "int",
    "obs_collection": "char",
    "obs_id": "char",
    "obs_publisher_did": "char",
    "access_url": "char",
    "access_format": "char",
    "access_estsize": "long",
    "target_name": "char",
    "s_ra": "double",
    "s_dec": "double",
    "s_fov": "double",
    "s_region": "char",
    "s_resolution": "double",
    "s_xel1": "long",
    "s_xel2": "long",
    "t_min": "double",
    "t_max": "double",
    "t_exptime": "double",
    "t_resolution": "double",
    "t_xel": "long",
    "em_min": "double",
    "em_max": "double",
    "em_res_power": "double",
    "em_xel": "long",
    "o_ucd": "char",
    "pol_states": "char",
    "pol_xel": "long",
    "facility_name": "char",
    "instrument_name": "char",
}


def test_every_mandatory_obscore_column_is_present_with_its_type() -> None:
    names = {c.name: c for c in OBSCORE_COLUMNS}
    assert len(MANDATORY) == 30
    for name, datatype in MANDATORY.items():
        assert names[name].datatype == datatype, name
        assert names[name].std, name
        assert str(names[name].utype).startswith("obscore:"), name


def test_column_names_are_unique() -> None:
    names = [c.name for c in OBSCORE_COLUMNS]
    assert len(names) == len(set(names)) == 38


def test_rubin_columns_match_the_reference_csv() -> None:
    with RUBIN_CSV.open() as f:
        rubin = list(csv.DictReader(f))
    assert len(rubin) == 36
    for row in rubin:
        ours = column(row["name"])
        assert ours.datatype == row["datatype"], row["name"]
        assert (ours.unit or "") == row["unit"], row["name"]
        assert ours.ucd == row["ucd"], row["name"]
        assert ours.principal == (row["principal"] == "1"), row["name"]
        assert ours.std == (row["std"] == "1"), row["name"]
        if row["utype"]:
            assert ours.utype == f"obscore:{row['utype']}", row["name"]


def test_region_and_clob_xtypes() -> None:
    assert column("s_region").xtype == "adql:REGION"
    assert column("access_url").xtype == "adql:clob"


def test_tap_schema_describes_obscore_and_itself() -> None:
    rows = tap_schema_rows()
    tables = [t["table_name"] for t in rows["tables"]]
    assert tables == [
        "ivoa.ObsCore",
        "tap_schema.schemas",
        "tap_schema.tables",
        "tap_schema.columns",
        "tap_schema.keys",
        "tap_schema.key_columns",
    ]
    obscore = [c for c in rows["columns"] if c["table_name"] == "ivoa.ObsCore"]
    assert len(obscore) == 38
    assert [c["column_index"] for c in obscore] == list(range(38))
    helper = {"obscore_id", "s_point", "s_poly", "s_bound"}
    assert not helper & {c["column_name"] for c in rows["columns"]}


def test_tap_schema_size_column_is_delimited() -> None:
    # "size" is an ADQL reserved word: TAP_SCHEMA stores it quoted, lower case.
    names = [
        c["column_name"]
        for c in tap_schema_rows()["columns"]
        if c["table_name"] == "tap_schema.columns"
    ]
    assert '"size"' in names
    assert "size" not in names


def test_tap_schema_keys_reference_published_tables() -> None:
    rows = tap_schema_rows()
    qualified = {t.qualified_name for t in published_tables()}
    key_ids = {k["key_id"] for k in rows["keys"]}
    for key in rows["keys"]:
        assert key["from_table"] in qualified
        assert key["target_table"] in qualified
    assert {kc["key_id"] for kc in rows["key_columns"]} == key_ids
