"""``GET /``: a page for people, naming the service, its data and its endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from app.dependencies.context import RequestContext, context_dependency
from app.pages import render_landing_page

__all__ = ["router"]

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def landing_page(
    context: Annotated[RequestContext, Depends(context_dependency)],
) -> HTMLResponse:
    """The landing page."""
    summary = await run_in_threadpool(context.factory.create_archive_service().summary)
    config = context.config
    html = render_landing_page(
        summary,
        context.request.app.openapi()["paths"],
        config.base_url,
        {"collection": config.sia_collection},
    )
    return HTMLResponse(html)
