"""SODA 1.0 at ``/api/cutout``: synchronous cutouts (``/sync``), the VOSI resources and
the DALI examples; the async jobs (``/jobs``) are the UWS router's. Errors are text, with
SODA's labels (``UsageError: ...``); a cutout that misses the image is 204, no body."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from app.dali import DaliParameters
from app.dependencies.context import RequestContext, context_dependency
from app.dependencies.request_parameters import parameters_dependency
from app.handlers.client_limit import within_client_limit
from app.handlers.disconnect import run_until_disconnect
from app.handlers.errors import SODA_ERRORS, error_style
from app.handlers.streaming import stream_in_threads
from app.paths import CUTOUT_PATH
from app.services.cutouts import NoOverlapError, parse_cutout_request
from app.vosi.soda import soda_capabilities_document, soda_examples_document

__all__ = ["router"]

router = APIRouter(
    prefix=CUTOUT_PATH, tags=["SODA"], dependencies=[Depends(error_style(SODA_ERRORS))]
)

Context = Annotated[RequestContext, Depends(context_dependency)]
Parameters = Annotated[DaliParameters, Depends(parameters_dependency)]
_XML = "application/xml"


async def _sync(context: RequestContext, params: DaliParameters) -> Response:
    request = parse_cutout_request(params, single=True)
    service = context.factory.create_cutout_service()
    identifier, shape = request.combinations()[0]

    async def respond() -> Response:
        try:
            cutout = await run_until_disconnect(
                context.request, lambda _cancel: service.cut(request, identifier, shape)
            )
        except NoOverlapError:
            return Response(status_code=204)  # SODA 1.0 section 5: no overlap, no content
        headers = {
            "Content-Type": cutout.content_type,
            "Content-Length": str(cutout.size),
            "Content-Disposition": f'inline; filename="{cutout.filename}"',
        }
        chunks = stream_in_threads(cutout.chunks(), cutout.close)
        return StreamingResponse(chunks, headers=headers)

    return await within_client_limit(context, respond)


@router.get("/sync", summary="A cutout (SODA sync)")
async def sync_get(context: Context, params: Parameters) -> Response:
    """The pixels of one dataset (ID) inside one stencil (POS, CIRCLE or POLYGON)."""
    return await _sync(context, params)


@router.post("/sync", summary="A cutout (SODA sync)")
async def sync_post(context: Context, params: Parameters) -> Response:
    """The same, with the parameters in a form body."""
    return await _sync(context, params)


@router.get("/capabilities", summary="VOSI capabilities of the SODA service")
async def capabilities(context: Context) -> Response:
    """SODA sync and async, and the VOSI resources."""
    document = soda_capabilities_document(f"{context.config.base_url}{CUTOUT_PATH}")
    return Response(document, media_type=_XML)


@router.get("/availability", summary="VOSI availability of the SODA service")
async def availability(context: Context) -> Response:
    """Whether the service (its database) is up."""
    document = await context.factory.create_availability_service().availability()
    return Response(document, media_type=_XML)


@router.get("/examples", summary="DALI examples of the SODA service")
async def examples(context: Context) -> Response:
    """A cutout to copy, on a dataset this archive holds."""
    dataset = await run_in_threadpool(context.factory.create_cutout_service().example)
    found = []
    if dataset is not None:
        row = dataset.row
        found.append(
            (
                "small-cutout",
                "Thirty arcseconds around a position",
                "The image, mask and variance planes within 30 arcseconds of the image's "
                "centre: POS takes CIRCLE ra dec radius in ICRS degrees.",
                [
                    ("ID", dataset.did),
                    ("POS", f"CIRCLE {row['s_ra']:.5f} {row['s_dec']:.5f} 0.00833"),
                    ("CUTOUTDETAIL", "MaskedImage"),
                ],
            )
        )
    document = soda_examples_document(f"{context.config.base_url}{CUTOUT_PATH}", found)
    return Response(document, media_type="application/xhtml+xml")
