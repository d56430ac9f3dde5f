"""Cutouts: the pixels of an image inside a sky region (SODA's stencils), as a FITS file.

The cut is the pixel bounding box of the stencil, clipped to the image (no resampling, no
masking outside the stencil: the pixels are the file's own). The box comes from the
stencil's boundary, sampled finely and projected through the image's WCS, together with
the image corners the stencil contains (a stencil larger than the image gives the whole
image). Only the tiles of a tile-compressed plane that the box touches are read (astropy's
``section``), so a small cutout of a large file reads a small part of it.

Each plane's header keeps the file's, with the WCS shifted (``CRPIX``) so that every pixel
maps to the same sky position as in the whole file, and ``LTV1``/``LTV2`` saying where
the cutout's pixels were (IRAF's convention: image = physical + LTV).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS, FITSFixedWarning

from obscore.sphere import angular_distance, polygon_contains, radec_to_xyz
from sia.values import Circle, Polygon, Range, Shape

__all__ = [
    "DETAILS",
    "Box",
    "cutout_hdus",
    "describe",
    "pixel_box",
    "plane_names",
    "shape_contains",
]

DETAILS = ("Image", "MaskedImage", "Exposure")
"""Rubin's CUTOUTDETAIL: the image plane, the three planes, or every HDU."""
_FAR = 60.0
"""Boundary points farther than this (degrees) from the image are not projected (TAN
projections break down towards 90 degrees)."""
_WCS_KEYS = ("CRPIX1", "CRPIX2")


@dataclass(frozen=True, slots=True)
class Box:
    """Pixel rows ``y0:y1`` and columns ``x0:x1`` (0-based, end excluded)."""

    x0: int
    x1: int
    y0: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


