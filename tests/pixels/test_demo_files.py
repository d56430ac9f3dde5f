"""The demo FITS files' structure: HDUs, shapes, units, masks, headers, WCS, determinism,
memory while writing and atomic writes (one file of each of the five products, see
``demo_rows``)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from astropy.io import fits
from astropy.time import Time
from astropy.wcs import WCS

from obscore.stcs import parse_polygon
from pixels import (
    MASK_PLANES,
    PRODUCT_KINDS,
    ZERO_POINT_AB,
    ProductError,
    product_kind,
    write_product,
)
from pixels import writer as writer_module
from pixels.scene import Scene
from pixels.wcs import CORNERS, patch_wcs
from tests.pixels.demo_rows import SEED, Trio, rows_by_role

Array = npt.NDArray[Any]

FIVE = ("visit", "difference", "raw", "deep", "template")


# --- shapes, HDUs, headers ------------------------------------------------------------


def test_product_kinds_name_sizes_and_extensions() -> None:
    assert {k: (v.width, v.height, v.extensions) for k, v in PRODUCT_KINDS.items()} == {
        "lsst.raw": (4608, 4096, ("IMAGE",)),
        "lsst.visit_image": (4072, 4000, ("IMAGE", "MASK", "VARIANCE")),
        "lsst.difference_image": (4072, 4000, ("IMAGE", "MASK", "VARIANCE")),
        "lsst.deep_coadd": (3400, 3400, ("IMAGE", "MASK", "VARIANCE")),
        "lsst.template_coadd": (3400, 3400, ("IMAGE", "MASK", "VARIANCE")),
    }
    with pytest.raises(ProductError):
        product_kind({"dataproduct_subtype": "lsst.calexp"})


@pytest.mark.parametrize("role", FIVE)
def test_hdus_shapes_dtypes_units_and_compression(
    role: str, trio: Trio, files: dict[str, Path]
) -> None:
    row = rows_by_role(trio)[role]
    kind = product_kind(row)
    with fits.open(files[role]) as hdul:
        assert hdul[0].data is None
        assert [h.name for h in hdul[1:]] == list(kind.extensions)
        for hdu in hdul[1:]:
            assert isinstance(hdu, fits.CompImageHDU)
            assert (hdu.header["NAXIS1"], hdu.header["NAXIS2"]) == (row["s_xel1"], row["s_xel2"])
            assert hdu.data.shape == (row["s_xel2"], row["s_xel1"])
        if kind.is_raw:
            assert hdul["IMAGE"].data.dtype == np.int32
            assert hdul["IMAGE"].header["BUNIT"] == "adu"
        else:
            assert hdul["IMAGE"].data.dtype == np.float32
            assert hdul["MASK"].data.dtype == np.int32
            assert hdul["VARIANCE"].data.dtype == np.float32
            assert hdul["IMAGE"].header["BUNIT"] == "nJy"
            assert hdul["VARIANCE"].header["BUNIT"] == "nJy**2"
    with fits.open(files[role], disable_image_compression=True) as raw_tables:
        compression = {
            h.name: (h.header["ZCMPTYPE"], h.header.get("ZQUANTIZ")) for h in raw_tables[1:]
        }
    lossy = ("RICE_1", "SUBTRACTIVE_DITHER_2")
    expected = (
        {"IMAGE": ("RICE_1", None)}
        if kind.is_raw
        else {"IMAGE": lossy, "MASK": ("RICE_1", None), "VARIANCE": lossy}
    )
    assert compression == expected


def test_mask_planes_are_named_in_the_mask_header(files: dict[str, Path]) -> None:
    for role in ("visit", "difference", "deep", "template"):
        header = fits.getheader(files[role], "MASK")
        assert {name: header[f"MP_{name}"] for name in MASK_PLANES} == dict(MASK_PLANES)
    assert (MASK_PLANES["BAD"], MASK_PLANES["SAT"], MASK_PLANES["EDGE"]) == (0, 1, 4)
    assert (MASK_PLANES["NO_DATA"], MASK_PLANES["UNMASKEDNAN"]) == (8, 18)


@pytest.mark.parametrize("role", FIVE)
def test_headers_carry_identity_band_time_and_zero_point(
    role: str, trio: Trio, files: dict[str, Path]
) -> None:
    row = rows_by_role(trio)[role]
    kind = product_kind(row)
    header = fits.getheader(files[role], 0)
    assert header["DATASET"] == row["obs_publisher_did"]
    assert header["PRODTYPE"] == kind.name
    assert header["BAND"] == row["lsst_band"]
    assert header["RADESYS"] == "ICRS"
    assert header["SEEING"] == pytest.approx(row["s_resolution"])
    if kind.is_coadd:
        assert (header["TRACT"], header["PATCH"]) == (row["lsst_tract"], row["lsst_patch"])
        assert "DATE-OBS" not in header
        assert "VISIT" not in header
        assert header["NINPUTS"] >= 8
    else:
        assert (header["VISIT"], header["DETECTOR"]) == (row["lsst_visit"], row["lsst_detector"])
        assert header["FILTER"] == row["lsst_filter"]
        assert header["TIMESYS"] == "UTC"
        assert header["MJD-OBS"] == row["t_min"]
        date = Time(header["DATE-OBS"], format="isot", scale="utc")
        assert date.mjd == pytest.approx(row["t_min"], abs=1e-8)
        assert header["EXPTIME"] == row["t_exptime"]
    if kind.is_raw:
        assert 30.0 < header["MAGZERO"] < 33.0  # AB magnitude of one ADU
    else:
        assert header["MAGZERO"] == ZERO_POINT_AB == 31.4


# --- WCS ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", FIVE)
def test_image_corners_land_within_a_pixel_of_the_footprint(
    role: str, trio: Trio, files: dict[str, Path]
) -> None:
    row = rows_by_role(trio)[role]
    kind = product_kind(row)
    vertices = np.array(parse_polygon(row["s_region"]))
    w, h = kind.width, kind.height
    corner_centres = np.array([[fx * (w - 1), fy * (h - 1)] for fx, fy in CORNERS])
    with fits.open(files[role]) as hdul:
        for hdu in hdul[1:]:
            wcs = WCS(hdu.header)
            assert wcs.wcs.ctype[0] == "RA---TAN"
            x, y = wcs.all_world2pix(vertices[:, 0], vertices[:, 1], 0)
            distance = np.hypot(x - corner_centres[:, 0], y - corner_centres[:, 1])
            assert distance.max() < 1.0, (hdu.name, distance)


def test_coadds_share_their_tract_pixel_grid(trio: Trio, files: dict[str, Path]) -> None:
    tract, patch = trio.deep["lsst_tract"], trio.deep["lsst_patch"]
    header = fits.getheader(files["deep"], "IMAGE")
    here = patch_wcs(tract, patch)
    assert (header["CRVAL1"], header["CRVAL2"]) == here.crval
    neighbour = patch_wcs(tract, patch + 1 if patch % 10 < 9 else patch - 1)
    assert neighbour.crval == here.crval
    assert neighbour.cd == here.cd
    shift = np.subtract(here.crpix, neighbour.crpix)
    assert set(np.abs(shift)) == {0.0, 3000.0}
    # any sky point falls on pixels exactly 3000 apart in the two patches
    x1, y1 = here.sky_to_pixel(trio.ra, trio.dec)
    x2, y2 = neighbour.sky_to_pixel(trio.ra, trio.dec)
    assert (float(x1 - x2), float(y1 - y2)) == pytest.approx(tuple(shift), abs=1e-6)
    template = fits.getheader(files["template"], "IMAGE")
    assert all(template[k] == header[k] for k in ("CRVAL1", "CRVAL2", "CRPIX1", "CRPIX2", "CD1_1"))


# --- determinism, atomic writes -------------------------------------------------------


def test_the_same_row_and_seed_give_the_same_file(
    trio: Trio, files: dict[str, Path], tmp_path: Path
) -> None:
    again = tmp_path / "again.fits"
    write_product(trio.visit, again, seed=SEED)
    assert again.read_bytes() == files["visit"].read_bytes()
    with fits.open(again) as one, fits.open(files["visit"]) as two:
        for a, b in zip(one[1:], two[1:], strict=True):
            assert np.array_equal(a.data, b.data)
    other_sky = Scene.from_row(trio.visit, SEED + 1).static_model()
    assert not np.array_equal(other_sky, Scene.from_row(trio.visit, SEED).static_model())


@pytest.mark.parametrize("role", ["visit", "difference"])
def test_writing_holds_one_float_plane_at_a_time(trio: Trio, role: str, tmp_path: Path) -> None:
    # IMAGE, VARIANCE (float32) and MASK held together would be three planes (the old peak
    # was 2.7); made one at a time, the peak is one plane being written, the mask (a byte
    # per pixel) and a few blocks of rows.
    row = rows_by_role(trio)[role]
    kind = PRODUCT_KINDS[row["dataproduct_subtype"]]
    plane_bytes = kind.width * kind.height * 4
    tracemalloc.start()
    try:
        write_product(row, tmp_path / "file.fits", seed=SEED)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    mib = 2**20
    assert peak < 2 * plane_bytes, f"peak {peak / mib:.0f} MiB, plane {plane_bytes / mib:.0f} MiB"


def test_writes_are_atomic(trio: Trio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ProductError):
        write_product({"dataproduct_subtype": "lsst.calexp"}, tmp_path / "x.fits")

    calls = iter(range(10))

    def failing_hdu(*args: Any) -> Any:
        if next(calls) == 1:
            raise RuntimeError("disk full")
        return real_hdu(*args)

    real_hdu = writer_module._hdu
    monkeypatch.setattr(writer_module, "_hdu", failing_hdu)
    with pytest.raises(RuntimeError):
        write_product(trio.deep, tmp_path / "deep.fits")
    assert list(tmp_path.iterdir()) == []
