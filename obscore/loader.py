"""Reading ObsCore rows from CSV, Parquet or VOTable files, checked column by column.

Every value is checked before it is written: types, required columns, vocabularies,
ranges, string lengths and ``s_region`` syntax. The first problem is reported as a
:class:`LoadError` naming the (1-based) data row and the column, so a person can find it
in the file. Conversions are vectorised with Arrow; only a failing column is walked value
by value to find the culprit.

CSV and Parquet files are read in batches (:func:`read_batches`), so a load's memory does
not grow with the file; the loading command writes them in one transaction, so a bad row
anywhere leaves the archive as it was. A VOTable is parsed whole (astropy has no streaming
reader).
"""

from __future__ import annotations

import contextlib
import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from obscore.columns import ColumnSpec
from obscore.declarations import DeclarationError, declare, standard_like
from obscore.optional_columns import STORED_COLUMNS
from obscore.products import datalink_path
from obscore.schema import ARROW_SCHEMA, arrow_type, sql_name
from obscore.stcs import StcsError, canonical_polygons, parse_polygon

__all__ = [
    "BATCH_ROWS",
    "FILE_SIZE",
    "FILE_URL",
    "FORMATS",
    "LoadError",
    "LoadedBatches",
    "LoadedRows",
    "read_batches",
    "read_rows",
]

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
        self.message = message
        self.row = row
        self.column = column

    def moved(self, rows_before: int) -> LoadError:
        """The same error in a batch that starts after ``rows_before`` rows of the file."""
        row = None if self.row is None else self.row + rows_before
        return LoadError(self.message, row=row, column=self.column)


@dataclass(frozen=True, slots=True)
class LoadedRows:
    """Checked rows, and the declarations of the archive's own columns among them."""

    rows: pa.Table
    """:data:`~obscore.schema.ARROW_SCHEMA`'s columns, then :data:`FILE_URL` if given,
    then the archive's own columns, ready for :func:`obscore.ingest.append_rows`."""

    own_columns: tuple[ColumnSpec, ...] = ()


BATCH_ROWS = 50_000
"""Rows a batch of a CSV or Parquet file holds, about (CSV is cut by bytes)."""
_CSV_BYTES_PER_ROW = 1024
"""For cutting a CSV into batches of about :data:`BATCH_ROWS` rows (an ObsCore row of the
demo is about 700 bytes of CSV)."""


@dataclass(frozen=True, slots=True)
class LoadedBatches:
    """A file's rows, checked batch by batch as they are read, and the declarations of the
    archive's own columns among them (known from the header)."""

    own_columns: tuple[ColumnSpec, ...]
    batches: Iterator[pa.Table]
    """Checked rows as :attr:`LoadedRows.rows`; a :class:`LoadError` raised while one is
    read names its row within that batch (:meth:`LoadError.moved` makes it the file's)."""


def read_batches(
    path: Path, declared: Mapping[str, ColumnSpec] | None = None, *, batch_rows: int = BATCH_ROWS
) -> LoadedBatches:
    """Read and check a file of ObsCore rows a batch at a time (see :func:`read_rows`);
    the first batch is read and checked here, so a file that cannot be read, or whose
    header is wrong, fails at once.

    Raises
    ------
    LoadError
        If the file cannot be read, or the first batch holds an unacceptable value.
    """
    kind = _kind(path)
    fields: dict[str, ColumnSpec] = {}
    raw_batches: Iterator[pa.Table]
    with _read_errors(path, kind):
        if kind == "votable":
            raw, fields = _read_votable(path)
            raw_batches = iter([raw])
        elif kind == "csv":
            raw_batches = _csv_batches(path, batch_rows * _CSV_BYTES_PER_ROW)
        else:
            raw_batches = _parquet_batches(path, batch_rows)
        first = next(raw_batches)
    declared = {**fields, **(declared or {})}
    checked = check_rows(first, declared)
    batches = _checked_batches(checked.rows, raw_batches, declared, path, kind)
    return LoadedBatches(checked.own_columns, batches)


def _checked_batches(
    first: pa.Table,
    rest: Iterator[pa.Table],
    declared: Mapping[str, ColumnSpec],
    path: Path,
    kind: str,
) -> Iterator[pa.Table]:
    yield first
    while True:
        with _read_errors(path, kind):
            raw = next(rest, None)
        if raw is None:
            return
        yield check_rows(raw, declared).rows


