"""The demo FITS files' pixels: one shared sky (a star where its catalogue says, with its
flux), noise as VARIANCE says, saturation, edges, depth, transients and the raw."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from pixels import MASK_PLANES
from pixels.photometry import FULL_WELL, Calibration
from pixels.planes import noiseless_image
from pixels.raw import AMPLIFIERS, amplifier_data
from pixels.render import psf_core_sigma
from pixels.scene import Scene
from tests.pixels.demo_rows import SEED, Trio

Array = npt.NDArray[Any]

# --- one sky --------------------------------------------------------------------------


def _centroid(image: Array, x: float, y: float, sigma: float) -> tuple[float, float]:
    """Gaussian-weighted centroid, iterated to the point where the weighted offset vanishes."""
    half = math.ceil(4 * sigma) + 2
    for _ in range(50):
        x0, y0 = round(x), round(y)
        cut = image[y0 - half : y0 + half + 1, x0 - half : x0 + half + 1].astype(np.float64)
        yy, xx = np.mgrid[y0 - half : y0 + half + 1, x0 - half : x0 + half + 1]
        weight = np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * sigma**2)) * cut
        dx = (weight * (xx - x)).sum() / weight.sum()
        dy = (weight * (yy - y)).sum() / weight.sum()
        x, y = x + 2 * dx, y + 2 * dy  # the weighted mean moves about half-way
        if math.hypot(dx, dy) < 1e-5:
            break
    return x, y


def _aperture(image: Array, x: float, y: float, radius: float) -> float:
    half = math.ceil(radius) + 1
    x0, y0 = round(x), round(y)
    cut = image[y0 - half : y0 + half + 1, x0 - half : x0 + half + 1].astype(np.float64)
    yy, xx = np.mgrid[y0 - half : y0 + half + 1, x0 - half : x0 + half + 1]
    return float(cut[(xx - x) ** 2 + (yy - y) ** 2 <= radius**2].sum())


@pytest.mark.parametrize("role", ["visit", "other_visit", "deep"])
def test_a_star_of_the_shared_sky_is_where_its_catalogue_position_says(
    role: str, trio: Trio, files: dict[str, Path]
) -> None:
    row = {"visit": trio.visit, "other_visit": trio.other_visit, "deep": trio.deep}[role]
    with fits.open(files[role]) as hdul:
        image, variance = hdul["IMAGE"].data, hdul["VARIANCE"].data
        x, y = WCS(hdul["IMAGE"].header).all_world2pix(trio.ra, trio.dec, 0)
    sigma = psf_core_sigma(row["s_resolution"]) / 0.2
    cx, cy = _centroid(image, float(x), float(y), sigma)
    assert math.hypot(cx - x, cy - y) < 0.1
    radius = 12 * sigma
    flux = _aperture(image, float(x), float(y), radius)
    noise = math.sqrt(_aperture(variance, float(x), float(y), radius))
    assert abs(flux - trio.flux) < 5 * noise + 0.02 * trio.flux


def test_the_two_visits_are_different_exposures(trio: Trio) -> None:
    assert trio.visit["lsst_visit"] != trio.other_visit["lsst_visit"]
    assert trio.visit["s_region"] != trio.other_visit["s_region"]


# --- noise, saturation, depth ---------------------------------------------------------


@pytest.mark.parametrize("role", ["visit", "difference", "deep"])
def test_noise_has_the_variance_the_variance_plane_says(
    role: str, trio: Trio, files: dict[str, Path]
) -> None:
    row = {"visit": trio.visit, "difference": trio.difference, "deep": trio.deep}[role]
    expected = noiseless_image(Scene.from_row(row, SEED))
    with fits.open(files[role]) as hdul:
        image, mask, variance = (hdul[n].data for n in ("IMAGE", "MASK", "VARIANCE"))
    good = (mask & ((1 << MASK_PLANES["SAT"]) | (1 << MASK_PLANES["NO_DATA"]))) == 0
    pull = (image[good] - expected[good]) / np.sqrt(variance[good])
    assert abs(float(pull.mean())) < 0.003
    assert float(pull.std()) == pytest.approx(1.0, abs=0.003)


def test_clipped_pixels_are_exactly_the_saturated_ones(files: dict[str, Path]) -> None:
    for role in ("visit", "difference", "deep"):
        with fits.open(files[role]) as hdul:
            image, mask = hdul["IMAGE"].data, hdul["MASK"].data
            level = hdul["IMAGE"].header["SATURATE"]
        flagged = (mask & (1 << MASK_PLANES["SAT"])) != 0
        if role == "visit":
            assert flagged.sum() > 10
            clipped = image >= level * (1 - 1e-4)  # within the quantisation step
            assert np.array_equal(clipped, flagged)
            assert np.all(image <= level * (1 + 1e-4))
        elif role == "difference":  # the visit saturated there, as in the visit's mask
            visit_mask = fits.getdata(files["visit"], "MASK")
            assert np.array_equal(flagged, (visit_mask & (1 << MASK_PLANES["SAT"])) != 0)


def test_edges_and_detections_are_flagged(files: dict[str, Path]) -> None:
    mask = fits.getdata(files["visit"], "MASK")
    edge = (mask & (1 << MASK_PLANES["EDGE"])) != 0
    for border in (edge[0], edge[-1], edge[:, 0], edge[:, -1]):
        assert border.all()
    assert not edge[2000, 20:-20].any()
    assert ((mask & (1 << MASK_PLANES["DETECTED"])) != 0).sum() > 1000


def test_coadds_are_deeper_than_visits(files: dict[str, Path]) -> None:
    visit = np.median(fits.getdata(files["visit"], "VARIANCE"))
    for role in ("deep", "template"):
        header = fits.getheader(files[role], 0)
        coadd = np.nanmedian(fits.getdata(files[role], "VARIANCE"))
        assert coadd < visit / 3
        assert coadd == pytest.approx(visit / header["NINPUTS"], rel=1.0)


# --- transients and the raw -----------------------------------------------------------


def test_transients_show_in_the_difference_and_its_visit_image(
    trio: Trio, files: dict[str, Path]
) -> None:
    scene = Scene.from_row(trio.difference, SEED)
    transients, _, _ = scene.transient_sources()
    assert 3 <= len(transients) <= 6
    static = Scene.from_row(trio.visit, SEED).static_model()
    with fits.open(files["difference"]) as diff, fits.open(files["visit"]) as visit:
        d_image, d_var = diff["IMAGE"].data, diff["VARIANCE"].data
        v_image, v_var = visit["IMAGE"].data, visit["VARIANCE"].data
        d_wcs, v_wcs = WCS(diff["IMAGE"].header), WCS(visit["IMAGE"].header)
    radius = 12 * scene.psf_sigma
    for ra, dec, flux in zip(transients.ra, transients.dec, transients.flux("r"), strict=True):
        x, y = (float(c) for c in d_wcs.all_world2pix(ra, dec, 0))
        d_flux = _aperture(d_image, x, y, radius)
        d_noise = math.sqrt(_aperture(d_var, x, y, radius))
        assert d_flux > 10 * d_noise
        assert abs(d_flux - flux) < 5 * d_noise + 0.02 * flux
        x, y = (float(c) for c in v_wcs.all_world2pix(ra, dec, 0))
        v_flux = _aperture(v_image - static, x, y, radius)
        v_noise = math.sqrt(_aperture(v_var, x, y, radius))
        assert abs(v_flux - flux) < 5 * v_noise + 0.02 * flux
    # static sources cancel: the shared star is not in the difference
    x, y = (float(c) for c in d_wcs.all_world2pix(trio.ra, trio.dec, 0))
    assert abs(_aperture(d_image, x, y, radius)) < 5 * math.sqrt(_aperture(d_var, x, y, radius))


def test_the_raw_is_the_visit_in_adu_with_bias_and_overscan(files: dict[str, Path]) -> None:
    with fits.open(files["raw"]) as hdul:
        raw, header = hdul["IMAGE"].data, hdul["IMAGE"].header
    primary = fits.getheader(files["raw"], 0)
    with fits.open(files["visit"]) as hdul:
        visit, mask = hdul["IMAGE"].data, hdul["MASK"].data
    cal = Calibration.for_band(primary["BAND"])
    assembled = amplifier_data(raw).astype(np.float64)
    for amp in AMPLIFIERS:
        gain, bias = header[f"GAIN{amp.index:02d}"], header[f"BIAS{amp.index:02d}"]
        overscan = raw[amp.segment][:2000, -60:]
        assert np.median(overscan) == pytest.approx(bias, abs=2)
        electrons = (assembled[amp.grid] - bias) * gain
        nj = (electrons - cal.sky_electrons) * cal.njy_per_electron
        saturated = (mask[amp.grid] & (1 << MASK_PLANES["SAT"])) != 0
        # ADU rounding and IMAGE quantisation aside, the raw is the visit image
        step = gain * cal.njy_per_electron
        assert np.abs(nj - visit[amp.grid])[~saturated].max() < step + 3.0
        if saturated.any():
            assert electrons[saturated].min() > FULL_WELL - 2 * gain
