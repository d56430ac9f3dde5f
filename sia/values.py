"""SIA 2.0 parameter values: numbers (with DALI's -Inf and +Inf), intervals and the POS
shapes (CIRCLE, RANGE, POLYGON), parsed and checked.

Values are checked here, not by the database, so that a user's mistake is answered with
what was wrong in their own terms (``POS: the radius of CIRCLE must be in (0, 180]``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeAlias

from sia.errors import SiaParameterError

__all__ = [
    "Circle",
    "Interval",
    "Polygon",
    "Range",
    "Shape",
    "parse_integer",
    "parse_interval",
    "parse_number",
    "parse_shape",
]


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed interval; a bound may be infinite (unbounded on that side)."""

    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Circle:
    """CIRCLE ra dec radius (ICRS degrees)."""

    ra: float
    dec: float
    radius: float


@dataclass(frozen=True, slots=True)
class Range:
    """RANGE lon1 lon2 lat1 lat2 (ICRS degrees). Longitudes are in [0, 360] or None for
    an unbounded side; ``lon1 > lon2`` means the range crosses RA 0. Latitudes are
    clamped to [-90, 90]."""

    lon1: float | None
    lon2: float | None
    lat1: float
    lat2: float


@dataclass(frozen=True, slots=True)
class Polygon:
    """POLYGON through (ra, dec) vertices (ICRS degrees); concave is fine."""

    vertices: tuple[tuple[float, float], ...]


Shape: TypeAlias = Circle | Range | Polygon


def parse_number(name: str, text: str) -> float:
    """A number; ``-Inf``, ``+Inf`` and ``Inf`` (any case) are infinities, NaN is refused."""
    try:
        value = float(text)
    except ValueError:
        raise SiaParameterError(name, f"{text!r} is not a number") from None
    if math.isnan(value):
        raise SiaParameterError(name, "NaN is not a usable value")
    return value


def parse_integer(name: str, text: str) -> int:
    """A whole number."""
    try:
        value = int(text.strip())
    except ValueError:
        raise SiaParameterError(name, f"{text!r} is not a whole number") from None
    if abs(value) > 2**63 - 1:
        raise SiaParameterError(name, f"{text.strip()} is beyond the range of a 64-bit integer")
    return value


def _numbers(name: str, text: str) -> list[float]:
    return [parse_number(name, word) for word in text.split()]


def parse_interval(name: str, text: str) -> Interval:
    """One value (``v``, meaning [v, v]) or two (``low high``), bounds included."""
    numbers = _numbers(name, text)
    if len(numbers) == 1:
        value = numbers[0]
        if math.isinf(value):
            raise SiaParameterError(name, "a single value must be finite")
        return Interval(value, value)
    if len(numbers) != 2:
        raise SiaParameterError(
            name, f"give one value or two (low high), not {len(numbers)}: {text!r}"
        )
    low, high = numbers
    if low == high and math.isinf(low):
        raise SiaParameterError(name, f"both bounds are {text.split()[0]}: the interval is empty")
    if low > high:
        raise SiaParameterError(name, f"the low bound {low:g} is above the high bound {high:g}")
    return Interval(low, high)


def _check_position(name: str, ra: float, dec: float) -> None:
    if not 0 <= ra <= 360:
        raise SiaParameterError(name, f"longitude {ra:g} is outside [0, 360]")
    if not -90 <= dec <= 90:
        raise SiaParameterError(name, f"latitude {dec:g} is outside [-90, 90]")


def parse_shape(name: str, text: str) -> Shape:
    """``CIRCLE ra dec r``, ``RANGE lon1 lon2 lat1 lat2`` or ``POLYGON ra1 dec1 ...``
    (the shape keyword in any case)."""
    words = text.split()
    if not words:
        raise SiaParameterError(name, "empty value; use CIRCLE, RANGE or POLYGON")
    keyword, numbers = words[0].upper(), _numbers(name, " ".join(words[1:]))
    if keyword == "CIRCLE":
        return _circle(name, numbers)
    if keyword == "RANGE":
        return _range(name, numbers)
    if keyword == "POLYGON":
        return _polygon(name, numbers)
    raise SiaParameterError(
        name, f"unknown shape {words[0]!r}; use CIRCLE, RANGE or POLYGON (ICRS degrees)"
    )


def _circle(name: str, numbers: list[float]) -> Circle:
    if len(numbers) != 3:
        raise SiaParameterError(name, f"CIRCLE takes ra dec radius, not {len(numbers)} numbers")
    ra, dec, radius = numbers
    _check_position(name, ra, dec)
    if not 0 < radius <= 180:
        raise SiaParameterError(name, f"the radius of CIRCLE must be in (0, 180], not {radius:g}")
    return Circle(ra, dec, radius)


def _range(name: str, numbers: list[float]) -> Range:
    if len(numbers) != 4:
        raise SiaParameterError(
            name, f"RANGE takes lon1 lon2 lat1 lat2, not {len(numbers)} numbers"
        )
    lon1, lon2, lat1, lat2 = numbers
    all_longitudes = lon1 == -math.inf and lon2 == math.inf
    if not all_longitudes and (math.isinf(lon1) or math.isinf(lon2)):
        # "-Inf 10" has no meaning on a circle; "-Inf +Inf" is all of it.
        raise SiaParameterError(
            name, "RANGE longitudes are both finite or -Inf +Inf (all longitudes)"
        )
    for lon in (lon1, lon2):
        if not math.isinf(lon) and not 0 <= lon <= 360:
            raise SiaParameterError(name, f"RANGE longitude {lon:g} is outside [0, 360]")
    if not math.isinf(lon1) and lon1 == lon2:
        raise SiaParameterError(name, "RANGE covers no longitudes (lon1 equals lon2)")
    low, high = max(lat1, -90.0), min(lat2, 90.0)
    for lat in (lat1, lat2):
        if not math.isinf(lat) and not -90 <= lat <= 90:
            raise SiaParameterError(name, f"RANGE latitude {lat:g} is outside [-90, 90]")
    if low >= high:
        raise SiaParameterError(name, "RANGE needs lat1 below lat2")
    if all_longitudes:
        return Range(None, None, low, high)
    return Range(lon1, lon2, low, high)


def _polygon(name: str, numbers: list[float]) -> Polygon:
    if len(numbers) < 6 or len(numbers) % 2:
        raise SiaParameterError(
            name, f"POLYGON takes at least 3 ra dec pairs, not {len(numbers)} numbers"
        )
    vertices = tuple(zip(numbers[::2], numbers[1::2], strict=True))
    for ra, dec in vertices:
        _check_position(name, ra, dec)
    return Polygon(vertices)
