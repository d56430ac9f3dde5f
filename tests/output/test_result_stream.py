"""ResultStream: the one place a result that fails after its first byte is handled, for
every output format (VOTable and Parquet mark it; CSV and TSV are cut; FITS fails before
its first byte), and how each failure is logged."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pyarrow.parquet as pq
import pytest
import structlog
from astropy.io.votable import parse

from app.faults import QueryTimeoutError, ServiceError
from app.formats.registry import OUTPUT_FORMATS, OutputFormat, find_format
from app.result_table import ResultTable
from app.services.result_stream import GENERIC_FAILURE, ResultCutError, ResultStream
from tests.output.tables import SAMPLE_FIELDS, SAMPLE_ROWS, MemoryTable, make_table

FORMATS = [f.name for f in OUTPUT_FORMATS]


def _stream(fmt: OutputFormat, table: MemoryTable, closed: list[str]) -> ResultStream:
    def write(t: ResultTable) -> Iterator[bytes]:
        return fmt.writer(t, [])

    return ResultStream.open(
        table, write, content_type=fmt.mime, close=lambda: closed.append("closed")
    )


def _failing(error: BaseException) -> MemoryTable:
    return make_table(SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=2, fail_with=error)


def _trailing_status(data: bytes) -> tuple[str, str]:
    resource = parse(io.BytesIO(data)).resources[0]
    status = [info for info in resource.infos if info.name == "QUERY_STATUS"]
    return status[-1].value, status[-1].content or ""


@pytest.mark.parametrize("name", FORMATS)
def test_a_timeout_after_the_first_byte(name: str) -> None:
    fmt = find_format(name)
    closed: list[str] = []
    received: list[bytes] = []
    with structlog.testing.capture_logs() as logs:
        if name == "fits":  # spooled: the failure comes before the first byte
            with pytest.raises(QueryTimeoutError, match="timed out"):
                _stream(fmt, _failing(QueryTimeoutError("timed out")), closed)
            assert closed == ["closed"]
            return
        stream = _stream(fmt, _failing(QueryTimeoutError("timed out")), closed)
        try:
            if name in ("csv", "tsv"):
                with pytest.raises(ResultCutError, match="timed out"):
                    received.extend(stream)
            else:
                received.extend(stream)
        finally:
            stream.close()
    data = b"".join(received)
    assert stream.failure == "timed out"
    assert closed == ["closed"]
    if name.startswith("votable"):
        assert _trailing_status(data) == ("ERROR", "timed out")
    elif name == "parquet":
        file = pq.ParquetFile(io.BytesIO(data))
        assert file.metadata.metadata[b"QUERY_ERROR"] == b"timed out"
        assert file.read().num_rows == len(SAMPLE_ROWS)
    elif name == "json":
        document = json.loads(data)
        assert (document["query_status"], document["error"]) == ("ERROR", "timed out")
        assert len(document["data"]) == len(SAMPLE_ROWS)
    elif name == "html":
        assert data.count(b"<tr><td>") == len(SAMPLE_ROWS)
        assert b"The query failed after these rows: timed out" in data
    else:  # the header and every row sent
        delimiter = "," if name == "csv" else "\t"
        lines = list(csv.reader(io.StringIO(data.decode(), newline=""), delimiter=delimiter))
        assert len(lines) == 1 + len(SAMPLE_ROWS)
    # The user's time-out: said once, at info, never as a server fault.
    assert [(e["log_level"], e["event"]) for e in logs] == [("info", "result ended early")]
    assert logs[0]["fault"] == "QueryTimeoutError"


@pytest.mark.parametrize("name", ["votable", "parquet", "csv"])
def test_a_server_fault_after_the_first_byte(name: str) -> None:
    fmt = find_format(name)
    closed: list[str] = []
    received: list[bytes] = []
    with structlog.testing.capture_logs() as logs:
        stream = _stream(fmt, _failing(RuntimeError("password=secret")), closed)
        try:
            received.extend(stream)
        except ResultCutError:
            assert name == "csv"
        finally:
            stream.close()
    data = b"".join(received)
    assert b"secret" not in data
    assert stream.failure == GENERIC_FAILURE
    if name == "votable":
        assert _trailing_status(data) == ("ERROR", GENERIC_FAILURE)
    errors = [e for e in logs if e["log_level"] == "error"]
    assert len(errors) == 1  # logged once, with its traceback
    assert "exc_info" in errors[0]


def test_a_failure_before_the_first_byte_is_raised() -> None:
    table = make_table(SAMPLE_FIELDS, [], fail_with=ServiceError("lost"))
    closed: list[str] = []
    with pytest.raises(ServiceError, match="lost"):
        _stream(find_format("fits"), table, closed)
    assert closed == ["closed"]


def test_a_whole_result() -> None:
    closed: list[str] = []
    stream = _stream(find_format("csv"), make_table(SAMPLE_FIELDS, SAMPLE_ROWS), closed)
    data = b"".join(stream)
    stream.close()
    assert stream.failure is None
    assert len(list(csv.reader(io.StringIO(data.decode(), newline="")))) == 1 + len(SAMPLE_ROWS)
    with pytest.raises(RuntimeError):
        list(stream)
