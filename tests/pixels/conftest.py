"""Fixtures: the demo rows chosen for the pixel tests and their files, written once."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from pixels import write_product
from tests.pixels.demo_rows import SEED, Trio, find_trio


@pytest.fixture(scope="session")
def trio(demo_tables: list[pa.Table]) -> Trio:
    tables = {t["dataproduct_subtype"][0].as_py(): t for t in demo_tables}
    return find_trio(tables)


@pytest.fixture(scope="session")
def files(trio: Trio, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The six files, by role."""
    directory = tmp_path_factory.mktemp("pixels")
    roles = {
        "visit": trio.visit,
        "other_visit": trio.other_visit,
        "difference": trio.difference,
        "raw": trio.raw,
        "deep": trio.deep,
        "template": trio.template,
    }
    out = {}
    for role, row in roles.items():
        out[role] = directory / f"{role}.fits"
        write_product(row, out[role], seed=SEED)
    return out
