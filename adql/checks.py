"""Checks the binder applies to calls and casts: geometry argument forms, CAST targets,
IN_UNIT conversions. Each failure is an :class:`AdqlSemanticError` with a span."""

from __future__ import annotations

from typing import NoReturn

from adql import ast
from adql.errors import AdqlSemanticError
from adql.functions import INT, LONG, Kind, ValueType

__all__ = ["cast_type", "check_geometry_forms", "unit_factor"]


def _fail(message: str, span: ast.Span) -> NoReturn:
    raise AdqlSemanticError(message, span)


def check_geometry_forms(
    name: str, args: list[ast.Expression], kinds: list[Kind], span: ast.Span
) -> None:
    points = [k is Kind.POINT for k in kinds]
    if name == "CIRCLE" and not (
        (kinds[:1] == [Kind.POINT] and len(args) == 2) or (len(args) == 3 and not any(points))
    ):
        _fail("CIRCLE takes a centre POINT and a radius, or RA, Dec and a radius", span)
    if name == "BOX" and not (
        (kinds[:1] == [Kind.POINT] and len(args) == 3) or (len(args) == 4 and not any(points))
    ):
        _fail("BOX takes a centre POINT, width and height, or RA, Dec, width and height", span)
    if name == "POLYGON" and not (
        (all(points) and len(args) >= 3)
        or (not any(points) and len(args) >= 6 and len(args) % 2 == 0)
    ):
        _fail(
            "POLYGON takes three or more POINTs, or an even number (six or more) of coordinates",
            span,
        )
    if name == "DISTANCE" and not (
        (len(args) == 2 and all(points)) or (len(args) == 4 and not any(points))
    ):
        _fail("DISTANCE takes two POINTs, or RA1, Dec1, RA2, Dec2", span)


def unit_factor(source: str | None, target: ast.Expression, span: ast.Span) -> float:
    """The factor IN_UNIT multiplies by (ADQL 2.1 sect. 4.8.6), or a clear error."""
    if not isinstance(target, ast.String):
        _fail("the unit of IN_UNIT must be a string literal such as 'nm'", target.span)
    if not source:
        _fail("IN_UNIT needs a value with a unit, such as a column with one", span)
    from astropy import units

    try:
        to = units.Unit(target.value, format="vounit")
    except ValueError:
        _fail(f"'{target.value}' is not a VOUnit", target.span)
    try:
        return float(units.Unit(source, format="vounit").to(to))
    except (ValueError, units.UnitConversionError):
        _fail(f"cannot convert {source} to {target.value}", span)


_CAST_TYPES = {
    "SMALLINT": ValueType("short"),
    "INTEGER": INT,
    "BIGINT": LONG,
    "REAL": ValueType("float"),
    "DOUBLE PRECISION": ValueType("double"),
    "TIMESTAMP": ValueType("char", "*", "timestamp"),
}


def cast_type(name: str, length: int | None, span: ast.Span) -> ValueType:
    if name in ("CHAR", "VARCHAR"):
        size = str(length) if length else "*"
        return ValueType("char", size if name == "CHAR" else f"{size}*".replace("**", "*"))
    if name in _CAST_TYPES and length is None:
        return _CAST_TYPES[name]
    allowed = (
        "SMALLINT, INTEGER, BIGINT, REAL, DOUBLE PRECISION, CHAR(n), VARCHAR(n), TIMESTAMP, "
        "POINT, CIRCLE, POLYGON"
    )
    _fail(f"cannot CAST to {name}; ADQL casts to {allowed}", span)
