"""The demo's one deterministic sky: stars and galaxies with a spectrum each, cell by cell.

The sphere is cut into cells of about 0.1 x 0.1 degrees (declination bands of 0.1 degree,
each split into equal RA cells). Each cell's sources come from a random stream seeded by
``(seed, band number, cell number)`` alone, so every image that covers a cell, whatever
its product, band or pointing, sees the same sources at the same positions with the same
spectra. Counts and sizes are plausible for a 30 s Rubin visit, not fitted to anything:

* stars, brighter than r = 25 (AB), at 2,500 per square degree far from the Galactic plane
  rising to 47,500 in it; number counts ``dN/dm`` growing by 0.2 dex per magnitude from
  r = 13; blackbody spectra of 3,200 to 9,000 K;
* galaxies, 50,000 per square degree to r = 25.5, counts growing by 0.35 dex per magnitude
  from r = 16; exponential discs (75 %) and de Vaucouleurs spheroids, half-light radii
  shrinking with magnitude, random axis ratios and position angles; power-law spectra
  ``f_nu ~ lambda^slope`` with slopes 0.3 to 2.5 (redder than stars on average).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from obscore.sphere import angular_distance, radec_to_xyz
from pixels import noise
from pixels.photometry import BAND_PHOTOMETRY, magnitude_to_njy

__all__ = ["CELL_SIZE", "DEV", "EXP", "POINT", "Sources", "cells_near", "sources_near"]

Float64 = npt.NDArray[np.float64]

CELL_SIZE = 0.1
"""Degrees: height of the declination bands, and about the RA width of the cells."""

POINT, EXP, DEV = 0, 1, 2
"""Source profiles: point source, exponential disc, de Vaucouleurs spheroid."""

_BANDS_PER_SPHERE = round(180 / CELL_SIZE)
_REFERENCE_BAND = "r"
_NGP = radec_to_xyz(192.85948, 27.12825)
"""Unit vector of the north Galactic pole (ICRS)."""

_STAR_RANGE = (13.0, 25.0)
_STAR_SLOPE = 0.2
_GALAXY_DENSITY = 50_000.0
_GALAXY_RANGE = (16.0, 25.5)
_GALAXY_SLOPE = 0.35
_HC_OVER_K = 1.438777e7
"""h c / k in nm K (the blackbody exponent is this over lambda T)."""


@dataclass(frozen=True, slots=True)
class Sources:
    """A catalogue of sources as column arrays (one element per source)."""

    ra: Float64
    dec: Float64
    magnitude: Float64
    """AB magnitude in the r band."""

    profile: npt.NDArray[np.int8]
    """:data:`POINT`, :data:`EXP` or :data:`DEV`."""

    temperature: Float64
    """Blackbody temperature (K) of stars; 0 for power-law spectra."""

    slope: Float64
    """Power-law index of ``f_nu ~ lambda^slope`` (used when temperature is 0)."""

    radius: Float64
    """Half-light radius along the major axis, arcsec (0 for point sources)."""

    axis_ratio: Float64
    """Minor over major axis (1 for point sources)."""

    angle: Float64
    """Position angle of the major axis, degrees east of north."""

    def __len__(self) -> int:
        return len(self.ra)

    def flux(self, band: str) -> Float64:
        """Flux densities in nJy in ``band``, from the r magnitude and the spectrum."""
        lam = BAND_PHOTOMETRY[band].wavelength
        lam_r = BAND_PHOTOMETRY[_REFERENCE_BAND].wavelength
        ratio = np.power(lam / lam_r, self.slope)
        stars = self.temperature > 0
        if stars.any():
            t = self.temperature[stars]
            ratio[stars] = (lam_r / lam) ** 3 * np.expm1(_HC_OVER_K / (lam_r * t))
            ratio[stars] /= np.expm1(_HC_OVER_K / (lam * t))
        out: Float64 = magnitude_to_njy(self.magnitude) * ratio
        return out

    def take(self, index: npt.ArrayLike) -> Sources:
        """The sources selected by an index or boolean array."""
        return Sources(*(getattr(self, f.name)[index] for f in fields(self)))

    @classmethod
    def concat(cls, parts: list[Sources]) -> Sources:
        """All sources of several catalogues."""
        if not parts:
            return cls.empty()
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))

    @classmethod
    def empty(cls) -> Sources:
        """A catalogue with no sources."""
        z = np.zeros(0)
        return cls(z, z, z, np.zeros(0, dtype=np.int8), z, z, z, z, z)


def _cells_in_band(j: int) -> int:
    dec_mid = -90.0 + (j + 0.5) * CELL_SIZE
    return max(1, round(360.0 * math.cos(math.radians(dec_mid)) / CELL_SIZE))


def cells_near(ra: float, dec: float, radius: float) -> list[tuple[int, int]]:
    """``(band, cell)`` numbers of every cell that may hold points within ``radius``
    degrees of (``ra``, ``dec``)."""
    j_lo = max(0, math.floor((dec - radius + 90.0) / CELL_SIZE))
    j_hi = min(_BANDS_PER_SPHERE - 1, math.floor((dec + radius + 90.0) / CELL_SIZE))
    reaches_pole = abs(dec) + radius >= 89.999
    half_width = (
        180.0
        if reaches_pole
        else math.degrees(
            math.asin(min(1.0, math.sin(math.radians(radius)) / math.cos(math.radians(dec))))
        )
    )
    cells: list[tuple[int, int]] = []
    for j in range(j_lo, j_hi + 1):
        n = _cells_in_band(j)
        width = 360.0 / n
        if half_width >= 180.0 or 2 * half_width + 2 * width >= 360.0:
            cells.extend((j, i) for i in range(n))
            continue
        first = math.floor((ra - half_width) / width)
        last = math.floor((ra + half_width) / width)
        cells.extend((j, i % n) for i in range(first, last + 1))
    return sorted(set(cells))


def _star_density(dec_mid: float, ra_mid: float) -> float:
    """Stars per square degree brighter than r = 25 at a position."""
    sin_b = float(radec_to_xyz(ra_mid, dec_mid) @ _NGP)
    latitude = math.degrees(math.asin(max(-1.0, min(1.0, sin_b))))
    return 2_500.0 + 45_000.0 * math.exp(-abs(latitude) / 8.0)


def _magnitudes(rng: np.random.Generator, n: int, lo: float, hi: float, slope: float) -> Float64:
    """``n`` magnitudes in [lo, hi] with ``log10 N(<m)`` growing by ``slope`` per mag."""
    u = rng.uniform(10.0 ** (slope * (lo - hi)), 1.0, n)
    out: Float64 = hi + np.log10(u) / slope
    return out


@functools.lru_cache(maxsize=256)
def _cell(seed: int, j: int, i: int) -> Sources:
    """The sources of one cell (cached: many images share cells)."""
    rng = noise.generator(seed, noise.Stream.SKY, j, i)
    n_cells = _cells_in_band(j)
    width = 360.0 / n_cells
    dec_lo, dec_hi = -90.0 + j * CELL_SIZE, -90.0 + (j + 1) * CELL_SIZE
    s_lo, s_hi = math.sin(math.radians(dec_lo)), math.sin(math.radians(dec_hi))
    area = math.radians(width) * (s_hi - s_lo) * (180.0 / math.pi) ** 2
    n_star = int(rng.poisson(_star_density((dec_lo + dec_hi) / 2, (i + 0.5) * width) * area))
    n_gal = int(rng.poisson(_GALAXY_DENSITY * area))
    n = n_star + n_gal
    ra = (i + rng.random(n)) * width
    dec = np.degrees(np.arcsin(rng.uniform(s_lo, s_hi, n)))
    is_star = np.arange(n) < n_star
    magnitude = np.concatenate(
        [
            _magnitudes(rng, n_star, *_STAR_RANGE, _STAR_SLOPE),
            _magnitudes(rng, n_gal, *_GALAXY_RANGE, _GALAXY_SLOPE),
        ]
    )
    profile = np.where(is_star, POINT, np.where(rng.random(n) < 0.75, EXP, DEV)).astype(np.int8)
    temperature = np.where(is_star, 3200.0 * (9000.0 / 3200.0) ** (rng.random(n) ** 1.5), 0.0)
    slope = np.where(is_star, 0.0, rng.uniform(0.3, 2.5, n))
    median_radius = 0.8 * 10.0 ** (-0.12 * (magnitude - 22.0))
    radius = np.clip(median_radius * 10.0 ** rng.normal(0.0, 0.2, n), 0.1, 8.0)
    radius = np.where(is_star, 0.0, np.where(profile == DEV, 0.7 * radius, radius))
    axis_ratio = np.where(
        is_star, 1.0, np.where(profile == DEV, rng.uniform(0.5, 1.0, n), rng.uniform(0.2, 1.0, n))
    )
    angle = np.where(is_star, 0.0, rng.uniform(0.0, 180.0, n))
    return Sources(ra, dec, magnitude, profile, temperature, slope, radius, axis_ratio, angle)


def sources_near(ra: float, dec: float, radius: float, seed: int) -> Sources:
    """Every source of the sky within ``radius`` degrees of (``ra``, ``dec``).

    Parameters
    ----------
    ra, dec
        Centre, degrees (ICRS).
    radius
        Degrees.
    seed
        The sky's seed (the demo's, 1786 by default); another seed is another sky.
    """
    parts = [_cell(seed, j, i) for j, i in cells_near(ra, dec, radius)]
    sources = Sources.concat(parts)
    near = angular_distance(ra, dec, sources.ra, sources.dec) <= radius
    return sources.take(near)
