"""Reading ObsCore rows from CSV, Parquet or VOTable files, checked column by column.

Every value is checked before anything touches the database: types, required columns,
vocabularies, ranges, string lengths and ``s_region`` syntax. The first problem is
reported as a :class:`LoadError` naming the (1-based) data row and the column, so a person
can find it in the file. Conversions are vectorised with Arrow; only a failing column is
walked value by value to find the culprit.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from obscore.columns import OBSCORE_COLUMNS, ColumnSpec
from obscore.products import datalink_path
from obscore.schema import ARROW_SCHEMA, sql_name
from obscore.stcs import StcsError, parse_polygon

__all__ = ["FILE_SIZE", "FILE_URL", "FORMATS", "LoadError", "read_rows"]

FILE_URL = "file_url"
"""The optional column, beside ObsCore's, naming where each row's file lives (a local path
or an fsspec URL); it is stored apart, never published."""
FILE_SIZE = "file_size"
"""Bytes of each row's file, when known (set by the loading command after checking the
files, or by nothing: the service measures it on first access)."""

FORMATS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xml": "votable",
    ".vot": "votable",
    ".votable": "votable",
}

DATAPRODUCT_TYPES = frozenset(
    {
        "image",
        "cube",
        "spectrum",
        "sed",
        "timeseries",
        "visibility",
        "event",
        "measurements",
    }
)
"""ObsCore 1.1's vocabulary for ``dataproduct_type``."""

_NULL_STRINGS = ["", "\\N", "NULL", "null"]