@contextlib.contextmanager
def _read_errors(path: Path, kind: str) -> Iterator[None]:
    """Turns a reader's exceptions into a :class:`LoadError` naming the file."""
    try:
        yield
    except LoadError:
        raise
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise LoadError(f"{path.name} is not a readable {kind} file: {exc}") from None


def _kind(path: Path) -> str:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise LoadError(
            f"{path.name}: unknown file type {path.suffix!r}; use one of "
            f"{', '.join(sorted(FORMATS))}"
        )
    return kind


def _csv_batches(path: Path, block_bytes: int) -> Iterator[pa.Table]:
    with path.open("rb") as f:
        header = f.readline().decode("utf-8", "replace").strip().split(",")
    reader = pa_csv.open_csv(
        path,
        read_options=pa_csv.ReadOptions(block_size=max(block_bytes, 1 << 16)),
        convert_options=_csv_conversion(header),
    )
    empty = True
    for batch in reader:
        empty = False
        yield pa.Table.from_batches([batch])
    if empty:  # a header alone: no rows, but its columns are checked
        yield reader.schema.empty_table()


def _parquet_batches(path: Path, batch_rows: int) -> Iterator[pa.Table]:
    file = pq.ParquetFile(path)
    empty = True
    for batch in file.iter_batches(batch_size=batch_rows):
        empty = False
        yield pa.Table.from_batches([batch])
    if empty:
        yield file.schema_arrow.empty_table()


def read_rows(path: Path, declared: Mapping[str, ColumnSpec] | None = None) -> LoadedRows:
    """Read and check a file of ObsCore rows.

    Parameters
    ----------
    path
        A CSV, Parquet or VOTable file.
    declared
        The archive's own columns the file may hold, by lower-case name
        (:func:`obscore.declarations.read_declarations`). A VOTable's FIELDs declare its
        own columns too; a declaration given here wins.

    Raises
    ------
    LoadError
        If the file cannot be read or any value is unacceptable.
    """
    loaded = read_batches(path, declared)
    tables: list[pa.Table] = []
    rows_before = 0
    while True:
        try:
            table = next(loaded.batches, None)
        except LoadError as exc:
            raise exc.moved(rows_before) from None
        if table is None:
            return LoadedRows(pa.concat_tables(tables), loaded.own_columns)
        tables.append(table)
        rows_before += table.num_rows


def _csv_conversion(header: list[str]) -> pa_csv.ConvertOptions:
    return pa_csv.ConvertOptions(
        column_types={name.strip().strip('"'): pa.string() for name in header},
        null_values=_NULL_STRINGS,
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )


def _read_votable(path: Path) -> tuple[pa.Table, dict[str, ColumnSpec]]:
    """The rows of a VOTable, and the declarations its FIELDs make of columns that are not
    ObsCore's."""
    from astropy.io.votable import parse_single_table

    votable = parse_single_table(str(path))
    table = votable.to_table(use_names_over_ids=True)
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
    declared: dict[str, ColumnSpec] = {}
    for field in votable.fields:
        if field.name.lower() in _STORED or field.name.lower() == FILE_URL:
            continue
        unit = field.unit
        try:
            spec = declare(
                field.name,
                field.datatype,
                arraysize=field.arraysize,
                unit=None if unit is None else _unit_text(unit),
                ucd=field.ucd,
                description=field.description,
                xtype=field.xtype,
            )
        except DeclarationError as exc:
            raise LoadError(f"FIELD {field.name!r}: {exc}", column=field.name) from None
        declared[spec.name] = spec
    return pa.table(arrays), declared


def _unit_text(unit: object) -> str:
    to_string = getattr(unit, "to_string", None)
    return str(to_string("vounit")) if to_string is not None else str(unit)


_STORED = frozenset(ARROW_SCHEMA.names)


