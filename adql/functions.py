"""The functions ADQL 2.1 defines, as data: arity, argument kinds and result type.

The binder checks calls against this table and infers result metadata from it; the
translator maps each name to SQL. Geometry functions accept the deprecated leading
coordinate-system string (ADQL 2.1 sect. 4.2), which the binder strips.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from vometa import FieldType

__all__ = ["AGGREGATES", "FUNCTIONS", "FunctionSpec", "Kind", "ValueType"]


class Kind(Enum):
    """What kind of value an expression is, for argument checks."""

    NUMBER = "a number"
    STRING = "a string"
    POINT = "a POINT"
    SHAPE = "a CIRCLE, BOX, POLYGON or REGION"
    ANY = "a value"
    NULL = "NULL"

    @property
    def is_geometry(self) -> bool:
        """POINT or another shape."""
        return self in (Kind.POINT, Kind.SHAPE)


@dataclass(frozen=True, slots=True)
class ValueType(FieldType):
    """The VOTable type of an expression's values, and its kind for argument checks."""

    @property
    def kind(self) -> Kind:
        """The argument kind of values of this type."""
        if self.xtype == "point":
            return Kind.POINT
        if self.xtype in ("circle", "polygon", "adql:REGION", "region"):
            return Kind.SHAPE
        if self.datatype in ("char", "unicodeChar"):
            return Kind.STRING
        if self.datatype in ("short", "int", "long", "float", "double", "boolean", "unsignedByte"):
            return Kind.NUMBER
        return Kind.ANY


DOUBLE = ValueType("double")
LONG = ValueType("long")
INT = ValueType("int")
STRING = ValueType("char", "*")
POINT = ValueType("double", "2", "point", "deg")
CIRCLE = ValueType("double", "3", "circle", "deg")
POLYGON = ValueType("double", "*", "polygon", "deg")
REGION = ValueType("char", "*", "adql:REGION")
DEGREES = ValueType("double", unit="deg")

_N, _S, _P, _G, _A = Kind.NUMBER, Kind.STRING, Kind.POINT, Kind.SHAPE, Kind.ANY


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """One function: argument kinds (the last repeats if ``variadic``) and result type.

    ``result`` None means "the type of the first argument" (ABS, MIN, COALESCE...).
    """

    name: str
    args: tuple[Kind, ...]
    result: ValueType | None
    optional: int = 0
    """How many trailing arguments may be left out."""
    variadic: bool = False
    feature: str | None = None
    """TAPRegExt feature ID, for optional language features."""

    @property
    def arity(self) -> str:
        """Human description of the number of arguments."""
        least = len(self.args) - self.optional
        if self.variadic:
            return f"{least} or more arguments"
        if self.optional:
            return f"{least} to {len(self.args)} arguments"
        return f"{least} argument{'s' if least != 1 else ''}"


_GEO = "ivo://ivoa.net/std/TAPRegExt#features-adqlgeo"
_STRING = "ivo://ivoa.net/std/TAPRegExt#features-adql-string"
_CONDITIONAL = "ivo://ivoa.net/std/TAPRegExt#features-adql-conditional"
_UNIT = "ivo://ivoa.net/std/TAPRegExt#features-adql-unit"

_SPECS = [
    FunctionSpec("ABS", (_N,), None),
    FunctionSpec("CEILING", (_N,), DOUBLE),
    FunctionSpec("DEGREES", (_N,), DOUBLE),
    FunctionSpec("EXP", (_N,), DOUBLE),
    FunctionSpec("FLOOR", (_N,), DOUBLE),
    FunctionSpec("LOG", (_N,), DOUBLE),
    FunctionSpec("LOG10", (_N,), DOUBLE),
    FunctionSpec("MOD", (_N, _N), None),
    FunctionSpec("PI", (), DOUBLE),
    FunctionSpec("POWER", (_N, _N), DOUBLE),
    FunctionSpec("RADIANS", (_N,), DOUBLE),
    FunctionSpec("SQRT", (_N,), DOUBLE),
    FunctionSpec("RAND", (_N,), DOUBLE, optional=1),
    FunctionSpec("ROUND", (_N, _N), None, optional=1),
    FunctionSpec("TRUNCATE", (_N, _N), None, optional=1),
    FunctionSpec("ACOS", (_N,), DOUBLE),
    FunctionSpec("ASIN", (_N,), DOUBLE),
    FunctionSpec("ATAN", (_N,), DOUBLE),
    FunctionSpec("ATAN2", (_N, _N), DOUBLE),
    FunctionSpec("COS", (_N,), DOUBLE),
    FunctionSpec("COT", (_N,), DOUBLE),
    FunctionSpec("SIN", (_N,), DOUBLE),
    FunctionSpec("TAN", (_N,), DOUBLE),
    FunctionSpec("LOWER", (_S,), STRING, feature=_STRING),
    FunctionSpec("UPPER", (_S,), STRING, feature=_STRING),
    FunctionSpec("COALESCE", (_A,), None, variadic=True, feature=_CONDITIONAL),
    FunctionSpec("IN_UNIT", (_N, _S), DOUBLE, feature=_UNIT),
    # Geometry: argument lists after the optional coordinate-system string is removed.
    FunctionSpec("POINT", (_N, _N), POINT, feature=_GEO),
    FunctionSpec("CIRCLE", (_A, _A, _N), CIRCLE, optional=1, feature=_GEO),
    FunctionSpec("BOX", (_A, _A, _N, _N), POLYGON, optional=1, feature=_GEO),
    FunctionSpec("POLYGON", (_A, _A, _A), POLYGON, variadic=True, feature=_GEO),
    FunctionSpec("REGION", (_S,), REGION, feature=_GEO),
    FunctionSpec("CONTAINS", (_G, _G), INT, feature=_GEO),
    FunctionSpec("INTERSECTS", (_G, _G), INT, feature=_GEO),
    FunctionSpec("DISTANCE", (_A, _A, _N, _N), DEGREES, optional=2, feature=_GEO),
    FunctionSpec("AREA", (_G,), ValueType("double", unit="deg**2"), feature=_GEO),
    FunctionSpec("CENTROID", (_G,), POINT, feature=_GEO),
    FunctionSpec("COORD1", (_P,), DEGREES, feature=_GEO),
    FunctionSpec("COORD2", (_P,), DEGREES, feature=_GEO),
    FunctionSpec("COORDSYS", (_G,), STRING, feature=_GEO),
]

FUNCTIONS = {spec.name: spec for spec in _SPECS}
"""Every ADQL 2.1 function by upper-case name (aggregates are in :data:`AGGREGATES`)."""

AGGREGATES = {
    "COUNT": LONG,
    "AVG": DOUBLE,
    "MIN": None,
    "MAX": None,
    "SUM": None,
}
"""Aggregate functions and their result types (None: the argument's type)."""

COORDINATE_SYSTEM_FUNCTIONS = frozenset({"POINT", "CIRCLE", "BOX", "POLYGON"})
"""Geometry constructors that accept a leading coordinate-system string."""
