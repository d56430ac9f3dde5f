"""Photometry of the demo camera: the nJy zero point, band throughputs, sky, gain and noise.

Processed images are in nJy, so a pixel value converts to an AB magnitude with the fixed
zero point :data:`ZERO_POINT_AB` (31.4, DP1's PhotoCalib mean of 1). Raws are in ADU; the
conversion between the two goes through electrons with the per-band instrumental zero
points and dark-sky brightnesses of Rubin's SMTN-002 and the ITL gain and read noise of
``reference/dp1_facts.md`` section 1. Values are representative, not measured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from obscore.products import BANDS, PIXEL_SCALE

__all__ = [
    "BAND_PHOTOMETRY",
    "FULL_WELL",
    "GAIN",
    "READ_NOISE",
    "ZERO_POINT_AB",
    "BandPhotometry",
    "Calibration",
    "magnitude_to_njy",
]

ZERO_POINT_AB = 31.4
"""AB magnitude of a flux density of 1 nJy: ``m = 31.4 - 2.5 log10(f / nJy)``.

Written to every processed image's header as ``MAGZERO`` (and ``BUNIT = 'nJy'``)."""

GAIN = 1.68
"""Electrons per ADU of the ITL sensors."""

READ_NOISE = 6.21
"""Read noise of the ITL sensors, electrons."""

FULL_WELL = 100_000.0
"""Electrons at which a pixel saturates (sky included)."""

_PIXEL_AREA = (PIXEL_SCALE * 3600.0) ** 2
"""Square arcseconds per pixel (0.04)."""


@dataclass(frozen=True, slots=True)
class BandPhotometry:
    """Throughput and dark-sky brightness of one band."""

    band: str
    wavelength: float
    """Band midpoint in nanometres (the ObsCore ``em_min``/``em_max`` midpoint)."""

    zero_point: float
    """Instrumental AB zero point: the magnitude that gives 1 electron per second."""

    sky: float
    """Dark-sky surface brightness, AB magnitudes per square arcsecond."""


def _band(name: str, zero_point: float, sky: float) -> BandPhotometry:
    # The midpoint comes from the ObsCore band table so the two never disagree.
    wavelength = (BANDS[name].em_min + BANDS[name].em_max) / 2 * 1e9
    return BandPhotometry(name, wavelength, zero_point, sky)


BAND_PHOTOMETRY = {
    p.band: p
    for p in (
        _band("u", 26.52, 22.95),
        _band("g", 28.51, 22.24),
        _band("r", 28.36, 21.20),
        _band("i", 28.17, 20.47),
        _band("z", 27.78, 19.60),
        _band("y", 26.82, 18.63),
    )
}
"""Rubin's per-band zero points and dark-sky brightnesses (SMTN-002, rounded)."""


def magnitude_to_njy(magnitude: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Flux densities in nJy of AB magnitudes."""
    return np.power(10.0, -0.4 * (np.asarray(magnitude, dtype=np.float64) - ZERO_POINT_AB))


@dataclass(frozen=True, slots=True)
class Calibration:
    """How an exposure of a given band and length turns nJy into electrons, and its noise.

    A coadd uses the calibration of its typical (30 s) input and divides the variance by
    its number of inputs.
    """

    band: str
    exptime: float
    """Seconds."""

    njy_per_electron: float
    sky_electrons: float
    """Sky background per pixel, electrons."""

    @classmethod
    def for_band(cls, band: str, exptime: float = 30.0) -> Calibration:
        """The calibration of an exposure of ``exptime`` seconds in ``band``."""
        p = BAND_PHOTOMETRY[band]
        # The magnitude that yields one electron in the whole exposure.
        one_electron = p.zero_point + 2.5 * math.log10(exptime)
        sky_per_pixel = p.sky - 2.5 * math.log10(_PIXEL_AREA)
        return cls(
            band=band,
            exptime=exptime,
            njy_per_electron=10.0 ** (-0.4 * (one_electron - ZERO_POINT_AB)),
            sky_electrons=10.0 ** (-0.4 * (sky_per_pixel - one_electron)),
        )

    @property
    def sky_njy(self) -> float:
        """Sky background per pixel in nJy (subtracted from processed images)."""
        return self.sky_electrons * self.njy_per_electron

    @property
    def saturation(self) -> float:
        """Background-subtracted pixel value (nJy) at which the sensor saturates."""
        return (FULL_WELL - self.sky_electrons) * self.njy_per_electron

    @property
    def background_variance(self) -> float:
        """Variance (nJy^2) of an empty pixel: sky photon noise plus read noise."""
        return (self.sky_electrons + READ_NOISE**2) * self.njy_per_electron**2

    def variance(self, model: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Per-pixel variance (nJy^2) of an exposure whose noiseless image is ``model``
        (nJy above background): background plus the sources' photon noise."""
        out = np.maximum(model, np.float32(0.0))
        out *= np.float32(self.njy_per_electron)
        out += np.float32(self.background_variance)
        return out
