"""Job list filters of UWS 1.1 sect. 2.2.3.1: ``PHASE``, ``AFTER`` and ``LAST``.

Filters are ANDed. ``PHASE`` may repeat and its values are ORed; ``AFTER`` keeps jobs
created strictly after a time; ``LAST`` keeps the newest *n*, newest first. ARCHIVED
jobs are left out unless ``PHASE=ARCHIVED`` asks for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.uws.models import ExecutionPhase, Job, as_utc, parse_uws_time

__all__ = ["JobFilter", "parse_job_filter"]

_PHASE_NAMES = ", ".join(phase.value for phase in ExecutionPhase)


@dataclass(frozen=True, slots=True)
class JobFilter:
    """Which jobs a job-list request wants; the default keeps every non-ARCHIVED job."""

    phases: frozenset[ExecutionPhase] = frozenset()
    """Keep jobs in any of these phases; empty means any phase but ARCHIVED."""

    after: datetime | None = None
    """Keep jobs created strictly after this time (timezone-aware UTC)."""

    last: int | None = None
    """Keep only the newest this many jobs, newest first."""

    def matches(self, job: Job) -> bool:
        """Whether one job passes the phase and time filters (``LAST`` aside)."""
        if self.phases:
            if job.phase not in self.phases:
                return False
        elif job.phase is ExecutionPhase.ARCHIVED:
            return False
        return self.after is None or as_utc(job.creation_time) > as_utc(self.after)

    def apply(self, jobs: Sequence[Job]) -> list[Job]:
        """The jobs that pass, in input order; newest first, at most ``last``, with LAST.

        Ties in creation time keep their input order.
        """
        kept = [job for job in jobs if self.matches(job)]
        if self.last is None:
            return kept
        kept.sort(key=lambda job: as_utc(job.creation_time), reverse=True)
        return kept[: self.last]


def _parse_phase(text: str) -> ExecutionPhase:
    # UWS spells phases in upper case; lower case is accepted as a courtesy.
    try:
        return ExecutionPhase(text.strip().upper())
    except ValueError:
        msg = f"invalid PHASE {text!r}: expected one of {_PHASE_NAMES}"
        raise ValueError(msg) from None


def _parse_last(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if value < 1:
        msg = f"invalid LAST {text!r}: expected a positive integer"
        raise ValueError(msg)
    # More than any store holds means all of them (and stays within a 64-bit LIMIT).
    return min(value, _LAST_MAX)


_LAST_MAX = 2**31 - 1


def parse_job_filter(phases: list[str], after: str | None, last: str | None) -> JobFilter:
    """Build a `JobFilter` from the raw ``PHASE``, ``AFTER`` and ``LAST`` values.

    Parameters
    ----------
    phases
        Every ``PHASE`` value given (none: no phase filter).
    after
        The ``AFTER`` value, an ISO 8601 time, or None.
    last
        The ``LAST`` value, a positive integer, or None.

    Returns
    -------
    JobFilter
        The parsed filter.

    Raises
    ------
    ValueError
        If a value is malformed; the message names the parameter and the bad value.
    """
    parsed_after = None
    if after is not None:
        try:
            parsed_after = parse_uws_time(after)
        except ValueError as error:
            msg = f"invalid AFTER: {error}"
            raise ValueError(msg) from None
    return JobFilter(
        phases=frozenset(_parse_phase(phase) for phase in phases),
        after=parsed_after,
        last=None if last is None else _parse_last(last),
    )
