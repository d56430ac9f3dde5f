"""UWS 1.1 resources of a service's async jobs: the job list and each job's resources
(TAP's at ``/api/tap/async``, SODA's at ``/api/cutout/jobs``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse

from app.dali import DaliParameters
from app.dependencies.context import RequestContext, context_dependency
from app.dependencies.request_parameters import parameters_dependency
from app.faults import UsageError
from app.handlers.documents import document_response
from app.handlers.errors import ErrorStyle, error_style, votable_error_response
from app.pages import uws as uws_pages
from app.uws.documents import (
    job_document,
    job_list_document,
    parameters_document,
    results_document,
)
from app.uws.filters import parse_job_filter
from app.uws.models import format_uws_time
from app.uws.service import JobService

__all__ = ["uws_router"]


Context = Annotated[RequestContext, Depends(context_dependency)]
Parameters = Annotated[DaliParameters, Depends(parameters_dependency)]
_XML = "application/xml"


def _document(
    context: RequestContext, document: bytes, page: Callable[..., str], url: str
) -> Response:
    """The UWS ``document`` at ``url``, or its page for a person."""
    home_url = f"{context.config.base_url}/"
    return document_response(context.request, document, page, url=url, home_url=home_url)


def _service(context: RequestContext, name: str) -> JobService:
    return context.factory.create_job_service(context.user, name)


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def uws_router(*, prefix: str, tag: str, service_name: str, style: ErrorStyle) -> APIRouter:
    """The UWS 1.1 resources of one service's jobs (``service_name``: ``tap``, ``soda``),
    at ``prefix``; errors written as ``style`` says (``/error``: a VOTable error document
    for TAP, text for SODA)."""
    router = APIRouter(prefix=prefix, tags=[tag], dependencies=[Depends(error_style(style))])

    @router.get("", summary="The caller's jobs")
    async def job_list(context: Context, params: Parameters) -> Response:
        """UWS job list, filtered by PHASE (repeatable), AFTER and LAST."""
        try:
            filters = parse_job_filter(params.all("PHASE"), params.one("AFTER"), params.one("LAST"))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        service = _service(context, service_name)
        jobs = await service.list(filters)
        url = service.list_url()
        return _document(context, job_list_document(jobs, url), uws_pages.job_list_page, url)

    @router.post("", summary="Create a job")
    async def create_job(context: Context, params: Parameters) -> RedirectResponse:
        """A new job from the service's parameters; 303 to it. PHASE=RUN starts it."""
        service = _service(context, service_name)
        job = await service.create(params)
        return _see(service.job_url(job.job_id))

    @router.get("/{job_id}", summary="A job")
    async def get_job(context: Context, params: Parameters, job_id: str) -> Response:
        """The job; with WAIT=seconds, blocks while it is PENDING, QUEUED or EXECUTING."""
        service = _service(context, service_name)
        wait = params.one("WAIT")
        if wait is None:
            job = await service.get(job_id)
        else:
            try:
                seconds = float(wait)
            except ValueError:
                seconds = math.nan
            if math.isnan(seconds):  # inf is fine: the service caps every wait
                raise UsageError(f"WAIT must be a number of seconds, not {wait!r}")
            job = await service.wait(job_id, seconds, params.one("PHASE"))
        url = service.job_url(job_id)
        return _document(context, job_document(job, url), uws_pages.job_page, url)

    @router.post("/{job_id}", summary="Delete a job (ACTION=DELETE)")
    async def post_job(context: Context, params: Parameters, job_id: str) -> RedirectResponse:
        """ACTION=DELETE deletes the job; 303 to the job list."""
        action = params.one("ACTION")
        if action is None or action.upper() != "DELETE":
            raise UsageError("POST to a job takes ACTION=DELETE; other changes go to its resources")
        service = _service(context, service_name)
        await service.delete(job_id)
        return _see(service.list_url())

    @router.delete("/{job_id}", summary="Delete a job")
    async def delete_job(context: Context, job_id: str) -> RedirectResponse:
        """Delete the job and its results; 303 to the job list."""
        service = _service(context, service_name)
        await service.delete(job_id)
        return _see(service.list_url())

    @router.get("/{job_id}/phase", summary="A job's phase")
    async def get_phase(context: Context, job_id: str) -> PlainTextResponse:
        """The phase as text."""
        job = await _service(context, service_name).get(job_id)
        return PlainTextResponse(job.phase.value)

    @router.post("/{job_id}/phase", summary="Run or abort a job")
    async def post_phase(context: Context, params: Parameters, job_id: str) -> RedirectResponse:
        """PHASE=RUN or PHASE=ABORT; 303 to the job."""
        service = _service(context, service_name)
        phase = (params.one("PHASE") or "").upper()
        if phase == "RUN":
            await service.run(job_id)
        elif phase == "ABORT":
            await service.abort(job_id)
        else:
            raise UsageError("PHASE must be RUN or ABORT")
        return _see(service.job_url(job_id))

    @router.get("/{job_id}/executionduration", summary="A job's time limit")
    async def get_duration(context: Context, job_id: str) -> PlainTextResponse:
        """Seconds."""
        job = await _service(context, service_name).get(job_id)
        return PlainTextResponse(str(job.execution_duration))

    @router.post("/{job_id}/executionduration", summary="Change a job's time limit")
    async def post_duration(context: Context, params: Parameters, job_id: str) -> RedirectResponse:
        """EXECUTIONDURATION=seconds (capped by the service); 303 to the job."""
        service = _service(context, service_name)
        await service.set_execution_duration(job_id, params.one("EXECUTIONDURATION") or "")
        return _see(service.job_url(job_id))

    @router.get("/{job_id}/destruction", summary="When a job is deleted")
    async def get_destruction(context: Context, job_id: str) -> PlainTextResponse:
        """ISO 8601 time."""
        job = await _service(context, service_name).get(job_id)
        text = "" if job.destruction_time is None else format_uws_time(job.destruction_time)
        return PlainTextResponse(text)

    @router.post("/{job_id}/destruction", summary="Change when a job is deleted")
    async def post_destruction(
        context: Context, params: Parameters, job_id: str
    ) -> RedirectResponse:
        """DESTRUCTION=time (no later than the service allows); 303 to the job."""
        service = _service(context, service_name)
        await service.set_destruction(job_id, params.one("DESTRUCTION") or "")
        return _see(service.job_url(job_id))

    @router.get("/{job_id}/quote", summary="A job's quote")
    async def get_quote(context: Context, job_id: str) -> PlainTextResponse:
        """Not estimated: empty."""
        job = await _service(context, service_name).get(job_id)
        return PlainTextResponse("" if job.quote is None else format_uws_time(job.quote))

    @router.get("/{job_id}/owner", summary="A job's owner")
    async def get_owner(context: Context, job_id: str) -> PlainTextResponse:
        """The owner's name (empty: anonymous)."""
        job = await _service(context, service_name).get(job_id)
        return PlainTextResponse(job.owner or "")

    @router.get("/{job_id}/parameters", summary="A job's parameters")
    async def get_parameters(context: Context, job_id: str) -> Response:
        """UWS parameters document."""
        job = await _service(context, service_name).get(job_id)
        return Response(parameters_document(job.parameters), media_type=_XML)

    @router.post("/{job_id}/parameters", summary="Change a PENDING job's parameters")
    async def post_parameters(
        context: Context, params: Parameters, job_id: str
    ) -> RedirectResponse:
        """Add or replace parameters while PENDING; 303 to the job."""
        service = _service(context, service_name)
        await service.set_parameters(job_id, params)
        return _see(service.job_url(job_id))

    @router.get("/{job_id}/results", summary="A job's results")
    async def get_results(context: Context, job_id: str) -> Response:
        """UWS results document."""
        service = _service(context, service_name)
        job = await service.get(job_id)
        return Response(results_document(job.results, service.job_url(job_id)), media_type=_XML)

    @router.get("/{job_id}/results/{name}", summary="A job's result")
    async def get_result(context: Context, job_id: str, name: str) -> StreamingResponse:
        """The result file."""
        chunks, mime = await _service(context, service_name).result(job_id, name)
        headers = {"Content-Type": mime or "application/octet-stream"}
        return StreamingResponse(chunks, headers=headers)

    @router.get("/{job_id}/error", summary="Why a job failed")
    async def get_error(context: Context, job_id: str) -> Response:
        """A DALI error document, with status 200 as UWS asks."""
        message = await _service(context, service_name).error_message(job_id)
        if style.plain_text:
            return PlainTextResponse(message)
        return votable_error_response(message, 200)

    return router
