"""Deterministic random streams, keyed by what they describe, and row-blocked noise fields.

Every random quantity of the demo images comes from a generator seeded by the demo seed, a
:class:`Stream` tag and integers naming the thing (a sky cell, a visit and detector, a
tract, patch and band), never from the order in which files happen to be written. Noise
fields are drawn in fixed blocks of rows so that two products of one exposure (its raw, its
visit image, its difference image) can share the same realisation without holding it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

__all__ = ["BLOCK_ROWS", "Stream", "generator", "normal_rows"]

BLOCK_ROWS = 500
"""Rows of noise drawn at a time."""


class Stream(enum.IntEnum):
    """What a random stream is for (part of its seed)."""

    SKY = 1
    EXPOSURE_NOISE = 2
    TEMPLATE_NOISE = 3
    TRANSIENTS = 4
    COADD_NOISE = 5
    COADD_INPUTS = 6
    READOUT = 7


def generator(seed: int, stream: Stream, *keys: int) -> np.random.Generator:
    """A generator for ``stream`` of the thing named by ``keys`` (non-negative integers)."""
    return np.random.default_rng(np.random.SeedSequence([seed, int(stream), *keys]))


def normal_rows(
    rng: np.random.Generator, height: int, width: int
) -> Iterator[tuple[slice, npt.NDArray[np.float32]]]:
    """Unit normal float32 noise for a ``height`` x ``width`` image, block by block.

    Yields ``(rows, block)`` with ``block`` of shape ``(rows.stop - rows.start, width)``;
    the same generator state always gives the same field.
    """
    for start in range(0, height, BLOCK_ROWS):
        stop = min(height, start + BLOCK_ROWS)
        yield slice(start, stop), rng.standard_normal((stop - start, width), dtype=np.float32)
