"""The DP1-like demo data set: LSSTComCam's seven fields, their visits, and the coadds.

Deterministic for a given seed. What is modelled (``reference/dp1_facts.md``):

* the seven fields with their centres and visits per band (DP1 Table 2), spread over the
  published number of nights between 2024-10-24 and 2024-12-11;
* visits in sequence through each night (30 s exposures, overheads and filter changes),
  with DP1's ``day_obs * 100000 + seq`` ids and the ``CC_O_<day_obs>_<seq>`` obs_ids;
* dithered, rotated pointings so detectors tile and visits overlap as in the real data;
* a handful of raw-only exposures and of detectors that failed processing, reproducing
  DP1's counts (raw 16,125; visit and difference images 15,972);
* deep and template coadds on every patch and band with enough input visits, on the
  ``lsst_cells_v1`` skymap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from obscore import products
from obscore.loader import FILE_URL
from obscore.products import BAND_NAMES, Exposures
from obscore.skymap import SKYMAP_NAME, RingsSkyMap
from obscore.sphere import tangent_to_sky

__all__ = ["DEMO_FILE_SCHEME", "DP1_COUNTS", "FIELDS", "Field", "demo_file_url", "generate_dp1"]

DEMO_FILE_SCHEME = "demo"

DP1_COUNTS = {
    "lsst.raw": 16_125,
    "lsst.visit_image": 15_972,
    "lsst.difference_image": 15_972,
    "lsst.deep_coadd": 2_644,
    "lsst.template_coadd": 2_730,
}
"""Butler dataset counts of Data Preview 1, the demo's targets."""

CAMPAIGN_NIGHTS = (60607, 60655)
"""First and last night (MJD at 0h UTC of the evening) of the DP1 campaign."""

DITHER_RADIUS = 0.2
"""Degrees: most pointings scatter uniformly in a disc of this radius around the centre."""

WIDE_FRACTION = 0.1
WIDE_DITHER_RADIUS = 1.0
"""A minority of pointings dither widely, spreading the coadds over more patches."""

RAW_ONLY_EXPOSURES = 6
"""Exposures taken but never processed into visits (16,125 raws = 9 x 1,792 - 3)."""

MISSING_RAWS = 3
FAILED_DETECTOR_VISITS = 102
"""Detector-visits whose processing failed (15,972 = 9 x 1,786 - 102)."""

DEEP_MIN_INPUTS = 2
TEMPLATE_MIN_INPUTS = 2
"""A patch-band gets a coadd when this many of its eligible visits cover it."""

DEEP_MAX_SEEING = 1.7
"""Arcsec: deep coadds take only visits with a PSF FWHM below this (DP1's rule)."""


@dataclass(frozen=True, slots=True)
class Field:
    """A DP1 target field: centre, Butler target name, visits per band, nights observed."""

    name: str
    target: str
    ra: float
    dec: float
    visits: dict[str, int]
    nights: int


FIELDS = (
    Field(
        "47 Tuc Globular Cluster", "47_Tuc", 6.02, -72.08, {"g": 10, "r": 32, "i": 19, "y": 5}, 4
    ),
    Field(
        "Low Ecliptic Latitude Field",
        "Rubin_SV_38_7",
        37.86,
        6.98,
        {"g": 44, "r": 40, "i": 55, "z": 20},
        5,
    ),
    Field(
        "Fornax Dwarf Spheroidal Galaxy",
        "Fornax_dSph",
        40.00,
        -34.45,
        {"g": 5, "r": 25, "i": 12},
        2,
    ),
    Field(
        "Extended Chandra Deep Field South",
        "ECDFS",
        53.13,
        -28.10,
        {"u": 43, "g": 230, "r": 237, "i": 162, "z": 153, "y": 30},
        21,
    ),
    Field(
        "Euclid Deep Field South",
        "EDFS_comcam",
        59.10,
        -48.73,
        {"u": 20, "g": 61, "r": 87, "i": 42, "z": 42, "y": 20},
        9,
    ),
    Field(
        "Low Galactic Latitude Field",
        "Rubin_SV_95_-25",
        95.00,
        -25.00,
        {"u": 33, "g": 82, "r": 84, "i": 23, "z": 60, "y": 10},
        10,
    ),
    Field("Seagull Nebula", "Seagull", 106.23, -10.51, {"u": 10, "g": 37, "r": 43, "z": 10}, 4),
)

_SLEW_ICRS_NIGHTS = 3
"""ECDFS nights whose exposures carry the wrong target name ``slew_icrs``, as in DP1."""

