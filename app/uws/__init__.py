"""The UWS 1.1 job model, its XML documents and job-list filters; no HTTP, no database."""

from __future__ import annotations

from app.uws.documents import (
    job_document,
    job_list_document,
    parameters_document,
    results_document,
)
from app.uws.filters import JobFilter, parse_job_filter
from app.uws.models import (
    ExecutionPhase,
    Job,
    JobError,
    JobParameter,
    JobResult,
    as_utc,
    format_uws_time,
    new_job_id,
    parse_uws_time,
)

__all__ = [
    "ExecutionPhase",
    "Job",
    "JobError",
    "JobFilter",
    "JobParameter",
    "JobResult",
    "as_utc",
    "format_uws_time",
    "job_document",
    "job_list_document",
    "new_job_id",
    "parameters_document",
    "parse_job_filter",
    "parse_uws_time",
    "results_document",
]
