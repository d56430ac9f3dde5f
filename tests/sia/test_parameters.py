"""SIA 2.0 query parameters over HTTP (SIA 2.0 section 2, DALI 1.1), on SQLite and on
PostgreSQL + pgSphere: each of the 20 parameters changes the result as the standard says.

Expected rows are computed here from the demo data with pyarrow and numpy (footprint
overlaps with a geometry of this file's own), never with the ``sia`` library. A tiny
extra archive holds footprints around RA 0, at the north pole and with ``pol_states``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from astropy.io.votable import parse_single_table
from astropy.table import Table

from app.config import Config
from app.storage.archive import fill_archive
from app.storage.database import create_sync_engine
from tests.sia.conftest import QUERY_PATH
from tests.sia.sky import Bools, Floats, circle_hits, polygon_hits
from tests.support.app_client import BASE_URL, in_process_client

VOT = "{http://www.ivoa.net/xml/VOTable/v1.3}"
Pairs = Sequence[tuple[str, str]]

FORNAX = ("TARGET", "Fornax_dSph")  # 1128 exposures, a small field
FORNAX_CIRCLE = ("POS", "CIRCLE 39.9 -34.35 0.35")  # exposures and coadds


# --- the demo data, seen independently -----------------------------------------------


@pytest.fixture(scope="session")
def demo(demo_tables: list[pa.Table]) -> pa.Table:
    """Every demo row in one table."""
    return pa.concat_tables(demo_tables)


@pytest.fixture(scope="session")
def footprints(demo: pa.Table) -> Floats:
    """(n, 4, 2) RA, Dec of each row's s_region (``POLYGON ICRS ra dec ...``)."""
    words = [text.split() for text in demo["s_region"].to_pylist()]
    assert all(w[:2] == ["POLYGON", "ICRS"] and len(w) == 10 for w in words)
    array: Floats = np.array([w[2:] for w in words], dtype=np.float64).reshape(-1, 4, 2)
    return array


def _dids(demo: pa.Table, mask: Any) -> set[str]:
    return set(demo.filter(mask)["obs_publisher_did"].to_pylist())


def _edge_samples(footprints: Floats, per_edge: int = 40) -> tuple[Floats, Floats]:
    """RA, Dec of points along each footprint's great-circle edges, (n, 4 * per_edge)."""
    ra, dec = np.radians(footprints[..., 0]), np.radians(footprints[..., 1])
    xyz = np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], -1)
    a, b = xyz[:, :, None, :], np.roll(xyz, -1, axis=1)[:, :, None, :]
    t = np.linspace(0.0, 1.0, per_edge, endpoint=False)[None, None, :, None]
    points = (1 - t) * a + t * b
    points = points / np.linalg.norm(points, axis=-1, keepdims=True)
    points = points.reshape(len(footprints), -1, 3)
    s_ra = np.degrees(np.arctan2(points[..., 1], points[..., 0])) % 360.0
    s_dec = np.degrees(np.arcsin(np.clip(points[..., 2], -1.0, 1.0)))
    return s_ra, s_dec


def _range_hits(
    footprints: Floats, lon1: float, lon2: float, lat1: float, lat2: float, margin: float
) -> Bools:
    """Footprints with an edge point in the RANGE widened by ``margin`` (negative:
    narrowed); ``lon1 > lon2`` crosses RA 0. For RANGEs larger than a footprint."""
    dec_range = footprints[..., 1]
    near = ((dec_range >= lat1 - 1) & (dec_range <= lat2 + 1)).any(axis=-1)
    result: Bools = np.zeros(len(footprints), dtype=bool)
    ra, dec = _edge_samples(footprints[near])
    west, east = (lon1 - margin) % 360.0, (lon2 + margin) % 360.0
    in_lon = (ra >= west) | (ra <= east) if west > east else (ra >= west) & (ra <= east)
    in_lat = (dec >= lat1 - margin) & (dec <= lat2 + margin)
    result[near] = (in_lon & in_lat).any(axis=-1)
    return result


# --- HTTP ----------------------------------------------------------------------------


async def _get(client: httpx.AsyncClient, pairs: Pairs) -> httpx.Response:
    return await client.get(QUERY_PATH, params=list(pairs))


async def _found(client: httpx.AsyncClient, *pairs: tuple[str, str]) -> set[str]:
    """The publisher DIDs a query finds (read from its CSV answer)."""
    response = await _get(client, [*pairs, ("RESPONSEFORMAT", "csv")])
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    dids = [row["obs_publisher_did"] for row in rows]
    assert len(dids) == len(set(dids))
    return set(dids)


def _table(response: httpx.Response) -> Table:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-votable+xml")
    return parse_single_table(io.BytesIO(response.content)).to_table()


def _statuses(content: bytes) -> list[tuple[str, str]]:
    root = ET.fromstring(content)
    return [
        (info.get("value", ""), (info.text or "").strip())
        for resource in root.iter(f"{VOT}RESOURCE")
        if resource.get("type") == "results"
        for info in resource.iter(f"{VOT}INFO")
        if info.get("name") == "QUERY_STATUS"
    ]


