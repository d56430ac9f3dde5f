"""The ``lsst_cells_v1`` rings skymap: which tract and patch a sky position falls in.

A model of LSST's ``RingsSkyMap`` (120 declination rings of height pi/121, tracts evenly
spaced in RA within each ring, polar caps as tracts 0 and N-1) with the cell tract
builder's patches: 10 x 10 per tract, 3000 x 3000 inner pixels at 0.2 arcsec, each grown by
200 pixels on every side (3400 x 3400 outer, the coadd image and its ``s_region``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from obscore.sphere import Array, sky_to_tangent, tangent_to_sky

__all__ = ["PATCH_OUTER", "SKYMAP_NAME", "RingsSkyMap", "Tract"]

SKYMAP_NAME = "lsst_cells_v1"
PIXEL_SCALE = 0.2 / 3600.0
"""Degrees per pixel."""

PATCH_INNER = 3000
PATCH_BORDER = 200
PATCH_OUTER = PATCH_INNER + 2 * PATCH_BORDER
PATCHES_PER_SIDE = 10


@dataclass(frozen=True, slots=True)
class Tract:
    """One tract: its id and tangent-point centre (degrees)."""

    id: int
    ra: float
    dec: float

    def sky_to_pixel(self, ra: Array, dec: Array) -> tuple[Array, Array]:
        """Tract pixel coordinates (x grows west, y north; centre at the grid's middle)."""
        xi, eta = sky_to_tangent(self.ra, self.dec, ra, dec)
        half = PATCHES_PER_SIDE * PATCH_INNER / 2
        return half - xi / PIXEL_SCALE, half + eta / PIXEL_SCALE

    def pixel_to_sky(self, x: Array, y: Array) -> tuple[Array, Array]:
        """Inverse of :meth:`sky_to_pixel`."""
        half = PATCHES_PER_SIDE * PATCH_INNER / 2
        return tangent_to_sky(self.ra, self.dec, (half - x) * PIXEL_SCALE, (y - half) * PIXEL_SCALE)

    def patch_outer_corners(self, patch: int) -> tuple[Array, Array]:
        """Sky corners of a patch's outer box, counter-clockwise on the sky."""
        px, py = patch % PATCHES_PER_SIDE, patch // PATCHES_PER_SIDE
        x0 = px * PATCH_INNER - PATCH_BORDER
        y0 = py * PATCH_INNER - PATCH_BORDER
        x1, y1 = x0 + PATCH_OUTER, y0 + PATCH_OUTER
        # x grows west, so (x0, y0) -> (x1, y0) runs east to west along the south edge;
        # the reverse order is counter-clockwise (east = left when looking out).
        xs = np.array([x1, x0, x0, x1], dtype=np.float64)
        ys = np.array([y0, y0, y1, y1], dtype=np.float64)
        return self.pixel_to_sky(xs, ys)

    def patch_of(self, ra: Array, dec: Array) -> Array:
        """Sequential patch index (y * 10 + x) whose inner box holds each position, or -1."""
        x, y = self.sky_to_pixel(ra, dec)
        px = np.floor(x / PATCH_INNER).astype(np.int64)
        py = np.floor(y / PATCH_INNER).astype(np.int64)
        ok = (px >= 0) & (px < PATCHES_PER_SIDE) & (py >= 0) & (py < PATCHES_PER_SIDE)
        return np.where(ok, py * PATCHES_PER_SIDE + px, -1)


class RingsSkyMap:
    """The tract layout of a rings skymap (``lsst_cells_v1`` by default)."""

    def __init__(self, num_rings: int = 120, ra_start: float = 0.0) -> None:
        self.num_rings = num_rings
        self.ring_size = math.pi / (num_rings + 1)
        self.ra_start = ra_start
        self.ring_tracts: list[int] = []
        for i in range(num_rings):
            start = self.ring_size * (i + 0.5) - 0.5 * math.pi
            stop = start + self.ring_size
            dec = min(abs(start), abs(stop))
            self.ring_tracts.append(int(2 * math.pi * math.cos(dec) / self.ring_size) + 1)
        self._ring_offsets = np.concatenate([[1], 1 + np.cumsum(self.ring_tracts)])
        self.num_tracts = sum(self.ring_tracts) + 2

    def tract(self, tract_id: int) -> Tract:
        """The tract with this id."""
        if tract_id == 0:
            return Tract(0, 0.0, -90.0)
        if tract_id == self.num_tracts - 1:
            return Tract(tract_id, 0.0, 90.0)
        ring = int(np.searchsorted(self._ring_offsets, tract_id, side="right")) - 1
        index = tract_id - int(self._ring_offsets[ring])
        dec = self.ring_size * (ring + 1) - 0.5 * math.pi
        ra = (math.degrees(2 * math.pi * index / self.ring_tracts[ring]) + self.ra_start) % 360
        return Tract(tract_id, ra, math.degrees(dec))

    def find_tracts(self, ra: Array, dec: Array) -> Array:
        """The id of the tract each position belongs to (vectorised ``findTract``)."""
        ra_r = np.radians(np.asarray(ra, dtype=np.float64))
        dec_r = np.radians(np.asarray(dec, dtype=np.float64))
        first = self.ring_size * 0.5 - 0.5 * math.pi
        ring = np.clip(((dec_r - first) / self.ring_size).astype(np.int64), 0, self.num_rings - 1)
        per_ring = np.asarray(self.ring_tracts)[ring]
        step = 2 * math.pi / per_ring
        offset = np.mod(ra_r - math.radians(self.ra_start), 2 * math.pi)
        index = np.mod((offset / step + 0.5).astype(np.int64), per_ring)
        tract = self._ring_offsets[ring] + index
        tract = np.where(dec_r < first, 0, tract)
        out: Array = np.where(dec_r > -first, self.num_tracts - 1, tract)
        return out
