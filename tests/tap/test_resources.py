"""The resources beside /sync over HTTP: VOSI, examples, and what other methods get."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import httpx
import pytest
from astropy.io.votable import parse_single_table

from app.vosi import EXAMPLES, Example
from tests.support.app_client import BASE_URL

CAPABILITIES = "{http://www.ivoa.net/xml/VOSICapabilities/v1.0}capabilities"
AVAILABILITY = "{http://www.ivoa.net/xml/VOSIAvailability/v1.0}"


async def test_capabilities(tap_client: httpx.AsyncClient) -> None:
    response = await tap_client.get("/api/tap/capabilities")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert "last-modified" in response.headers
    root = ET.fromstring(response.content)
    assert root.tag == CAPABILITIES
    urls = {e.text for e in root.iter("accessURL")}
    assert f"{BASE_URL}/api/tap" in urls
    assert f"{BASE_URL}/api/tap/tables" in urls


async def test_availability(tap_client: httpx.AsyncClient) -> None:
    response = await tap_client.get("/api/tap/availability")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.findtext(f"{AVAILABILITY}available") == "true"


async def test_tables_and_one_table(tap_client: httpx.AsyncClient) -> None:
    full = await tap_client.get("/api/tap/tables")
    brief = await tap_client.get("/api/tap/tables", params={"detail": "min"})
    assert full.status_code == brief.status_code == 200
    assert b"s_region" in full.content
    assert b"s_region" not in brief.content
    one = await tap_client.get("/api/tap/tables/ivoa.obscore")
    assert one.status_code == 200
    assert b"<name>ivoa.ObsCore</name>" in one.content
    missing = await tap_client.get("/api/tap/tables/ivoa.nothing")
    assert missing.status_code == 404
    assert b'value="ERROR"' in missing.content


async def test_other_methods_are_refused(tap_client: httpx.AsyncClient) -> None:
    response = await tap_client.post("/api/tap/capabilities")
    assert response.status_code == 405
    assert b'value="ERROR"' in response.content


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
async def test_every_example_runs(tap_client: httpx.AsyncClient, example: Example) -> None:
    page = await tap_client.get("/api/tap/examples")
    assert page.status_code == 200
    query = example.query
    response = await tap_client.post("/api/tap/sync", data={"LANG": "ADQL", "QUERY": query})
    assert response.status_code == 200, response.text
    table = parse_single_table(io.BytesIO(response.content)).to_table()
    assert len(table) > 0, query
