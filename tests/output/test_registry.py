"""RESPONSEFORMAT resolution and Content-Type of the output formats."""

from __future__ import annotations

import pytest

from app.formats.registry import (
    DEFAULT_FORMAT,
    OUTPUT_FORMATS,
    OutputFormat,
    UnknownFormatError,
    content_type,
    find_format,
)
from tests.output.tables import SAMPLE_FIELDS, SAMPLE_ROWS, make_table

SELECTIONS = {
    None: "votable",
    "": "votable",
    "votable": "votable",
    "application/x-votable+xml": "votable",
    "text/xml": "votable",
    "application/x-votable+xml;serialization=binary2": "votable",
    "votable/b2": "votable",
    "binary2": "votable",
    "application/x-votable+xml;serialization=tabledata": "votable/td",
    "votable/td": "votable/td",
    "tabledata": "votable/td",
    "csv": "csv",
    "text/csv": "csv",
    "text/csv;header=present": "csv",
    "tsv": "tsv",
    "text/tab-separated-values": "tsv",
    "fits": "fits",
    "application/fits": "fits",
    "parquet": "parquet",
    "application/vnd.apache.parquet": "parquet",
    "application/x-parquet": "parquet",
}


@pytest.mark.parametrize(("value", "name"), SELECTIONS.items())
def test_find_format(value: str | None, name: str) -> None:
    assert find_format(value).name == name


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("VOTable", "votable"),
        ("  CSV ", "csv"),
        ("Application/X-VOTable+XML ; Serialization=TABLEDATA", "votable/td"),
        ("application/x-votable+xml ;serialization = binary2", "votable"),
        ("text/csv; header=present", "csv"),
    ],
)
def test_find_format_ignores_case_and_spaces(value: str, name: str) -> None:
    assert find_format(value).name == name


def test_unknown_format_lists_the_accepted_values() -> None:
    with pytest.raises(UnknownFormatError) as caught:
        find_format("text/rtf")
    assert isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert "'text/rtf'" in message
    assert all(alias in message for fmt in OUTPUT_FORMATS for alias in fmt.aliases)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "application/x-votable+xml"),
        ("votable", "application/x-votable+xml"),
        ("text/xml", "text/xml"),
        ("TEXT/XML", "text/xml"),
        ("binary2", "application/x-votable+xml"),
        ("tabledata", "application/x-votable+xml;serialization=TABLEDATA"),
        ("csv", "text/csv;header=present"),
        ("text/csv", "text/csv;header=present"),
        ("tsv", "text/tab-separated-values"),
        ("fits", "application/fits"),
        ("parquet", "application/vnd.apache.parquet"),
        ("application/x-parquet", "application/x-parquet"),
        ("json", "application/json"),
        ("text/html", "text/html; charset=utf-8"),
    ],
)
def test_content_type(value: str | None, expected: str) -> None:
    assert content_type(find_format(value), value) == expected


def test_formats_are_complete() -> None:
    assert OUTPUT_FORMATS[0] is DEFAULT_FORMAT
    ivo_ids = {fmt.name: fmt.ivo_id for fmt in OUTPUT_FORMATS if fmt.ivo_id}
    assert ivo_ids == {
        "votable": "ivo://ivoa.net/std/TAPRegExt#output-votable-binary2",
        "votable/td": "ivo://ivoa.net/std/TAPRegExt#output-votable-td",
    }
    extensions = {fmt.extension for fmt in OUTPUT_FORMATS}
    assert extensions == {"xml", "csv", "tsv", "fits", "parquet", "json", "html"}
    aliases = [alias for fmt in OUTPUT_FORMATS for alias in fmt.aliases]
    assert len(aliases) == len(set(aliases))
    assert all(alias == alias.lower().replace(" ", "") for alias in aliases)


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS, ids=lambda fmt: fmt.name)
def test_every_writer_writes(fmt: OutputFormat) -> None:
    chunks = list(fmt.writer(make_table(SAMPLE_FIELDS, SAMPLE_ROWS), [("QUERY", "q", None)]))
    assert chunks
    assert all(isinstance(chunk, bytes) for chunk in chunks)
