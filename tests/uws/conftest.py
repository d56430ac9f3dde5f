"""Fixtures for the UWS tests: sample jobs and the STILTS schema validator.

``validate_xsd`` is the VOSI tests' fixture (STILTS ships the UWS 1.1 schema, so
``xsdvalidate uselocals=true`` checks UWS documents offline too); without STILTS the
validation tests fail, they do not skip.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.uws import ExecutionPhase, Job, JobError, JobParameter, JobResult
from tests.vosi.conftest import validate_xsd

__all__ = ["validate_xsd"]

CREATED = datetime(2026, 12, 1, 18, 30, 0, 123000, tzinfo=UTC)


@pytest.fixture
def pending_job() -> Job:
    """A fresh anonymous job with no optional values at all."""
    return Job(
        job_id="pending1",
        owner=None,
        phase=ExecutionPhase.PENDING,
        run_id=None,
        creation_time=CREATED,
        start_time=None,
        end_time=None,
        execution_duration=0,
        destruction_time=None,
        quote=None,
    )


@pytest.fixture
def completed_job() -> Job:
    """A finished job with every optional value, results and a by-reference parameter."""
    return Job(
        job_id="done-Job_2",
        owner="someone",
        phase=ExecutionPhase.COMPLETED,
        run_id="my run <1> & co",
        creation_time=CREATED,
        start_time=datetime(2026, 12, 1, 18, 31, tzinfo=UTC),
        end_time=datetime(2026, 12, 1, 18, 32, tzinfo=UTC),
        execution_duration=600,
        destruction_time=datetime(2026, 12, 8, 18, 30, tzinfo=UTC),
        quote=datetime(2026, 12, 1, 18, 35, tzinfo=UTC),
        parameters=(
            JobParameter("LANG", "ADQL"),
            JobParameter("QUERY", "SELECT * FROM t WHERE a < 1 AND b > 2"),
            JobParameter("UPLOAD", "mine,param:table1"),
            JobParameter("table1", "https://example.org/uploads/table1", by_reference=True),
        ),
        results=(
            JobResult("result", "results/result", size=1234, mime_type="application/x-votable+xml"),
            JobResult("log", "https://example.org/logs/2"),
        ),
    )


@pytest.fixture
def error_job() -> Job:
    """A job that failed, with an error summary."""
    return Job(
        job_id="failed3",
        owner="someone",
        phase=ExecutionPhase.ERROR,
        run_id=None,
        creation_time=CREATED,
        start_time=datetime(2026, 12, 1, 18, 31, tzinfo=UTC),
        end_time=datetime(2026, 12, 1, 18, 31, 5, tzinfo=UTC),
        execution_duration=60,
        destruction_time=datetime(2026, 12, 8, 18, 30, tzinfo=UTC),
        quote=None,
        parameters=(JobParameter("QUERY", "SELECT nonsense"),),
        error=JobError("fatal", "Column 'nonsense' not found", has_detail=True),
    )
