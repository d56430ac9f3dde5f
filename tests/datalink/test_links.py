"""DataLink 1.1 links documents (standards.md section 7, L1-L10), on both backends: the
rows of every product type, ID forms, per-ID errors, descriptors, formats, and what a
browser gets instead."""

from __future__ import annotations

import io
import urllib.parse
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest
from astropy.io.votable import parse

VOT = "{http://www.ivoa.net/xml/VOTable/v1.3}"
MIME = "application/x-votable+xml;content=datalink"
PRODUCTS = ["raw", "visit_image", "difference_image", "deep_coadd", "template_coadd"]
COLUMNS = [
    "ID",
    "access_url",
    "service_def",
    "error_message",
    "description",
    "semantics",
    "content_type",
    "content_length",
    "content_qualifier",
    "local_semantics",
]
JAVA_ACCEPT = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"
CHROME_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8"
)


async def _links(client: httpx.AsyncClient, *ids: str, **extra: str) -> httpx.Response:
    params = [("ID", i) for i in ids] + list(extra.items())
    return await client.get("/api/datalink/links", params=params)


def _rows(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MIME
    table = parse(io.BytesIO(response.content)).get_first_table().to_table()
    assert table.colnames == COLUMNS
    rows = []
    for record in table:
        row = {}
        for name in COLUMNS:
            value = record[name]
            row[name] = None if value is None or getattr(value, "mask", False) is True else value
            if isinstance(row[name], str) and row[name] == "":
                row[name] = None
        rows.append(row)
    return rows


def _standard_id(response: httpx.Response) -> list[str]:
    root = ET.fromstring(response.content)
    resource = next(r for r in root.iter(f"{VOT}RESOURCE") if r.get("type") == "results")
    return [
        i.get("value", "") for i in resource.findall(f"{VOT}INFO") if i.get("name") == "standardID"
    ]


@pytest.mark.parametrize("product", PRODUCTS)
async def test_each_product_has_its_links(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]], product: str
) -> None:
    did = sample_rows[product]["obs_publisher_did"]
    response = await _links(datalink_client, did)
    assert _standard_id(response) == ["ivo://ivoa.net/std/DataLink#links-1.1"]
    rows = _rows(response)
    assert {r["ID"] for r in rows} == {did}
    for row in rows:  # exactly one of access_url, service_def, error_message (L6)
        filled = [row[k] is not None for k in ("access_url", "service_def", "error_message")]
        assert filled.count(True) == 1, row
    by = {}
    for row in rows:
        by.setdefault(row["semantics"], []).append(row)
    this = by["#this"][0]
    assert this["content_type"] == "application/fits"
    assert "/api/datalink/files/" in this["access_url"]
    previews = {r["local_semantics"]: r for r in by["#preview"]}
    assert set(previews) == {"preview", "thumbnail"}
    assert {r["content_type"] for r in previews.values()} == {"image/png"}
    cutouts = {r["service_def"] for r in by.get("#cutout", [])}
    if product == "raw":
        assert cutouts == set()  # an approximate WCS: no cutouts, as at Rubin
    else:
        assert cutouts == {
            "cutout-sync",
            "cutout-sync-maskedimage",
            "cutout-sync-exposure",
            "cutout-async",
        }
    provenance = by.get("#progenitor", []) + by.get("#derivation", [])
    assert provenance, "every product has a progenitor or a derivation"
    for link in provenance:
        assert link["content_type"] == MIME
        assert link["access_url"].startswith("https://archive.example.org/api/datalink/links?ID=")


