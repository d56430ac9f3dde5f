"""SODA with real clients against a real server, on both backends: pyvo's SodaQuery from a
DataLink descriptor (circle, polygon, range; each of the three descriptors), the DP1
tutorials' cutout sequence, and async jobs of several IDs and stencils (in the API
process, and on an ``obscura worker`` on PostgreSQL), with the UWS behaviour TAP's jobs
have: phases, WAIT, owner isolation, abort, destruction."""

from __future__ import annotations

import io
import math
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pytest
from astropy.io import fits
from astropy.wcs import WCS
from pyvo.dal.adhoc import DatalinkResults, SodaQuery

from app.storage.archive import fill_archive
from app.storage.database import create_sync_engine
from tests.support.pgcluster import PostgresCluster
from tests.support.server import ServerProcess, WorkerProcess

UWS = "{http://www.ivoa.net/xml/UWS/v1.0}"


def _links(server: ServerProcess, did: str) -> DatalinkResults:
    query = urllib.parse.urlencode({"ID": did})
    return DatalinkResults.from_result_url(f"{server.url}/api/datalink/links?{query}")


def _whole(links: DatalinkResults) -> fits.HDUList:
    (this,) = links.bysemantics("#this", include_narrower=False)
    return fits.open(io.BytesIO(httpx.get(this.access_url, timeout=120).content))


@pytest.mark.parametrize(
    ("descriptor", "planes"),
    [
        ("cutout-sync", ["IMAGE"]),
        ("cutout-sync-maskedimage", ["IMAGE", "MASK", "VARIANCE"]),
        ("cutout-sync-exposure", ["IMAGE", "MASK", "VARIANCE"]),
    ],
)
def test_pyvo_soda_query_from_each_descriptor(
    datalink_server: ServerProcess,
    sample_rows: dict[str, dict[str, Any]],
    descriptor: str,
    planes: list[str],
) -> None:
    row = sample_rows["deep_coadd"]
    ra, dec = row["s_ra"], row["s_dec"]
    links = _links(datalink_server, row["obs_publisher_did"])
    d = 15 / 3600
    cosine = math.cos(math.radians(dec))
    stencils = {
        "circle": (ra, dec, d),
        "polygon": (ra - d / cosine, dec - d, ra + d / cosine, dec - d, ra, dec + d),
        "range": (ra - d / cosine, ra + d / cosine, dec - d, dec + d),
    }
    with _whole(links) as whole:
        for kind, values in stencils.items():
            query = SodaQuery.from_resource(links, links.get_adhocservice_by_id(descriptor))
            setattr(query, kind, values)
            with fits.open(io.BytesIO(query.execute_stream().read())) as cut:
                assert [h.name for h in cut[1:]] == planes, kind
                x0, y0 = cut[0].header["CUTX0"], cut[0].header["CUTY0"]
                ny, nx = cut["IMAGE"].data.shape
                assert 100 < nx < 200, kind
                for name in planes:
                    same = whole[name].data[y0 : y0 + ny, x0 : x0 + nx]
                    assert np.array_equal(cut[name].data, same, equal_nan=True), (kind, name)