def _usage_fault(response: httpx.Response) -> str:
    """The text of an error document (400, VOTable, QUERY_STATUS ERROR, UsageFault)."""
    assert response.status_code == 400, response.text
    if response.headers["content-type"].startswith("text/plain"):  # csv or tsv asked for
        assert response.text.startswith("UsageFault:"), response.text
        return response.text
    assert response.headers["content-type"].startswith("application/x-votable+xml")
    statuses = _statuses(response.content)
    assert [status for status, _ in statuses] == ["ERROR"], statuses
    text = statuses[0][1]
    assert text.startswith("UsageFault:"), text
    return text


# --- POS -----------------------------------------------------------------------------


async def test_pos_circle(
    sia_client: httpx.AsyncClient, demo: pa.Table, footprints: Floats
) -> None:
    expected = _dids(demo, circle_hits(footprints, 53.076, -28.11, 0.05))
    table = _table(await _get(sia_client, [("POS", "CIRCLE 53.076 -28.11 0.05")]))
    assert set(table["obs_publisher_did"]) == expected
    assert 1000 < len(table) < len(demo)
    # The shape keyword in any case (Rubin refuses lower case).
    assert await _found(sia_client, ("POS", "circle 53.076 -28.11 0.05")) == expected
    assert await _found(sia_client, ("pos", "Circle 53.076 -28.11 0.05")) == expected


async def test_pos_circle_far_from_data_finds_nothing(sia_client: httpx.AsyncClient) -> None:
    assert await _found(sia_client, ("POS", "CIRCLE 200 40 2")) == set()


async def test_pos_range(sia_client: httpx.AsyncClient, demo: pa.Table, footprints: Floats) -> None:
    box = (39.5, 40.2, -34.6, -34.0)
    found = await _found(sia_client, ("POS", "RANGE 39.5 40.2 -34.6 -34.0"))
    surely = _dids(demo, _range_hits(footprints, *box, margin=-0.003))
    maybe = _dids(demo, _range_hits(footprints, *box, margin=0.03))
    assert surely <= found <= maybe
    assert len(surely) > 100
    assert len(maybe - surely) < len(surely) / 4
    assert await _found(sia_client, ("POS", "range 39.5 40.2 -34.6 -34.0")) == found


async def test_pos_range_crossing_ra_0(
    sia_client: httpx.AsyncClient, demo: pa.Table, footprints: Floats
) -> None:
    # 47 Tuc lies at RA 4..9: RANGE 355 6 (lon1 > lon2) crosses RA 0 and finds its west
    # side; read as [6, 355] it would find every other field instead.
    found = await _found(sia_client, ("POS", "RANGE 359 4.8 -73 -71"))
    surely = _dids(demo, _range_hits(footprints, 359, 4.8, -73, -71, margin=-0.003))
    maybe = _dids(demo, _range_hits(footprints, 359, 4.8, -73, -71, margin=0.03))
    assert surely <= found <= maybe
    assert len(surely) > 20
    near_47_tuc = _dids(demo, pc.less(demo["s_ra"], 10.0))
    assert found <= near_47_tuc


async def test_pos_wide_ranges(
    sia_client: httpx.AsyncClient,
    demo: pa.Table,
    footprints: Floats,
) -> None:
    # lon1 < lon2: [6, 355], without the footprints west of RA 6 (47 Tuc's west side).
    other = await _found(sia_client, ("POS", "RANGE 6 355 -73 -71"))
    west_of_6 = _dids(demo, (footprints[..., 0] < 5.95).all(axis=-1))
    assert other
    assert not other & west_of_6
    # A band of latitude over all longitudes, with -Inf +Inf: only 47 Tuc is below -60.
    found = await _found(sia_client, ("POS", "RANGE -Inf +Inf -Inf -60"))
    assert found == _dids(demo, pc.less(demo["s_dec"], -60.0))
    assert await _found(sia_client, ("POS", "RANGE 0 360 -90 -60")) == found


async def test_pos_polygon_with_many_vertices(
    sia_client: httpx.AsyncClient,
    demo: pa.Table,
    footprints: Floats,
) -> None:
    # A 24-gon around Fornax (DALI sets no limit on the number of vertices).
    angles = np.radians(np.arange(24) * 15.0)
    scale = 1 / math.cos(math.radians(34.35))
    vertices = [(39.9 + 0.3 * scale * math.cos(a), -34.35 + 0.3 * math.sin(a)) for a in angles]
    found = await _found(sia_client, ("POS", _polygon_text(vertices)))
    assert found == _dids(demo, polygon_hits(footprints, vertices)) != set()


