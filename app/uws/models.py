"""The UWS 1.1 job model: execution phases, jobs, their parameters, results and errors.

Pure data, no storage and no HTTP: the job store converts its rows to these objects, and
``app.uws.documents`` turns them into XML. Every ``datetime`` is meant to be
timezone-aware UTC; a naive one is read as UTC wherever it is used.

Times in UWS documents and atomic resources are ISO 8601 UTC with a ``Z`` (UWS 1.1
sect. 2.2.3). `format_uws_time` always writes milliseconds
(``2026-12-01T18:30:00.123Z``): one fixed-width form, so strings sort as times do.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

__all__ = [
    "ExecutionPhase",
    "Job",
    "JobError",
    "JobParameter",
    "JobResult",
    "as_utc",
    "format_uws_time",
    "new_job_id",
    "parse_uws_time",
]

_JOB_ID_BYTES = 18
"""Random bytes in a job id: 144 bits, 24 URL-safe base64 characters without padding."""


class ExecutionPhase(StrEnum):
    """The phase of a UWS job (UWS 1.1 sect. 2.1.3); values are the XML spellings."""

    PENDING = "PENDING"
    QUEUED = "QUEUED"
    EXECUTING = "EXECUTING"
    COMPLETED = "COMPLETED"
    ERROR = "ERROR"
    ABORTED = "ABORTED"
    UNKNOWN = "UNKNOWN"
    HELD = "HELD"
    SUSPENDED = "SUSPENDED"
    ARCHIVED = "ARCHIVED"

    @property
    def is_active(self) -> bool:
        """Whether the job may still change by itself: the phases a ``WAIT`` blocks on."""
        return self in _ACTIVE

    @property
    def is_final(self) -> bool:
        """Whether the job has finished for good (COMPLETED, ERROR, ABORTED, ARCHIVED)."""
        return self in _FINAL


_ACTIVE = frozenset({ExecutionPhase.PENDING, ExecutionPhase.QUEUED, ExecutionPhase.EXECUTING})
_FINAL = frozenset(
    {
        ExecutionPhase.COMPLETED,
        ExecutionPhase.ERROR,
        ExecutionPhase.ABORTED,
        ExecutionPhase.ARCHIVED,
    }
)


@dataclass(frozen=True, slots=True)
class JobResult:
    """One entry of a job's result list (``<uws:result>``)."""

    id: str
    """Result name, unique within the job (TAP's main result is ``result``)."""

    href: str
    """Where to fetch it: absolute, or relative to the job's URL."""

    size: int | None = None
    """Size in bytes, if known."""

    mime_type: str | None = None
    """Media type, if known."""


@dataclass(frozen=True, slots=True)
class JobError:
    """Why a job ended in ERROR (``<uws:errorSummary>``)."""

    type: Literal["transient", "fatal"]
    """``transient``: retrying may work; ``fatal``: it will not."""

    message: str
    """Short human-readable message."""

    has_detail: bool = True
    """Whether ``{job}/error`` serves a fuller error document."""


@dataclass(frozen=True, slots=True)
class JobParameter:
    """One job parameter (``<uws:parameter>``)."""

    id: str
    """Parameter name, as the client gave it (DALI names are case-insensitive)."""

    value: str
    """The value, or a URL to it when ``by_reference``."""

    by_reference: bool = False
    """Whether ``value`` is a reference (URL) to the real value, e.g. an inline upload."""


@dataclass(frozen=True, slots=True)
class Job:
    """A UWS job as the service and its documents see it."""

    job_id: str
    """Unguessable identifier, the last segment of the job's URL (see `new_job_id`)."""

    owner: str | None
    """Authenticated owner, or None for an anonymous job."""

    phase: ExecutionPhase
    """Current execution phase."""

    run_id: str | None
    """Client-supplied tag (``RUNID``), if any."""

    creation_time: datetime
    """When the job was created."""

    start_time: datetime | None
    """When it started executing, if it has."""

    end_time: datetime | None
    """When it finished, if it has."""

    execution_duration: int
    """Wall-clock limit in seconds; 0 means unlimited."""

    destruction_time: datetime | None
    """When the service will destroy the job and its results, if ever."""

    quote: datetime | None
    """Estimated completion time, if the service makes one."""

    parameters: tuple[JobParameter, ...] = ()
    """Parameters in the order they were given."""

    results: tuple[JobResult, ...] = ()
    """Results, in the order they should be listed."""

    error: JobError | None = None
    """Error summary of a job in ERROR."""

    service: str = "tap"
    """The service that runs it (``tap``, ``soda``): each lists and serves its own."""


def new_job_id() -> str:
    """A fresh random job id: 24 URL-safe characters (``A-Z a-z 0-9 - _``), 144 bits."""
    return secrets.token_urlsafe(_JOB_ID_BYTES)


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_uws_time(text: str) -> datetime:
    """Parse an ISO 8601 time as given to ``DESTRUCTION`` or ``AFTER``.

    Parameters
    ----------
    text
        ``2026-12-01T18:30:00Z``, with or without fraction, ``Z`` or a UTC offset;
        without either it is UTC. A bare date means its midnight UTC.

    Returns
    -------
    datetime
        A timezone-aware datetime in UTC.

    Raises
    ------
    ValueError
        If ``text`` is not an ISO 8601 date or date-time.
    """
    stripped = text.strip()
    try:
        return as_utc(datetime.fromisoformat(stripped))
    except ValueError:
        msg = f"invalid ISO 8601 time {text!r}: expected e.g. 2026-12-01T18:30:00Z"
        raise ValueError(msg) from None
    except OverflowError:  # in UTC it would fall before year 1 or after 9999
        msg = f"time {text!r} is out of range in UTC"
        raise ValueError(msg) from None


def format_uws_time(moment: datetime) -> str:
    """Write a time as UWS wants it: UTC, milliseconds, ``Z`` (2026-12-01T18:30:00.123Z).

    A naive datetime is taken to be UTC; sub-millisecond digits are dropped.
    """
    utc = as_utc(moment)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"