_CADENCE = (30.4 + 8.0) / 86400.0
_FILTER_CHANGE = 120.0 / 86400.0
_FIELD_CHANGE = 90.0 / 86400.0
_NIGHT_START = 0.98
"""Fraction of the MJD day at which observing starts (23:31 UTC, evening in Chile)."""


def _schedule(rng: np.random.Generator) -> tuple[Exposures, np.ndarray]:
    """Every exposure of the campaign in time order, and which ones became visits."""
    first, last = CAMPAIGN_NIGHTS
    blocks: dict[int, list[tuple[Field, str, int, str, int]]] = {}
    for field in FIELDS:
        nights = np.sort(rng.choice(np.arange(first, last + 1), field.nights, replace=False))
        slew = (
            set(rng.choice(nights, _SLEW_ICRS_NIGHTS, replace=False))
            if field.target == "ECDFS"
            else set()
        )
        for band in BAND_NAMES:
            count = field.visits.get(band, 0)
            if not count:
                continue
            per_night = np.bincount(rng.integers(0, field.nights, count), minlength=field.nights)
            for night, k in zip(nights, per_night, strict=True):
                if k:
                    target = "slew_icrs" if night in slew else field.target
                    blocks.setdefault(int(night), []).append((field, band, int(k), target, 0))
    # Raw-only exposures: extra frames in random blocks, never processed into visits.
    all_blocks = [(n, i) for n, bl in blocks.items() for i in range(len(bl))]
    for pick in rng.choice(len(all_blocks), RAW_ONLY_EXPOSURES, replace=False):
        night, i = all_blocks[pick]
        f, b, k, t, extra = blocks[night][i]
        blocks[night][i] = (f, b, k, t, extra + 1)

    cols: dict[str, list[object]] = {
        k: []
        for k in ("exposure_id", "day_obs", "seq", "t_start", "band", "target", "field", "visit")
    }
    for night in sorted(blocks):
        day_obs = int(_day_obs(night))
        seq = int(rng.integers(5, 40))  # calibration frames come first
        t = night + _NIGHT_START
        previous: tuple[str, str] | None = None
        order = rng.permutation(len(blocks[night]))
        for idx in order:
            field, band, k, target, extra = blocks[night][idx]
            if previous is not None:
                t += _FIELD_CHANGE if previous[0] != field.name else 0.0
                t += _FILTER_CHANGE if previous[1] != band else 0.0
            previous = (field.name, band)
            for j in range(k + extra):
                seq += 1 + int(rng.random() < 0.05)  # the odd test exposure in between
                cols["exposure_id"].append(day_obs * 100000 + seq)
                cols["day_obs"].append(day_obs)
                cols["seq"].append(seq)
                cols["t_start"].append(t + rng.uniform(0, 0.5) / 86400.0)
                cols["band"].append(band)
                cols["target"].append(target)
                cols["field"].append(field)
                cols["visit"].append(j < k)
                t += _CADENCE
    n = len(cols["exposure_id"])
    fields: list[Field] = cols["field"]  # type: ignore[assignment]
    wide = rng.random(n) < WIDE_FRACTION
    radius = np.where(wide, WIDE_DITHER_RADIUS, DITHER_RADIUS) * np.sqrt(rng.random(n))
    angle = rng.uniform(0, 2 * np.pi, n)
    ra, dec = tangent_to_sky(
        [f.ra for f in fields],
        [f.dec for f in fields],
        radius * np.cos(angle),
        radius * np.sin(angle),
    )
    exposures = Exposures(
        exposure_id=np.array(cols["exposure_id"], dtype=np.int64),
        day_obs=np.array(cols["day_obs"], dtype=np.int64),
        seq=np.array(cols["seq"], dtype=np.int64),
        t_start=np.array(cols["t_start"], dtype=np.float64),
        band=np.array(cols["band"]),
        target=np.array(cols["target"], dtype=object),
        ra=ra,
        dec=dec,
        rotation=rng.uniform(0, 360, n),
        seeing=np.exp(rng.normal(np.log(1.1), 0.25, n)),
    )
    return exposures, np.array(cols["visit"], dtype=bool)


def _day_obs(mjd_night: int) -> str:
    # MJD 40587 is 1970-01-01.
    date = np.datetime64("1970-01-01") + np.timedelta64(mjd_night - 40587, "D")
    return str(date).replace("-", "")


