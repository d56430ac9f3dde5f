"""Transients: point sources that exist only in one exposure of one detector.

Each (visit, detector) gets three to six, placed uniformly on the detector (away from its
edges) and given blue power-law spectra of r = 18.5 to 21.5, all drawn from a stream seeded
by the demo seed, the visit (exposure id) and the detector. They are part of that exposure's
raw and visit image and are what its difference image shows; coadds never contain them.
"""

from __future__ import annotations

import numpy as np

from pixels import noise
from pixels.sky import POINT, Sources
from pixels.wcs import TanWcs

__all__ = ["TRANSIENT_MARGIN", "transients"]

TRANSIENT_MARGIN = 100
"""Pixels kept clear between a transient and the detector edge."""


def transients(
    visit: int, detector: int, wcs: TanWcs, width: int, height: int, seed: int
) -> Sources:
    """The transients of one detector of one visit.

    Parameters
    ----------
    visit, detector
        ``lsst_visit`` (the exposure id) and ``lsst_detector``.
    wcs, width, height
        The calibrated detector grid (4072 x 4000) and its WCS.
    seed
        The demo seed.
    """
    rng = noise.generator(seed, noise.Stream.TRANSIENTS, visit, detector)
    n = int(rng.integers(3, 7))
    x = rng.uniform(TRANSIENT_MARGIN, width - 1 - TRANSIENT_MARGIN, n)
    y = rng.uniform(TRANSIENT_MARGIN, height - 1 - TRANSIENT_MARGIN, n)
    ra, dec = wcs.pixel_to_sky(x, y)
    zeros, ones = np.zeros(n), np.ones(n)
    return Sources(
        ra=ra,
        dec=dec,
        magnitude=rng.uniform(18.5, 21.5, n),
        profile=np.full(n, POINT, dtype=np.int8),
        temperature=zeros,
        slope=rng.uniform(-2.0, 0.0, n),
        radius=zeros,
        axis_ratio=ones,
        angle=zeros,
    )
