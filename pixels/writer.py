"""Writing a row's FITS file: headers, tile-compressed HDUs, one plane at a time, atomically."""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from astropy.io import fits
from astropy.time import Time

from obscore.products import DETECTOR_NAMES
from obscore.skymap import SKYMAP_NAME
from pixels.photometry import GAIN, ZERO_POINT_AB
from pixels.planes import Plane, processed_planes
from pixels.raw import raw_planes
from pixels.scene import Scene
from pixels.wcs import TanWcs, image_wcs

__all__ = ["DEFAULT_SEED", "TILE_ROWS", "primary_header", "write_product"]

DEFAULT_SEED = 1786
"""The demo's seed (as :func:`obscore.demo.generate_dp1`'s)."""

TILE_ROWS = 100
"""Compression tiles are this many full rows."""

_SUBTRACTIVE_DITHER_2 = 2
"""Quantisation with dithering that keeps zeros exact (cfitsio's SUBTRACTIVE_DITHER_2)."""


def write_product(row: Mapping[str, Any], path: Path, *, seed: int = DEFAULT_SEED) -> None:
    """Write the FITS file of an ObsCore row, shaped like its DP1 product.

    The same row and seed always give the same pixels. The file is written under a
    temporary name in the same directory and renamed into place, so readers never see a
    partial file. Planes are made, compressed and freed one at a time.

    Parameters
    ----------
    row
        The row's stored column values (``dataproduct_subtype``, ``s_region``,
        ``lsst_band``, ``s_resolution``, ``lsst_visit``/``lsst_detector`` or
        ``lsst_tract``/``lsst_patch``, times, ...), as from :func:`obscore.demo.generate_dp1`.
    path
        Where to write the file; missing parent directories are created.
    seed
        The demo seed: the sky, noise and transients all derive from it.

    Raises
    ------
    pixels.products.ProductError
        If the row is not one of the five DP1 image products or lacks a needed value.
    """
    scene = Scene.from_row(row, seed)
    wcs = image_wcs(row, scene.kind)
    header = primary_header(row, scene)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        fits.HDUList([fits.PrimaryHDU(header=header)]).writeto(temporary)
        planes = raw_planes(scene) if scene.kind.is_raw else processed_planes(scene)
        for plane in planes:
            _append(temporary, _hdu(plane, wcs, seed))
            del plane  # so the generator can free this plane before making the next
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _append(path: Path, hdu: Any) -> None:
    with fits.open(path, mode="append") as hdul:
        hdul.append(hdu)


def _hdu(plane: Plane, wcs: TanWcs, seed: int) -> Any:
    header = fits.Header()
    header["EXTNAME"] = plane.name
    header["INHERIT"] = (True, "the primary header applies")
    if plane.unit:
        header["BUNIT"] = plane.unit
    for card in (*wcs.cards(), *plane.cards):
        header[card[0]] = (card[1], card[2])
    height = plane.data.shape[0]
    options: dict[str, Any] = {
        "compression_type": "RICE_1",
        "tile_shape": (min(TILE_ROWS, height), plane.data.shape[1]),
    }
    if plane.quantize_step is not None:
        options.update(
            quantize_level=-plane.quantize_step,  # negative: an absolute step
            quantize_method=_SUBTRACTIVE_DITHER_2,
            dither_seed=1 + seed % 10_000,
        )
    return fits.CompImageHDU(plane.data, header=header, **options)


def _isot(mjd: float) -> str:
    return str(Time(mjd, format="mjd", scale="utc", precision=3).isot)


def primary_header(row: Mapping[str, Any], scene: Scene) -> Any:
    """The primary (data-less) header of a row's file, as an astropy ``Header``.

    Identity (``PRODTYPE``, ``DATASET`` = the ``obs_publisher_did``), band and filter,
    visit and detector or tract and patch, times (UTC, from ``t_min``/``t_max``), exposure
    time, seeing and the photometric zero point ``MAGZERO``: 31.4 for processed images in
    nJy (:data:`pixels.photometry.ZERO_POINT_AB`), the AB magnitude of 1 ADU for raws.
    """
    kind, cal = scene.kind, scene.calibration
    cards: list[tuple[str, Any, str]] = [
        ("ORIGIN", "Obscura DP1-like demo", "synthetic pixels, not Rubin data"),
        ("TELESCOP", row.get("facility_name") or "Rubin:Simonyi", ""),
        ("INSTRUME", row.get("instrument_name") or "LSSTComCam", ""),
        ("PRODTYPE", kind.name, f"Butler dataset type ({kind.subtype})"),
        ("DATASET", row.get("obs_publisher_did"), ""),  # the obs_publisher_did (long)
        ("OBSID", row.get("obs_id"), "ObsCore obs_id"),
        ("OBJECT", row.get("target_name"), "target name"),
        ("BAND", scene.band, "abstract filter"),
        ("FILTER", row.get("lsst_filter"), "physical filter"),
    ]
    if kind.is_coadd:
        cards += [
            ("SKYMAP", SKYMAP_NAME, ""),
            ("TRACT", scene.tract, ""),
            ("PATCH", scene.patch, "y * 10 + x"),
            ("NINPUTS", scene.input_count(), "input visits (demo model)"),
        ]
    else:
        cards += [
            ("VISIT", scene.visit, "exposure id"),
            ("DETECTOR", scene.detector, ""),
            ("CCDNAME", DETECTOR_NAMES[scene.detector], "raft and sensor"),
        ]
    t_min, t_max = row.get("t_min"), row.get("t_max")
    if t_min is not None:
        cards += [
            ("TIMESYS", "UTC", ""),
            ("DATE-OBS", _isot(t_min), "start of exposure (UTC)"),
            ("MJD-OBS", t_min, "[d] start of exposure (UTC)"),
        ]
    if t_max is not None:
        cards += [
            ("DATE-END", _isot(t_max), "end of exposure (UTC)"),
            ("MJD-END", t_max, "[d] end of exposure (UTC)"),
        ]
    cards += [
        ("EXPTIME", row.get("t_exptime"), "[s] exposure time"),
        ("RADESYS", "ICRS", ""),
        ("SEEING", scene.seeing, "[arcsec] PSF FWHM"),
    ]
    if kind.is_raw:
        adu_zero_point = ZERO_POINT_AB - 2.5 * math.log10(cal.njy_per_electron * GAIN)
        cards.append(("MAGZERO", adu_zero_point, "AB mag of 1 ADU above bias (nominal gain)"))
    else:
        cards += [
            ("MAGZERO", ZERO_POINT_AB, "AB mag of 1 nJy: pixels are nJy"),
            ("SKYLEVEL", cal.sky_njy, "[nJy] sky background subtracted per pixel"),
        ]
    cards.append(("DEMOSEED", scene.seed, "seed of the demo sky, noise and transients"))
    header = fits.Header()
    for key, value, comment in cards:
        if value is not None:
            header[key] = (value, comment)
    return header
