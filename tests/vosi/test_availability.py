"""The VOSI availability document (VOSI 1.1 sect. 3.3)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from xml.etree import ElementTree as ET

import pytest
from pyvo.io import vosi

from app.vosi import availability_document

NS = "{http://www.ivoa.net/xml/VOSIAvailability/v1.0}"


def test_available_with_start_time_and_notes() -> None:
    root = ET.fromstring(
        availability_document(True, datetime(2025, 6, 30, 12, 0, 5, 123, tzinfo=UTC), ["ok"])
    )
    assert root.tag == f"{NS}availability"
    assert [(child.tag, child.text) for child in root] == [
        (f"{NS}available", "true"),
        (f"{NS}upSince", "2025-06-30T12:00:05Z"),
        (f"{NS}note", "ok"),
    ]


def test_down_with_reasons() -> None:
    root = ET.fromstring(
        availability_document(
            False,
            None,
            ["database unreachable", "retry <later> & again"],
            back_at=datetime(2025, 7, 1),
        )
    )
    assert root.findtext(f"{NS}available") == "false"
    assert root.find(f"{NS}upSince") is None
    assert root.findtext(f"{NS}backAt") == "2025-07-01T00:00:00Z"
    assert [n.text for n in root.findall(f"{NS}note")] == [
        "database unreachable",
        "retry <later> & again",
    ]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2025, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        datetime(2025, 1, 2, 3, 4, 5),
    ],
)
def test_times_are_written_in_utc(moment: datetime) -> None:
    root = ET.fromstring(availability_document(True, moment))
    assert root.findtext(f"{NS}upSince") == "2025-01-02T03:04:05Z"


def test_valid_against_the_schema(validate_xsd: Callable[[bytes], None]) -> None:
    now = datetime(2025, 1, 2, tzinfo=UTC)
    validate_xsd(availability_document(True, now, ["a", "b"], down_at=now, back_at=now))
    validate_xsd(availability_document(False, None, []))


def test_pyvo_reads_it() -> None:
    document = availability_document(False, datetime(2025, 1, 2, tzinfo=UTC), ["maintenance"])
    parsed = vosi.parse_availability(io.BytesIO(document), pedantic=True)
    assert parsed.available is False
    assert parsed.notes == ["maintenance"]
