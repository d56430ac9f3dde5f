"""Declarations of an archive's own ObsCore columns: what TAP_SCHEMA will say about them.

An archive that is not DP1 brings columns of its own beside ObsCore's. Each is declared
with the metadata TAP publishes: a name, a VOTable datatype (and arraysize for text), and
optionally a unit, a UCD and a description. They come from the FIELDs of a VOTable being
loaded, or from a JSON file given to ``obscura load --columns``::

    [{"name": "seeing", "datatype": "double", "unit": "arcsec",
      "ucd": "instr.obsty.seeing", "description": "FWHM of the PSF at the zenith"}]

(a list, or ``{"columns": [...]}``). Every declaration is checked here, so nothing
TAP_SCHEMA publishes is invalid: names are ADQL regular identifiers (stored in lower
case) that are no reserved word and no standard or internal column; units are VOUnits
and UCDs valid UCD1+ words.
"""

from __future__ import annotations

import difflib
import json
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adql.reserved import RESERVED_WORDS
from obscore.columns import ColumnSpec
from obscore.optional_columns import STORED_COLUMNS

__all__ = ["DATATYPES", "DeclarationError", "declare", "read_declarations", "standard_like"]

DATATYPES = ("boolean", "short", "int", "long", "float", "double", "char")
"""The VOTable datatypes an archive's own column may have (scalars; text is ``char``)."""

INTERNAL_NAMES = frozenset({"obscore_id", "s_point", "s_poly", "s_bound", "file_url", "file_size"})
"""Columns the archive stores or reads for itself."""

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}\Z")
_STANDARD = {c.name for c in STORED_COLUMNS}
_KEYS = {"name", "datatype", "arraysize", "unit", "ucd", "description", "xtype"}


class DeclarationError(ValueError):
    """A column declaration that cannot be published, with what to change."""


def standard_like(name: str) -> str | None:
    """The standard ObsCore column a misspelt ``name`` most likely meant, if any."""
    close = difflib.get_close_matches(name.lower(), sorted(_STANDARD), n=1, cutoff=0.8)
    return close[0] if close else None


def declare(
    name: str,
    datatype: str,
    *,
    arraysize: str | None = None,
    unit: str | None = None,
    ucd: str | None = None,
    description: str | None = None,
    xtype: str | None = None,
) -> ColumnSpec:
    """A checked declaration of one of the archive's own columns.

    Raises
    ------
    DeclarationError
        Saying what is wrong with it.
    """
    if not _NAME.match(name):
        raise DeclarationError(
            f"column name {name!r}: use a letter, then letters, digits or underscores "
            "(at most 63 characters)"
        )
    key = name.lower()
    if key in _STANDARD:
        raise DeclarationError(f"column {key}: an ObsCore column; it needs no declaration")
    if key in INTERNAL_NAMES:
        raise DeclarationError(f"column {key}: the name is taken by the archive itself")
    if key.upper() in RESERVED_WORDS:
        raise DeclarationError(f"column {key}: an ADQL reserved word; choose another name")
    if datatype == "unicodeChar":
        datatype = "char"
    if datatype not in DATATYPES:
        raise DeclarationError(
            f"column {key}: datatype {datatype!r} is not one of {', '.join(DATATYPES)}"
        )
    if datatype == "char":
        arraysize = arraysize or "*"
        if not re.fullmatch(r"[0-9]*\*?", arraysize) or arraysize in ("", "0", "0*"):
            raise DeclarationError(
                f"column {key}: arraysize {arraysize!r}: use '*', 'N*' or 'N' (text)"
            )
    elif arraysize not in (None, "", "1"):
        raise DeclarationError(f"column {key}: arrays of {datatype} cannot be stored")
    else:
        arraysize = None
    if xtype not in (None, "", "timestamp") or (xtype == "timestamp" and datatype != "char"):
        raise DeclarationError(
            f"column {key}: xtype {xtype!r}: only 'timestamp' (of char) is supported"
        )
    return ColumnSpec(
        key,
        datatype,
        (description or "").strip(),
        arraysize,
        unit=_unit(key, unit),
        ucd=_ucd(key, ucd),
        xtype=xtype or None,
        principal=False,
        std=False,
    )


def _unit(name: str, unit: str | None) -> str | None:
    if unit is None or not unit.strip():
        return None
    from astropy import units

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            units.Unit(unit.strip(), format="vounit")
        except (ValueError, Warning) as exc:
            raise DeclarationError(
                f"column {name}: unit {unit!r} is not a VOUnit ({exc})"
            ) from None
    return unit.strip()


def _ucd(name: str, ucd: str | None) -> str | None:
    if ucd is None or not ucd.strip():
        return None
    from astropy.io.votable.ucd import check_ucd

    if not check_ucd(ucd.strip(), check_controlled_vocabulary=True):
        raise DeclarationError(
            f"column {name}: UCD {ucd!r} is not made of UCD1+ words "
            "(https://www.ivoa.net/documents/UCD1+/)"
        )
    return ucd.strip()


def read_declarations(path: Path) -> dict[str, ColumnSpec]:
    """The declarations in a JSON file, by column name (lower case).

    Raises
    ------
    DeclarationError
        If the file cannot be read or any declaration is wrong.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DeclarationError(f"{path.name}: not a readable JSON file: {exc}") from None
    if isinstance(data, Mapping):
        data = data.get("columns")
    if not isinstance(data, list):
        raise DeclarationError(f"{path.name}: expected a list of columns or {{'columns': [...]}}")
    declared: dict[str, ColumnSpec] = {}
    for i, entry in enumerate(data, start=1):
        if not isinstance(entry, Mapping) or "name" not in entry or "datatype" not in entry:
            raise DeclarationError(f"{path.name}: entry {i}: give at least a name and a datatype")
        unknown = set(entry) - _KEYS
        if unknown:
            raise DeclarationError(
                f"{path.name}: entry {i}: unknown key {sorted(unknown)[0]!r}; "
                f"use {', '.join(sorted(_KEYS))}"
            )
        values: dict[str, Any] = {k: _text(path, i, k, v) for k, v in entry.items()}
        spec = declare(**values)
        if spec.name in declared:
            raise DeclarationError(f"{path.name}: column {spec.name} is declared twice")
        declared[spec.name] = spec
    return declared


def _text(path: Path, entry: int, key: str, value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if key == "arraysize" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise DeclarationError(f"{path.name}: entry {entry}: {key} must be text")
