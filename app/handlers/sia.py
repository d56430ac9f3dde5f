"""SIA 2.0 at ``/api/sia/{collection}``: the query endpoint and its VOSI resources.

The collection label comes from configuration; any other label is a 404 with a VOTable
error document. The query answers like a TAP sync query (streamed, any output format).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from app.dali import DaliParameters
from app.dependencies.context import RequestContext, context_dependency
from app.dependencies.request_parameters import parameters_dependency
from app.factory import row_limits
from app.faults import NotFoundError
from app.handlers.client_limit import within_client_limit
from app.handlers.disconnect import run_until_disconnect
from app.handlers.errors import SIA_ERRORS, error_style
from app.handlers.streaming import stream_response
from app.negotiation import result_format
from app.paths import SIA_PATH
from app.services.sia import parse_sia_request
from app.vosi.sia_capabilities import sia_capabilities_document

__all__ = ["SIA_PATH", "router"]


router = APIRouter(prefix=SIA_PATH, tags=["SIA"], dependencies=[Depends(error_style(SIA_ERRORS))])

Context = Annotated[RequestContext, Depends(context_dependency)]
Parameters = Annotated[DaliParameters, Depends(parameters_dependency)]
_XML = "application/xml"


def _check_collection(context: RequestContext, collection: str) -> str:
    """The service URL of ``collection``, or NotFoundError."""
    known = context.config.sia_collection
    if collection != known:
        raise NotFoundError(
            f"Collection {collection!r} not found; this service has {known!r} "
            f"({context.config.base_url}{SIA_PATH}/{known}/query)"
        )
    return f"{context.config.base_url}{SIA_PATH}/{known}"


async def _query(context: RequestContext, collection: str, params: DaliParameters) -> Response:
    service_url = _check_collection(context, collection)
    request = parse_sia_request(params, row_limits(context.config), result_format(context.request))
    service = context.factory.create_sia_service()

    async def respond() -> Response:
        stream = await run_until_disconnect(
            context.request, lambda cancel: service.run(request, service_url, cancel=cancel)
        )
        return stream_response(stream)

    return await within_client_limit(context, respond)


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
    document = await context.factory.create_availability_service().availability()
    return Response(document, media_type=_XML)
