"""The DP1-like demo data set: counts, identifiers, geometry and determinism."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from obscore.demo import DP1_COUNTS, FIELDS, generate_dp1
from obscore.products import BANDS
from obscore.skymap import RingsSkyMap
from obscore.sphere import angular_distance, polygon_contains, radec_to_xyz
from obscore.stcs import parse_polygon


@pytest.fixture(scope="module")
def demo(demo_tables: list[pa.Table]) -> pa.Table:
    return pa.concat_tables(demo_tables)


def _subset(demo: pa.Table, subtype: str) -> pa.Table:
    return demo.filter(pc.equal(demo["dataproduct_subtype"], subtype))


def test_product_counts_within_five_percent_of_dp1(demo: pa.Table) -> None:
    counts = {
        d["values"]: d["counts"] for d in pc.value_counts(demo["dataproduct_subtype"]).to_pylist()
    }
    assert set(counts) == set(DP1_COUNTS)
    for subtype, expected in DP1_COUNTS.items():
        assert abs(counts[subtype] - expected) <= 0.05 * expected, (subtype, counts[subtype])


def test_visits_per_field_and_band_follow_dp1_table(demo: pa.Table) -> None:
    visits = _subset(demo, "lsst.visit_image")
    # A visit's pointing: the mean of its detectors' centres (enough at these scales).
    grouped = visits.group_by(["lsst_visit", "lsst_band"]).aggregate(
        [("s_ra", "mean"), ("s_dec", "mean")]
    )
    assert grouped.num_rows == sum(sum(f.visits.values()) for f in FIELDS) == 1786
    distance_cut = 2.0  # wide dithers reach 1 degree; fields are over 10 degrees apart
    for field in FIELDS:
        near_field = (
            angular_distance(
                grouped["s_ra_mean"].to_numpy(),
                grouped["s_dec_mean"].to_numpy(),
                field.ra,
                field.dec,
            )
            < distance_cut
        )
        near = [
            b for b, hit in zip(grouped["lsst_band"].to_pylist(), near_field, strict=True) if hit
        ]
        for band, expected in field.visits.items():
            assert near.count(band) == expected, (field.target, band)


def test_identifiers_follow_dp1_formats(demo: pa.Table) -> None:
    did = re.compile(
        r"^ivo://org\.rubinobs/usdac/lsst-dp1\?repo=dp1&id="
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    )
    assert all(did.match(d) for d in demo["obs_publisher_did"].to_pylist())
    assert pc.count_distinct(demo["obs_publisher_did"]).as_py() == demo.num_rows
    raw = _subset(demo, "lsst.raw").slice(0, 500).to_pylist()
    for row in raw:
        visit = row["lsst_visit"]
        day_obs, seq = divmod(visit, 100000)
        assert row["obs_id"] == f"CC_O_{day_obs}_{seq:06d}"
        assert 20241024 <= day_obs <= 20241211
        assert re.match(
            rf"^raw - {row['lsst_band']} - {row['obs_id']}-R22_S[0-2][0-2] "
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$",
            row["obs_title"],
        )
        assert row["access_url"] == "/api/datalink/links?ID=" + row["obs_publisher_did"].replace(
            ":", "%3A"
        ).replace("/", "%2F").replace("?", "%3F").replace("=", "%3D").replace("&", "%26")
    coadd = _subset(demo, "lsst.deep_coadd").to_pylist()[0]
    assert coadd["obs_id"] == f"lsst_cells_v1-{coadd['lsst_tract']}-{coadd['lsst_patch']}"
    assert coadd["obs_title"] == (
        f"deep_coadd - {coadd['lsst_band']} - "
        f"tract={coadd['lsst_tract']} patch={coadd['lsst_patch']}"
    )


def test_times_are_utc_mjd_in_the_campaign_and_null_for_coadds(demo: pa.Table) -> None:
    detector = demo.filter(pc.is_valid(demo["lsst_detector"]))
    assert pc.min(detector["t_min"]).as_py() >= 60607.9
    assert pc.max(detector["t_max"]).as_py() <= 60656.5
    duration = pc.subtract(detector["t_max"], detector["t_min"]).to_numpy() * 86400
    assert np.allclose(duration, 30.4)
    assert detector["t_exptime"].to_numpy().tolist() == [30.0] * detector.num_rows
    coadds = demo.filter(pc.equal(demo["calib_level"], 3)).filter(
        pc.is_null(demo.filter(pc.equal(demo["calib_level"], 3))["lsst_detector"])
    )
    for name in ("t_min", "t_max", "t_exptime", "target_name", "lsst_visit", "lsst_filter"):
        assert coadds[name].null_count == coadds.num_rows, name


def test_bands_give_wavelength_ranges(demo: pa.Table) -> None:
    for band, info in BANDS.items():
        rows = demo.filter(pc.equal(demo["lsst_band"], band))
        assert set(rows["em_min"].to_pylist()) == {info.em_min}
        assert set(rows["em_max"].to_pylist()) == {info.em_max}


def test_footprints_contain_their_centre_and_match_s_fov(demo: pa.Table) -> None:
    sample = demo.take(np.arange(0, demo.num_rows, 97)).to_pylist()
    for row in sample:
        vertices = np.array(parse_polygon(row["s_region"]))
        xyz = radec_to_xyz(vertices[:, 0], vertices[:, 1])[None]
        centre = radec_to_xyz(row["s_ra"], row["s_dec"])[None]
        assert polygon_contains(xyz, centre)[0]
        far = angular_distance(row["s_ra"], row["s_dec"], vertices[:, 0], vertices[:, 1]).max()
        assert far == pytest.approx(row["s_fov"] / 2, abs=1e-5)
        # Counter-clockwise on the sky: the polygon's signed area in (RA, Dec) is positive.
        ra = (vertices[:, 0] - vertices[0, 0] + 180) % 360 - 180
        dec = vertices[:, 1]
        assert np.sum(ra * np.roll(dec, -1) - np.roll(ra, -1) * dec) > 0


def test_neighbouring_detectors_tile_without_overlap(demo: pa.Table) -> None:
    visit = (
        _subset(demo, "lsst.raw")
        .filter(
            pc.equal(
                _subset(demo, "lsst.raw")["lsst_visit"], _subset(demo, "lsst.raw")["lsst_visit"][0]
            )
        )
        .to_pylist()
    )
    assert len(visit) == 9
    centres = {r["lsst_detector"]: (r["s_ra"], r["s_dec"]) for r in visit}
    # S00 -> S01 are side by side: about one detector pitch (14.1 arcmin) apart.
    step = angular_distance(*centres[0], *centres[1])
    assert step == pytest.approx(4225 * 0.2 / 3600, rel=0.01)
    for row in visit:
        others = [o for o in visit if o["lsst_detector"] != row["lsst_detector"]]
        poly = radec_to_xyz(*np.array(parse_polygon(row["s_region"])).T)[None]
        for other in others:
            centre = radec_to_xyz(other["s_ra"], other["s_dec"])[None]
            assert not polygon_contains(poly, centre)[0]


def test_dithered_visits_overlap_at_ecdfs(demo: pa.Table) -> None:
    # DP1 oracle (dp1_facts.md sect. 8): CONTAINS(POINT(53.076, -28.11), s_region) finds
    # 779 visit images, i.e. most ECDFS visits cover the point.
    visits = _subset(demo, "lsst.visit_image")
    near = visits.filter(pc.less(pc.abs(pc.subtract(visits["s_dec"], -28.11)), 0.3))
    point = radec_to_xyz(53.076, -28.11)
    hits = 0
    for region in near["s_region"].to_pylist():
        poly = radec_to_xyz(*np.array(parse_polygon(region)).T)[None]
        hits += bool(polygon_contains(poly, point[None])[0])
    assert 650 <= hits <= 855


def test_coadds_lie_on_the_lsst_cells_v1_skymap(demo: pa.Table) -> None:
    skymap = RingsSkyMap()
    coadds = _subset(demo, "lsst.deep_coadd").to_pylist()
    for row in coadds[::50]:
        tract = skymap.tract(row["lsst_tract"])
        ra, dec = tract.patch_outer_corners(row["lsst_patch"])
        expected = " ".join(f"{a:.6f} {d:.6f}" for a, d in zip(ra % 360, dec, strict=True))
        assert row["s_region"] == f"POLYGON ICRS {expected}"
    # The ECDFS oracle: the point lies in two overlapping patches, 12 deep coadds.
    point = radec_to_xyz(53.076, -28.11)[None]
    hits = 0
    for row in coadds:
        poly = radec_to_xyz(*np.array(parse_polygon(row["s_region"])).T)[None]
        hits += bool(polygon_contains(poly, point)[0])
    assert hits == 12


def test_same_seed_same_rows_other_seed_other_rows(demo: pa.Table) -> None:
    again = pa.concat_tables(generate_dp1())
    assert again.equals(demo)
    other = next(generate_dp1(seed=7))
    assert other["obs_publisher_did"][0] != demo["obs_publisher_did"][0]
