"""What the translator needs to know about the database: its tables and spatial columns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

__all__ = ["Publish", "SpatialColumns", "TranslationContext"]

Publish = Callable[[str, str, sa.ColumnElement[Any]], sa.ColumnElement[Any]]
"""Turns a stored column into its published value: (table, column, expression)."""


@dataclass(frozen=True, slots=True)
class SpatialColumns:
    """A table's position and footprint columns, and the hidden columns indexing them."""

    ra: str
    dec: str
    region: str
    point_index: str | None = None
    """PostgreSQL: an spoint column of (ra, dec) with a GiST index."""
    region_index: str | None = None
    """PostgreSQL: an spoly column of the region, for the exact tests."""
    region_bound: str | None = None
    """PostgreSQL: an scircle column holding each region, with a GiST index; NULL where
    no circle is known (such a region is a candidate of every search)."""
    rowid: str | None = None
    """SQLite: the key of the table's rows in the R*Tree."""
    key: str | None = None
    """PostgreSQL: a unique, non-null column naming the table's rows, by which a negated
    test against a literal shape is written as the rows the index does not find."""


@dataclass(frozen=True, slots=True)
class TranslationContext:
    """What the translator needs to know about the database."""

    backend: str
    tables: Mapping[str, sa.Table]
    """Published tables by lower-case qualified name (``ivoa.obscore``)."""
    spatial: Mapping[str, SpatialColumns] = field(default_factory=dict)
    """Spatial columns by lower-case qualified table name."""
    rtree: sa.Table | None = None
    """SQLite: R*Tree with ``id`` and ``xmin``..``zmax`` over unit-sphere boxes."""
    polygon_centroid: tuple[str, str] | None = None
    """PostgreSQL: (schema, name) of a SQL function giving a polygon's centroid spoint;
    pgSphere has none of its own. Without it, CENTROID of a polygon is refused there."""
    publish: Publish | None = None
    """Turns a stored column into its published value (table, column, expression)."""