class LoadError(ValueError):
    """A file that cannot be loaded, with the data row (1-based) and column at fault."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        where = ", ".join(
            part
            for part in (
                f"row {row}" if row is not None else "",
                f"column {column}" if column is not None else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.row = row
        self.column = column


def read_rows(path: Path) -> pa.Table:
    """Read and check a file of ObsCore rows.

    Returns
    -------
    pyarrow.Table
        The rows with :data:`~obscore.schema.ARROW_SCHEMA`, ready for
        :func:`obscore.ingest.append_rows`.

    Raises
    ------
    LoadError
        If the file cannot be read or any value is unacceptable.
    """
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise LoadError(
            f"{path.name}: unknown file type {path.suffix!r}; use one of "
            f"{', '.join(sorted(FORMATS))}"
        )
    try:
        raw = {"csv": _read_csv, "parquet": pq.read_table, "votable": _read_votable}[kind](path)
    except LoadError:
        raise
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise LoadError(f"{path.name} is not a readable {kind} file: {exc}") from None
    return check_rows(raw)


def _read_csv(path: Path) -> pa.Table:
    with path.open("rb") as f:
        header = f.readline().decode("utf-8", "replace").strip().split(",")
    return pa_csv.read_csv(
        path,
        convert_options=pa_csv.ConvertOptions(
            column_types={name.strip().strip('"'): pa.string() for name in header},
            null_values=_NULL_STRINGS,
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def _read_votable(path: Path) -> pa.Table:
    from astropy.io.votable import parse_single_table

    table = parse_single_table(str(path)).to_table()
    arrays = {}
    for name in table.colnames:
        col = table[name]
        mask = np.asarray(getattr(col, "mask", np.zeros(len(col), dtype=bool)), dtype=bool)
        values = np.asarray(col)
        if values.dtype.kind in "OUS":
            values = np.array(
                [v.decode() if isinstance(v, bytes) else v for v in values], dtype=object
            )
            # VOTable cannot tell an empty string from a null (VOTable 1.4 sect. 5.1).
            mask |= values == ""
        arrays[name] = pa.array(values, mask=mask if mask.any() else None)
    return pa.table(arrays)


def check_rows(raw: pa.Table) -> pa.Table:
    """Convert and check a table of ObsCore rows (see :func:`read_rows`)."""
    known = {sql_name(c.name) for c in OBSCORE_COLUMNS} | {FILE_URL}
    unknown = [name for name in raw.column_names if name not in known]
    if unknown:
        raise LoadError(
            f"unknown column {unknown[0]!r}: the columns must be ObsCore's", column=unknown[0]
        )
    arrays = []
    for spec in OBSCORE_COLUMNS:
        name = sql_name(spec.name)
        target = ARROW_SCHEMA.field(name).type
        if name not in raw.column_names:
            if not spec.nullable:
                raise LoadError("required column is missing", column=name)
            arrays.append(pa.nulls(raw.num_rows, target))
            continue
        column = raw.column(name)
        if name == "s_region":
            column = _stcs_regions(column)
        column = _convert(column, target, name)
        _check(column, spec)
        arrays.append(column)
    checked = pa.Table.from_arrays(arrays, schema=ARROW_SCHEMA)
    checked = _links_of_this_service(checked)
    if FILE_URL in raw.column_names:
        urls = _convert(raw.column(FILE_URL), pa.string(), FILE_URL)
        checked = checked.append_column(FILE_URL, urls)
    return checked


def _links_of_this_service(rows: pa.Table) -> pa.Table:
    """Rows exported from another Obscura carry that server's absolute DataLink URL
    (``https://other/api/datalink/links?ID=<the row's DID>``); such an access_url becomes
    the relative path this service publishes under its own base URL. Other absolute
    URLs (files served elsewhere) are kept."""
    urls = rows.column("access_url")
    candidates = pc.fill_null(pc.match_substring(urls, _LINKS_PATH + "?"), False)
    if not pc.any(candidates).as_py():
        return rows
    dids = rows.column("obs_publisher_did").to_pylist()
    values = urls.to_pylist()
    for i in pc.indices_nonzero(pc.cast(candidates, pa.bool_())).to_pylist():
        parts = urllib.parse.urlsplit(values[i])
        query = urllib.parse.parse_qs(parts.query)
        if (
            parts.scheme in ("http", "https")
            and parts.path.endswith(_LINKS_PATH)
            and query.get("ID") == [dids[i]]
        ):
            values[i] = datalink_path(dids[i])
    index = rows.schema.get_field_index("access_url")
    return rows.set_column(index, rows.schema.field(index), pa.array(values, pa.string()))


_LINKS_PATH = "/api/datalink/links"


def _stcs_regions(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """``s_region`` as STC-S: a DALI polygon (a bare list of coordinates, as text or as
    an array of numbers, as DALI and many archives write it) becomes ``POLYGON ICRS ...``;
    STC-S is kept as it is."""
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        texts = [
            None if v is None else " ".join(repr(float(x)) for x in v) for v in column.to_pylist()
        ]
        column = pa.chunked_array([pa.array(texts, pa.string())])
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        return column
    bare = pc.fill_null(pc.match_substring_regex(column, r"^\s*[-+.0-9]"), False)
    prefixed = pc.binary_join_element_wise("POLYGON ICRS ", pc.utf8_trim_whitespace(column), "")
    return pc.if_else(bare, prefixed, column)


def _first(mask: pa.ChunkedArray | pa.Array) -> int | None:
    """1-based index of the first true value, or None."""
    index = np.flatnonzero(np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False)))
    return int(index[0]) + 1 if len(index) else None


def _convert(column: pa.ChunkedArray, target: pa.DataType, name: str) -> pa.ChunkedArray:
    if pa.types.is_string(column.type) and pa.types.is_string(target):
        return column
    if pa.types.is_string(column.type):
        column = pc.utf8_trim_whitespace(column)
        column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
    try:
        return pc.cast(column, target, safe=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    kind = {"int32": "an integer", "int64": "an integer", "double": "a number"}.get(
        str(target), str(target)
    )
    for i, value in enumerate(column.to_pylist(), start=1):
        try:
            pc.cast(pa.array([value]), target, safe=True)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise LoadError(f"{value!r} is not {kind}", row=i, column=name) from None
    raise LoadError(f"cannot convert {column.type} to {target}", column=name)


def _check(column: pa.ChunkedArray, spec: ColumnSpec) -> None:
    name = sql_name(spec.name)

    def fail_where(mask: pa.ChunkedArray | pa.Array, message: Callable[[object], str]) -> None:
        row = _first(mask)
        if row is not None:
            raise LoadError(message(column[row - 1].as_py()), row=row, column=name)

    if not spec.nullable:
        fail_where(pc.is_null(column), lambda _: "a value is required")
    if pa.types.is_floating(column.type):
        fail_where(pc.invert(pc.is_finite(column)), lambda v: f"{v} is not a finite number")
    if spec.max_length is not None:
        fail_where(
            pc.greater(pc.utf8_length(column), spec.max_length),
            lambda v: f"{str(v)[:40]!r} is longer than {spec.max_length} characters",
        )
    range_checks: dict[str, tuple[float, float, str]] = {
        "calib_level": (0, 4, "calib_level must be 0, 1, 2, 3 or 4"),
        "s_ra": (0.0, 360.0, "s_ra must be in [0, 360] degrees"),
        "s_dec": (-90.0, 90.0, "s_dec must be in [-90, 90] degrees"),
        "s_fov": (0.0, 360.0, "s_fov must be in [0, 360] degrees"),
    }
    if name in range_checks:
        low, high, message = range_checks[name]
        outside = pc.or_(pc.less(column, low), pc.greater(column, high))
        fail_where(outside, lambda v, m=message: f"{v}: {m}")  # type: ignore[misc]
    if name == "dataproduct_type":
        fail_where(
            pc.invert(pc.is_in(column, pa.array(sorted(DATAPRODUCT_TYPES)))),
            lambda v: (
                f"{v!r} is not an ObsCore data product type "
                f"({', '.join(sorted(DATAPRODUCT_TYPES))})"
            ),
        )
    if name == "obs_publisher_did":
        counts = pc.value_counts(column)
        repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        if len(repeated):
            fail_where(
                pc.equal(column, repeated[0]),
                lambda v: f"{v!r} appears more than once; publisher DIDs are unique",
            )
    if name == "s_region":
        for i, region in enumerate(column.to_pylist(), start=1):
            if region is not None:
                try:
                    parse_polygon(region)
                except StcsError as exc:
                    raise LoadError(str(exc), row=i, column=name) from None
