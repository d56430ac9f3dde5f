"""``GET /``: the archive's web interface (query, image search, jobs, results), which
also names the service, its data and its endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from app.dependencies.context import RequestContext, context_dependency
from app.pages.interface import STATIC_UI, interface_settings, render_landing_page

__all__ = ["mount_interface_assets", "router"]

router = APIRouter()

_ASSETS = Path(__file__).parents[1] / "static" / "ui"


def mount_interface_assets(app: FastAPI) -> None:
    """Serve the interface's scripts and style at :data:`~app.pages.STATIC_UI`."""
    app.mount(STATIC_UI, StaticFiles(directory=_ASSETS), name="interface-assets")


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def landing_page(
    context: Annotated[RequestContext, Depends(context_dependency)],
) -> HTMLResponse:
    """The web interface."""
    summary = await run_in_threadpool(context.factory.create_archive_service().summary)
    config = context.config
    html = render_landing_page(
        summary,
        context.request.app.openapi()["paths"],
        config.base_url,
        {"collection": config.sia_collection},
        interface_settings(config.sia_collection),
    )
    return HTMLResponse(html)