CONCAVE = [  # a U over Fornax: the notch (RA 39.6..40.2, Dec -34.4..-33.8) is not in it
    (39.3, -34.9),
    (40.5, -34.9),
    (40.5, -33.8),
    (40.2, -33.8),
    (40.2, -34.4),
    (39.6, -34.4),
    (39.6, -33.8),
    (39.3, -33.8),
]
HULL = [(39.3, -34.9), (40.5, -34.9), (40.5, -33.8), (39.3, -33.8)]


def _polygon_text(vertices: Sequence[tuple[float, float]]) -> str:
    return "POLYGON " + " ".join(f"{ra} {dec}" for ra, dec in vertices)


async def test_pos_concave_polygon(
    sia_client: httpx.AsyncClient, demo: pa.Table, footprints: Floats
) -> None:
    expected = _dids(demo, polygon_hits(footprints, CONCAVE))
    hull = _dids(demo, polygon_hits(footprints, HULL))
    in_notch = hull - expected
    assert len(in_notch) > 20  # footprints its convex hull would add
    assert await _found(sia_client, ("POS", _polygon_text(CONCAVE))) == expected
    assert await _found(sia_client, ("POS", _polygon_text(HULL))) == hull
    # The keyword in any case.
    lower = _polygon_text(CONCAVE).replace("POLYGON", "polygon")
    assert await _found(sia_client, ("POS", lower)) == expected


async def test_pos_values_are_ored(
    sia_client: httpx.AsyncClient, demo: pa.Table, footprints: Floats
) -> None:
    first, second = "CIRCLE 39.9 -34.35 0.1", "CIRCLE 6.0 -72.1 0.1"
    expected_first = _dids(demo, circle_hits(footprints, 39.9, -34.35, 0.1))
    expected_second = _dids(demo, circle_hits(footprints, 6.0, -72.1, 0.1))
    assert expected_first
    assert expected_second
    found = await _found(sia_client, ("POS", first), ("POS", second))
    assert found == expected_first | expected_second
    mixed = await _found(sia_client, ("POS", first), ("POS", _polygon_text(HULL)))
    assert mixed == expected_first | _dids(demo, polygon_hits(footprints, HULL))


# --- BAND and TIME (overlap, bounds included) ----------------------------------------


@pytest.mark.parametrize(
    ("band", "bands"),
    [
        ("5.51e-7", {"r"}),  # r's lower bound, included
        ("5.483e-7", {"g"}),  # g's upper bound, included
        ("6e-7", {"r"}),
        ("6.2e-7 +Inf", {"r", "i", "z", "y"}),
        ("-Inf 4e-7", {"u"}),
        ("5.4e-7 5.6e-7", {"g", "r"}),
        ("5.49e-7 5.5e-7", set()),  # in the gap between g and r
        ("4.0e-7", set()),  # between u and g
        ("9.25e-7", set()),  # between z and y
        ("-Inf +Inf", {"u", "g", "r", "i", "z", "y"}),
    ],
)
async def test_band(
    sia_client: httpx.AsyncClient, demo: pa.Table, band: str, bands: set[str]
) -> None:
    numbers = [float(word) for word in band.split()]
    low, high = numbers[0], numbers[-1]
    fornax = pc.equal(demo["target_name"], FORNAX[1])
    overlap = pc.and_(pc.less_equal(demo["em_min"], high), pc.greater_equal(demo["em_max"], low))
    expected = _dids(demo, pc.and_(fornax, overlap))
    found = await _found(sia_client, ("BAND", band), FORNAX)
    assert found == expected
    got_bands = set(
        demo.filter(pc.is_in(demo["obs_publisher_did"], pa.array(list(found), type=pa.string())))[
            "lsst_band"
        ].to_pylist()
    )
    assert got_bands == (bands & set(demo.filter(fornax)["lsst_band"].to_pylist()))


