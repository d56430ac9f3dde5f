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

__all__ = ["published_column", "published_columns"]


def published_column(schema: ArchiveSchema, name: str, base_url: str) -> sa.ColumnElement[Any]:
    """The SQL expression publishing ObsCore column ``name`` (labelled with its name)."""
    column = schema.obscore.c[sql_name(name)]
    if column.name != "access_url":
        return column
    relative = column.startswith("/")
    # Concatenation in Python: base_url is bound as a parameter, never spliced into SQL.
    value = sa.case((relative, sa.literal(base_url, sa.Text) + column), else_=column)
    return value.label("access_url")


def published_columns(schema: ArchiveSchema, base_url: str) -> list[sa.ColumnElement[Any]]:
    """Every published ObsCore column, in TAP_SCHEMA order."""
    return [published_column(schema, c.name, base_url) for c in OBSCORE_COLUMNS]
