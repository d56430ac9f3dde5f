"""How many input visits cover each pixel of a coadd (the demo's model of its depth).

The ObsCore row does not say which visits went into a coadd, so each patch and band gets
its own deterministic set of pseudo-inputs: 8 to 40 detector-sized rectangles at random
rotations, centred anywhere over the patch and a margin around it. A deep coadd uses them
all; a template coadd, like DP1's, a subset: the first third, or twelve when there are fewer
than 36. A pixel's variance is a single visit's divided by its count; pixels no input
covers are NO_DATA.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from obscore.products import BAND_NAMES, VISIT_IMAGE
from obscore.skymap import PATCH_OUTER
from pixels import noise

__all__ = ["input_count", "input_counts"]

_MARGIN = 700
"""Pixels beyond the patch edge where a pseudo-input's centre may still fall."""


def input_count(tract: int, patch: int, band: str, template: bool, seed: int) -> int:
    """The number of (pseudo-)inputs of a coadd."""
    return len(_rectangles(tract, patch, band, template, seed, PATCH_OUTER, PATCH_OUTER))


def _rectangles(
    tract: int, patch: int, band: str, template: bool, seed: int, width: int, height: int
) -> list[tuple[float, float, float]]:
    """Centre (x, y) and rotation (radians) of each input's rectangle on the patch grid."""
    rng = noise.generator(seed, noise.Stream.COADD_INPUTS, tract, patch, BAND_NAMES.index(band))
    visits = int(rng.integers(8, 41))
    cx = rng.uniform(-_MARGIN, width + _MARGIN, visits)
    cy = rng.uniform(-_MARGIN, height + _MARGIN, visits)
    angle = rng.uniform(0.0, math.pi, visits)
    used = max(visits // 3, min(12, visits)) if template else visits
    return [(float(cx[i]), float(cy[i]), float(angle[i])) for i in range(used)]


def _span(
    coef: float, offset: npt.NDArray[np.float64], half: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The x interval where ``|coef * x + offset| <= half``, per row."""
    if abs(coef) < 1e-12:
        inside = np.abs(offset) <= half
        return np.where(inside, -np.inf, np.inf), np.where(inside, np.inf, -np.inf)
    a, b = (-half - offset) / coef, (half - offset) / coef
    return np.minimum(a, b), np.maximum(a, b)


def input_counts(
    tract: int, patch: int, band: str, template: bool, seed: int, width: int, height: int
) -> npt.NDArray[np.uint8]:
    """Per-pixel input count (height, width) of a coadd; see the module docstring."""
    half_w, half_h = VISIT_IMAGE.width / 2, VISIT_IMAGE.height / 2
    rows = np.arange(height, dtype=np.float64)
    edges = np.zeros((height, width + 1), dtype=np.int16)
    for cx, cy, angle in _rectangles(tract, patch, band, template, seed, width, height):
        c, s = math.cos(angle), math.sin(angle)
        # Rectangle frame: u = (x-cx) c + (y-cy) s, v = -(x-cx) s + (y-cy) c.
        u_lo, u_hi = _span(c, -cx * c + (rows - cy) * s, half_w)
        v_lo, v_hi = _span(-s, cx * s + (rows - cy) * c, half_h)
        lo = np.ceil(np.maximum(u_lo, v_lo)).clip(0, width)
        hi = np.floor(np.minimum(u_hi, v_hi)).clip(-1, width - 1) + 1
        hit = lo < hi
        y = np.flatnonzero(hit)
        np.add.at(edges, (y, lo[hit].astype(np.int64)), 1)
        np.add.at(edges, (y, hi[hit].astype(np.int64)), -1)
    counts = np.cumsum(edges, axis=1, dtype=np.int16)[:, :width]
    return counts.astype(np.uint8)
