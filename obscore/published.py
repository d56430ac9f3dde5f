"""How stored ObsCore values become published ones.

``access_url`` is stored relative to the service (``/api/datalink/links?ID=...``) so the
archive does not depend on the host it is served from; it is published as the configured
public base URL followed by the stored path. Absolute URLs (rows loaded from elsewhere)
are published unchanged.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from obscore.columns import OBSCORE_COLUMNS
from obscore.schema import ArchiveSchema, sql_name

__all__ = ["publish_value", "published_column", "published_columns"]


def publish_value(name: str, column: sa.ColumnElement[Any], base_url: str) -> sa.ColumnElement[Any]:
    """The published value of ObsCore column ``name`` stored in ``column`` (any alias)."""
    if name != "access_url":
        return column
    # base_url is bound as a parameter, never spliced into SQL.
    return sa.case((column.startswith("/"), sa.literal(base_url, sa.Text) + column), else_=column)


def published_column(schema: ArchiveSchema, name: str, base_url: str) -> sa.ColumnElement[Any]:
    """The SQL expression publishing ObsCore column ``name`` (labelled with its name)."""
    key = sql_name(name)
    return publish_value(key, schema.obscore.c[key], base_url).label(key)


def published_columns(schema: ArchiveSchema, base_url: str) -> list[sa.ColumnElement[Any]]:
    """Every published ObsCore column, in TAP_SCHEMA order."""
    return [published_column(schema, c.name, base_url) for c in OBSCORE_COLUMNS]
