"""SODA 1.0 sync cutouts (standards.md section 8, D-1..D-10), on both backends: the pixels
are the file's own, the WCS still maps them to the same sky, every stencil and axis
parameter, the planes of each CUTOUTDETAIL, the 204 rule, and errors as SODA labels them."""

from __future__ import annotations

import io
import math
from typing import Any

import httpx
import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS
from PIL import Image

SYNC = "/api/cutout/sync"


def _did(row: dict[str, Any]) -> str:
    return str(row["obs_publisher_did"])


async def _whole(client: httpx.AsyncClient, row: dict[str, Any]) -> fits.HDUList:
    links = await client.get("/api/datalink/links", params={"ID": _did(row)})
    from astropy.io.votable import parse

    table = parse(io.BytesIO(links.content)).get_first_table().to_table()
    url = next(r["access_url"] for r in table if r["semantics"] == "#this")
    response = await client.get(url.removeprefix("https://archive.example.org"))
    return fits.open(io.BytesIO(response.content))


async def _cut(client: httpx.AsyncClient, **params: Any) -> httpx.Response:
    return await client.get(SYNC, params=params)


def _fits(response: httpx.Response) -> fits.HDUList:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/fits"
    return fits.open(io.BytesIO(response.content))


@pytest.mark.parametrize(
    ("detail", "planes"),
    [("Image", ["IMAGE"]), ("MaskedImage", ["IMAGE", "MASK", "VARIANCE"]),
     ("Exposure", ["IMAGE", "MASK", "VARIANCE"])],
)  # fmt: skip
async def test_pixels_are_the_files_own_and_map_to_the_same_sky(
    datalink_client: httpx.AsyncClient,
    sample_rows: dict[str, dict[str, Any]],
    detail: str,
    planes: list[str],
) -> None:
    row = sample_rows["visit_image"]
    circle = f"{row['s_ra']} {row['s_dec']} {30 / 3600}"
    cut = _fits(await _cut(datalink_client, ID=_did(row), CIRCLE=circle, CUTOUTDETAIL=detail))
    assert [h.name for h in cut[1:]] == planes
    assert cut[0].header["DATASET"] == _did(row)
    assert cut[0].header["ST_TYPE"] == "CIRCLE"
    x0, y0 = cut[0].header["CUTX0"], cut[0].header["CUTY0"]
    with await _whole(datalink_client, row) as whole:
        for name in planes:
            part = cut[name].data
            ny, nx = part.shape
            assert abs(nx - 300) <= 2  # 60 arcseconds at 0.2"/px
            assert abs(ny - 300) <= 2
            assert np.array_equal(
                part, whole[name].data[y0 : y0 + ny, x0 : x0 + nx], equal_nan=True
            )
            assert cut[name].header["LTV1"] == -x0
            assert cut[name].header["LTV2"] == -y0
        wcs_cut, wcs_whole = WCS(cut["IMAGE"].header), WCS(whole["IMAGE"].header)
    xs, ys = np.array([0.0, 10.5, 150.0, 299.0]), np.array([0.0, 20.25, 150.0, 299.0])
    ra, dec = wcs_cut.pixel_to_world_values(xs, ys)
    back_x, back_y = wcs_whole.world_to_pixel_values(ra, dec)
    assert np.max(np.abs(back_x - (xs + x0))) < 0.01
    assert np.max(np.abs(back_y - (ys + y0))) < 0.01


