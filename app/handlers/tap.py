"""TAP 1.1 at ``/api/tap``: sync queries and the VOSI and DALI resources beside them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from email.utils import format_datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import RedirectResponse, Response

from app.dali import DaliParameters
from app.dependencies.context import RequestContext, context_dependency
from app.dependencies.request_parameters import parameters_dependency
from app.factory import row_limits
from app.faults import NotFoundError
from app.handlers.client_limit import within_client_limit
from app.handlers.disconnect import run_until_disconnect
from app.handlers.documents import document_response
from app.handlers.errors import TAP_ERRORS, error_style
from app.handlers.streaming import stream_response
from app.negotiation import result_format
from app.pages import vosi as vosi_pages
from app.paths import TAP_PATH
from app.services.availability import STARTED
from app.services.tap_request import parse_tap_request

__all__ = ["router"]

router = APIRouter(prefix=TAP_PATH, tags=["TAP"], dependencies=[Depends(error_style(TAP_ERRORS))])

Context = Annotated[RequestContext, Depends(context_dependency)]
Parameters = Annotated[DaliParameters, Depends(parameters_dependency)]


async def _sync(context: RequestContext, params: DaliParameters) -> Response:
    request = parse_tap_request(params, row_limits(context.config), result_format(context.request))
    service = context.factory.create_tap_service()

    async def respond() -> Response:
        stream = await run_until_disconnect(
            context.request,
            lambda cancel: service.run(request, cancel=cancel),
            limiter=context.upload_limiter if request.uploads else None,
        )
        return stream_response(stream)

    return await within_client_limit(context, respond)


@router.get("/sync", summary="Run an ADQL query synchronously")
async def sync_get(context: Context, params: Parameters) -> Response:
    """TAP sync query (parameters in the query string)."""
    return await _sync(context, params)


@router.post("/sync", summary="Run an ADQL query synchronously")
async def sync_post(context: Context, params: Parameters) -> Response:
    """TAP sync query (form-encoded or multipart body, for UPLOAD)."""
    return await _sync(context, params)


_LAST_MODIFIED = {"Last-Modified": format_datetime(STARTED, usegmt=True)}


def _document(
    context: RequestContext,
    document: bytes,
    page: Callable[..., str],
    tail: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The VOSI ``document``, or its page for a person (``tail``: its path below TAP's)."""
    base_url = context.config.base_url
    return document_response(
        context.request,
        document,
        page,
        url=f"{base_url}{TAP_PATH}{tail}",
        home_url=f"{base_url}/",
        headers=headers,
    )


@router.get("", include_in_schema=False)
async def tap_root() -> RedirectResponse:
    """People browsing the service's base URL get the landing page."""
    return RedirectResponse("/", status_code=303)


@router.get("/capabilities", summary="VOSI capabilities (TAPRegExt)")
async def capabilities(context: Context) -> Response:
    """What the service supports: languages, formats, limits, uploads."""
    document = context.factory.create_tap_description_service().capabilities()
    return _document(
        context, document, vosi_pages.capabilities_page, "/capabilities", _LAST_MODIFIED
    )


@router.get("/availability", summary="VOSI availability")
async def availability(context: Context) -> Response:
    """Whether the service (its database) is up."""
    document = await context.factory.create_availability_service().availability()
    return _document(context, document, vosi_pages.availability_page, "/availability")


@router.get("/tables", summary="VOSI tables")
async def tables(
    context: Context,
    detail: Annotated[str, Query(description="min leaves out the columns")] = "max",
) -> Response:
    """The published tables, as TAP_SCHEMA describes them."""
    service = context.factory.create_tap_description_service()
    minimal = detail.lower() == "min"
    document = service.tables("min" if minimal else "max")
    tail = "/tables?detail=min" if minimal else "/tables"
    return _document(context, document, vosi_pages.tables_page, tail, _LAST_MODIFIED)


@router.get("/tables/{name}", summary="VOSI table")
async def table(context: Context, name: str) -> Response:
    """One published table with its columns and foreign keys."""
    document = context.factory.create_tap_description_service().table(name)
    if document is None:
        raise NotFoundError(f"No published table is named {name!r}; see /api/tap/tables")
    tail = f"/tables/{quote(name, safe='')}"
    return _document(context, document, vosi_pages.tables_page, tail, _LAST_MODIFIED)


@router.get("/examples", summary="DALI examples")
async def examples(context: Context) -> Response:
    """Queries to copy: an XHTML page with RDFa, for people and for clients."""
    document = context.factory.create_tap_description_service().examples()
    return Response(document, media_type="application/xhtml+xml")
