"""A column's VOTable metadata: its type (:class:`FieldType`: datatype, arraysize,
xtype, unit, UCD, utype) and, for a named column, :class:`Field`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Field", "FieldType"]

_TEXT = ("char", "unicodeChar")


@dataclass(frozen=True, slots=True)
class FieldType:
    """The VOTable type of a column's values."""

    datatype: str
    """``boolean``, ``unsignedByte``, ``short``, ``int``, ``long``, ``float``, ``double``,
    ``char`` or ``unicodeChar``."""
    arraysize: str | None = None
    """``None`` for a scalar; ``2``, ``*``, ``64*``, ``2x3``..."""
    xtype: str | None = None
    unit: str | None = None
    ucd: str | None = None
    utype: str | None = None

    @property
    def is_text(self) -> bool:
        """Characters (any arraysize)."""
        return self.datatype in _TEXT

    @property
    def is_array(self) -> bool:
        """A numeric array (a DALI point, circle, polygon or interval, or a vector)."""
        return not self.is_text and self.arraysize not in (None, "1")


@dataclass(frozen=True, slots=True)
class Field:
    """A named column: a VOTable FIELD, a TAP_SCHEMA column, a result column."""

    name: str
    type: FieldType
    description: str | None = None

    @classmethod
    def make(
        cls,
        name: str,
        datatype: str,
        arraysize: str | None = None,
        xtype: str | None = None,
        unit: str | None = None,
        ucd: str | None = None,
        utype: str | None = None,
        description: str | None = None,
    ) -> Field:
        """A field from its attributes, in the order a VOTable FIELD has them."""
        return cls(name, FieldType(datatype, arraysize, xtype, unit, ucd, utype), description)

    @property
    def datatype(self) -> str:
        return self.type.datatype

    @property
    def arraysize(self) -> str | None:
        return self.type.arraysize

    @property
    def xtype(self) -> str | None:
        return self.type.xtype

    @property
    def unit(self) -> str | None:
        return self.type.unit

    @property
    def ucd(self) -> str | None:
        return self.type.ucd

    @property
    def utype(self) -> str | None:
        return self.type.utype

    @property
    def is_array(self) -> bool:
        """A numeric array (a DALI point, circle, polygon or interval, or a vector)."""
        return self.type.is_array
