"""Benchmark: time, peak memory and file size of each demo product's FITS file.

Not a test. Picks one ECDFS row of each of the five products from the DP1-like demo rows
and, for each, in a fresh Python process (so that one product's memory does not hide
another's), writes its file with :func:`pixels.write_product` ``--repeat`` times. It
reports the first (cold: the sky cells are not cached yet) and the best wall time; the
peak resident memory the writes added (the kernel's high-water mark ``VmHWM`` after minus
before, imports and the row already loaded; ``ru_maxrss`` would count the parent's memory,
inherited through ``exec``); the peak of Python allocations during one write
(``tracemalloc``, in a separate run because it slows the write); and the compressed file
size next to the uncompressed one.

    .venv/bin/python bench/pixels_bench.py [--repeat R] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

SUBTYPES = (
    "lsst.raw",
    "lsst.visit_image",
    "lsst.difference_image",
    "lsst.deep_coadd",
    "lsst.template_coadd",
)


def _rows() -> dict[str, dict[str, Any]]:
    import pyarrow.compute as pc

    from obscore.demo import generate_dp1

    rows = {}
    for table in generate_dp1():
        subtype = table["dataproduct_subtype"][0].as_py()
        if "coadd" in subtype:
            chosen = table.filter(pc.equal(table["lsst_tract"], 5063))
        else:
            chosen = table.filter(pc.equal(table["target_name"], "ECDFS"))
        rows[subtype] = chosen.slice(0, 1).to_pylist()[0]
    return rows


def _peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux ``VmHWM``), megabytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(row_file: Path, repeat: int, seed: int) -> None:
    """Measure one product (runs in its own process); prints one JSON line."""
    from pixels import product_kind, write_product

    row = json.loads(row_file.read_text())
    kind = product_kind(row)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "product.fits"
        before = _peak_rss_mb()
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            write_product(row, path, seed=seed)
            times.append(time.perf_counter() - start)
        after = _peak_rss_mb()
        tracemalloc.start()
        write_product(row, path, seed=seed)
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        size = path.stat().st_size
    planes = 4 if kind.is_raw else 12  # bytes per pixel over all planes
    print(
        json.dumps(
            {
                "subtype": kind.subtype,
                "first": times[0],
                "seconds": min(times),
                "rss_added_mb": after - before,
                "traced_mb": traced / 1e6,
                "size_mb": size / 1e6,
                "raw_mb": kind.width * kind.height * planes / 1e6,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1786)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.repeat, args.seed)
        return 0
    rows = _rows()
    print(
        f"{'product':<24}{'first s':>8}{'best s':>8}{'RSS +MB':>9}{'traced MB':>11}"
        f"{'file MB':>9}{'of MB':>8}"
    )
    with tempfile.TemporaryDirectory() as directory:
        for subtype in SUBTYPES:
            row_file = Path(directory) / "row.json"
            row_file.write_text(json.dumps(rows[subtype]))
            options = ["--repeat", str(args.repeat), "--seed", str(args.seed)]
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(row_file), *options],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{r['subtype']:<24}{r['first']:>8.2f}{r['seconds']:>8.2f}{r['rss_added_mb']:>9.0f}"
                f"{r['traced_mb']:>11.0f}{r['size_mb']:>9.1f}{r['raw_mb']:>8.0f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