async def test_provenance_follows_the_pipeline(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    visit = sample_rows["visit_image"]
    rows = _rows(await _links(datalink_client, visit["obs_publisher_did"]))
    related = {
        r["semantics"]: urllib.parse.parse_qs(urllib.parse.urlsplit(r["access_url"]).query)["ID"][0]
        for r in rows
        if r["semantics"] in ("#progenitor", "#derivation")
    }
    assert related["#progenitor"] == sample_rows["raw"]["obs_publisher_did"]
    assert related["#derivation"] == sample_rows["difference_image"]["obs_publisher_did"]
    coadd = sample_rows["deep_coadd"]
    inputs = [
        r for r in _rows(await _links(datalink_client, coadd["obs_publisher_did"]))
        if r["semantics"] == "#progenitor"
    ]  # fmt: skip
    assert len(inputs) >= 2  # a deep coadd needs two visits of good seeing
    assert all("visit image" in r["description"] for r in inputs)


async def test_id_forms_and_case(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    did = sample_rows["visit_image"]["obs_publisher_did"]
    uuid = did.rsplit("id=", 1)[1]
    forms = [
        did,
        f"ivo://org.rubinobs/lsst-dp1?repo=dp1&id={uuid}",  # DP1's DataLink form
        f"butler://dp1/{uuid}",
        did.upper().replace("ID=", "id=").replace("REPO=", "repo="),
    ]
    expected = _rows(await _links(datalink_client, did))
    for form in forms:
        rows = _rows(await _links(datalink_client, form))
        assert [r["ID"] for r in rows] == [form] * len(expected)
        assert [r["access_url"] for r in rows] == [r["access_url"] for r in expected]


async def test_errors_are_rows(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    good = sample_rows["raw"]["obs_publisher_did"]
    unknown = "ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=00000000-0000-0000-0000-000000000000"
    malformed = "not an id"
    rows = _rows(await _links(datalink_client, unknown, good, malformed))
    ids = [r["ID"] for r in rows]
    assert ids == sorted(ids, key=[unknown, good, malformed].index)  # an ID's rows together
    errors = {r["ID"]: r for r in rows if r["error_message"]}
    assert set(errors) == {unknown, malformed}
    assert errors[unknown]["error_message"].startswith("NotFoundFault: ")
    assert errors[malformed]["error_message"].startswith("UsageFault: ")
    assert errors[unknown]["semantics"] == "#this"


async def test_no_id_is_an_empty_table(datalink_client: httpx.AsyncClient) -> None:
    assert _rows(await _links(datalink_client)) == []


async def test_too_many_ids_overflow(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    did = sample_rows["deep_coadd"]["obs_publisher_did"]
    response = await _links(datalink_client, *([did] * 101))
    rows = _rows(response)
    assert len({id(r) for r in rows}) == len(rows)
    root = ET.fromstring(response.content)
    status = [i.get("value") for i in root.iter(f"{VOT}INFO") if i.get("name") == "QUERY_STATUS"]
    assert status == ["OVERFLOW"]
    assert len(rows) == 100 * (len(rows) // 100)  # whole IDs only


async def test_post_and_response_formats(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    did = sample_rows["visit_image"]["obs_publisher_did"]
    posted = await datalink_client.post("/api/datalink/links", data={"ID": did})
    assert _rows(posted) == _rows(await _links(datalink_client, did))
    for value in (
        "votable",
        "application/x-votable+xml",
        "application/x-votable+xml;content=datalink",
    ):
        assert _rows(await _links(datalink_client, did, RESPONSEFORMAT=value))
    bad = await _links(datalink_client, did, RESPONSEFORMAT="csv")
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/x-votable+xml")
    assert b"UsageFault: RESPONSEFORMAT" in bad.content


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (CHROME_ACCEPT, True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Firefox
        (JAVA_ACCEPT, False),  # TOPCAT, STILTS
        ("*/*", False),  # curl, pyvo (requests)
        ("application/x-votable+xml", False),
    ],
)
async def test_browsers_get_a_page_and_programs_the_votable(
    datalink_client: httpx.AsyncClient,
    sample_rows: dict[str, dict[str, Any]],
    accept: str,
    html: bool,
) -> None:
    did = sample_rows["visit_image"]["obs_publisher_did"]
    response = await datalink_client.get(
        "/api/datalink/links", params={"ID": did}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    if html:
        assert response.headers["content-type"].startswith("text/html")
        assert "Download the FITS file" in response.text
        assert "/api/datalink/previews/" in response.text
    else:
        assert response.headers["content-type"] == MIME


def _descriptors(response: httpx.Response) -> dict[str, ET.Element]:
    root = ET.fromstring(response.content)
    return {
        r.get("ID", ""): r
        for r in root.findall(f"{VOT}RESOURCE")
        if r.get("type") == "meta" and r.get("utype") == "adhoc:service"
    }


def _params(resource: ET.Element) -> dict[str, ET.Element]:
    return {p.get("name", ""): p for p in resource.iter(f"{VOT}PARAM")}


async def test_descriptors_of_one_id_carry_the_id_and_the_extent(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    row = sample_rows["visit_image"]
    descriptors = _descriptors(await _links(datalink_client, row["obs_publisher_did"]))
    assert set(descriptors) == {
        "cutout-sync",
        "cutout-sync-maskedimage",
        "cutout-sync-exposure",
        "cutout-async",
    }
    exposure = _params(descriptors["cutout-sync-exposure"])
    assert exposure["standardID"].get("value") == "ivo://ivoa.net/std/SODA#sync-1.0"
    assert exposure["accessURL"].get("value") == "https://archive.example.org/api/cutout/sync"
    assert exposure["ID"].get("value") == row["obs_publisher_did"]
    assert exposure["CUTOUTDETAIL"].get("value") == "Exposure"
    circle_max = exposure["CIRCLE"].find(f"{VOT}VALUES/{VOT}MAX")
    assert circle_max is not None
    ra, dec, radius = map(float, str(circle_max.get("value")).split())
    assert (ra, dec) == pytest.approx((row["s_ra"], row["s_dec"]))
    assert radius == pytest.approx(row["s_fov"] / 2)
    asynchronous = _params(descriptors["cutout-async"])
    assert asynchronous["standardID"].get("value") == "ivo://ivoa.net/std/SODA#async-1.0"


async def test_descriptors_of_several_ids_refer_to_the_id_column(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    ids = [sample_rows[p]["obs_publisher_did"] for p in ("visit_image", "deep_coadd")]
    descriptors = _descriptors(await _links(datalink_client, *ids))
    id_param = _params(descriptors["cutout-sync"])["ID"]
    assert id_param.get("ref") == "ID"
    assert id_param.get("value") == ""
