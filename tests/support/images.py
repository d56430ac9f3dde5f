"""Fixtures of the image services (DataLink, SODA): the application in-process and a real
server, per backend, sharing one cache of made files (the demo's files are the same on
both backends). Registered for the whole suite by ``tests/conftest.py``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pytest

from tests.support.app_client import app_config, in_process_client
from tests.support.server import ServerProcess, served


@pytest.fixture(scope="session")
def pixel_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made demo files and previews, shared by every DataLink test."""
    return tmp_path_factory.mktemp("pixel-cache")


@pytest.fixture(scope="session")
async def datalink_client(
    demo_url: str, tmp_path_factory: pytest.TempPathFactory, pixel_cache: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """The application in-process over the demo data, per backend."""
    config = app_config(demo_url, tmp_path_factory.mktemp("datalink"), pixel_cache_dir=pixel_cache)
    async with in_process_client(config) as client:
        yield client


@pytest.fixture(scope="session")
def datalink_server(
    demo_url: str, tmp_path_factory: pytest.TempPathFactory, pixel_cache: Path
) -> Iterator[ServerProcess]:
    """``obscura serve`` over the demo data, per backend."""
    env = {"OBSCURA_PIXEL_CACHE_DIR": str(pixel_cache)}
    with served(demo_url, Path(tmp_path_factory.mktemp("datalink-server")), env) as server:
        yield server


@pytest.fixture(scope="session")
def sample_rows(demo_tables: list[pa.Table]) -> dict[str, dict[str, Any]]:
    """One demo row of each product type, by subtype (``visit_image``...): the visit and
    difference images of one detector-visit, and the deep coadd of a patch that visit
    covers in its band."""
    rows: dict[str, dict[str, Any]] = {}
    by_type = {
        str(t.column("dataproduct_subtype")[0]).removeprefix("lsst."): t for t in demo_tables
    }
    visit = by_type["visit_image"].slice(100, 1).to_pylist()[0]
    rows["visit_image"] = visit
    for subtype in ("raw", "difference_image"):
        table = by_type[subtype].to_pylist()
        rows[subtype] = next(
            r
            for r in table
            if r["lsst_visit"] == visit["lsst_visit"]
            and r["lsst_detector"] == visit["lsst_detector"]
        )
    for subtype in ("deep_coadd", "template_coadd"):
        rows[subtype] = by_type[subtype].slice(0, 1).to_pylist()[0]
    return rows
