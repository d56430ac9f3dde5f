"""The SQL schema of the archive, derived from the column specs, for one backend.

Published tables live in the schemas ``ivoa`` and ``tap_schema``. On PostgreSQL these are
real schemas; SQLite has none, so :func:`schema_translate_map` maps them to its single
``main`` schema (the table names do not collide).

Hidden helper columns, never listed in TAP_SCHEMA, carry the spatial indexes:

* PostgreSQL + pgSphere: ``s_point`` (spoint of ``s_ra``/``s_dec``, GiST-indexed) and
  ``s_poly`` (spoly of ``s_region``, for the exact footprint tests), both generated columns
  so that every insert path fills them; and ``s_bound``, a circle holding the footprint,
  whose GiST index is the first step of every footprint search. pgSphere builds a GiST
  index over polygons at about 10,000 rows/s (100 us a row) and over circles 15 times
  faster, and a circle's overlap test is the cheaper recheck. The loader writes
  ``s_bound`` (:func:`obscore.sphere.footprint_bounds`); a row without one (written by
  other means, or a footprint no circle of 90 degrees holds) is found through the
  partial index ``obscore_unbounded_idx`` and tested in every footprint search, so a
  missing bound costs time, never rows.
* SQLite: the R*Tree ``obscore_rtree`` holding a 3-D box on the unit sphere around each
  row's footprint and centre, keyed by the row's ``obscore_id``; :mod:`obscore.ingest`
  maintains it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.types import UserDefinedType
from typing_extensions import override

from obscore.columns import OBSCORE_COLUMNS, ColumnSpec
from obscore.optional_columns import OPTIONAL_COLUMNS, STORED_COLUMNS
from obscore.tap_schema import TAP_SCHEMA_TABLES, TableSpec

__all__ = [
    "ARROW_SCHEMA",
    "BOUND_COLUMN",
    "BOUND_INDEX",
    "COLUMNS_TABLE",
    "FILES_TABLE",
    "HIDDEN_SCHEMA",
    "POLYGON_CENTROID_FUNCTION",
    "RTREE_TABLE",
    "UNBOUNDED_INDEX",
    "ArchiveSchema",
    "Backend",
    "SCircle",
    "SPoint",
    "SPoly",
    "arrow_type",
    "backend_of",
    "build_schema",
    "column_record_columns",
    "schema_translate_map",
    "sql_column",
    "sql_name",
]

Backend: TypeAlias = Literal["sqlite", "postgresql"]

HIDDEN_SCHEMA = "obscura"
"""PostgreSQL schema for helper functions and internal tables; TAP never publishes it."""

RTREE_TABLE = "obscore_rtree"
BOUND_COLUMN = "s_bound"
BOUND_INDEX = "obscore_s_bound_idx"
UNBOUNDED_INDEX = "obscore_unbounded_idx"
DEC_INDEX = "obscore_s_dec_idx"
FILES_TABLE = "obscore_file"
COLUMNS_TABLE = "obscore_column"

_BTREE_COLUMNS = (
    "obs_id",
    "calib_level",
    "dataproduct_subtype",
    "lsst_visit",
    "lsst_detector",
    "lsst_tract",
    "lsst_patch",
    "lsst_band",
    "t_min",
    "t_max",
)


class SPoint(UserDefinedType[Any]):
    """pgSphere's ``spoint`` (a point on the sphere, in radians)."""

    cache_ok = True

    @override
    def get_col_spec(self, **kw: Any) -> str:
        return "spoint"


class SPoly(UserDefinedType[Any]):
    """pgSphere's ``spoly`` (a spherical polygon)."""

    cache_ok = True

    @override
    def get_col_spec(self, **kw: Any) -> str:
        return "spoly"


class SCircle(UserDefinedType[Any]):
    """pgSphere's ``scircle`` (a cap on the sphere, radius at most 90 degrees)."""

    cache_ok = True

    @override
    def get_col_spec(self, **kw: Any) -> str:
        return "scircle"


def backend_of(dialect_name: str) -> Backend:
    """The backend for a SQLAlchemy dialect name.

    Raises
    ------
    ValueError
        For a database the archive does not support.
    """
    if dialect_name == "sqlite":
        return "sqlite"
    if dialect_name == "postgresql":
        return "postgresql"
    raise ValueError(f"unsupported database {dialect_name!r}: use SQLite or PostgreSQL")


def schema_translate_map(backend: Backend) -> dict[str | None, str | None] | None:
    """How the logical schemas map onto the backend's (SQLite has only ``main``)."""
    if backend == "sqlite":
        return {"ivoa": None, "tap_schema": None, HIDDEN_SCHEMA: None}
    return None


def sql_name(name: str) -> str:
    """The SQL column name for an ADQL column name (delimited names lose their quotes)."""
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1]
    return name


_ARROW_TYPES = {
    "char": pa.string(),
    "unicodeChar": pa.string(),
    "boolean": pa.bool_(),
    "short": pa.int16(),
    "int": pa.int32(),
    "long": pa.int64(),
    "float": pa.float32(),
    "double": pa.float64(),
}


