"""The streaming VOTable 1.4 writer for query results (BINARY2 or TABLEDATA).

The document is produced as a generator of byte chunks: the header (INFO
``QUERY_STATUS`` ``OK``, the caller's INFOs, the FIELDs) before the first batch is
pulled, then one chunk per batch of at most ``chunk_rows`` rows, then the end: an INFO
``QUERY_STATUS`` ``OVERFLOW`` after the TABLE if the result was cut at MAXREC. If the
batches fail mid-way, the open elements are closed and an INFO ``QUERY_STATUS``
``ERROR`` follows the TABLE, so the document stays well-formed and the rows already
sent stay readable. Only a :class:`app.faults.ServiceError` is written so (the result's
source turns every failure into one, see ``app/services/result_stream.py``); anything
else raised while encoding propagates.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal, Protocol, TypeAlias

import pyarrow as pa

from app.faults import ServiceError
from app.formats.columns import check_fields
from app.formats.source import DEFAULT_CHUNK_ROWS, result_chunks
from app.result_table import ResultTable
from app.votable.binary2 import Base64Stream, Binary2Encoder
from app.votable.elements import (
    DOCUMENT_END,
    document_start,
    info_element,
    reference_systems,
    table_start,
)
from app.votable.tabledata import TabledataEncoder
from vometa import Field

__all__ = ["DEFAULT_CHUNK_ROWS", "Info", "Serialization", "write_votable"]

Serialization: TypeAlias = Literal["BINARY2", "TABLEDATA"]
Info: TypeAlias = tuple[str, str, str | None]
"""An extra INFO element: name, value and optional text content."""


class _Encoder(Protocol):
    def encode(self, columns: Sequence[pa.Array]) -> bytes | memoryview: ...


def write_votable(
    table: ResultTable,
    *,
    serialization: Serialization = "BINARY2",
    infos: Sequence[Info] = (),
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    preamble: str = "",
) -> Iterator[bytes]:
    """Stream ``table`` as a VOTable 1.4 document.

    Parameters
    ----------
    table
        The result. Its ``batches()`` are pulled only after the header is yielded.
    serialization
        ``BINARY2`` (base64 in a STREAM) or ``TABLEDATA``.
    infos
        Extra INFO elements of the results RESOURCE, after ``QUERY_STATUS``.
    chunk_rows
        Largest number of rows encoded per chunk (larger batches are sliced).
    preamble
        Whole elements to put before the results RESOURCE (a service descriptor).

    Yields
    ------
    bytes
        Successive parts of the document.

    Raises
    ------
    ValueError
        Before anything is yielded, for an unknown serialisation or datatype.
    """
    fields = list(table.fields)
    check_fields(fields)
    encoder: _Encoder
    base64: Base64Stream | None = None
    if serialization == "BINARY2":
        encoder = Binary2Encoder(fields)
        base64 = Base64Stream()
        data_start = '<DATA><BINARY2><STREAM encoding="base64">\n'
        data_end = "</STREAM></BINARY2></DATA>\n"
    elif serialization == "TABLEDATA":
        encoder = TabledataEncoder(fields)
        data_start = "<DATA><TABLEDATA>\n"
        data_end = "</TABLEDATA></DATA>\n"
    else:
        raise ValueError(f"unknown VOTable serialization {serialization!r}")

    yield _header(fields, infos, data_start, preamble).encode()
    error: str | None = None
    chunks = result_chunks(table, fields, chunk_rows)
    try:
        for columns in chunks:
            data = encoder.encode(columns)
            chunk = base64.feed(data) if base64 else bytes(data)
            if chunk:
                yield chunk
    except ServiceError as exc:
        error = str(exc)
    finally:
        chunks.close()
    end = (base64.finish() if base64 else b"") + f"{data_end}</TABLE>\n".encode()
    if error is not None:
        end += info_element("QUERY_STATUS", "ERROR", error).encode()
    elif table.overflow:
        end += info_element("QUERY_STATUS", "OVERFLOW").encode()
    yield end + DOCUMENT_END.encode()


def _header(fields: Sequence[Field], infos: Sequence[Info], data_start: str, preamble: str) -> str:
    parts = [document_start(preamble), info_element("QUERY_STATUS", "OK")]
    parts.extend(info_element(name, value, content) for name, value, content in infos)
    parts.extend([reference_systems(fields), table_start(fields), data_start])
    return "".join(parts)
