"""A synthetic wide survey far larger than DP1, generated in batches, for benchmarks.

The same camera and products as the demo (raw, visit_image and difference_image for each
of 9 detectors: 27 rows a visit), with pointings spread uniformly over the southern sky and
visits following each other night after night. Memory stays bounded by the batch size.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from obscore import products
from obscore.products import BAND_NAMES, Exposures

__all__ = ["ROWS_PER_VISIT", "generate_survey"]

ROWS_PER_VISIT = 9 * len(products.DETECTOR_PRODUCTS)
VISITS_PER_NIGHT = 800
FIRST_NIGHT = 60607
_DEC_RANGE = (-80.0, 25.0)


def _day_obs(nights: np.ndarray) -> np.ndarray:
    dates = np.datetime64("1970-01-01") + (nights - 40587).astype("timedelta64[D]")
    return np.array([int(str(d).replace("-", "")) for d in dates], dtype=np.int64)


def generate_survey(rows: int, seed: int = 2026, batch_visits: int = 2000) -> Iterator[pa.Table]:
    """Yield at least ``rows`` ObsCore rows in Arrow tables of ``27 * batch_visits`` rows."""
    rng = np.random.default_rng(seed)
    total_visits = math.ceil(rows / ROWS_PER_VISIT)
    sin_lo, sin_hi = (math.sin(math.radians(d)) for d in _DEC_RANGE)
    for first in range(0, total_visits, batch_visits):
        n = min(batch_visits, total_visits - first)
        index = np.arange(first, first + n)
        nights = FIRST_NIGHT + index // VISITS_PER_NIGHT
        seq = index % VISITS_PER_NIGHT + 1
        day_obs = _day_obs(nights)
        exposures = Exposures(
            exposure_id=day_obs * 100000 + seq,
            day_obs=day_obs,
            seq=seq,
            t_start=nights + 0.98 + seq * 38.4 / 86400.0,
            band=np.array(BAND_NAMES)[rng.integers(0, len(BAND_NAMES), n)],
            target=np.full(n, "wide_survey", dtype=object),
            ra=rng.uniform(0.0, 360.0, n),
            dec=np.degrees(np.arcsin(rng.uniform(sin_lo, sin_hi, n))),
            rotation=rng.uniform(0.0, 360.0, n),
            seeing=np.exp(rng.normal(np.log(1.0), 0.25, n)),
        )
        footprints = products.detector_footprints(exposures)
        keep = np.ones((n, 9), dtype=bool)
        yield pa.concat_tables(
            [
                products.detector_rows(exposures, product, keep, rng, footprints)
                for product in products.DETECTOR_PRODUCTS
            ]
        )
