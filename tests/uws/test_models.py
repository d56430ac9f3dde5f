"""Tests for the UWS job model: phases, job ids and times."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.uws import ExecutionPhase, format_uws_time, new_job_id, parse_uws_time


def test_phases_are_the_uws_set() -> None:
    assert [phase.value for phase in ExecutionPhase] == [
        "PENDING",
        "QUEUED",
        "EXECUTING",
        "COMPLETED",
        "ERROR",
        "ABORTED",
        "UNKNOWN",
        "HELD",
        "SUSPENDED",
        "ARCHIVED",
    ]


def test_active_and_final_phases() -> None:
    active = {phase for phase in ExecutionPhase if phase.is_active}
    final = {phase for phase in ExecutionPhase if phase.is_final}
    assert active == {"PENDING", "QUEUED", "EXECUTING"}
    assert final == {"COMPLETED", "ERROR", "ABORTED", "ARCHIVED"}
    assert not ExecutionPhase.HELD.is_active
    assert not ExecutionPhase.HELD.is_final


def test_job_ids_are_unique_and_url_safe() -> None:
    ids = [new_job_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    for job_id in ids:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", job_id), job_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01T18:30:00Z", datetime(2026, 12, 1, 18, 30, tzinfo=UTC)),
        ("2026-12-01T18:30:00", datetime(2026, 12, 1, 18, 30, tzinfo=UTC)),
        ("2026-12-01T18:30:00.5Z", datetime(2026, 12, 1, 18, 30, 0, 500000, tzinfo=UTC)),
        ("2026-12-01T19:30:00+01:00", datetime(2026, 12, 1, 18, 30, tzinfo=UTC)),
        ("2026-12-01T13:30:00-05:00", datetime(2026, 12, 1, 18, 30, tzinfo=UTC)),
        (" 2026-12-01T18:30Z ", datetime(2026, 12, 1, 18, 30, tzinfo=UTC)),
        ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
    ],
)
def test_parse_uws_time(text: str, expected: datetime) -> None:
    parsed = parse_uws_time(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01T00:00:00Z", "18:30:00"])
def test_parse_uws_time_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="invalid ISO 8601 time"):
        parse_uws_time(text)


def test_format_uws_time() -> None:
    moment = datetime(2026, 12, 1, 18, 30, 0, 123456, tzinfo=UTC)
    assert format_uws_time(moment) == "2026-12-01T18:30:00.123Z"
    assert format_uws_time(datetime(2026, 12, 1, 18, 30)) == "2026-12-01T18:30:00.000Z"
    paris = timezone(timedelta(hours=1))
    assert format_uws_time(datetime(2026, 12, 1, 19, 30, tzinfo=paris)) == (
        "2026-12-01T18:30:00.000Z"
    )


@pytest.mark.parametrize(
    "text", ["2026-12-01T18:30:00.123Z", "1999-01-31T00:00:00.000Z", "2026-06-30T23:59:59.999Z"]
)
def test_time_round_trip(text: str) -> None:
    assert format_uws_time(parse_uws_time(text)) == text
    moment = parse_uws_time(text)
    assert parse_uws_time(format_uws_time(moment)) == moment
