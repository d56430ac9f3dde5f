"""The LSST mask planes of the ``MASK`` extension: names, bits and their header cards."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["MASK_PLANES", "mask_cards", "mask_value"]

MASK_PLANES: Mapping[str, int] = MappingProxyType(
    {
        name: bit
        for bit, name in enumerate(
            (
                "BAD",
                "SAT",
                "INTRP",
                "CR",
                "EDGE",
                "DETECTED",
                "DETECTED_NEGATIVE",
                "SUSPECT",
                "NO_DATA",
                "VIGNETTED",
                "STREAK",
                "CLIPPED",
                "CROSSTALK",
                "INEXACT_PSF",
                "ITL_DIP",
                "NOT_DEBLENDED",
                "REJECTED",
                "SENSOR_EDGE",
                "UNMASKEDNAN",
            )
        )
    }
)
"""Mask plane name to bit number, as on DP1's deep coadds (``reference/dp1_facts.md`` 5).

A pixel has plane ``NAME`` set when ``mask & (1 << MASK_PLANES[NAME])``. This library sets
SAT (clipped at saturation), EDGE (image borders of detector images), DETECTED (the noiseless
model above 3 sigma) and NO_DATA (coadd pixels no input covered); the others are defined
but unused."""


def mask_value(*names: str) -> int:
    """The integer with the bits of the named planes set.

    Raises
    ------
    KeyError
        If a name is not a mask plane.
    """
    value = 0
    for name in names:
        value |= 1 << MASK_PLANES[name]
    return value


def mask_cards() -> list[tuple[str, int, str]]:
    """``(keyword, bit, comment)`` header cards ``MP_<NAME> = bit``, as LSST writes them.

    Names longer than eight characters use the HIERARCH convention
    (``HIERARCH MP_DETECTED_NEGATIVE = 6``); astropy reads them back as ``MP_<NAME>``.
    """
    cards = []
    for name, bit in MASK_PLANES.items():
        keyword = f"MP_{name}"
        if len(keyword) > 8:
            keyword = f"HIERARCH {keyword}"
        cards.append((keyword, bit, "mask plane bit"))
    return cards
