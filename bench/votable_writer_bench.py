"""Benchmark: throughput of the result writers on an in-memory ObsCore-like result.

Not a test. Builds a synthetic result (default 1,000,000 rows in batches of 10,000, as a
database cursor would deliver them) with 38 ObsCore-like columns: 10 strings, 15
doubles, 12 integers and a polygon (``double[*]``, 8 numbers), about 3 % nulls in some
columns. Then it drains each writer and prints rows/s and MiB/s of output, keeping the
best of ``--rounds`` runs (the machine is shared). A 10-column projection is measured
too, for VOTable BINARY2.

    .venv/bin/python bench/votable_writer_bench.py [--rows N] [--rounds R] [--formats ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).parents[1]))

from app.formats.delimited import write_csv, write_tsv
from app.formats.fits import write_fits
from app.formats.parquet import write_parquet
from app.result_table import arrow_schema
from app.votable import write_votable
from vometa import Field

STRINGS = (
    ("obs_collection", "LSST.DP1"),
    ("dataproduct_type", "image"),
    ("dataproduct_subtype", "lsst.visit_image"),
    ("lsst_band", "r"),
    ("instrument_name", "LSSTComCam"),
    ("obs_id", "2024112600"),
    ("facility_name", "Rubin:Simonyi"),
    ("obs_title", "Visit image of detector"),
    (
        "access_url",
        "https://data.lsst.cloud/api/datalink/links?ID=ivo://org.rubinobs/usdac/dp1?repo",
    ),
    ("access_format", "application/x-votable+xml;content=datalink"),
)
DOUBLES = (
    "s_ra", "s_dec", "em_min", "em_max", "t_min", "t_max", "t_exptime", "s_fov",
    "s_resolution", "t_resolution", "em_res_power", "s_pixel_scale", "t_midpoint",
    "airmass", "sky_rotation",
)  # fmt: skip
LONGS = (
    "calib_level", "lsst_tract", "lsst_patch", "lsst_visit", "lsst_detector", "access_estsize",
    "s_xel1", "s_xel2", "t_xel", "pol_xel", "em_xel", "obs_release",
)  # fmt: skip
NARROW = (
    "obs_id", "dataproduct_type", "lsst_band", "s_ra", "s_dec", "t_min", "t_max",
    "calib_level", "access_url", "s_region",
)  # fmt: skip


def obscore_like_fields() -> list[Field]:
    """The 38 benchmark fields."""
    fields = [Field.make(name, "char", "*", ucd="meta.id") for name, _ in STRINGS]
    fields += [Field.make(name, "double", unit="deg", ucd="pos.eq") for name in DOUBLES]
    fields += [Field.make(name, "long", ucd="meta.number") for name in LONGS]
    fields.append(Field.make("s_region", "double", "*", xtype="polygon", unit="deg"))
    return fields


def make_batch(fields: Sequence[Field], rows: int, rng: np.random.Generator) -> pa.RecordBatch:
    """One batch of synthetic values."""
    prefixes = dict(STRINGS)
    nulls = pa.array(rng.random(rows) < 0.03)
    columns: list[pa.Array] = []
    for f in fields:
        if f.datatype == "char":
            numbers = pc.cast(pa.array(rng.integers(0, 10**9, rows)), pa.string())
            values = pc.binary_join_element_wise(prefixes[f.name], "-", numbers, "")
        elif f.is_array:
            corners = rng.uniform(0, 360, (rows, 8))
            offsets = pa.array(np.arange(0, rows * 8 + 1, 8, dtype=np.int32))
            values = pa.ListArray.from_arrays(offsets, pa.array(corners.ravel()))
        elif f.datatype == "double":
            values = pa.array(rng.normal(100.0, 50.0, rows))
        else:
            values = pa.array(rng.integers(0, 10**12, rows))
        if f.name in ("obs_title", "t_exptime", "s_region", "access_estsize"):
            values = pc.if_else(nulls, pa.scalar(None, values.type), values)
        columns.append(values)
    return pa.RecordBatch.from_arrays(columns, schema=arrow_schema(fields))


@dataclass
class MemoryResult:
    """A ResultTable over batches held in memory."""

    fields: list[Field]
    data: list[pa.RecordBatch]
    overflow: bool = False

    def batches(self) -> Iterator[pa.RecordBatch]:
        yield from self.data


WRITERS: dict[str, Callable[[MemoryResult], Iterator[bytes]]] = {
    "binary2": lambda t: write_votable(t, serialization="BINARY2"),
    "tabledata": lambda t: write_votable(t, serialization="TABLEDATA"),
    "csv": write_csv,
    "tsv": write_tsv,
    "parquet": write_parquet,
    "fits": write_fits,
}


def measure(
    writer: Callable[[MemoryResult], Iterator[bytes]], table: MemoryResult
) -> tuple[float, int]:
    """Seconds and bytes to drain the writer."""
    start = time.perf_counter()
    size = sum(len(chunk) for chunk in writer(table))
    return time.perf_counter() - start, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--formats", nargs="*", default=["binary2", "tabledata", "csv", "parquet"])
    args = parser.parse_args()

    rng = np.random.default_rng(42)
    fields = obscore_like_fields()
    template = [make_batch(fields, args.batch, rng) for _ in range(10)]
    batches = [template[i % len(template)] for i in range(args.rows // args.batch)]
    rows = sum(b.num_rows for b in batches)
    wide = MemoryResult(fields, batches)
    keep = [i for i, f in enumerate(fields) if f.name in NARROW]
    narrow = MemoryResult([fields[i] for i in keep], [b.select(keep) for b in batches])

    print(f"{rows:,} rows in batches of {args.batch:,}; best of {args.rounds} rounds")
    cases = [(name, wide) for name in args.formats]
    if "binary2" in args.formats:
        cases.insert(1, ("binary2", narrow))
    for name, table in cases:
        best, size = min(measure(WRITERS[name], table) for _ in range(args.rounds))
        print(
            f"{name:>10} {len(table.fields):>3} columns: {rows / best:>10,.0f} rows/s"
            f"  {size / best / 2**20:>7.1f} MiB/s  ({size / 2**20:,.0f} MiB in {best:.2f} s)"
        )


if __name__ == "__main__":
    main()
