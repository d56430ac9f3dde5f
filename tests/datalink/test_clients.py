"""Real clients against a real server, on both backends: pyvo from TAP and SIA results
through DataLink to the file and the cutout descriptor, and STILTS ``datalinklint``,
the IVOA validator, which must find nothing at all (no error, no warning)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
import pytest
import pyvo
from astropy.io import fits
from pyvo.dal.adhoc import DatalinkResults

from tests.support.server import ServerProcess

_TOTALS = re.compile(r"Totals:\s+Errors:\s*(\d+);\s+Warnings:\s*(\d+)")


def _datalinklint(url: str, log: Path) -> tuple[int, int, str]:
    stilts = shutil.which("stilts")
    assert stilts is not None, "stilts is not installed (scripts/install-system-deps.sh)"
    completed = subprocess.run(
        [stilts, "-Djava.awt.headless=true", "datalinklint", f"votable={url}", "report=EWF",
         "format=text", "truncate=1000"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    output = completed.stdout + completed.stderr
    log.write_text(output)
    totals = _TOTALS.search(output)
    assert totals is not None, output[-3000:]
    return int(totals.group(1)), int(totals.group(2)), output


def _this(links: DatalinkResults) -> Any:
    """The one #this link (pyvo's narrower-term expansion would fetch the vocabulary)."""
    (this,) = links.bysemantics("#this", include_narrower=False)
    return this


def _links_url(server: ServerProcess, *ids: str) -> str:
    query = urllib.parse.urlencode([("ID", i) for i in ids])
    return f"{server.url}/api/datalink/links?{query}"


def test_datalinklint_finds_nothing(
    datalink_server: ServerProcess, sample_rows: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    dids = [row["obs_publisher_did"] for row in sample_rows.values()]
    requests = {
        f"one-{product}": [row["obs_publisher_did"]] for product, row in sample_rows.items()
    }
    requests["several"] = dids
    requests["unknown-and-malformed"] = [
        "ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=00000000-0000-0000-0000-000000000000",
        "not an id",
    ]
    for name, ids in requests.items():
        errors, warnings, output = _datalinklint(
            _links_url(datalink_server, *ids), tmp_path / f"{name}.txt"
        )
        assert (errors, warnings) == (0, 0), f"{name}:\n" + "\n".join(
            line for line in output.splitlines() if re.match(r"^[EW]-", line)
        )


def test_pyvo_from_tap_to_the_file(
    datalink_server: ServerProcess, sample_rows: dict[str, dict[str, Any]]
) -> None:
    visit = sample_rows["visit_image"]
    tap = pyvo.dal.TAPService(datalink_server.tap_url)
    result = tap.search(
        "SELECT obs_publisher_did, access_url, access_format FROM ivoa.ObsCore "
        f"WHERE lsst_visit = {visit['lsst_visit']} AND lsst_detector = {visit['lsst_detector']} "
        "ORDER BY dataproduct_subtype"
    )
    assert len(result) == 3  # the raw, the visit image and the difference image
    links = DatalinkResults.from_result_url(result[2].getdataurl())
    this = _this(links)
    with fits.open(io.BytesIO(httpx.get(this.access_url, timeout=120).content)) as hdus:
        assert [h.name for h in hdus][1:4] == ["IMAGE", "MASK", "VARIANCE"]
        assert hdus["IMAGE"].header["NAXIS1"] == 4072
    service = links.get_adhocservice_by_id("cutout-sync-exposure")
    group = next(g for g in service.groups if g.name == "inputParams")
    inputs = {p.name: p for p in group.entries}
    assert inputs["ID"].value == visit["obs_publisher_did"]
    assert inputs["CUTOUTDETAIL"].value == "Exposure"
    access = next(p for p in service.params if p.name == "accessURL")
    assert str(access.value).endswith("/api/cutout/sync")
    # Every row of the TAP result leads to its links.
    datalinks = list(result.iter_datalinks())
    assert len(datalinks) == 3
    assert all(_this(d) is not None for d in datalinks)


def test_pyvo_from_sia_to_the_links(
    datalink_server: ServerProcess, sample_rows: dict[str, dict[str, Any]]
) -> None:
    coadd = sample_rows["deep_coadd"]
    sia = pyvo.dal.SIA2Service(f"{datalink_server.url}/api/sia/dp1")
    found = sia.search(pos=(coadd["s_ra"], coadd["s_dec"], 0.01), calib_level=3, maxrec=50)
    records = [r for r in found if r["obs_publisher_did"] == coadd["obs_publisher_did"]]
    assert len(records) == 1
    links = DatalinkResults.from_result_url(records[0].getdataurl())
    assert [r.semantics for r in list(links.bysemantics("#this", include_narrower=False))] == [
        "#this"
    ]
    progenitors = list(links.bysemantics("#progenitor", include_narrower=False))
    assert len(progenitors) >= 2
    assert {str(p.content_type) for p in progenitors} == {
        "application/x-votable+xml;content=datalink"
    }


@pytest.mark.parametrize("product", ["raw", "deep_coadd"])
def test_head_gives_the_declared_length(
    datalink_server: ServerProcess, sample_rows: dict[str, dict[str, Any]], product: str
) -> None:
    did = sample_rows[product]["obs_publisher_did"]
    links = DatalinkResults.from_result_url(_links_url(datalink_server, did))
    url = _this(links).access_url
    head = httpx.head(url, timeout=120)
    assert head.status_code == 200
    declared = DatalinkResults.from_result_url(_links_url(datalink_server, did))
    assert int(head.headers["content-length"]) == int(_this(declared).content_length)
