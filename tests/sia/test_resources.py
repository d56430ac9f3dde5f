"""The SIA service's resources: capabilities, availability, the collection label, and the
MAXREC=0 self-description, on both backends."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import httpx
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from astropy.io.votable import parse

from sia import SIA_PARAMETERS
from tests.sia.conftest import QUERY_PATH
from tests.support.app_client import BASE_URL

NS = {"v": "http://www.ivoa.net/xml/VOTable/v1.3"}
SIA_QUERY = "ivo://ivoa.net/std/SIA#query-2.0"


def _status(content: bytes) -> list[str]:
    root = ET.fromstring(content)
    return [
        str(info.get("value"))
        for info in root.iter(f"{{{NS['v']}}}INFO")
        if info.get("name") == "QUERY_STATUS"
    ]


async def test_capabilities_lead_to_the_query_endpoint(sia_client: httpx.AsyncClient) -> None:
    response = await sia_client.get("/api/sia/dp1/capabilities")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    found = {
        capability.get("standardID"): [a.text for a in capability.iter("accessURL")]
        for capability in root.iter("capability")
    }
    assert found[SIA_QUERY] == [f"{BASE_URL}{QUERY_PATH}"]
    assert found["ivo://ivoa.net/std/VOSI#availability"] == [f"{BASE_URL}/api/sia/dp1/availability"]
    assert found["ivo://ivoa.net/std/VOSI#capabilities"] == [f"{BASE_URL}/api/sia/dp1/capabilities"]


async def test_availability(sia_client: httpx.AsyncClient) -> None:
    response = await sia_client.get("/api/sia/dp1/availability")
    assert response.status_code == 200
    assert b"<vosi:available>true</vosi:available>" in response.content


@pytest.mark.parametrize("resource", ["query", "capabilities", "availability"])
async def test_an_unknown_collection_is_a_404_naming_the_known_one(
    sia_client: httpx.AsyncClient, resource: str
) -> None:
    response = await sia_client.get(f"/api/sia/dp02/{resource}", params={"POS": "CIRCLE 1 2 3"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/x-votable+xml")
    message = ET.fromstring(response.content).find(".//v:INFO", NS)
    assert message is not None
    assert message.get("value") == "ERROR"
    assert (message.text or "").startswith("UsageFault: Collection 'dp02' not found")
    assert "'dp1'" in (message.text or "")


async def test_post_form_and_multipart_answer_like_get(sia_client: httpx.AsyncClient) -> None:
    params = {"calib": "3", "DPSUBTYPE": "lsst.deep_coadd", "RESPONSEFORMAT": "csv"}
    by_get = await sia_client.get(QUERY_PATH, params=params)
    by_form = await sia_client.post(QUERY_PATH, data=params)
    by_multipart = await sia_client.post(
        QUERY_PATH, files={k: (None, v) for k, v in params.items()}
    )
    assert by_get.status_code == by_form.status_code == by_multipart.status_code == 200
    assert by_get.content == by_form.content == by_multipart.content
    assert by_get.content.count(b"\n") > 100


async def test_self_description_lists_every_parameter_with_the_archive_values(
    sia_client: httpx.AsyncClient, demo_tables: list[pa.Table]
) -> None:
    response = await sia_client.get(QUERY_PATH, params={"MAXREC": "0"})
    assert response.status_code == 200
    votable = parse(io.BytesIO(response.content))
    meta = votable.resources[0]
    assert (meta.type, meta.utype, meta.name) == ("meta", "adhoc:service", "this")
    fixed = {p.name: p.value for p in meta.params}
    assert fixed["standardID"] == SIA_QUERY
    assert fixed["accessURL"] == f"{BASE_URL}{QUERY_PATH}"
    (group,) = [g for g in meta.groups if g.name == "inputParams"]
    inputs = {p.name: p for p in group.entries}
    assert set(inputs) == {p.name for p in SIA_PARAMETERS} | {"MAXREC", "RESPONSEFORMAT"}
    demo = pa.concat_tables(demo_tables)

    def options(name: str) -> set[str]:
        return {o[1] for o in inputs[name].values.options}

    assert options("CALIB") == {str(v) for v in pc.unique(demo["calib_level"]).to_pylist()}
    assert options("DPSUBTYPE") == set(pc.unique(demo["dataproduct_subtype"]).to_pylist())
    assert options("COLLECTION") == {"LSST.DP1"}
    assert {"votable", "csv", "parquet"} <= {o[0] for o in inputs["RESPONSEFORMAT"].values.options}
    time = inputs["TIME"]
    assert (time.xtype, time.unit, time.arraysize) == ("interval", "d", "2")
    assert time.values.min == pytest.approx(pc.min(demo["t_min"]).as_py())
    assert time.values.max == pytest.approx(pc.max(demo["t_max"]).as_py())
    assert str(inputs["EXPTIME"].unit) == "s"  # VOUnit, not Rubin's "sec"
    # The results RESOURCE: the same FIELDs as a real query, no rows, OVERFLOW (rows exist).
    results = votable.resources[1]
    assert results.type == "results"
    described = results.tables[0]
    assert len(described.array) == 0
    real = parse(
        io.BytesIO((await sia_client.get(QUERY_PATH, params={"MAXREC": "1"})).content)
    ).get_first_table()
    assert [(f.name, f.datatype, f.ucd, f.unit) for f in described.fields] == [
        (f.name, f.datatype, f.ucd, f.unit) for f in real.fields
    ]
    assert _status(response.content) == ["OK", "OVERFLOW"]


async def test_self_description_says_ok_when_nothing_would_match(
    sia_client: httpx.AsyncClient,
) -> None:
    response = await sia_client.get(QUERY_PATH, params={"MAXREC": "0", "CALIB": "0"})
    assert response.status_code == 200
    assert b'utype="adhoc:service"' in response.content
    assert _status(response.content) == ["OK"]


async def test_results_declare_their_coordinate_and_time_systems(
    sia_client: httpx.AsyncClient,
) -> None:
    response = await sia_client.get(QUERY_PATH, params={"CALIB": "2", "MAXREC": "2"})
    table = parse(io.BytesIO(response.content)).get_first_table()
    refs = {f.name: f.ref for f in table.fields}
    root = ET.fromstring(response.content)
    coosys = root.find(".//v:COOSYS", NS)
    timesys = root.find(".//v:TIMESYS", NS)
    assert coosys is not None
    assert timesys is not None
    assert coosys.get("system") == "ICRS"
    assert refs["s_ra"] == refs["s_dec"] == refs["s_region"] == coosys.get("ID")
    assert refs["t_min"] == refs["t_max"] == timesys.get("ID")
    assert refs["t_exptime"] is None


@pytest.mark.parametrize(("asked", "media"), [("csv", "text/plain"), ("tsv", "text/plain")])
async def test_errors_for_text_formats_are_plain_text(
    sia_client: httpx.AsyncClient, asked: str, media: str
) -> None:
    response = await sia_client.get(
        QUERY_PATH, params={"POS": "CIRCLE 10 95 1", "RESPONSEFORMAT": asked}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(media)
    assert response.text.startswith("UsageFault: POS: latitude 95 is outside [-90, 90]")


async def test_errors_for_votable_are_votable(sia_client: httpx.AsyncClient) -> None:
    response = await sia_client.get(QUERY_PATH, params={"POS": "CIRCLE 10 95 1"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/x-votable+xml")
    assert _status(response.content) == ["ERROR"]


async def test_a_search_beyond_the_adql_text_limits_runs(sia_client: httpx.AsyncClient) -> None:
    """Two wide RANGEs are over 100,000 characters of ADQL, more than TAP accepts as
    text: SIA compiles its syntax tree, so the search runs."""
    params = [
        ("POS", "RANGE 0 359 -89 89"),
        ("POS", "RANGE 0.5 359.5 -89.5 89.5"),
        ("BAND", "300e-9 1100e-9"),
        ("MAXREC", "1"),
    ]
    response = await sia_client.get(QUERY_PATH, params=params)
    assert response.status_code == 200, response.text
    resource = parse(io.BytesIO(response.content)).resources[0]
    query = next(info.value for info in resource.infos if info.name == "QUERY")
    assert len(query) > 100_000
    assert _status(response.content) == ["OK", "OVERFLOW"]
