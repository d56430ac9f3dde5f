"""Apache Parquet output of query results, streamed one row group per batch.

``pyarrow.parquet.ParquetWriter`` writes into a sink that only collects bytes; after
each batch (one row group) the collected bytes are yielded, so memory holds one row
group and the client gets bytes while the query runs. The footer, written at the end,
carries the schema: Arrow types as in :func:`app.result_table.arrow_type`, and each
field's VOTable metadata (``datatype``, ``arraysize``, ``xtype``, ``unit``, ``ucd``,
``utype``, ``description``) as Arrow field metadata. A result cut at MAXREC gets the
file metadata entry ``QUERY_STATUS: OVERFLOW``.

A result that fails after rows were sent (a :class:`app.faults.ServiceError`: the time
limit, a cancelled job) ends like a VOTable one: the row groups sent stay readable, and
the footer's file metadata says ``QUERY_STATUS: ERROR`` with the reason in
``QUERY_ERROR``. Anything else propagates.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from app.faults import ServiceError
from app.formats.columns import check_fields, declared_arraysize
from app.formats.source import result_chunks
from app.result_table import ResultTable, arrow_type
from vometa import Field

__all__ = ["parquet_schema", "write_parquet"]


class _Sink:
    """A write-only file that keeps what is written until it is drained."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0
        self.closed = False

    def write(self, data: bytes | memoryview) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def drain(self) -> bytes:
        """Everything written since the last drain."""
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def parquet_schema(fields: Sequence[Field]) -> pa.Schema:
    """The Arrow schema of the Parquet file, with the VOTable metadata of each field."""
    columns = []
    for f in fields:
        metadata = {
            "datatype": f.datatype,
            "arraysize": declared_arraysize(f),
            "xtype": f.xtype,
            "unit": f.unit,
            "ucd": f.ucd,
            "utype": f.utype,
            "description": f.description,
        }
        kept = {key: value for key, value in metadata.items() if value}
        columns.append(pa.field(f.name, arrow_type(f), metadata=kept or None))
    return pa.schema(columns)


def write_parquet(table: ResultTable) -> Iterator[bytes]:
    """Stream ``table`` as a Parquet file, one row group per batch."""
    fields = list(table.fields)
    check_fields(fields)
    schema = parquet_schema(fields)
    sink = _Sink()
    writer = pq.ParquetWriter(sink, schema)
    start = sink.drain()
    if start:
        yield start
    chunks = result_chunks(table, fields)
    error: str | None = None
    try:
        for columns in chunks:
            writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
            yield sink.drain()
    except ServiceError as exc:
        error = str(exc)
    finally:
        chunks.close()
    if error is not None:
        writer.add_key_value_metadata({"QUERY_STATUS": "ERROR", "QUERY_ERROR": error})
    elif table.overflow:
        writer.add_key_value_metadata({"QUERY_STATUS": "OVERFLOW"})
    writer.close()
    yield sink.drain()