def test_the_dp1_tutorial_sequence(
    datalink_server: ServerProcess, sample_rows: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """As DP1 tutorial 103_4 does it: TAP for the image, DataLink from its access_url,
    SodaQuery from cutout-sync-exposure (and -maskedimage), circle then polygon, the
    FITS written to a file and opened."""
    import pyvo

    visit = sample_rows["visit_image"]
    tap = pyvo.dal.TAPService(datalink_server.tap_url)
    result = tap.search(
        "SELECT access_url, s_ra, s_dec FROM ivoa.ObsCore WHERE obs_publisher_did = "
        f"'{visit['obs_publisher_did']}'"
    )
    dl_result = DatalinkResults.from_result_url(result[0]["access_url"])
    ra, dec = float(result[0]["s_ra"]), float(result[0]["s_dec"])
    for descriptor in ("cutout-sync-exposure", "cutout-sync-maskedimage"):
        sq = SodaQuery.from_resource(dl_result, dl_result.get_adhocservice_by_id(descriptor))
        sq.circle = (ra, dec, 0.005)
        path = tmp_path / f"{descriptor}-circle.fits"
        path.write_bytes(sq.execute_stream().read())
        with fits.open(path) as hdus:
            assert [h.name for h in hdus[1:]] == ["IMAGE", "MASK", "VARIANCE"]
            assert hdus["IMAGE"].header["BUNIT"] == "nJy"
            assert WCS(hdus["IMAGE"].header).has_celestial
        sq = SodaQuery.from_resource(dl_result, dl_result.get_adhocservice_by_id(descriptor))
        step = 0.004
        sq.polygon = (ra - step, dec - step, ra + step, dec - step, ra + step, dec + step,
                      ra - step, dec + step)  # fmt: skip
        with fits.open(io.BytesIO(sq.execute_stream().read())) as hdus:
            assert hdus["IMAGE"].data.shape[0] > 100


def _job_xml(url: str, user: str = "ana", **params: str) -> ET.Element:
    response = httpx.get(url, params=params, headers={"X-Auth-Request-User": user}, timeout=60)
    assert response.status_code == 200, response.text
    return ET.fromstring(response.content)


def _submit(server: ServerProcess, pairs: list[tuple[str, str]], user: str = "ana") -> str:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    created = httpx.post(
        f"{server.url}/api/cutout/jobs",
        data=data,
        headers={"X-Auth-Request-User": user},
        timeout=60,
    )
    assert created.status_code == 303, created.text
    return str(created.headers["location"])


def _finished(url: str, user: str = "ana") -> ET.Element:
    deadline = time.monotonic() + 180
    while True:
        job = _job_xml(url, user, WAIT="10")
        phase = job.findtext(f"{UWS}phase")
        if phase in ("COMPLETED", "ERROR", "ABORTED"):
            return job
        assert time.monotonic() < deadline, f"still {phase}"


def _async_cutouts(server: ServerProcess, rows: dict[str, dict[str, Any]], user: str) -> None:
    visit, coadd = rows["visit_image"], rows["deep_coadd"]
    unknown = "ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=00000000-0000-0000-0000-000000000000"
    data = [
        ("ID", visit["obs_publisher_did"]),
        ("ID", coadd["obs_publisher_did"]),
        ("ID", unknown),
        ("CIRCLE", f"{visit['s_ra']} {visit['s_dec']} 0.003"),
        ("CIRCLE", f"{coadd['s_ra']} {coadd['s_dec']} 0.003"),
        ("CUTOUTDETAIL", "MaskedImage"),
        ("PHASE", "RUN"),
    ]
    url = _submit(server, data, user)
    job = _finished(url, user)
    assert job.findtext(f"{UWS}phase") == "COMPLETED"
    results = {
        r.get("id"): r.get("{http://www.w3.org/1999/xlink}href") for r in job.iter(f"{UWS}result")
    }
    assert len(results) == 6  # three IDs times two stencils
    cutouts = {k: v for k, v in results.items() if k.startswith("cutout-")}
    errors = {k: v for k, v in results.items() if k.startswith("error-")}
    # Each image overlaps its own circle only; the unknown ID fails both.
    assert len(cutouts) == 2
    assert len(errors) == 4
    headers = {"X-Auth-Request-User": user}
    for href in cutouts.values():
        response = httpx.get(str(href), headers=headers, timeout=60)
        with fits.open(io.BytesIO(response.content)) as hdus:
            assert [h.name for h in hdus[1:]] == ["IMAGE", "MASK", "VARIANCE"]
    texts = [httpx.get(str(h), headers=headers, timeout=60).text for h in errors.values()]
    assert sum(t.startswith("UsageError: Unknown dataset ID") for t in texts) == 2
    assert sum(t.startswith("UsageError: The stencil does not overlap") for t in texts) == 2


def test_async_jobs_of_several_ids_and_stencils(
    datalink_server: ServerProcess, sample_rows: dict[str, dict[str, Any]]
) -> None:
    _async_cutouts(datalink_server, sample_rows, "ana")


def test_async_jobs_behave_as_uws_jobs(
    datalink_server: ServerProcess, sample_rows: dict[str, dict[str, Any]]
) -> None:
    row = sample_rows["visit_image"]
    data = [("ID", row["obs_publisher_did"]), ("CIRCLE", f"{row['s_ra']} {row['s_dec']} 0.01")]
    url = _submit(datalink_server, data)
    pending = _job_xml(url, WAIT="1")
    assert pending.findtext(f"{UWS}phase") == "PENDING"
    # Another user sees no such job; neither does TAP's job list.
    assert httpx.get(url, headers={"X-Auth-Request-User": "bea"}).status_code == 404
    job_id = url.rsplit("/", 1)[1]
    tap_view = httpx.get(
        f"{datalink_server.url}/api/tap/async/{job_id}", headers={"X-Auth-Request-User": "ana"}
    )
    assert tap_view.status_code == 404
    listing = _job_xml(f"{datalink_server.url}/api/cutout/jobs")
    assert job_id in [j.get("id") for j in listing.iter(f"{UWS}jobref")]
    destruction = "2030-01-01T00:00:00Z"
    httpx.post(f"{url}/destruction", data={"DESTRUCTION": destruction},
               headers={"X-Auth-Request-User": "ana"})  # fmt: skip
    assert httpx.get(f"{url}/destruction", headers={"X-Auth-Request-User": "ana"}).text
    httpx.post(f"{url}/phase", data={"PHASE": "ABORT"}, headers={"X-Auth-Request-User": "ana"})
    assert _job_xml(url).findtext(f"{UWS}phase") == "ABORTED"
    deleted = httpx.delete(url, headers={"X-Auth-Request-User": "ana"})
    assert deleted.status_code == 303
    assert httpx.get(url, headers={"X-Auth-Request-User": "ana"}).status_code == 404
    bad = _submit(datalink_server, [("CIRCLE", "1 2"), ("ID", "x"), ("PHASE", "RUN")])
    job = _finished(bad)
    assert job.findtext(f"{UWS}phase") == "ERROR"
    error = httpx.get(f"{bad}/error", headers={"X-Auth-Request-User": "ana"})
    assert error.headers["content-type"].startswith("text/plain")
    assert "CIRCLE" in error.text


@pytest.fixture(scope="module")
def worker_setup(
    pg_cluster: PostgresCluster,
    demo_tables: list[pa.Table],
    tmp_path_factory: pytest.TempPathFactory,
    pixel_cache: Path,
) -> Iterator[ServerProcess]:
    url = pg_cluster.create_database("soda_workers")
    engine = create_sync_engine(url)
    fill_archive(engine, demo_tables, replace=True, progress=False)
    engine.dispose()
    data_dir = tmp_path_factory.mktemp("soda-workers")
    settings = {"OBSCURA_JOB_RUNNER": "queue", "OBSCURA_PIXEL_CACHE_DIR": str(pixel_cache)}
    api = ServerProcess(url, data_dir, settings)
    worker = WorkerProcess(url, data_dir, {**settings, "OBSCURA_BASE_URL": api.url})
    try:
        yield api
    finally:
        output = worker.stop()
        api.stop()
        assert "Traceback" not in output, output


def test_async_cutouts_on_a_worker(
    worker_setup: ServerProcess, sample_rows: dict[str, dict[str, Any]]
) -> None:
    _async_cutouts(worker_setup, sample_rows, "cy")
