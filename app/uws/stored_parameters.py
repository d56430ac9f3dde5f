"""A job's DALI parameters, kept with the job: values in the job store, and file parts
(uploaded tables) in the result store, as by-reference parameters, until the job runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

from app.dali import DaliParameters, InlinePart
from app.faults import ServiceError
from app.uws.models import Job, JobParameter
from app.uws.results import ResultStore

__all__ = ["PART_PREFIX", "job_parameters", "store_parts"]

PART_PREFIX = "upload-"
"""Stored name prefix of a job's file parts (by-reference parameters)."""


async def store_parts(
    results: ResultStore, job_id: str, params: DaliParameters
) -> tuple[JobParameter, ...]:
    """Store the request's file parts with the job; the parameters that refer to them."""
    stored: list[JobParameter] = []
    for index, part in enumerate(params.parts.values()):
        name = f"{PART_PREFIX}{index}"
        await asyncio.to_thread(results.write, job_id, name, part.chunks())
        stored.append(JobParameter(part.name, name, by_reference=True))
    return tuple(stored)


def job_parameters(job: Job, results: ResultStore) -> DaliParameters:
    """The job's parameters as a request's: values, and parts read back in pieces."""
    return DaliParameters.from_pairs(
        ((p.id, p.value) for p in job.parameters if not p.by_reference),
        (
            InlinePart(p.id, _stored(results, job.job_id, p.value))
            for p in job.parameters
            if p.by_reference
        ),
    )


def _stored(results: ResultStore, job_id: str, name: str) -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        stored = results.read(job_id, name)
        if stored is None:
            raise ServiceError(f"The job's uploaded table {name!r} is no longer stored")
        yield from stored

    return chunks
