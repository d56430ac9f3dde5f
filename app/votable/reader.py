"""Reading a VOTable a client sent (a TAP upload) as a stream of rows, within limits.

An upload is the bytes the client sent and nothing else. A ``STREAM`` with an ``href``
(data kept elsewhere: a file on the server, a URL) is refused, never opened; so is any
stream encoding but inline base64 (``gzip`` would let a few kilobytes inflate to
gigabytes), entity declarations (which can do the same to XML), and the ``FITS``
serialisation (its data are a second document we would have to read whole).

Every limit is checked while reading, at the first byte, element, column or row past it,
and the caller's ``check`` (a deadline, a cancelled request) runs after each piece, so a
document is never read further than it may be. Memory holds one piece of input and the
rows not yet taken, never the table: :meth:`VOTableReader.batches` hands rows out as they
are read. The XML parser is expat, fed incrementally; its cost is linear in the input.
"""

from __future__ import annotations

import binascii
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from app.votable.decoding import (
    BinaryRows,
    InColumn,
    Value,
    VOTableReadError,
    make_column,
    text_value,
)

__all__ = ["ReadLimits", "VOTableReadError", "VOTableReader"]

PIECE = 64 * 1024
"""Bytes handed to the XML parser at a time."""

_WHITESPACE = b" \t\r\n"
_SERIALIZATIONS = ("TABLEDATA", "BINARY", "BINARY2", "FITS")


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """What one uploaded table may hold."""

    max_bytes: int
    max_columns: int = 500
    max_rows: int = 1_000_000
    max_depth: int = 32
    """Elements nested in one another."""
    max_text: int = 1024 * 1024
    """Characters in one cell or description."""


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class VOTableReader:
    """One uploaded table, read as it is consumed: :meth:`columns`, then :meth:`batches`.

    Raises :class:`VOTableReadError` (from either method) for anything that is not a
    VOTable this service reads, or breaks a limit.
    """

    def __init__(
        self,
        chunks: Iterable[bytes],
        limits: ReadLimits,
        *,
        check: Callable[[], None] | None = None,
    ) -> None:
        self._chunks = iter(chunks)
        self._limits = limits
        self._check = check or (lambda: None)
        self._bytes = 0
        self._finished = False
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.EntityDeclHandler = self._entity
        self._parser = parser
        # Parse state
        self._stack: list[str] = []
        self._tables = 0
        self._columns: list[InColumn] = []
        self._field: int | None = None
        self._header_done = False
        self._serialization: str | None = None
        self._capture: list[str] | None = None
        self._captured = 0
        self._cells: list[str] | None = None
        self._binary: BinaryRows | None = None
        self._base64 = bytearray()
        self._rows = 0
        self._pending: list[tuple[Value, ...]] = []

    # --- public ----------------------------------------------------------------------

    def columns(self) -> list[InColumn]:
        """The table's columns (reads on until its data begin)."""
        while not self._header_done and not self._finished:
            self._feed_next()
        if not self._columns:
            raise VOTableReadError("the table has no columns (FIELD elements)")
        return list(self._columns)

    def batches(self, size: int) -> Iterator[list[tuple[Value, ...]]]:
        """The rows, ``size`` at a time (the last batch may be shorter)."""
        self.columns()
        while True:
            while len(self._pending) >= size:
                batch, self._pending = self._pending[:size], self._pending[size:]
                yield batch
            if self._finished:
                break
            self._feed_next()
        if self._pending:
            batch, self._pending = self._pending, []
            yield batch

    # --- feeding ---------------------------------------------------------------------

    def _feed_next(self) -> None:
        chunk = next(self._chunks, None)
        if chunk is None:
            self._parse(b"", final=True)
            self._finished = True
            if self._tables == 0:
                raise VOTableReadError("the document holds no TABLE")
            return
        self._bytes += len(chunk)
        if self._bytes > self._limits.max_bytes:
            raise VOTableReadError(
                f"it is larger than the limit of {self._limits.max_bytes:,} bytes"
            )
        for start in range(0, len(chunk), PIECE):
            self._parse(chunk[start : start + PIECE], final=False)
            self._check()

    def _parse(self, data: bytes, *, final: bool) -> None:
        try:
            self._parser.Parse(data, final)
        except expat.ExpatError as exc:
            message = expat.ErrorString(exc.code) if exc.code else str(exc)
            raise VOTableReadError(
                f"it is not well-formed XML (line {exc.lineno}, column {exc.offset + 1}: {message})"
            ) from None
        if self._binary is not None:
            self._drain_base64(final=False)

    # --- expat handlers --------------------------------------------------------------

    def _entity(self, name: str, *_args: Any) -> None:
        raise VOTableReadError(f"it declares the XML entity {name!r}; uploads may not")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = _local(name)
        parent = self._stack[-1] if self._stack else None
        self._stack.append(local)
        if len(self._stack) > self._limits.max_depth:
            raise VOTableReadError(f"its elements nest deeper than {self._limits.max_depth} levels")
        if parent is None and local != "VOTABLE":
            raise VOTableReadError(f"it is not a VOTable (its root element is {name!r})")
        if local == "STREAM":
            self._start_stream(attributes)
        elif local == "TABLE":
            self._tables += 1
            if self._tables > 1:
                raise VOTableReadError("it holds more than one TABLE; upload one table")
        elif self._tables == 1 and not self._header_done:
            self._start_header(local, parent, attributes)
        elif local in _SERIALIZATIONS and parent == "DATA":
            self._serialization = local
        elif local == "TR" and self._serialization == "TABLEDATA":
            self._cells = []
        elif local == "TD" and self._cells is not None:
            self._begin_capture()

    def _start_header(self, local: str, parent: str | None, attributes: dict[str, str]) -> None:
        if local == "FIELD" and parent == "TABLE":
            if len(self._columns) >= self._limits.max_columns:
                raise VOTableReadError(
                    f"it has more than {self._limits.max_columns} columns, the limit"
                )
            self._columns.append(
                make_column(
                    attributes,
                    position=len(self._columns) + 1,
                    max_bytes=self._limits.max_bytes,
                )
            )
            self._field = len(self._columns) - 1
        elif local == "VALUES" and parent == "FIELD" and self._field is not None:
            if "null" in attributes:
                column = self._columns[self._field]
                self._columns[self._field] = dataclasses.replace(column, null=attributes["null"])
        elif local == "DESCRIPTION" and parent == "FIELD" and self._field is not None:
            self._begin_capture()
        elif local == "DATA" and parent == "TABLE":
            self._header_done = True
            if not self._columns:
                raise VOTableReadError("the table has no columns (FIELD elements)")

    def _start_stream(self, attributes: dict[str, str]) -> None:
        if "href" in attributes:
            raise VOTableReadError(
                "its data refer to a STREAM elsewhere (href); this service reads only the "
                "bytes sent with the request: put the rows in the document (TABLEDATA, or "
                "BINARY/BINARY2 with base64 inline)"
            )
        if self._serialization == "FITS":
            raise VOTableReadError(
                "its data are in the FITS serialisation, which uploads cannot use; send "
                "TABLEDATA, BINARY or BINARY2"
            )
        encoding = attributes.get("encoding", "none")
        if encoding != "base64":
            raise VOTableReadError(
                f"its STREAM has encoding {encoding!r}; inline data must be base64"
            )
        if self._serialization in ("BINARY", "BINARY2") and self._binary is None:
            self._binary = BinaryRows(self._columns, binary2=self._serialization == "BINARY2")
            self._base64.clear()

    def _end(self, _name: str) -> None:
        local = self._stack.pop()
        if local == "TD" and self._cells is not None:
            self._cells.append(self._end_capture())
        elif local == "TR" and self._cells is not None:
            self._add_text_row(self._cells)
            self._cells = None
        elif local == "DESCRIPTION" and self._field is not None and self._capture is not None:
            column = self._columns[self._field]
            self._columns[self._field] = dataclasses.replace(
                column, description=self._end_capture().strip() or None
            )
        elif local == "FIELD":
            self._field = None
        elif local == "STREAM" and self._binary is not None:
            self._drain_base64(final=True)
            if self._binary.pending_bytes:
                raise VOTableReadError("its binary data end in the middle of a row")
            self._binary = None
        elif local == "TABLE":
            self._header_done = True
            self._serialization = None

    def _text(self, data: str) -> None:
        if self._binary is not None and self._stack[-1] == "STREAM":
            try:
                self._base64 += data.encode("ascii")
            except UnicodeEncodeError:
                raise VOTableReadError("its base64 STREAM holds non-ASCII characters") from None
            return
        if self._capture is not None:
            self._captured += len(data)
            if self._captured > self._limits.max_text:
                raise VOTableReadError(
                    f"a cell or description is longer than {self._limits.max_text:,} characters"
                )
            self._capture.append(data)

    # --- values ----------------------------------------------------------------------

    def _begin_capture(self) -> None:
        self._capture, self._captured = [], 0

    def _end_capture(self) -> str:
        text = "".join(self._capture or ())
        self._capture = None
        return text

    def _count_rows(self, added: int) -> None:
        self._rows += added
        if self._rows > self._limits.max_rows:
            raise VOTableReadError(f"it has more than {self._limits.max_rows:,} rows, the limit")

    def _add_text_row(self, cells: list[str]) -> None:
        row_number = self._rows + 1
        if len(cells) != len(self._columns):
            raise VOTableReadError(
                f"row {row_number} has {len(cells)} cells; the table has "
                f"{len(self._columns)} columns"
            )
        values: list[Value] = []
        for column, cell in zip(self._columns, cells, strict=True):
            try:
                values.append(text_value(column, cell))
            except ValueError as exc:
                raise VOTableReadError(
                    f"row {row_number}, column {column.name!r}: {_reason(exc, cell, column)}"
                ) from None
        self._count_rows(1)
        self._pending.append(tuple(values))

    def _drain_base64(self, *, final: bool) -> None:
        assert self._binary is not None
        data = bytes(self._base64).translate(None, _WHITESPACE)
        usable = len(data) if final else len(data) // 4 * 4
        try:
            decoded = binascii.a2b_base64(data[:usable], strict_mode=True) if usable else b""
        except binascii.Error as exc:
            raise VOTableReadError(f"its STREAM is not valid base64 ({exc})") from None
        self._base64 = bytearray(data[usable:])
        rows = self._binary.feed(decoded)
        self._count_rows(len(rows))
        self._pending.extend(rows)


def _reason(exc: ValueError, cell: str, column: InColumn) -> str:
    message = str(exc)
    if "out of range" in message:
        return message
    shown = cell if len(cell) <= 40 else cell[:40] + "..."
    return f"{shown!r} is not a {column.datatype} value"
