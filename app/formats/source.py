"""Pulling a result's batches for a writer: conformed, sliced to a chunk size, closed."""

from __future__ import annotations

from collections.abc import Generator, Sequence

import pyarrow as pa

from app.formats.columns import conform
from app.result_table import ResultTable
from vometa import Field

__all__ = ["DEFAULT_CHUNK_ROWS", "result_chunks"]

DEFAULT_CHUNK_ROWS = 10_000
"""Rows per encoded chunk of the text and VOTable writers: large enough to amortise the
per-call cost of vectorised encoding, small enough to keep memory flat, bytes flowing
and every chunk far below Arrow's 2 GiB limit of a binary array."""


def result_chunks(
    table: ResultTable, fields: Sequence[Field], chunk_rows: int | None = None
) -> Generator[list[pa.Array], None, None]:
    """The columns of ``table``'s batches, cast to their fields' types, empty batches
    skipped and larger batches sliced to at most ``chunk_rows`` rows.

    ``table.batches()`` is called on the first ``next()``, not before, and the batch
    iterator is closed (which releases a database cursor held by a generator) when this
    generator ends or is closed. Errors from the batches propagate.
    """
    batches = table.batches()
    try:
        for batch in batches:
            size = max(chunk_rows or batch.num_rows, 1)
            for start in range(0, batch.num_rows, size):
                yield conform(batch.slice(start, size), fields)
    finally:
        close = getattr(batches, "close", None)
        if callable(close):
            close()
