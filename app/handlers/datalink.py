"""DataLink 1.1 at ``/api/datalink``: the links of datasets (``/links``), their files,
previews and thumbnails. A browser asking for the links gets a readable page; programs
(pyvo, astropy, curl, TOPCAT/STILTS) get the VOTable whatever their Accept header."""

from __future__ import annotations

import urllib.parse
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from app.dali import DaliParameters
from app.dependencies.context import RequestContext, context_dependency
from app.dependencies.request_parameters import parameters_dependency
from app.faults import UsageError
from app.handlers.errors import DATALINK_ERRORS, error_style
from app.handlers.files import file_response
from app.negotiation import HTML_FORMATS, wants_html
from app.pages.datalink import render_links_page
from app.paths import DATALINK_PATH
from app.services.datasets import key_dataset
from app.votable.datalink import DATALINK_MIME
from pixels.locations import stat_file

__all__ = ["router"]

router = APIRouter(
    prefix=DATALINK_PATH, tags=["DataLink"], dependencies=[Depends(error_style(DATALINK_ERRORS))]
)

Context = Annotated[RequestContext, Depends(context_dependency)]
Parameters = Annotated[DaliParameters, Depends(parameters_dependency)]

_VOTABLE_FORMATS = ("", "votable", "application/x-votable+xml")


def _check_format(value: str | None) -> None:
    if value is None:
        return
    base = value.split(";", 1)[0].strip().lower()
    if base not in (*_VOTABLE_FORMATS, *HTML_FORMATS):
        raise UsageError(
            f"RESPONSEFORMAT={value!r} is not offered: DataLink answers in VOTable "
            "(votable, application/x-votable+xml) or, for people, html"
        )


async def _links(context: RequestContext, params: DaliParameters) -> Response:
    response_format = params.one("RESPONSEFORMAT")
    _check_format(response_format)
    ids = params.all("ID")
    service = context.factory.create_datalink_service()
    if wants_html(context.request, response_format):
        linked, _ = await run_in_threadpool(service.linked, ids)
        query = urllib.parse.urlencode([("ID", i) for i in ids])
        links_url = f"{context.config.base_url}{DATALINK_PATH}/links?{query}&RESPONSEFORMAT=votable"
        return HTMLResponse(render_links_page(linked, links_url))
    document = await run_in_threadpool(service.links, ids)
    return Response(document, headers={"Content-Type": DATALINK_MIME})


@router.get("/links", summary="DataLink links of datasets")
async def links_get(context: Context, params: Parameters) -> Response:
    """The links of the datasets named by ``ID`` (repeatable)."""
    return await _links(context, params)


@router.post("/links", summary="DataLink links of datasets")
async def links_post(context: Context, params: Parameters) -> Response:
    """The links of the datasets named by ``ID`` (repeatable; form-encoded body)."""
    return await _links(context, params)


@router.head("/files/{key}/{filename}", include_in_schema=False)
@router.get("/files/{key}/{filename}", summary="A dataset's file")
async def dataset_file(context: Context, key: str, filename: str) -> Response:  # noqa: ARG001
    """The dataset's FITS file (HTTP ranges supported). The file name in the path is for
    the people and programs saving it; the key alone names the dataset."""
    service = context.factory.create_dataset_service()
    dataset = await run_in_threadpool(service.get, key_dataset(key))
    stored = await run_in_threadpool(service.file, dataset)
    return file_response(
        context.request, stored, filename=dataset.file_name, media_type="application/fits"
    )


async def _png(context: RequestContext, key: str, *, thumbnail: bool) -> Response:
    did = key_dataset(key.removesuffix(".png"))
    service = context.factory.create_dataset_service()
    dataset = await run_in_threadpool(service.get, did)
    path = await run_in_threadpool(lambda: service.preview(dataset, thumbnail=thumbnail))
    stored = await run_in_threadpool(stat_file, str(path))
    name = dataset.file_name.removesuffix(".fits") + (".thumbnail.png" if thumbnail else ".png")
    return file_response(context.request, stored, filename=name, media_type="image/png")


@router.get("/previews/{key}", summary="A dataset's preview (PNG)")
async def preview(context: Context, key: str) -> Response:
    """A quick look at the image, at most 1024 pixels on a side."""
    return await _png(context, key, thumbnail=False)


@router.get("/thumbnails/{key}", summary="A dataset's thumbnail (PNG)")
async def thumbnail(context: Context, key: str) -> Response:
    """The image at most 256 pixels on a side."""
    return await _png(context, key, thumbnail=True)