async def test_band_values_are_ored(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    found = await _found(sia_client, ("BAND", "3.5e-7"), ("BAND", "8.5e-7"), FORNAX)
    mask = pc.and_(
        pc.equal(demo["target_name"], FORNAX[1]), pc.is_in(demo["lsst_band"], pa.array(["u", "z"]))
    )
    assert found == _dids(demo, mask)


async def test_time(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    fornax = demo.filter(pc.equal(demo["target_name"], FORNAX[1]))
    t_min = sorted(v for v in fornax["t_min"].to_pylist() if v is not None)
    start, end = t_min[10], t_min[200]
    found = await _found(sia_client, ("TIME", f"{start!r} {end!r}"), FORNAX)
    overlap = pc.and_(pc.less_equal(demo["t_min"], end), pc.greater_equal(demo["t_max"], start))
    expected = _dids(demo, pc.and_(pc.equal(demo["target_name"], FORNAX[1]), overlap))
    assert found == expected
    assert 0 < len(found) < fornax.num_rows
    # One value: the exposures under way at that moment (bounds included).
    found = await _found(sia_client, ("TIME", repr(start)), FORNAX)
    at = pc.and_(pc.less_equal(demo["t_min"], start), pc.greater_equal(demo["t_max"], start))
    assert found == _dids(demo, pc.and_(pc.equal(demo["target_name"], FORNAX[1]), at))
    assert found
    assert await _found(sia_client, ("TIME", "50000 50001"), FORNAX) == set()


async def test_time_never_finds_coadds(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    everything = await _found(sia_client, FORNAX_CIRCLE)
    timed = await _found(sia_client, FORNAX_CIRCLE, ("TIME", "-Inf +Inf"))
    coadds = _dids(demo, pc.is_null(demo["t_min"]))
    assert everything & coadds  # coadds are there...
    assert timed == everything - coadds  # ...but have no time (Rubin returns them)
    assert await _found(sia_client, FORNAX_CIRCLE, ("TIME", "60000 70000")) == timed


# --- the interval parameters: the interval contains the value, bounds included -------


async def test_exptime(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    everything = await _found(sia_client, FORNAX_CIRCLE)
    coadds = _dids(demo, pc.is_null(demo["t_exptime"]))
    exposures = everything - coadds
    assert exposures
    assert everything & coadds
    # All DP1 exposures last exactly 30 s: Rubin's strict bounds find none of them.
    assert await _found(sia_client, FORNAX_CIRCLE, ("EXPTIME", "30")) == exposures
    assert await _found(sia_client, FORNAX_CIRCLE, ("EXPTIME", "30 30")) == exposures
    assert await _found(sia_client, FORNAX_CIRCLE, ("EXPTIME", "15 30")) == exposures
    assert await _found(sia_client, FORNAX_CIRCLE, ("EXPTIME", "-Inf +Inf")) == exposures
    assert await _found(sia_client, FORNAX_CIRCLE, ("EXPTIME", "30.001 +Inf")) == set()
    assert await _found(sia_client, FORNAX_CIRCLE, ("EXPTIME", "-Inf 29.999")) == set()


async def test_fov(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    # Coadd patches are 0.267 deg across, detectors 0.317 deg.
    everything = await _found(sia_client, FORNAX_CIRCLE)
    small = _dids(demo, pc.less(demo["s_fov"], 0.3))
    assert await _found(sia_client, FORNAX_CIRCLE, ("FOV", "0.2 0.3")) == everything & small
    assert await _found(sia_client, FORNAX_CIRCLE, ("FOV", "0.3 +Inf")) == everything - small
    assert await _found(sia_client, FORNAX_CIRCLE, ("FOV", "1 2")) == set()


async def test_spatres(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    fornax = demo.filter(pc.equal(demo["target_name"], FORNAX[1]))
    values = sorted(fornax["s_resolution"].to_pylist())
    low, high = values[len(values) // 4], values[len(values) // 2]
    found = await _found(sia_client, FORNAX, ("SPATRES", f"{low!r} {high!r}"))
    column = fornax["s_resolution"]
    mask = pc.and_(pc.greater_equal(column, low), pc.less_equal(column, high))
    assert found == _dids(fornax, mask)
    assert 0 < len(found) < fornax.num_rows
    exact = await _found(sia_client, FORNAX, ("SPATRES", repr(low)))
    assert exact == _dids(fornax, pc.equal(column, low))


async def test_timeres(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    everything = await _found(sia_client, FORNAX_CIRCLE)
    exposures = everything - _dids(demo, pc.is_null(demo["t_resolution"]))
    assert exposures != everything
    assert await _found(sia_client, FORNAX_CIRCLE, ("TIMERES", "30")) == exposures
    assert await _found(sia_client, FORNAX_CIRCLE, ("TIMERES", "0 10")) == set()


async def test_specrp(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    fornax = demo.filter(pc.equal(demo["target_name"], FORNAX[1]))
    column = fornax["em_res_power"]
    found = await _found(sia_client, FORNAX, ("SPECRP", "4 5"))
    assert found == _dids(fornax, pc.and_(pc.greater_equal(column, 4), pc.less_equal(column, 5)))
    assert 0 < len(found) < fornax.num_rows
    value = float(pc.min(column).as_py())
    assert await _found(sia_client, FORNAX, ("SPECRP", repr(value))) == _dids(
        fornax, pc.equal(column, value)
    )
    assert await _found(sia_client, FORNAX, ("SPECRP", "100 +Inf")) == set()


# --- POL -----------------------------------------------------------------------------


async def test_pol_matches_nothing_in_dp1(sia_client: httpx.AsyncClient) -> None:
    # DP1 has no polarization states: a POL constraint matches no row (NULL never does).
    assert await _found(sia_client, FORNAX, ("POL", "I")) == set()
    assert await _found(sia_client, FORNAX) != set()


# --- string and integer parameters ---------------------------------------------------


async def test_id_ignores_case(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    dids = demo["obs_publisher_did"].to_pylist()
    one, two = dids[0], dids[-1]
    assert await _found(sia_client, ("ID", one)) == {one}
    assert await _found(sia_client, ("ID", one.upper())) == {one}
    assert await _found(sia_client, ("id", one.upper()), ("ID", two)) == {one, two}
    assert await _found(sia_client, ("ID", one + "0")) == set()


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        ("COLLECTION", "LSST.DP1", "lsst.dp1"),
        ("FACILITY", "Rubin:Simonyi", "Rubin:Auxtel"),
        ("INSTRUMENT", "LSSTComCam", "LSSTCam"),
        ("DPTYPE", "image", "cube"),
        ("FORMAT", "application/x-votable+xml;content=datalink", "application/fits"),
    ],
)
async def test_single_valued_columns(
    sia_client: httpx.AsyncClient, demo: pa.Table, name: str, right: str, wrong: str
) -> None:
    fornax = _dids(demo, pc.equal(demo["target_name"], FORNAX[1]))
    assert await _found(sia_client, FORNAX, (name, right)) == fornax
    assert await _found(sia_client, FORNAX, (name, wrong)) == set()
    assert await _found(sia_client, FORNAX, (name, wrong), (name, right)) == fornax


async def test_target(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    assert await _found(sia_client, FORNAX) == _dids(demo, pc.equal(demo["target_name"], FORNAX[1]))
    both = await _found(sia_client, FORNAX, ("TARGET", "47_Tuc"))
    expected = _dids(demo, pc.is_in(demo["target_name"], pa.array(["Fornax_dSph", "47_Tuc"])))
    assert both == expected
    assert await _found(sia_client, ("TARGET", "fornax_dsph")) == set()  # case-sensitive


async def test_calib_values_are_ored(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    everything = await _found(sia_client, FORNAX_CIRCLE)
    inside = pc.is_in(demo["obs_publisher_did"], pa.array(list(everything), type=pa.string()))
    levels = {
        level: _dids(demo, pc.and_(inside, pc.equal(demo["calib_level"], level)))
        for level in (1, 2, 3)
    }
    assert all(levels.values())
    assert await _found(sia_client, FORNAX_CIRCLE, ("CALIB", "2")) == levels[2]
    found = await _found(sia_client, FORNAX_CIRCLE, ("CALIB", "1"), ("CALIB", "3"))
    assert found == levels[1] | levels[3]
    assert await _found(sia_client, FORNAX_CIRCLE, ("CALIB", "0")) == set()


async def test_dpsubtype(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    everything = await _found(sia_client, FORNAX_CIRCLE)
    inside = pc.is_in(demo["obs_publisher_did"], pa.array(list(everything), type=pa.string()))

    def subtype(*names: str) -> set[str]:
        return _dids(demo, pc.and_(inside, pc.is_in(demo["dataproduct_subtype"], pa.array(names))))

    pairs = [FORNAX_CIRCLE, ("DPSUBTYPE", "lsst.deep_coadd")]
    assert await _found(sia_client, *pairs) == subtype("lsst.deep_coadd") != set()
    pairs.append(("DPSUBTYPE", "lsst.raw"))
    assert await _found(sia_client, *pairs) == subtype("lsst.deep_coadd", "lsst.raw")
    assert await _found(sia_client, FORNAX_CIRCLE, ("DPSUBTYPE", "lsst.calexp")) == set()


# --- combining parameters, names ------------------------------------------------------


async def test_different_parameters_are_anded(
    sia_client: httpx.AsyncClient, demo: pa.Table
) -> None:
    found = await _found(sia_client, ("TARGET", "ECDFS"), ("CALIB", "2"), ("BAND", "6e-7"))
    mask = pc.and_(
        pc.and_(pc.equal(demo["target_name"], "ECDFS"), pc.equal(demo["calib_level"], 2)),
        pc.equal(demo["lsst_band"], "r"),
    )
    assert found == _dids(demo, mask) != set()


async def test_parameter_names_ignore_case_and_unknown_ones_are_ignored(
    sia_client: httpx.AsyncClient,
) -> None:
    upper = await _found(sia_client, ("TARGET", "Fornax_dSph"), ("CALIB", "2"))
    assert upper
    mixed = await _found(
        sia_client, ("target", "Fornax_dSph"), ("Calib", "2"), ("NOT_SIA", "x"), ("DP_TYPE", "y")
    )
    assert mixed == upper
    response = await sia_client.post(
        QUERY_PATH,
        data={"tArGeT": "Fornax_dSph", "calib": "2", "unknown": "1", "responseformat": "csv"},
    )
    assert response.status_code == 200
    assert {row["obs_publisher_did"] for row in csv.DictReader(io.StringIO(response.text))} == upper


# --- MAXREC and RESPONSEFORMAT -------------------------------------------------------


async def test_maxrec(sia_client: httpx.AsyncClient, demo: pa.Table) -> None:
    total = len(_dids(demo, pc.equal(demo["target_name"], FORNAX[1])))
    cut = await _get(sia_client, [FORNAX, ("MAXREC", "10")])
    assert len(_table(cut)) == 10
    assert [s for s, _ in _statuses(cut.content)][-1] == "OVERFLOW"
    for maxrec in (total, total + 1):
        whole = await _get(sia_client, [FORNAX, ("maxrec", str(maxrec))])
        assert len(_table(whole)) == total
        assert [s for s, _ in _statuses(whole.content)] == ["OK"]
    none = await _get(sia_client, [FORNAX, ("MAXREC", "0")])
    assert none.status_code == 200
    assert "OVERFLOW" in [s for s, _ in _statuses(none.content)]


@pytest.mark.parametrize(
    ("format_", "content_type"),
    [
        (None, "application/x-votable+xml"),
        ("votable", "application/x-votable+xml"),
        ("application/x-votable+xml", "application/x-votable+xml"),
        ("csv", "text/csv"),
        ("text/csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("parquet", "application/vnd.apache.parquet"),
    ],
)
async def test_responseformat(
    sia_client: httpx.AsyncClient, demo: pa.Table, format_: str | None, content_type: str
) -> None:
    expected = _dids(demo, pc.equal(demo["target_name"], FORNAX[1]))
    pairs = [FORNAX] if format_ is None else [FORNAX, ("RESPONSEFORMAT", format_)]
    response = await _get(sia_client, pairs)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(content_type)
    if content_type == "application/x-votable+xml":
        found = set(_table(response)["obs_publisher_did"])
    elif content_type == "text/csv":
        found = {r["obs_publisher_did"] for r in csv.DictReader(io.StringIO(response.text))}
    elif content_type == "text/tab-separated-values":
        reader = csv.DictReader(io.StringIO(response.text), delimiter="\t")
        found = {r["obs_publisher_did"] for r in reader}
    else:
        table = pq.read_table(io.BytesIO(response.content), columns=["obs_publisher_did"])
        found = set(table["obs_publisher_did"].to_pylist())
    assert found == expected


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("POS", "CIRCLE 10 20"),
        ("POS", "BOX 10 20 1 1"),
        ("POS", "CIRCLE 10 95 1"),
        ("POS", "POLYGON 10 0 11 0 11"),
        ("POS", "RANGE 10 +Inf 0 1"),
        ("BAND", "7e-7 6e-7"),
        ("TIME", "NaN"),
        ("POL", "Z"),
        ("FOV", "1 2 3"),
        ("SPATRES", "fine"),
        ("EXPTIME", "+Inf"),
        ("ID", ""),
        ("COLLECTION", ""),
        ("FACILITY", " "),
        ("INSTRUMENT", ""),
        ("DPTYPE", ""),
        ("CALIB", "two"),
        ("TARGET", ""),
        ("TIMERES", "1 0"),
        ("SPECRP", "x y"),
        ("FORMAT", ""),
        ("DPSUBTYPE", ""),
        ("MAXREC", "-1"),
        ("MAXREC", "many"),
        ("RESPONSEFORMAT", "image/gif"),
    ],
)
async def test_malformed_values_are_usage_faults(
    sia_client: httpx.AsyncClient, name: str, value: str
) -> None:
    text = _usage_fault(await _get(sia_client, [(name.lower(), value)]))
    assert name in text
    text = _usage_fault(await sia_client.post(QUERY_PATH, data={name: value, "UNKNOWN": "x"}))
    assert name in text


async def test_repeated_single_valued_parameters_are_usage_faults(
    sia_client: httpx.AsyncClient,
) -> None:
    text = _usage_fault(await _get(sia_client, [("MAXREC", "1"), ("maxrec", "2")]))
    assert "MAXREC" in text
    text = _usage_fault(
        await _get(sia_client, [("RESPONSEFORMAT", "csv"), ("RESPONSEFORMAT", "tsv")])
    )
    assert "RESPONSEFORMAT" in text


@pytest.mark.parametrize(("name", "value"), [("EXPTIME", "-Inf -Inf"), ("BAND", "+Inf +Inf")])
async def test_empty_infinite_interval_is_a_fault_naming_the_parameter(
    sia_client: httpx.AsyncClient, name: str, value: str
) -> None:
    text = _usage_fault(await _get(sia_client, [(name, value)]))
    assert text.startswith(f"UsageFault: {name}")


# --- a tiny archive: footprints around RA 0, at the pole, with polarization ----------


def _square(ra: float, dec: float, half: float) -> str:
    corners = [(ra + half, dec - half), (ra + half, dec + half), (ra - half, dec + half)]
    corners.append((ra - half, dec - half))
    return "POLYGON ICRS " + " ".join(f"{r % 360.0:.6f} {d:.6f}" for r, d in corners)


SMALL_ROWS: dict[str, tuple[float, float, str, str | None]] = {
    # name: s_ra, s_dec, s_region, pol_states
    "straddle": (0.0, 0.0, _square(0.0, 0.0, 0.1), "/I/"),
    "west": (359.5, 0.5, _square(359.5, 0.5, 0.1), "/I/Q/U/"),
    "east": (0.5, -0.5, _square(0.5, -0.5, 0.1), None),
    "east5": (5.0, 0.0, _square(5.0, 0.0, 0.1), "/POLI/"),
    "far": (200.0, 30.0, _square(200.0, 30.0, 0.1), "/Q/"),
    "anti": (270.0, 0.0, _square(270.0, 0.0, 0.1), None),  # the antipode of RA 90, Dec 0
    "pole": (0.0, 90.0, "POLYGON ICRS 0 89.8 90 89.8 180 89.8 270 89.8", None),
}


@pytest.fixture
async def small_client(
    empty_url: str, demo: pa.Table, tmp_path: Path
) -> Any:  # an async generator of httpx.AsyncClient
    template = demo.slice(0, 1).to_pylist()[0]
    rows = []
    for name, (ra, dec, region, pol) in SMALL_ROWS.items():
        row = dict(template)
        row.update(
            s_ra=ra,
            s_dec=dec,
            s_region=region,
            pol_states=pol,
            obs_publisher_did=name,
            obs_id=name,
            pol_xel=None if pol is None else pol.count("/") - 1,
        )
        rows.append(row)
    async with _archive_client(
        empty_url, pa.Table.from_pylist(rows, schema=demo.schema), tmp_path
    ) as client:
        yield client


@contextlib.asynccontextmanager
async def _archive_client(
    url: str, rows: pa.Table, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """The service in-process over an archive of exactly ``rows``."""
    engine = create_sync_engine(url)
    fill_archive(engine, [rows], replace=True, progress=False)
    engine.dispose()
    config = Config(
        database_url=url, data_dir=tmp_path / "data", auto_demo_data=False, base_url=BASE_URL
    )
    async with in_process_client(config) as client:
        yield client


async def test_small_archive_ra_0_pole_and_pol(small_client: httpx.AsyncClient) -> None:
    async def found(*pairs: tuple[str, str]) -> set[str]:
        return await _found(small_client, *pairs)

    assert await found() == set(SMALL_ROWS)
    # RANGE crossing RA 0 (lon1 > lon2), and its complement (lon1 < lon2).
    assert await found(("POS", "RANGE 359 1 -1 1")) == {"straddle", "west", "east"}
    assert await found(("POS", "RANGE 359.95 0.05 -1 1")) == {"straddle"}
    # POLYGON and CIRCLE across RA 0.
    assert await found(("POS", "POLYGON 359.7 -0.3 0.3 -0.3 0.3 0.3 359.7 0.3")) == {"straddle"}
    across = "POLYGON 359.3 -0.7 0.7 -0.7 0.7 0.7 359.3 0.7"
    assert await found(("POS", across)) == {"straddle", "west", "east"}
    assert await found(("POS", "CIRCLE 359.99 0 0.3")) == {"straddle"}
    assert await found(("POS", "CIRCLE 0.01 0 0.3")) == {"straddle"}
    assert await found(("POS", "CIRCLE 0 0 1")) == {"straddle", "west", "east"}
    assert await found(("POS", "CIRCLE 5 0 0.2"), ("POS", "CIRCLE 200 30 0.05")) == {"east5", "far"}
    # The pole: a RANGE touching it, a polar cap, a circle on it.
    assert await found(("POS", "RANGE 100 110 89.9 90")) == {"pole"}
    assert await found(("POS", "CIRCLE 123 90 0.05")) == {"pole"}
    # POL: a state listed in pol_states; NULL never matches.
    assert await found(("POL", "I")) == {"straddle", "west"}
    assert await found(("POL", "Q")) == {"west", "far"}
    assert await found(("POL", "U"), ("POL", "POLI")) == {"west", "east5"}
    assert await found(("POL", "V")) == set()
    assert await found(("POL", "I"), ("POS", "RANGE 359 1 -1 1")) == {"straddle", "west"}


async def test_small_archive_wide_ranges(small_client: httpx.AsyncClient) -> None:
    assert await _found(small_client, ("POS", "RANGE 358 6 -1 1")) == {
        "straddle",
        "west",
        "east",
        "east5",
    }
    assert await _found(small_client, ("POS", "RANGE 100 110 89 89.5")) == set()
    assert await _found(small_client, ("POS", "RANGE 1 359 -1 1")) == {"east5", "anti"}
    assert await _found(small_client, ("POS", "RANGE -Inf +Inf 89 +Inf")) == {"pole"}


async def test_small_archive_antipode_is_not_found(small_client: httpx.AsyncClient) -> None:
    # "anti" (RA 270, Dec 0) is exactly opposite the searched region.
    for pos in (
        "CIRCLE 90 0 0.5",
        "POLYGON 89.5 -0.5 90.5 -0.5 90.5 0.5 89.5 0.5",
        "RANGE 89 91 -1 1",
    ):
        assert await _found(small_client, ("POS", pos)) == set(), pos


EDGE_ROWS: dict[str, tuple[float, float, str]] = {
    # name: s_ra, s_dec, s_region; around RANGE 39 41 19 21 (footprints as _square)
    "in": (40.0, 20.0, _square(40.0, 20.0, 0.1)),
    "east_reach": (41.15, 20.0, _square(41.15, 20.0, 0.2)),  # centre out, reaches 0.05 in
    "east_short": (41.15, 20.5, _square(41.15, 20.5, 0.1)),  # 0.05 short of the edge
    "north_reach": (40.0, 21.15, _square(40.0, 21.15, 0.2)),
    "south_short": (40.0, 18.85, _square(40.0, 18.85, 0.1)),
    "holding": (40.0, 20.0, _square(40.0, 20.0, 3.0)),  # holds the whole RANGE
    "hollow": (40.0, 20.0, _square(40.5, 20.5, 0.1)),  # its centre is not in it
    "hollow_out": (40.0, 20.0, _square(43.0, 20.0, 0.1)),  # ... and it lies outside
}


@pytest.fixture
async def edge_client(
    empty_url: str, demo: pa.Table, tmp_path: Path
) -> Any:  # an async generator of httpx.AsyncClient
    template = demo.slice(0, 1).to_pylist()[0]
    rows = [
        dict(template, s_ra=ra, s_dec=dec, s_region=region, obs_publisher_did=name, obs_id=name)
        for name, (ra, dec, region) in EDGE_ROWS.items()
    ]
    async with _archive_client(
        empty_url, pa.Table.from_pylist(rows, schema=demo.schema), tmp_path
    ) as client:
        yield client


async def test_range_finds_footprints_by_their_edges_and_centres(
    edge_client: httpx.AsyncClient,
) -> None:
    # Reaching over an edge from outside, holding the RANGE, or lying inside it while
    # its own centre is not in it: each is found by a different search.
    assert await _found(edge_client, ("POS", "RANGE 39 41 19 21")) == {
        "in",
        "east_reach",
        "north_reach",
        "holding",
        "hollow",
    }
    # A RANGE inside "holding" (and crossing "hollow"), holding neither's centre.
    assert await _found(edge_client, ("POS", "RANGE 40.5 40.6 20.5 20.6")) == {
        "holding",
        "hollow",
    }
    assert await _found(edge_client, ("POS", "RANGE 350 10 19 21")) == set()
    # All longitudes but 39..41: what reaches beyond RA 41, or holds that gap. The one
    # footprint not found although it meets the RANGE: "hollow_out" lies inside it, but
    # its centre lies outside both the RANGE and the footprint itself (documented in
    # sia.adql._range_rows; ObsCore's s_ra and s_dec are the footprint's centre).
    assert await _found(edge_client, ("POS", "RANGE 41 39 19 21")) == {
        "east_reach",
        "east_short",
        "holding",
    }


MIXED_TYPES = {
    "an-image": "image",
    "a-cube": "cube",
    "a-spectrum": "spectrum",
    "a-timeseries": "timeseries",
    "a-visibility": "visibility",
    "untyped": None,
}


@pytest.fixture
async def mixed_client(
    empty_url: str, demo: pa.Table, tmp_path: Path
) -> Any:  # an async generator of httpx.AsyncClient
    """An archive holding one product of each type, all at the same place."""
    template = demo.slice(0, 1).to_pylist()[0]
    rows = []
    for name, product_type in MIXED_TYPES.items():
        row = dict(template)
        row.update(obs_publisher_did=name, obs_id=name, dataproduct_type=product_type)
        rows.append(row)
    async with _archive_client(
        empty_url, pa.Table.from_pylist(rows, schema=demo.schema), tmp_path
    ) as client:
        yield client


async def test_sia_finds_images_and_cubes_only(mixed_client: httpx.AsyncClient) -> None:
    # SIA 2.0 searches image and cube data; spectra and the rest are for other protocols.
    images = {"an-image", "a-cube"}
    ra, dec = (float(v) for v in (await _found_row(mixed_client))[:2])
    assert await _found(mixed_client) == images
    assert await _found(mixed_client, ("POS", f"CIRCLE {ra} {dec} 0.1")) == images
    assert await _found(mixed_client, ("DPTYPE", "cube")) == {"a-cube"}
    assert await _found(mixed_client, ("DPTYPE", "spectrum")) == set()
    # TAP still sees every product.
    response = await mixed_client.get(
        "/api/tap/sync",
        params={"LANG": "ADQL", "QUERY": "SELECT COUNT(*) AS n FROM ivoa.ObsCore"},
    )
    assert int(_table(response)["n"][0]) == len(MIXED_TYPES)


async def _found_row(client: httpx.AsyncClient) -> tuple[str, str]:
    response = await client.get(
        "/api/tap/sync",
        params={"LANG": "ADQL", "QUERY": "SELECT TOP 1 s_ra, s_dec FROM ivoa.ObsCore"},
    )
    row = _table(response)[0]
    return str(row["s_ra"]), str(row["s_dec"])
