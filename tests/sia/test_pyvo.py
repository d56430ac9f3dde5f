"""End to end: pyvo's SIA 2.0 client against a real ``obscura serve``, on both backends.

pyvo finds the query endpoint in ``/capabilities``, sends CIRCLE, RANGE and POLYGON
positions, BAND in metres or as a Quantity, TIME as astropy Times, CALIB, Rubin's
DPSUBTYPE as a custom keyword (pyvo passes unknown keywords through as parameters) and
MAXREC, and reads the VOTable. Expected rows come from the demo data where the geometry
is simple enough: a footprint (under 0.35 deg across) contains its centre.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import astropy.units as u
import numpy as np
import pyarrow as pa
import pytest
from astropy.time import Time
from pyvo.dal import DALOverflowWarning, DALQueryError, SIA2Service, TAPService
from pyvo.dal.sia2 import SIA2Query

from tests.support.server import ServerProcess

ECDFS = (53.13, -28.10)
FOOTPRINT = 0.35
"""Degrees: the widest demo footprint, whose centre it contains."""

OBSCORE_COLUMNS = {
    "obs_publisher_did",
    "obs_collection",
    "dataproduct_type",
    "dataproduct_subtype",
    "calib_level",
    "s_ra",
    "s_dec",
    "s_region",
    "s_fov",
    "em_min",
    "em_max",
    "t_min",
    "t_max",
    "access_url",
    "access_format",
    "lsst_tract",
    "lsst_patch",
    "lsst_visit",
    "lsst_detector",
}


def _service(server: ServerProcess) -> SIA2Service:
    return SIA2Service(f"{server.url}/api/sia/dp1")


def _separation(ra: np.ndarray, dec: np.ndarray, ra0: float, dec0: float) -> np.ndarray:
    r, d, r0, d0 = (np.radians(x) for x in (ra, dec, ra0, dec0))
    cosine = np.sin(d) * np.sin(d0) + np.cos(d) * np.cos(d0) * np.cos(r - r0)
    distance: np.ndarray = np.degrees(np.arccos(np.clip(cosine, -1, 1)))
    return distance


@pytest.fixture(scope="session")
def demo(demo_tables: list[pa.Table]) -> dict[str, np.ndarray]:
    names = ("obs_publisher_did", "s_ra", "s_dec", "calib_level", "dataproduct_subtype")
    table = pa.concat_tables([t.select(list(names)) for t in demo_tables])
    return {name: np.asarray(table[name].to_pylist()) for name in names}


def _dids(result: object) -> set[str]:
    table = result.to_table()  # type: ignore[attr-defined]
    return {str(x) for x in table["obs_publisher_did"]}


def test_query_endpoint_comes_from_capabilities(sia_server: ServerProcess) -> None:
    assert _service(sia_server).query_ep == f"{sia_server.url}/api/sia/dp1/query"


def test_circle_with_calib_and_subtype(
    sia_server: ServerProcess, demo: dict[str, np.ndarray]
) -> None:
    ra, dec, radius = *ECDFS, 0.3
    result = _service(sia_server).search(
        pos=(ra, dec, radius), calib_level=3, dpsubtype="lsst.deep_coadd"
    )
    table = result.to_table()
    assert set(table.colnames) >= OBSCORE_COLUMNS
    assert set(table["dataproduct_subtype"]) == {"lsst.deep_coadd"}
    assert set(table["calib_level"]) == {3}
    assert not np.ma.is_masked(table["lsst_tract"])
    assert not np.ma.is_masked(table["lsst_patch"])
    # Coadds whose centre is in the circle are found; none farther than a footprint.
    distance = _separation(demo["s_ra"], demo["s_dec"], ra, dec)
    coadds = demo["dataproduct_subtype"] == "lsst.deep_coadd"
    must = set(demo["obs_publisher_did"][coadds & (distance <= radius)])
    may = set(demo["obs_publisher_did"][coadds & (distance <= radius + FOOTPRINT)])
    found = {str(x) for x in table["obs_publisher_did"]}
    assert len(found) == len(table)
    assert must <= found <= may
    assert len(must) > 5


def test_range(sia_server: ServerProcess, demo: dict[str, np.ndarray]) -> None:
    ra1, ra2, dec1, dec2 = 52.5, 54.0, -28.8, -27.6
    result = _service(sia_server).search(
        pos=(ra1 * u.deg, ra2 * u.deg, dec1 * u.deg, dec2 * u.deg), calib_level=3
    )
    found = _dids(result)
    ra, dec = demo["s_ra"], demo["s_dec"]
    coadds = demo["calib_level"] == 3
    margin = FOOTPRINT / math.cos(math.radians(29.0))
    inside = (ra >= ra1) & (ra <= ra2) & (dec >= dec1) & (dec <= dec2)
    near = (ra >= ra1 - margin) & (ra <= ra2 + margin)
    near &= (dec >= dec1 - FOOTPRINT) & (dec <= dec2 + FOOTPRINT)
    must = set(demo["obs_publisher_did"][coadds & inside])
    assert len(must) > 5
    assert must <= found <= set(demo["obs_publisher_did"][coadds & near])


def test_polygon_as_a_tuple(sia_server: ServerProcess, demo: dict[str, np.ndarray]) -> None:
    # A triangle, counter-clockwise, around ECDFS; its inscribed circle has radius 0.1.
    ra0, dec0 = ECDFS
    vertices = []
    for k in range(3):
        angle = math.radians(90 + 120 * k)
        vdec = dec0 + 0.2 * math.sin(angle)
        vertices += [ra0 + 0.2 * math.cos(angle) / math.cos(math.radians(vdec)), vdec]
    service = _service(sia_server)
    found = _dids(service.search(pos=tuple(vertices), dpsubtype="lsst.template_coadd"))
    distance = _separation(demo["s_ra"], demo["s_dec"], ra0, dec0)
    templates = demo["dataproduct_subtype"] == "lsst.template_coadd"
    must = set(demo["obs_publisher_did"][templates & (distance < 0.09)])
    may = set(demo["obs_publisher_did"][templates & (distance < 0.21 + FOOTPRINT)])
    assert must
    assert must <= found <= may


def test_band_in_metres_and_as_a_quantity(sia_server: ServerProcess) -> None:
    service = _service(sia_server)
    pos = (*ECDFS, 0.02)
    metres = service.search(pos=pos, band=6.2e-7, calib_level=2).to_table()
    nanometres = service.search(pos=pos, band=(615 * u.nm, 625 * u.nm), calib_level=2)
    assert len(metres) > 0
    assert all(
        lo <= 6.2e-7 <= hi for lo, hi in zip(metres["em_min"], metres["em_max"], strict=True)
    )
    assert set(metres["lsst_band"]) == {"r"}
    assert {str(x) for x in metres["obs_publisher_did"]} == _dids(nanometres)


def test_time_as_astropy_times(sia_server: ServerProcess) -> None:
    service = _service(sia_server)
    pos = (*ECDFS, 0.05)
    some = service.search(pos=pos, calib_level=1, maxrec=1).to_table()
    t0 = float(some["t_min"][0])
    start, stop = Time(t0 - 0.001, format="mjd"), Time(t0 + 0.001, format="mjd")
    table = service.search(pos=pos, time=(start, stop), calib_level=1).to_table()
    assert len(table) > 0
    assert all(
        lo <= t0 + 0.001 and hi >= t0 - 0.001
        for lo, hi in zip(table["t_min"], table["t_max"], strict=True)
    )
    # A TIME interval never matches a coadd (t_min is NULL).
    assert set(table["dataproduct_subtype"]) == {"lsst.raw"}
    coadds = service.search(pos=pos, time=(start, stop), dpsubtype="lsst.deep_coadd")
    assert len(coadds) == 0


def test_visit_images_carry_visit_and_detector(sia_server: ServerProcess) -> None:
    result = _service(sia_server).search(pos=(*ECDFS, 0.01), dpsubtype="lsst.visit_image")
    table = result.to_table()
    assert len(table) > 10
    assert not np.ma.is_masked(table["lsst_visit"])
    assert not np.ma.is_masked(table["lsst_detector"])
    assert all(str(url).startswith("http") for url in table["access_url"])
    record = result[0]
    assert record.dataproduct_subtype == "lsst.visit_image"
    assert record.access_format == "application/x-votable+xml;content=datalink"


def test_custom_keyword_parameters(sia_server: ServerProcess) -> None:
    service = _service(sia_server)
    pos = (*ECDFS, 0.05)
    by_keyword = _dids(service.search(pos=pos, calib_level=3, dpsubtype="lsst.deep_coadd"))
    by_name = _dids(service.search(pos=pos, **{"CALIB": 3, "DPSUBTYPE": "lsst.deep_coadd"}))
    both = _dids(service.search(pos=pos, dpsubtype=["lsst.deep_coadd", "lsst.template_coadd"]))
    assert by_keyword
    assert by_keyword == by_name
    assert by_keyword < both  # several values of one parameter: any of them


def test_maxrec_cut_is_an_overflow(sia_server: ServerProcess) -> None:
    service = _service(sia_server)
    with warnings.catch_warnings():
        # pyvo stays quiet when the cut is at the maxrec the user asked for.
        warnings.simplefilter("error", DALOverflowWarning)
        result = service.search(pos=(*ECDFS, 0.1), maxrec=5)
    assert len(result) == 5
    assert result.status[0] == "OVERFLOW"
    whole = service.search(pos=(*ECDFS, 0.01), dpsubtype="lsst.deep_coadd", maxrec=1000)
    assert 0 < len(whole) < 1000
    assert whole.status[0] == "OK"


def test_service_limit_overflow_warns(tmp_path: Path, demo_url: str) -> None:
    server = ServerProcess(demo_url, tmp_path, env={"OBSCURA_TAP_DEFAULT_MAXREC": "7"})
    try:
        with pytest.warns(DALOverflowWarning):
            result = _service(server).search(pos=(*ECDFS, 0.1))
        assert len(result) == 7
    finally:
        server.stop()


def test_sia_and_tap_agree(sia_server: ServerProcess) -> None:
    ra, dec, radius = 59.1, -48.73, 0.05
    sia = _dids(_service(sia_server).search(pos=(ra, dec, radius), calib_level=[2, 3]))
    tap = TAPService(f"{sia_server.url}/api/tap").search(
        "SELECT obs_publisher_did FROM ivoa.ObsCore WHERE calib_level IN (2, 3) AND "
        f"INTERSECTS(s_region, CIRCLE('ICRS', {ra}, {dec}, {radius})) = 1"
    )
    assert sia
    assert sia == _dids(tap)


def test_pyvo_refuses_a_bad_position_itself(sia_server: ServerProcess) -> None:
    with pytest.raises(ValueError, match="dec"):
        _service(sia_server).search(pos=(10.0, 95.0, 1.0))


def test_invalid_pos_is_a_dal_query_error(sia_server: ServerProcess) -> None:
    service = _service(sia_server)
    query = SIA2Query(service.query_ep)
    query["POS"] = "CIRCLE 10 95 1"
    with pytest.raises(DALQueryError) as raised:
        query.execute()
    assert "UsageFault: POS: latitude 95 is outside [-90, 90]" in str(raised.value)
    with pytest.raises(DALQueryError, match="UsageFault: POS: unknown shape 'BOX'"):
        service.search(**{"POS": "BOX 10 10 1 1"})
    with pytest.raises(DALQueryError, match="UsageFault: CALIB: 'three' is not a whole number"):
        service.search(pos=(*ECDFS, 0.01), **{"CALIB": "three"})
