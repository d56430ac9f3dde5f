"""The files DataLink links to: ``#this`` downloads (Content-Length, ETag, HEAD, ranges,
a file name), previews and thumbnails, and the DP1 shapes of what is downloaded."""

from __future__ import annotations

import io
import math
from typing import Any

import httpx
import numpy as np
import pytest
from astropy.io import fits
from astropy.io.votable import parse
from astropy.wcs import WCS
from PIL import Image

from obscore.stcs import parse_polygon

SHAPES = {
    "raw": (4608, 4096),
    "visit_image": (4072, 4000),
    "difference_image": (4072, 4000),
    "deep_coadd": (3400, 3400),
    "template_coadd": (3400, 3400),
}


async def _link(
    client: httpx.AsyncClient, did: str, semantics: str, local: str | None = None
) -> dict[str, Any]:
    response = await client.get("/api/datalink/links", params={"ID": did})
    table = parse(io.BytesIO(response.content)).get_first_table().to_table()
    row = next(
        r
        for r in table
        if r["semantics"] == semantics and (local is None or r["local_semantics"] == local)
    )
    return {name: row[name] for name in table.colnames}


def _path(url: str) -> str:
    return url.removeprefix("https://archive.example.org")


@pytest.mark.parametrize("product", list(SHAPES))
async def test_this_is_a_dp1_shaped_file(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]], product: str
) -> None:
    row = sample_rows[product]
    this = await _link(datalink_client, row["obs_publisher_did"], "#this")
    response = await datalink_client.get(_path(this["access_url"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/fits"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.headers["accept-ranges"] == "bytes"
    disposition = response.headers["content-disposition"]
    assert product in disposition
    assert disposition.endswith('.fits"')
    with fits.open(io.BytesIO(response.content)) as hdus:
        names = [h.name for h in hdus]
        if product == "raw":
            image = next(h for h in hdus if h.is_image and h.data is not None)
            assert np.issubdtype(image.data.dtype, np.integer)
        else:
            assert names[1:4] == ["IMAGE", "MASK", "VARIANCE"]
            image = hdus["IMAGE"]
            assert image.header["BUNIT"] == "nJy"
            assert (
                hdus["VARIANCE"].header["BUNIT"] == "nJy**2"
                or "nJy" in hdus["VARIANCE"].header["BUNIT"]
            )
            mask = hdus["MASK"].header
            assert (mask["MP_BAD"], mask["MP_SAT"], mask["MP_EDGE"], mask["MP_NO_DATA"]) == (
                0,
                1,
                4,
                8,
            )
        assert (image.header["NAXIS1"], image.header["NAXIS2"]) == SHAPES[product]
        wcs = WCS(image.header)
        nx, ny = SHAPES[product]
        corners = np.array([[0, 0], [nx - 1, 0], [nx - 1, ny - 1], [0, ny - 1]], dtype=float)
        sky = wcs.pixel_to_world_values(corners[:, 0], corners[:, 1])
        vertices = np.array(parse_polygon(row["s_region"]))
        if product != "raw":  # raws carry an approximate WCS only
            for ra, dec in zip(*sky, strict=True):
                distance = np.min(
                    np.hypot(
                        (vertices[:, 0] - ra) * math.cos(math.radians(dec)), vertices[:, 1] - dec
                    )
                )
                assert distance * 3600 / 0.2 < 1.0  # within a pixel (0.2")
    # The size #this declares, once the file exists, is the file's.
    again = await _link(datalink_client, row["obs_publisher_did"], "#this")
    assert again["content_length"] == len(response.content)


async def test_head_ranges_and_etags(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    did = sample_rows["deep_coadd"]["obs_publisher_did"]
    url = _path((await _link(datalink_client, did, "#this"))["access_url"])
    whole = await datalink_client.get(url)
    size = len(whole.content)
    head = await datalink_client.head(url)
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == size
    assert head.content == b""
    part = await datalink_client.get(url, headers={"Range": "bytes=2880-5759"})
    assert part.status_code == 206
    assert part.content == whole.content[2880:5760]
    assert part.headers["content-range"] == f"bytes 2880-5759/{size}"
    tail = await datalink_client.get(url, headers={"Range": "bytes=-100"})
    assert tail.content == whole.content[-100:]
    beyond = await datalink_client.get(url, headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416
    etag = whole.headers["etag"]
    cached = await datalink_client.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304


async def test_preview_and_thumbnail(
    datalink_client: httpx.AsyncClient, sample_rows: dict[str, dict[str, Any]]
) -> None:
    did = sample_rows["visit_image"]["obs_publisher_did"]
    for local, limit in (("preview", 1024), ("thumbnail", 256)):
        link = await _link(datalink_client, did, "#preview", local)
        response = await datalink_client.get(_path(link["access_url"]))
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        picture = Image.open(io.BytesIO(response.content))
        assert max(picture.size) <= limit
        assert max(picture.size) > limit * 0.9
        levels = np.asarray(picture)
        assert levels.std() > 5  # an image, not a flat field


async def test_unknown_keys_are_404(datalink_client: httpx.AsyncClient) -> None:
    for path in ("/api/datalink/files/bm90aGluZw/x.fits", "/api/datalink/previews/!!.png"):
        response = await datalink_client.get(path)
        assert response.status_code == 404
        assert b"NotFoundFault" in response.content