def arrow_type(spec: ColumnSpec) -> pa.DataType:
    """The Arrow type holding the values of a (scalar) column."""
    return _ARROW_TYPES[spec.datatype]


ARROW_SCHEMA = pa.schema([pa.field(sql_name(c.name), arrow_type(c)) for c in STORED_COLUMNS])
"""Arrow schema of ObsCore rows as stored (``access_url`` relative to the service)."""


def _sql_type(spec: ColumnSpec) -> sa.types.TypeEngine[Any]:
    match spec.datatype:
        case "char" | "unicodeChar":
            return sa.String(spec.max_length) if spec.max_length else sa.Text()
        case "short":
            return sa.SmallInteger()
        case "int":
            return sa.Integer()
        case "long":
            return sa.BigInteger()
        case "float":
            return sa.Float()
        case "double":
            return sa.Double()
        case "boolean":
            return sa.Boolean()
        case other:
            raise ValueError(f"column {spec.name}: no SQL type for VOTable datatype {other!r}")


def sql_column(spec: ColumnSpec) -> sa.Column[Any]:
    """The SQL column storing a published column."""
    return sa.Column(
        sql_name(spec.name), _sql_type(spec), nullable=spec.nullable, comment=spec.description
    )


def _columns(table: TableSpec) -> list[sa.Column[Any]]:
    return [sql_column(c) for c in table.columns]


@dataclass(frozen=True, slots=True)
class ArchiveSchema:
    """The SQLAlchemy tables of the archive for one backend."""

    backend: Backend
    metadata: sa.MetaData
    obscore: sa.Table
    tap_schema: dict[str, sa.Table]
    """TAP_SCHEMA tables by their unqualified name (``schemas``, ``columns``...)."""

    rtree: sa.Table | None
    """SQLite only: the R*Tree of footprint boxes (a virtual table, created by DDL)."""

    files: sa.Table
    """Where each dataset's file lives (hidden: TAP does not publish it)."""

    columns: sa.Table
    """The ObsCore columns published beyond the fixed ones: the optional standard columns
    that hold values and the archive's own (hidden; :mod:`obscore.archive_columns`)."""

    @property
    def published(self) -> dict[str, sa.Table]:
        """Every published table by its qualified TAP name (``ivoa.ObsCore``...)."""
        out = {"ivoa.ObsCore": self.obscore}
        out.update({f"tap_schema.{name}": t for name, t in self.tap_schema.items()})
        return out


_PG_SPOLY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {HIDDEN_SCHEMA}.stcs_spoly(region text) RETURNS spoly
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ('{{' || string_agg(format('(%%sd,%%sd)', c[i], c[i + 1]), ',' ORDER BY i) || '}}')::spoly
  FROM regexp_split_to_array(
         btrim(regexp_replace(region, '^\\s*polygon\\s+(icrs\\s+)?', '', 'i')), '\\s+') AS c,
       generate_series(1, array_length(c, 1) - 1, 2) AS i
$$
"""


_PG_CENTROID_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {HIDDEN_SCHEMA}.spoly_centroid(polygon spoly) RETURNS spoint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT spoint(atan2(sum(cos(lat(v)) * sin(long(v))), sum(cos(lat(v)) * cos(long(v)))),
                atan2(sum(sin(lat(v))), sqrt(sum(cos(lat(v)) * cos(long(v))) ^ 2
                                             + sum(cos(lat(v)) * sin(long(v))) ^ 2)))
  FROM (SELECT spoint(polygon::text::spath, i) AS v
        FROM generate_series(1, npoints(polygon)) AS i) AS vertices
$$
"""
"""The normalised mean of a polygon's vertices: pgSphere has no polygon centroid, nor a
vertex accessor, but a polygon's text form reads as a path, whose vertices it can give."""

POLYGON_CENTROID_FUNCTION = (HIDDEN_SCHEMA, "spoly_centroid")
"""PostgreSQL: (schema, name) of the polygon-centroid function the schema creates."""


def _ddl(statement: str) -> sa.DDL:
    ddl: sa.DDL = sa.DDL(statement)  # type: ignore[no-untyped-call]
    return ddl


def _postgresql_ddl(metadata: sa.MetaData) -> None:
    setup = [
        "CREATE EXTENSION IF NOT EXISTS pg_sphere",
        "CREATE SCHEMA IF NOT EXISTS ivoa",
        "CREATE SCHEMA IF NOT EXISTS tap_schema",
        f"CREATE SCHEMA IF NOT EXISTS {HIDDEN_SCHEMA}",
        _PG_SPOLY_FUNCTION,
        _PG_CENTROID_FUNCTION,
    ]
    for statement in setup:
        sa.event.listen(metadata, "before_create", _ddl(statement))


