"""SIA 2.0 at ``/api/sia/{collection}``: the query endpoint and its VOSI resources.

The collection label comes from configuration; any other label is a 404 with a VOTable
error document. The query answers like a TAP sync query (streamed, any output format).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from app.dependencies.context import RequestContext, context_dependency
from app.dependencies.parameters import parameters_dependency
from app.errors import NotFoundError, ServiceError
from app.formats.registry import UnknownFormatError, content_type, find_format
from app.handlers.streaming import result_response
from app.parameters import DaliParameters
from app.services.sia import parse_sia_request
from app.services.tap_request import RowLimits
from app.vosi.sia_capabilities import sia_capabilities_document

__all__ = ["SIA_PATH", "router"]

SIA_PATH = "/api/sia"

router = APIRouter(prefix=SIA_PATH, tags=["SIA"])

Context = Annotated[RequestContext, Depends(context_dependency)]
Parameters = Annotated[DaliParameters, Depends(parameters_dependency)]
_XML = "application/xml"


def _check_collection(context: RequestContext, collection: str) -> str:
    """The service URL of ``collection``, or NotFoundError."""
    known = context.config.sia_collection
    if collection != known:
        raise NotFoundError(
            f"UsageFault: Collection {collection!r} not found; this service has {known!r} "
            f"({context.config.base_url}{SIA_PATH}/{known}/query)"
        )
    return f"{context.config.base_url}{SIA_PATH}/{known}"


def _text_error(params: DaliParameters, error: ServiceError) -> Response | None:
    """SIA: a client that asked for CSV or TSV gets its error as plain text."""
    try:
        asked = params.all("RESPONSEFORMAT")
        output = find_format(asked[0] if asked else None)
    except UnknownFormatError:
        return None
    if output.name not in ("csv", "tsv"):
        return None
    return PlainTextResponse(str(error), status_code=error.status_code)


async def _query(context: RequestContext, collection: str, params: DaliParameters) -> Response:
    try:
        return await _search(context, collection, params)
    except ServiceError as exc:
        text = _text_error(params, exc)
        if text is None:
            raise
        return text


async def _search(context: RequestContext, collection: str, params: DaliParameters) -> Response:
    service_url = _check_collection(context, collection)
    config = context.config
    request = parse_sia_request(params, RowLimits(config.tap_default_maxrec, config.tap_max_maxrec))
    service = context.factory.create_sia_service()
    result = await run_in_threadpool(service.start, request)
    try:
        descriptor = ""
        if service.describes_itself(request):  # reads the archive: not on the event loop
            descriptor = await run_in_threadpool(service.descriptor, service_url)
        chunks = service.write(request, result, descriptor)
    except BaseException:
        await run_in_threadpool(result.close)  # the query's connection goes back at once
        raise
    return result_response(chunks, result, content_type(request.output, request.format_asked))


@router.get("/{collection}/query", summary="Search images (SIA 2.0)")
async def query_get(context: Context, collection: str, params: Parameters) -> Response:
    """SIA 2.0 query (parameters in the query string)."""
    return await _query(context, collection, params)


@router.post("/{collection}/query", summary="Search images (SIA 2.0)")
async def query_post(context: Context, collection: str, params: Parameters) -> Response:
    """SIA 2.0 query (form-encoded or multipart body)."""
    return await _query(context, collection, params)


@router.get("/{collection}/capabilities", summary="VOSI capabilities of the SIA service")
async def capabilities(context: Context, collection: str) -> Response:
    """The SIA 2.0 query capability and the VOSI resources."""
    return Response(
        sia_capabilities_document(_check_collection(context, collection)), media_type=_XML
    )


@router.get("/{collection}/availability", summary="VOSI availability of the SIA service")
async def availability(context: Context, collection: str) -> Response:
    """Whether the service (its database) is up."""
    _check_collection(context, collection)
    document = await context.factory.create_vosi_service().availability()
    return Response(document, media_type=_XML)