async def test_every_stencil_form(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    row = sample_rows["deep_coadd"]
    ra, dec = row["s_ra"], row["s_dec"]
    d = 20 / 3600
    cosine = math.cos(math.radians(dec))
    forms = {
        "POS circle": {"POS": f"circle {ra} {dec} {d}"},
        "POS CIRCLE": {"POS": f"CIRCLE {ra} {dec} {d}"},
        "CIRCLE": {"CIRCLE": f"{ra} {dec} {d}"},
        "POS RANGE": {"POS": f"RANGE {ra - d / cosine} {ra + d / cosine} {dec - d} {dec + d}"},
        "POLYGON": {
            "POLYGON": f"{ra - d / cosine} {dec - d} {ra + d / cosine} {dec - d} {ra} {dec + d}"
        },
        "POS polygon, concave": {
            "POS": (
                f"polygon {ra - d / cosine} {dec - d} {ra} {dec} {ra + d / cosine} {dec - d} "
                f"{ra} {dec + d}"
            )
        },
    }
    for name, params in forms.items():
        cut = _fits(await _cut(datalink_client, ID=_did(row), **params))
        ny, nx = cut["IMAGE"].data.shape
        assert 150 <= nx <= 260, name
        assert 150 <= ny <= 260, name


async def test_a_polygon_across_ra_zero(
    datalink_client: httpx.AsyncClient, demo_tables: list[Any]
) -> None:
    visits = next(t for t in demo_tables if str(t["dataproduct_subtype"][0]) == "lsst.visit_image")
    near_zero = [r for r in visits.slice(0, 20000).to_pylist() if r["s_ra"] < 8]
    row = near_zero[0]
    dec = row["s_dec"]
    east, south, north = row["s_ra"] + 0.05, dec - 0.05, dec + 0.05
    polygon = f"359.5 {south} {east} {south} {east} {north} 359.5 {north}"
    cut = _fits(await _cut(datalink_client, ID=_did(row), POLYGON=polygon))
    assert cut["IMAGE"].data.size > 0


async def test_no_overlap_is_204(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    row = sample_rows["visit_image"]
    inside = f"{row['s_ra']} {row['s_dec']} 0.005"
    away = f"{(row['s_ra'] + 30) % 360} {row['s_dec']} 0.005"
    cases = [
        {"CIRCLE": away},
        {"CIRCLE": inside, "BAND": "1e-9 2e-9"},
        {"CIRCLE": inside, "TIME": "40000 40001"},
        {"CIRCLE": inside, "POL": "Q U"},
    ]
    for params in cases:
        response = await _cut(datalink_client, ID=_did(row), **params)
        assert response.status_code == 204, params
        assert response.content == b""
    band = f"{row['em_min']} {row['em_max']}"
    time = f"{row['t_min']} {row['t_max']}"
    overlapping = await _cut(
        datalink_client, ID=_did(row), CIRCLE=inside, BAND=band, TIME=time, POL="I Q"
    )
    assert overlapping.status_code == 200


async def test_a_stencil_larger_than_the_image_gives_the_whole_image(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    row = sample_rows["deep_coadd"]
    cut = _fits(await _cut(datalink_client, ID=_did(row), CIRCLE=f"{row['s_ra']} {row['s_dec']} 2"))
    assert cut["IMAGE"].data.shape == (3400, 3400)


async def test_png_quick_look(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    row = sample_rows["visit_image"]
    response = await _cut(
        datalink_client,
        ID=_did(row),
        CIRCLE=f"{row['s_ra']} {row['s_dec']} 0.02",
        RESPONSEFORMAT="image/png",
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    picture = Image.open(io.BytesIO(response.content))
    assert 300 <= max(picture.size) <= 1024


@pytest.mark.parametrize(
    ("params", "status", "start"),
    [
        ({}, 400, "UsageError: ID is missing"),
        ({"ID": ["a", "b"]}, 400, "MultiValuedParamNotSupported: ID is given 2 times"),
        ({"CIRCLE": ["1 2 0.1", "3 4 0.1"]}, 400, "MultiValuedParamNotSupported: stencil"),
        ({"CIRCLE": "1 2"}, 400, "UsageError: CIRCLE"),
        ({"POS": "BOX 1 2 3 4"}, 400, "UsageError: POS: unknown shape"),
        ({"POLYGON": "1 2 3 4"}, 400, "UsageError: POLYGON"),
        ({"BAND": "red"}, 400, "UsageError: BAND"),
        ({"POL": "Z"}, 400, "UsageError: POL 'Z'"),
        ({"CUTOUTDETAIL": "Everything"}, 400, "UsageError: CUTOUTDETAIL"),
        ({"RESPONSEFORMAT": "votable"}, 400, "UsageError: RESPONSEFORMAT"),
    ],
)
async def test_errors_are_text_with_soda_labels(
    datalink_client: httpx.AsyncClient,
    sample_rows: dict[str, dict[str, Any]],
    params: dict[str, Any],
    status: int,
    start: str,
) -> None:
    given = {"ID": _did(sample_rows["visit_image"]), **params} if params else {}
    if "ID" in params:
        given["ID"] = params["ID"]
    response = await _cut(datalink_client, **given)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith(start), response.text


async def test_unknown_ids_and_raws(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    unknown = "ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=00000000-0000-0000-0000-000000000000"
    response = await _cut(datalink_client, ID=unknown, CIRCLE="1 2 0.1")
    assert response.status_code == 404
    assert response.text.startswith("UsageError: Unknown dataset ID")
    raw = sample_rows["raw"]
    response = await _cut(
        datalink_client, ID=_did(raw), CIRCLE=f"{raw['s_ra']} {raw['s_dec']} 0.01"
    )
    assert response.status_code == 400
    assert "approximate" in response.text


async def test_post_is_the_same(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    row = sample_rows["visit_image"]
    params = {"ID": _did(row), "CIRCLE": f"{row['s_ra']} {row['s_dec']} 0.003"}
    got = _fits(await datalink_client.get(SYNC, params=params))
    posted = _fits(await datalink_client.post(SYNC, data=params))
    assert np.array_equal(got["IMAGE"].data, posted["IMAGE"].data)


async def test_capabilities_and_examples(datalink_client: httpx.AsyncClient) -> None:
    import xml.etree.ElementTree as ET

    caps = await datalink_client.get("/api/cutout/capabilities")
    root = ET.fromstring(caps.content)
    found = {c.get("standardID") for c in root.iter("capability")}
    assert {"ivo://ivoa.net/std/SODA#sync-1.0", "ivo://ivoa.net/std/SODA#async-1.0"} <= found
    examples = await datalink_client.get("/api/cutout/examples")
    assert examples.status_code == 200
    page = ET.fromstring(examples.content)
    keys = [
        e.text
        for e in page.iter("{http://www.w3.org/1999/xhtml}code")
        if e.get("property") == "key"
    ]
    assert keys == ["ID", "POS", "CUTOUTDETAIL"]
    values = {
        k: v.text
        for k, v in zip(
            keys,
            [
                e
                for e in page.iter("{http://www.w3.org/1999/xhtml}code")
                if e.get("property") == "value"
            ],
            strict=True,
        )
    }
    response = await _cut(datalink_client, **values)  # the example works
    assert response.status_code == 200
    availability = await datalink_client.get("/api/cutout/availability")
    assert b"<vosi:available>true</vosi:available>" in availability.content
