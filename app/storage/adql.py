"""The ADQL translator's view of the archive database: its tables and spatial indexes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adql.translate import SpatialColumns, TranslationContext
from obscore.published import publish_value
from obscore.schema import BOUND_COLUMN, POLYGON_CENTROID_FUNCTION, ArchiveSchema

__all__ = ["translation_context"]


def translation_context(schema: ArchiveSchema, base_url: str) -> TranslationContext:
    """What ADQL may reach in this archive, and how ObsCore's values are published."""
    postgresql = schema.backend == "postgresql"
    spatial = SpatialColumns(
        ra="s_ra",
        dec="s_dec",
        region="s_region",
        point_index="s_point" if postgresql else None,
        region_index="s_poly" if postgresql else None,
        region_bound=BOUND_COLUMN if postgresql else None,
        rowid=None if postgresql else "obscore_id",
        key="obscore_id" if postgresql else None,
    )

    def publish(table: str, column: str, expr: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        return publish_value(column, expr, base_url) if table == "ivoa.ObsCore" else expr

    return TranslationContext(
        backend=schema.backend,
        tables={name.lower(): table for name, table in schema.published.items()},
        spatial={"ivoa.obscore": spatial},
        rtree=schema.rtree,
        polygon_centroid=POLYGON_CENTROID_FUNCTION if postgresql else None,
        publish=publish,
    )
