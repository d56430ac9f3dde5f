"""Tests for the job-list filters PHASE, AFTER and LAST."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.uws import ExecutionPhase, Job, JobFilter, parse_job_filter

START = datetime(2026, 12, 1, tzinfo=UTC)


def _job(number: int, phase: ExecutionPhase, template: Job) -> Job:
    return replace(
        template,
        job_id=f"job{number}",
        phase=phase,
        creation_time=START + timedelta(hours=number),
    )


@pytest.fixture
def jobs(pending_job: Job) -> list[Job]:
    """Six jobs created an hour apart (job0 oldest), in shuffled order."""
    phases = [
        ExecutionPhase.COMPLETED,
        ExecutionPhase.ARCHIVED,
        ExecutionPhase.ERROR,
        ExecutionPhase.PENDING,
        ExecutionPhase.EXECUTING,
        ExecutionPhase.COMPLETED,
    ]
    made = [_job(n, phase, pending_job) for n, phase in enumerate(phases)]
    return [made[i] for i in (3, 0, 5, 1, 4, 2)]


def _ids(jobs: list[Job]) -> list[str]:
    return [job.job_id for job in jobs]


def test_default_keeps_all_but_archived_in_order(jobs: list[Job]) -> None:
    assert _ids(JobFilter().apply(jobs)) == ["job3", "job0", "job5", "job4", "job2"]
    assert parse_job_filter([], None, None) == JobFilter()


def test_phase_is_ored(jobs: list[Job]) -> None:
    wanted = parse_job_filter(["COMPLETED", "ERROR"], None, None)
    assert _ids(wanted.apply(jobs)) == ["job0", "job5", "job2"]


def test_archived_only_when_asked(jobs: list[Job]) -> None:
    assert _ids(parse_job_filter(["ARCHIVED"], None, None).apply(jobs)) == ["job1"]
    both = parse_job_filter(["ARCHIVED", "PENDING"], None, None)
    assert _ids(both.apply(jobs)) == ["job3", "job1"]


def test_lower_case_phase_tolerated() -> None:
    assert parse_job_filter(["executing"], None, None).phases == {ExecutionPhase.EXECUTING}


def test_after_is_strict(jobs: list[Job]) -> None:
    wanted = parse_job_filter([], "2026-12-01T03:00:00Z", None)
    assert _ids(wanted.apply(jobs)) == ["job5", "job4"]
    offset = parse_job_filter([], "2026-12-01T04:00:00+01:00", None)
    assert _ids(offset.apply(jobs)) == ["job5", "job4"]


def test_last_is_newest_first(jobs: list[Job]) -> None:
    assert _ids(parse_job_filter([], None, "2").apply(jobs)) == ["job5", "job4"]
    assert _ids(parse_job_filter([], None, "100").apply(jobs)) == [
        "job5",
        "job4",
        "job3",
        "job2",
        "job0",
    ]


def test_filters_are_anded(jobs: list[Job]) -> None:
    wanted = parse_job_filter(["COMPLETED", "ERROR"], "2026-12-01T00:00:00Z", "2")
    assert _ids(wanted.apply(jobs)) == ["job5", "job2"]


def test_naive_creation_times_are_utc(jobs: list[Job]) -> None:
    naive = [replace(job, creation_time=job.creation_time.replace(tzinfo=None)) for job in jobs]
    wanted = parse_job_filter([], "2026-12-01T03:00:00Z", "1")
    assert _ids(wanted.apply(naive)) == ["job5"]


@pytest.mark.parametrize(
    ("phases", "after", "last", "message"),
    [
        (["RUNNING"], None, None, "invalid PHASE 'RUNNING': expected one of PENDING, QUEUED"),
        ([""], None, None, "invalid PHASE ''"),
        ([], "last week", None, "invalid AFTER: invalid ISO 8601 time 'last week'"),
        ([], "0001-01-01T00:00:00+14:00", None, "invalid AFTER: time '0001-01-01T00:00:00+14"),
        ([], None, "0", "invalid LAST '0': expected a positive integer"),
        ([], None, "-3", "invalid LAST '-3'"),
        ([], None, "ten", "invalid LAST 'ten'"),
        ([], None, "2.5", "invalid LAST '2.5'"),
    ],
)
def test_bad_values(phases: list[str], after: str | None, last: str | None, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        parse_job_filter(phases, after, last)


def test_a_last_beyond_any_store_means_every_job(jobs: list[Job]) -> None:
    wanted = parse_job_filter([], None, "99999999999999999999")
    assert len(wanted.apply(jobs)) == len([j for j in jobs if j.phase.value != "ARCHIVED"])