def check_rows(raw: pa.Table, declared: Mapping[str, ColumnSpec] | None = None) -> LoadedRows:
    """Convert and check a table of ObsCore rows (see :func:`read_rows`)."""
    declared = declared or {}
    raw = _lower_case_names(raw)
    for name in raw.column_names:
        if name not in _STORED and name != FILE_URL and name not in declared:
            guess = standard_like(name)
            hint = f" (did you mean {guess}?)" if guess else ""
            raise LoadError(
                f"{name!r} is not an ObsCore column{hint}; declare the archive's own "
                "columns with --columns FILE.json (name, datatype, unit, ucd, description)",
                column=name,
            )
    arrays = []
    for spec in STORED_COLUMNS:
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
        arrays.append(_checked(column, spec))
    checked = pa.Table.from_arrays(arrays, schema=ARROW_SCHEMA)
    checked = _links_of_this_service(checked)
    if FILE_URL in raw.column_names:
        urls = _convert(raw.column(FILE_URL), pa.string(), FILE_URL)
        checked = checked.append_column(FILE_URL, urls)
    own = tuple(declared[name] for name in raw.column_names if name in declared)
    for spec in own:
        checked = checked.append_column(spec.name, _checked(raw.column(spec.name), spec))
    return LoadedRows(checked, own)


def _lower_case_names(raw: pa.Table) -> pa.Table:
    """Column names in lower case (ADQL's regular identifiers ignore case)."""
    names = [name.strip().lower() for name in raw.column_names]
    seen: set[str] = set()
    for original, name in zip(raw.column_names, names, strict=True):
        if name in seen:
            raise LoadError(f"{original!r} appears twice (names ignore case)", column=original)
        seen.add(name)
    return raw.rename_columns(names)


def _checked(column: pa.ChunkedArray, spec: ColumnSpec) -> pa.ChunkedArray:
    if spec.xtype == "timestamp":
        column = _timestamps(column, spec.name)
    column = _convert(column, arrow_type(spec), sql_name(spec.name))
    _check(column, spec)
    return column


def _timestamps(column: pa.ChunkedArray, name: str) -> pa.ChunkedArray:
    """ISO 8601 dates and times, written ``YYYY-MM-DDThh:mm:ss[.fff]`` (DALI's form)."""
    if pa.types.is_null(column.type):
        return pc.cast(column, pa.string())
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
            column = pc.cast(column, pa.timestamp("ms"))
            return pc.strftime(column, "%Y-%m-%dT%H:%M:%S")
        raise LoadError(f"expected ISO 8601 dates and times, not {column.type}", column=name)
    text = pc.utf8_trim_whitespace(column)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    text = pc.replace_substring_regex(text, r"Z$", "")
    try:
        times = pc.cast(text, pa.timestamp("ms"))
    except pa.ArrowInvalid:
        for i, value in enumerate(text.to_pylist(), start=1):
            try:
                pc.cast(pa.array([value], pa.string()), pa.timestamp("ms"))
            except pa.ArrowInvalid:
                raise LoadError(
                    f"{value!r} is not an ISO 8601 date (YYYY-MM-DD[Thh:mm:ss])",
                    row=i,
                    column=name,
                ) from None
        raise
    return pc.strftime(times, "%Y-%m-%dT%H:%M:%S")


def _links_of_this_service(rows: pa.Table) -> pa.Table:
    """Rows exported from another Obscura carry that server's absolute DataLink URL
    (``https://other/api/datalink/links?ID=<the row's DID>``); such an access_url becomes
    the relative path this service publishes under its own base URL. Other absolute
    URLs (files served elsewhere) are kept."""
    urls = rows.column("access_url")
    pattern = r"^https?://[^?#]*" + re.escape(_LINKS_PATH) + r"\?"
    candidates = pc.fill_null(pc.match_substring_regex(urls, pattern, ignore_case=True), False)
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


def _canonical_polygons(column: pa.ChunkedArray) -> bool:
    """Whether every region is a canonical polygon (:func:`~obscore.stcs.canonical_polygons`)
    on the sky: then each would pass :func:`~obscore.stcs.parse_polygon`. False leaves the
    rows to that function, which names the first bad one."""
    regions = column.drop_null()
    if len(regions) == 0:
        return True
    vertices = canonical_polygons(regions)
    if vertices is None:
        return False
    return bool(np.isfinite(vertices).all() and (np.abs(vertices[..., 1]) <= 90.0).all())


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
    kind = {
        "int16": "an integer",
        "int32": "an integer",
        "int64": "an integer",
        "float": "a number",
        "double": "a number",
        "bool": "true or false",
    }.get(str(target), str(target))
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
    if name == "s_region" and not _canonical_polygons(column):
        for i, region in enumerate(column.to_pylist(), start=1):
            if region is not None:
                try:
                    parse_polygon(region)
                except StcsError as exc:
                    raise LoadError(str(exc), row=i, column=name) from None