def _coadds(
    exposures: Exposures,
    visit_mask: np.ndarray,
    footprints: tuple[np.ndarray, np.ndarray],
    rng: np.random.Generator,
) -> Iterator[pa.Table]:
    """Deep and template coadds of every patch-band with enough covering visits."""
    skymap = RingsSkyMap()
    # Sample each detector on a 5 x 5 grid of sky positions (bilinear in its corners).
    ra_c, dec_c = footprints
    s = np.linspace(0.0, 1.0, 5)
    u, v = np.meshgrid(s, s)
    w = np.stack([(1 - u) * (1 - v), u * (1 - v), u * v, (1 - u) * v], axis=-1).reshape(-1, 4)
    ex, det = np.nonzero(visit_mask)
    x, y, z = (
        np.cos(np.radians(dec_c)) * np.cos(np.radians(ra_c)),
        np.cos(np.radians(dec_c)) * np.sin(np.radians(ra_c)),
        np.sin(np.radians(dec_c)),
    )
    pts = np.stack([c[ex, det] @ w.T for c in (x, y, z)], axis=-1)  # (n, 25, 3)
    ra_s = np.degrees(np.arctan2(pts[..., 1], pts[..., 0])) % 360
    dec_s = np.degrees(np.arctan2(pts[..., 2], np.hypot(pts[..., 0], pts[..., 1])))
    tracts = skymap.find_tracts(ra_s, dec_s)
    patches = np.full(tracts.shape, -1)
    for tract_id in np.unique(tracts):
        sel = tracts == tract_id
        patches[sel] = skymap.tract(int(tract_id)).patch_of(ra_s[sel], dec_s[sel])
    # One (tract, patch, band, exposure) per visit covering the patch.
    band_number = {b: i for i, b in enumerate(BAND_NAMES)}
    band_index = np.array([band_number[b] for b in exposures.band[ex]])
    key = np.stack(
        [
            tracts.ravel(),
            patches.ravel(),
            np.repeat(band_index, pts.shape[1]),
            np.repeat(ex, pts.shape[1]),
        ],
        axis=1,
    )
    key = np.unique(key[key[:, 1] >= 0], axis=0)
    seeing = exposures.seeing[key[:, 3]]
    for product, min_inputs, good in (
        (products.DEEP_COADD, DEEP_MIN_INPUTS, seeing < DEEP_MAX_SEEING),
        (products.TEMPLATE_COADD, TEMPLATE_MIN_INPUTS, np.ones(len(key), dtype=bool)),
    ):
        groups, inverse, counts = np.unique(
            key[good, :3], axis=0, return_inverse=True, return_counts=True
        )
        mean_seeing = np.bincount(inverse.ravel(), seeing[good]) / counts
        chosen = counts >= min_inputs
        groups, mean_seeing = groups[chosen], mean_seeing[chosen]
        corners = [skymap.tract(int(t)).patch_outer_corners(int(p)) for t, p, _ in groups]
        yield products.coadd_rows(
            product,
            groups[:, 0],
            groups[:, 1],
            np.array(BAND_NAMES)[groups[:, 2]],
            (np.array([c[0] for c in corners]), np.array([c[1] for c in corners])),
            mean_seeing,
            rng,
            SKYMAP_NAME,
        )


def generate_dp1(seed: int = 1786) -> Iterator[pa.Table]:
    """Yield the demo's ObsCore rows as Arrow tables, one per product type, each with a
    ``file_url`` column beside ObsCore's: ``demo:SEED``, a file the ``pixels`` library
    makes from the row when it is first asked for.

    The same seed always gives the same rows.
    """
    for table in _dp1_rows(seed):
        yield table.append_column(FILE_URL, pa.array([demo_file_url(seed)] * table.num_rows))


def demo_file_url(seed: int) -> str:
    """Where the demo's rows say their files are: made on demand from the row and seed."""
    return f"{DEMO_FILE_SCHEME}:{seed}"


def _dp1_rows(seed: int) -> Iterator[pa.Table]:
    rng = np.random.default_rng(seed)
    exposures, is_visit = _schedule(rng)
    n = len(exposures)
    raw_mask = np.ones((n, 9), dtype=bool)
    raw_mask.ravel()[rng.choice(raw_mask.size, MISSING_RAWS, replace=False)] = False
    visit_mask = np.repeat(is_visit[:, None], 9, axis=1)
    failed = rng.choice(np.flatnonzero(visit_mask.ravel()), FAILED_DETECTOR_VISITS, replace=False)
    visit_mask.ravel()[failed] = False
    footprints = products.detector_footprints(exposures)
    yield products.detector_rows(exposures, products.RAW, raw_mask, rng, footprints)
    for product in (products.VISIT_IMAGE, products.DIFFERENCE_IMAGE):
        yield products.detector_rows(exposures, product, visit_mask, rng, footprints)
    yield from _coadds(exposures, visit_mask, footprints, rng)
