"""Errors met before a route is chosen (no such path, a method the path does not take, a
body refused by a middleware) are written the way the service the path belongs to writes
its errors: SODA in text/plain with its labels, SIA and DataLink with DALI labels, TAP as
a bare DALI VOTable error document."""

from __future__ import annotations

import io

import httpx
import pytest
from astropy.io.votable import parse


def _dali_message(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/x-votable+xml")
    document = parse(io.BytesIO(response.content))
    (status,) = [i for i in document.resources[0].infos if i.name == "QUERY_STATUS"]
    assert status.value == "ERROR"
    return str(status.content)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("POST", "/api/cutout/examples", 405),
        ("PUT", "/api/cutout/sync", 405),
        ("GET", "/api/cutout/nosuch", 404),
        ("DELETE", "/api/cutout/jobs", 405),
    ],
)
async def test_soda_paths_answer_in_text(
    datalink_client: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await datalink_client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("UsageError: "), response.text


async def test_sia_and_datalink_paths_answer_with_dali_labels(
    datalink_client: httpx.AsyncClient,
) -> None:
    sia = await datalink_client.request("PUT", "/api/sia/dp1/query")
    assert sia.status_code == 405
    assert _dali_message(sia).startswith("UsageFault: Method PUT")
    links = await datalink_client.get("/api/datalink/nosuch")
    assert links.status_code == 404
    assert _dali_message(links).startswith("NotFoundFault: Not found")
    tap = await datalink_client.get("/api/tap/nosuch")
    assert tap.status_code == 404
    assert _dali_message(tap).startswith("Not found")


async def test_a_body_refused_before_routing_is_answered_by_its_service(
    datalink_client: httpx.AsyncClient,
) -> None:
    huge = {"content-length": str(10**12), "content-type": "application/x-www-form-urlencoded"}
    soda = await datalink_client.post("/api/cutout/sync", headers=huge, content=b"")
    assert soda.status_code == 413
    assert soda.text.startswith("UsageError: The request body is larger"), soda.text
    tap = await datalink_client.post("/api/tap/sync", headers=huge, content=b"")
    assert tap.status_code == 413
    assert _dali_message(tap).startswith("The request body is larger")