def column_record_columns() -> list[sa.Column[Any]]:
    """The columns of ``obscura.obscore_column`` (TAP_SCHEMA.columns' metadata, and
    whether the column is an ObsCore standard one)."""
    return [
        sa.Column("column_name", sa.Text, primary_key=True),
        sa.Column("column_index", sa.Integer, nullable=False, comment="display order"),
        sa.Column("datatype", sa.Text, nullable=False),
        sa.Column("arraysize", sa.Text),
        sa.Column("xtype", sa.Text),
        sa.Column("unit", sa.Text),
        sa.Column("ucd", sa.Text),
        sa.Column("utype", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("std", sa.Boolean, nullable=False, comment="an ObsCore standard column"),
    ]


def build_schema(backend: Backend, own_columns: Sequence[ColumnSpec] = ()) -> ArchiveSchema:
    """Build the SQLAlchemy schema of the archive for ``backend``.

    ``own_columns`` are the archive's own ObsCore columns (beyond the standard ones), as
    :func:`obscore.archive_columns.recorded_columns` reads them from the database.
    """
    metadata = sa.MetaData()
    extra: list[Any] = []
    bound: list[Any] = []
    if backend == "postgresql":
        extra = [
            sa.Column(
                "s_point",
                SPoint(),
                sa.Computed("spoint(radians(s_ra), radians(s_dec))", persisted=True),
            ),
            sa.Column(
                "s_poly",
                SPoly(),
                sa.Computed(f"{HIDDEN_SCHEMA}.stcs_spoly(s_region)", persisted=True),
            ),
        ]
        bound = [sa.Column(BOUND_COLUMN, SCircle())]
        _postgresql_ddl(metadata)
    obscore = sa.Table(
        "ObsCore",
        metadata,
        sa.Column(
            "obscore_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        *[sql_column(c) for c in OBSCORE_COLUMNS],
        *extra,
        # Columns added by migrations and loads come last, as ALTER TABLE puts them.
        *[sql_column(c) for c in OPTIONAL_COLUMNS],
        *bound,
        *[sql_column(c) for c in own_columns],
        *[sa.Index(f"obscore_{name}_idx", name) for name in _BTREE_COLUMNS],
        sa.Index("obscore_publisher_did_idx", "obs_publisher_did", unique=True),
        schema="ivoa",
    )
    # SIA's ID parameter compares DIDs without regard to case: LOWER(obs_publisher_did) IN
    # (...). (A change to the tables needs a revision in app/storage/migrations/versions.)
    sa.Index("obscore_publisher_did_lower_idx", sa.func.lower(obscore.c.obs_publisher_did))
    if backend == "postgresql":
        sa.Index("obscore_s_point_idx", obscore.c.s_point, postgresql_using="gist")
        sa.Index(BOUND_INDEX, obscore.c[BOUND_COLUMN], postgresql_using="gist")
        unbounded = obscore.c[BOUND_COLUMN].is_(None) & obscore.c.s_poly.is_not(None)
        sa.Index(UNBOUNDED_INDEX, obscore.c.obscore_id, postgresql_where=unbounded)
    else:
        # Crossmatches on SQLite: each position probes the band of declinations within the
        # radius (the R*Tree holds footprints, far larger than a crossmatch radius).
        sa.Index(DEC_INDEX, obscore.c.s_dec, obscore.c.s_ra)

    tap = {
        t.name: sa.Table(t.name, metadata, *_columns(t), schema="tap_schema")
        for t in TAP_SCHEMA_TABLES
    }
    files = sa.Table(
        FILES_TABLE,
        metadata,
        sa.Column("obs_publisher_did", sa.Text, primary_key=True),
        sa.Column(
            "file_url",
            sa.Text,
            nullable=False,
            comment="local path, fsspec URL, or demo:SEED for a generated demo file",
        ),
        sa.Column("size", sa.BigInteger, comment="bytes, once known"),
        sa.Column("checksum", sa.String(80), comment="sha256:HEX, once known"),
        schema=HIDDEN_SCHEMA,
    )

    columns = sa.Table(COLUMNS_TABLE, metadata, *column_record_columns(), schema=HIDDEN_SCHEMA)

    rtree = None
    if backend == "sqlite":
        # Declared for queries only: SQLAlchemy cannot create a virtual table itself.
        rtree = sa.Table(
            RTREE_TABLE,
            sa.MetaData(),
            sa.Column("id", sa.Integer, primary_key=True),
            *[sa.Column(n, sa.Float) for n in ("xmin", "xmax", "ymin", "ymax", "zmin", "zmax")],
        )
        sa.event.listen(
            metadata,
            "after_create",
            _ddl(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {RTREE_TABLE} "
                "USING rtree(id, xmin, xmax, ymin, ymax, zmin, zmax)"
            ),
        )
        sa.event.listen(
            metadata,
            "after_create",
            _ddl(
                'CREATE TRIGGER IF NOT EXISTS obscore_rtree_delete AFTER DELETE ON "ObsCore" '
                f"BEGIN DELETE FROM {RTREE_TABLE} WHERE id = old.obscore_id; END"
            ),
        )
    return ArchiveSchema(backend, metadata, obscore, tap, rtree, files, columns)
