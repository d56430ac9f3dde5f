"""The ObsCore columns an archive publishes beyond the fixed ones.

``ivoa.ObsCore`` always publishes :data:`~obscore.columns.OBSCORE_COLUMNS`. Two kinds more
are published per archive, recorded (with their TAP_SCHEMA metadata, in display order) in
the hidden table ``obscura.obscore_column``:

* ObsCore 1.1's optional columns (:data:`~obscore.optional_columns.OPTIONAL_COLUMNS`): stored for
  every archive, published once a load brings a value into them;
* the archive's own columns, declared when loaded (:mod:`obscore.declarations`): added to
  the table by the load that declares them, published with their declared metadata.

TAP_SCHEMA is rewritten from these records (:func:`obscore.ingest.create_archive`), and a
server reads both when it starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyarrow as pa
import sqlalchemy as sa

from obscore.columns import ColumnSpec
from obscore.loader import LoadError
from obscore.optional_columns import OPTIONAL_COLUMNS
from obscore.schema import ArchiveSchema, sql_column

__all__ = [
    "forget_own_columns",
    "own_columns",
    "publish_optional_columns",
    "record_own_columns",
    "recorded_columns",
]


def recorded_columns(conn: sa.Connection, schema: ArchiveSchema) -> tuple[ColumnSpec, ...]:
    """The ObsCore columns published beyond the fixed ones, in display order."""
    table = schema.columns
    rows = conn.execute(sa.select(table).order_by(table.c.column_index)).mappings()
    return tuple(
        ColumnSpec(
            r["column_name"],
            r["datatype"],
            r["description"] or "",
            r["arraysize"],
            unit=r["unit"],
            ucd=r["ucd"],
            utype=r["utype"],
            xtype=r["xtype"],
            principal=False,
            std=bool(r["std"]),
        )
        for r in rows
    )


def own_columns(recorded: Iterable[ColumnSpec]) -> tuple[ColumnSpec, ...]:
    """The archive's own columns among the recorded ones (not ObsCore's)."""
    return tuple(c for c in recorded if not c.std)


def publish_optional_columns(conn: sa.Connection, schema: ArchiveSchema, rows: pa.Table) -> None:
    """Record the optional ObsCore columns in which ``rows`` hold a value."""
    present = [  # in ObsCore's order, whatever the file's
        spec
        for spec in OPTIONAL_COLUMNS
        if spec.name in rows.column_names and rows.column(spec.name).null_count < rows.num_rows
    ]
    known = {c.name for c in recorded_columns(conn, schema)}
    _record(conn, schema, [c for c in present if c.name not in known])


def record_own_columns(
    conn: sa.Connection, schema: ArchiveSchema, declared: Sequence[ColumnSpec]
) -> None:
    """Add the archive's own ``declared`` columns to ``ivoa.ObsCore`` and record them.

    A column declared again keeps its type and takes the new description, unit and UCD.

    Raises
    ------
    LoadError
        If a column is declared again with another type.
    """
    recorded = {c.name: c for c in recorded_columns(conn, schema)}
    new = []
    for spec in declared:
        before = recorded.get(spec.name)
        if before is None:
            new.append(spec)
            continue
        if (before.datatype, before.arraysize) != (spec.datatype, spec.arraysize):
            raise LoadError(
                f"the archive already has this column as {_type(before)}, not {_type(spec)}; "
                "load with --replace to change its type",
                column=spec.name,
            )
        conn.execute(
            sa.update(schema.columns)
            .where(schema.columns.c.column_name == spec.name)
            .values(description=spec.description, unit=spec.unit, ucd=spec.ucd, xtype=spec.xtype)
        )
    for spec in new:
        column = sa.schema.CreateColumn(sql_column(spec)).compile(dialect=conn.dialect)
        conn.exec_driver_sql(f"ALTER TABLE {_obscore_name(schema)} ADD COLUMN {column}")
    _record(conn, schema, new)


def forget_own_columns(conn: sa.Connection, schema: ArchiveSchema) -> None:
    """Drop the archive's own columns and every record (before a load replaces the rows)."""
    preparer = conn.dialect.identifier_preparer
    for spec in own_columns(recorded_columns(conn, schema)):
        conn.exec_driver_sql(
            f"ALTER TABLE {_obscore_name(schema)} DROP COLUMN {preparer.quote(spec.name)}"
        )
    conn.execute(sa.delete(schema.columns))


def _record(conn: sa.Connection, schema: ArchiveSchema, specs: Sequence[ColumnSpec]) -> None:
    if not specs:
        return
    table = schema.columns
    last = conn.execute(sa.select(sa.func.max(table.c.column_index))).scalar_one()
    start = 0 if last is None else int(last) + 1
    conn.execute(
        sa.insert(table),
        [
            {
                "column_name": spec.name,
                "column_index": start + i,
                "datatype": spec.datatype,
                "arraysize": spec.arraysize,
                "xtype": spec.xtype,
                "unit": spec.unit,
                "ucd": spec.ucd,
                "utype": spec.utype,
                "description": spec.description,
                "std": spec.std,
            }
            for i, spec in enumerate(specs)
        ],
    )


def _obscore_name(schema: ArchiveSchema) -> str:
    return 'ivoa."ObsCore"' if schema.backend == "postgresql" else '"ObsCore"'


def _type(spec: ColumnSpec) -> str:
    return spec.datatype + (f"[{spec.arraysize}]" if spec.arraysize else "")
