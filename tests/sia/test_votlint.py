"""STILTS votlint finds nothing to report in what the SIA service sends: a query result
(BINARY2 and TABLEDATA), an error document and the MAXREC=0 self-description."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.sia.conftest import QUERY_PATH

DOCUMENTS = {
    "result-binary2": {"POS": "CIRCLE 53.13 -28.1 0.1", "CALIB": "2"},
    "result-tabledata": {"POS": "CIRCLE 53.13 -28.1 0.1", "RESPONSEFORMAT": "votable/td"},
    "overflow": {"POS": "RANGE 52 54 -29 -27", "MAXREC": "3"},
    "error": {"POS": "CIRCLE 53.13 -98.1 0.1"},
    "self-description": {"MAXREC": "0"},
}


def _votlint(path: Path) -> str:
    stilts = shutil.which("stilts")
    if stilts is None:
        pytest.fail("stilts is not installed (make test installs Debian's stilts package)")
    run = subprocess.run(
        [stilts, "votlint", f"votable={path}"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    return run.stdout + run.stderr


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
async def test_votlint_is_silent(sia_client: httpx.AsyncClient, tmp_path: Path, name: str) -> None:
    response = await sia_client.get(QUERY_PATH, params=DOCUMENTS[name])
    assert response.status_code == (400 if name == "error" else 200)
    path = tmp_path / f"{name}.xml"
    path.write_bytes(response.content)
    report = _votlint(path)
    assert report.strip() == "", report
