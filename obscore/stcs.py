"""STC-S ``POLYGON`` strings, the form ``s_region`` is published in (as at Rubin).

``POLYGON ICRS 52.898024 -27.978909 52.839871 -28.199792 ...``: the frame is optional on
input, vertices are (RA, Dec) pairs in degrees; on output they are written to 6 decimal
places (about 4 milliarcseconds), counter-clockwise as seen from inside the sphere.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["StcsError", "canonical_polygons", "format_polygons", "parse_polygon"]

_FRAMES = {"ICRS", "FK5", "J2000", "UNKNOWNFRAME"}


class StcsError(ValueError):
    """An ``s_region`` value that is not an STC-S polygon we can index."""


def parse_polygon(text: str) -> tuple[tuple[float, float], ...]:
    """Parse an STC-S polygon into its (RA, Dec) vertices.

    Raises
    ------
    StcsError
        If the text is not ``POLYGON [frame] ra dec ra dec ...`` with at least three
        vertices and coordinates on the sphere.
    """
    words = text.split()
    if not words or words[0].upper() != "POLYGON":
        raise StcsError(f"expected an STC-S POLYGON, got {text[:40]!r}")
    numbers = words[1:]
    if numbers and numbers[0].upper() in _FRAMES:
        if numbers[0].upper() != "ICRS":
            raise StcsError(f"only the ICRS frame is supported, not {numbers[0]}")
        numbers = numbers[1:]
    try:
        values = [float(w) for w in numbers]
    except ValueError as exc:
        raise StcsError(f"polygon coordinates must be numbers: {exc}") from None
    if len(values) % 2 or len(values) < 6:
        raise StcsError("a polygon needs at least three (ra, dec) pairs")
    vertices = tuple(zip(values[0::2], values[1::2], strict=True))
    for ra, dec in vertices:
        if not (math.isfinite(ra) and math.isfinite(dec) and -90.0 <= dec <= 90.0):
            raise StcsError(f"vertex ({ra}, {dec}) is not on the sky")
    return tuple((ra % 360.0, dec) for ra, dec in vertices)


def canonical_polygons(regions: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.float64] | None:
    """The (n, k, 2) vertices of non-null ``regions`` when every one is ``POLYGON ICRS``
    and the same number of numbers, single-spaced (what exporters and this project write),
    read column-wise; None otherwise, for :func:`parse_polygon` to read them one by one.
    Numbers are not checked for being on the sky."""
    tokens = pc.split_pattern(pc.utf8_trim_whitespace(regions), " ")
    lengths = pc.list_value_length(tokens).to_numpy(zero_copy_only=False)
    count = int(lengths[0])
    if count < 8 or count % 2 or (lengths != count).any():
        return None
    grid = pc.list_flatten(tokens).to_numpy(zero_copy_only=False).reshape(len(lengths), count)
    if (grid[:, 0] != "POLYGON").any() or (grid[:, 1] != "ICRS").any():
        return None
    try:
        values = pc.cast(pa.array(grid[:, 2:].ravel()), pa.float64()).to_numpy()
    except pa.ArrowInvalid:
        return None
    vertices: npt.NDArray[np.float64] = values.reshape(len(lengths), -1, 2)
    return vertices


def format_polygons(ra: npt.NDArray[np.float64], dec: npt.NDArray[np.float64]) -> pa.StringArray:
    """STC-S strings for polygons given as (n, k) arrays of vertex coordinates, each to six
    decimals (as ``%.6f``, rounding the scaled value), built column-wise by Arrow."""
    k = ra.shape[1]
    numbers = []
    for i in range(k):
        numbers += [_fixed6(ra[:, i] % 360.0), _fixed6(dec[:, i])]
    joined: pa.StringArray = pc.binary_join_element_wise("POLYGON", "ICRS", *numbers, " ")
    return joined


def _fixed6(values: npt.NDArray[np.float64]) -> pa.StringArray:
    """Numbers as text with six decimals, without a Python call per number."""
    scaled = np.rint(values * 1e6).astype(np.int64)
    magnitude = np.abs(scaled)
    whole = pc.cast(pa.array(magnitude // 1_000_000), pa.string())
    fraction = pc.utf8_lpad(pc.cast(pa.array(magnitude % 1_000_000), pa.string()), 6, "0")
    sign = pc.if_else(pa.array(scaled < 0), "-", "")
    text: pa.StringArray = pc.binary_join_element_wise(sign, whole, ".", fraction, "")
    return text