def _boundary(shape: Shape, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Points along the shape's edge, at most ``step`` degrees apart."""
    if isinstance(shape, Circle):
        count = max(72, math.ceil(2 * math.pi * shape.radius / step))
        angles = np.linspace(0, 2 * np.pi, min(count, 20_000), endpoint=False)
        r, d = math.radians(shape.radius), math.radians(shape.dec)
        dec = np.arcsin(np.sin(d) * np.cos(r) + np.cos(d) * np.sin(r) * np.cos(angles))
        ra = math.radians(shape.ra) + np.arctan2(
            np.sin(angles) * np.sin(r) * np.cos(d), np.cos(r) - np.sin(d) * np.sin(dec)
        )
        return np.degrees(ra) % 360, np.degrees(dec)
    if isinstance(shape, Polygon):
        vertices = list(shape.vertices)
    else:
        west = 0.0 if shape.lon1 is None else shape.lon1
        east = 360.0 if shape.lon2 is None else shape.lon2
        if east <= west:
            east += 360.0
        return _range_edges(west, east, shape.lat1, shape.lat2, step)
    ras, decs = [], []
    for (ra1, dec1), (ra2, dec2) in zip(vertices, vertices[1:] + vertices[:1], strict=True):
        a = radec_to_xyz(np.array([ra1]), np.array([dec1]))[0]
        b = radec_to_xyz(np.array([ra2]), np.array([dec2]))[0]
        angle = math.degrees(math.acos(max(-1.0, min(1.0, float(np.dot(a, b))))))
        count = max(2, min(20_000, math.ceil(angle / step)))
        t = np.linspace(0, 1, count, endpoint=False)[:, None]
        points = a * (1 - t) + b * t  # along the chord, pushed onto the sphere: the arc
        points /= np.linalg.norm(points, axis=1)[:, None]
        ras.append(np.degrees(np.arctan2(points[:, 1], points[:, 0])) % 360)
        decs.append(np.degrees(np.arcsin(np.clip(points[:, 2], -1, 1))))
    return np.concatenate(ras), np.concatenate(decs)


def _range_edges(
    west: float, east: float, south: float, north: float, step: float
) -> tuple[np.ndarray, np.ndarray]:
    lons = np.linspace(west, east, max(2, min(20_000, math.ceil((east - west) / step))))
    lats = np.linspace(south, north, max(2, min(20_000, math.ceil((north - south) / step))))
    ra = np.concatenate([lons, lons, np.full_like(lats, west), np.full_like(lats, east)])
    dec = np.concatenate([np.full_like(lons, south), np.full_like(lons, north), lats, lats])
    return ra % 360, dec


def shape_contains(shape: Shape, ra: np.ndarray, dec: np.ndarray) -> np.ndarray:
    """Whether each point lies in the shape."""
    if isinstance(shape, Circle):
        return np.asarray(angular_distance(ra, dec, shape.ra, shape.dec) <= shape.radius)
    if isinstance(shape, Polygon):
        vertices = np.array(shape.vertices)
        polygon = radec_to_xyz(vertices[:, 0], vertices[:, 1])
        points = radec_to_xyz(ra, dec)
        repeated = np.broadcast_to(polygon, (len(points), *polygon.shape))
        return np.asarray(polygon_contains(repeated, points))
    inside = (dec >= shape.lat1) & (dec <= shape.lat2)
    if shape.lon1 is None or shape.lon2 is None:
        return np.asarray(inside)
    if shape.lon1 <= shape.lon2:
        return np.asarray(inside & (ra >= shape.lon1) & (ra <= shape.lon2))
    return np.asarray(inside & ((ra >= shape.lon1) | (ra <= shape.lon2)))


def pixel_box(shape: Shape, wcs: WCS, width: int, height: int) -> Box | None:
    """The pixels of a ``width`` x ``height`` image the shape covers, or None if none."""
    scale = float(np.sqrt(abs(np.linalg.det(wcs.pixel_scale_matrix))))  # degrees a pixel
    corners_x = np.array([0, width - 1, width - 1, 0, (width - 1) / 2])
    corners_y = np.array([0, 0, height - 1, height - 1, (height - 1) / 2])
    corner_ra, corner_dec = wcs.pixel_to_world_values(corners_x, corners_y)
    ra, dec = _boundary(shape, step=max(scale * 4, 1e-6))
    near = angular_distance(ra, dec, corner_ra[-1], corner_dec[-1]) < _FAR
    xs, ys = wcs.world_to_pixel_values(ra[near], dec[near])
    covered = shape_contains(shape, np.asarray(corner_ra), np.asarray(corner_dec))
    xs = np.concatenate([np.asarray(xs, dtype=float), corners_x[covered]])
    ys = np.concatenate([np.asarray(ys, dtype=float), corners_y[covered]])
    finite = np.isfinite(xs) & np.isfinite(ys)
    if not finite.any():
        return None
    xs, ys = xs[finite], ys[finite]
    x0 = max(0, math.floor(float(xs.min()) + 0.5))
    x1 = min(width, math.floor(float(xs.max()) + 0.5) + 1)
    y0 = max(0, math.floor(float(ys.min()) + 0.5))
    y1 = min(height, math.floor(float(ys.max()) + 0.5) + 1)
    if x0 >= x1 or y0 >= y1:
        return None
    return Box(x0, x1, y0, y1)


def plane_names(hdus: fits.HDUList, detail: str) -> list[str]:
    """The image HDUs a CUTOUTDETAIL asks for (by EXTNAME; the first image if unnamed)."""
    images = [h.name for h in hdus[1:] if h.is_image]
    if detail == "Image":
        return [name for name in images if name == "IMAGE"] or images[:1]
    if detail == "MaskedImage":
        wanted = [n for n in ("IMAGE", "MASK", "VARIANCE") if n in images]
        return wanted or images[:1]
    return images


def _image_header(hdu: Any) -> fits.Header:
    """A plane's header as an uncompressed image's (no tile-compression keywords)."""
    header = hdu.header.copy()
    for key in ("XTENSION", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "PCOUNT", "GCOUNT"):
        header.remove(key, ignore_missing=True, remove_all=True)
    for key in list(header):
        if key.startswith(("ZIMAGE", "ZBITPIX", "ZNAXIS", "ZTILE", "ZCMPTYPE", "ZQUANTIZ")):
            header.remove(key, ignore_missing=True)
    return header


def cutout_hdus(
    source: IO[bytes] | str,
    shape: Shape | None,
    detail: str,
    provenance: Mapping[str, Any],
) -> fits.HDUList | None:
    """The cutout of the file ``source`` (a path or a seekable binary file) as an HDU
    list: its primary header with the ``provenance`` cards, then the planes ``detail``
    asks for. ``shape`` None: the whole image. None if the shape misses the image.

    Raises
    ------
    ValueError
        If the file holds no image plane or no WCS.
    """
    import warnings

    with fits.open(source, lazy_load_hdus=True, memmap=False) as hdus:
        names = plane_names(hdus, detail)
        if not names:
            raise ValueError("the file holds no image plane")
        first = hdus[names[0]]
        width, height = int(first.header["NAXIS1"]), int(first.header["NAXIS2"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FITSFixedWarning)
            wcs = WCS(first.header)
        if not wcs.has_celestial:
            raise ValueError("the image has no celestial WCS")
        box = Box(0, width, 0, height) if shape is None else pixel_box(shape, wcs, width, height)
        if box is None:
            return None
        primary = fits.PrimaryHDU(header=_primary_header(hdus[0].header))
        for key, value in provenance.items():
            primary.header[key] = value
        primary.header["CUTX0"] = (box.x0, "first column of the cutout in the whole image")
        primary.header["CUTY0"] = (box.y0, "first row of the cutout in the whole image")
        out = fits.HDUList([primary])
        for name in names:
            plane = hdus[name]
            data = np.array(plane.section[box.y0 : box.y1, box.x0 : box.x1])
            header = _image_header(plane)
            for key in _WCS_KEYS:
                if key in header:
                    axis = 0 if key.endswith("1") else 1
                    header[key] = header[key] - (box.x0, box.y0)[axis]
            header["LTV1"] = (-box.x0, "image = physical + LTV: the cutout's offset")
            header["LTV2"] = (-box.y0, "image = physical + LTV: the cutout's offset")
            header["LTM1_1"] = 1.0
            header["LTM2_2"] = 1.0
            out.append(fits.ImageHDU(data=data, header=header, name=name))
        return out


def _primary_header(header: fits.Header) -> fits.Header:
    kept = header.copy()
    for key in ("SIMPLE", "BITPIX", "NAXIS", "EXTEND", "EXTNAME"):
        kept.remove(key, ignore_missing=True, remove_all=True)
    return kept


def describe(shape: Shape | None) -> dict[str, Any]:
    """Cards saying which stencil made a cutout (Rubin's ``ST_*`` convention)."""
    if shape is None:
        return {"ST_TYPE": "NONE"}
    if isinstance(shape, Circle):
        return {"ST_TYPE": "CIRCLE", "ST_RA": shape.ra, "ST_DEC": shape.dec, "ST_RAD": shape.radius}
    if isinstance(shape, Range):
        return {
            "ST_TYPE": "RANGE",
            "ST_LON1": "-Inf" if shape.lon1 is None else shape.lon1,
            "ST_LON2": "+Inf" if shape.lon2 is None else shape.lon2,
            "ST_LAT1": shape.lat1,
            "ST_LAT2": shape.lat2,
        }
    cards: dict[str, Any] = {"ST_TYPE": "POLYGON", "ST_NVERT": len(shape.vertices)}
    for index, (ra, dec) in enumerate(shape.vertices[:99]):  # FITS keys have 8 letters
        cards[f"ST_RA{index:02d}"] = ra
        cards[f"ST_DEC{index:02d}"] = dec
    return cards
