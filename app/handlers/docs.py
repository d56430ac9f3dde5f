"""The API documentation pages, ``/docs`` (Swagger UI) and ``/redoc``, with scripts, styles
and icon served by the service itself, so they work without the internet."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

__all__ = ["DOCS_ASSETS_PATH", "mount_docs_assets", "router"]

DOCS_ASSETS_PATH = "/static/docs"
"""Where the pages' assets are served: ``swagger-ui-bundle.js``, ``swagger-ui.css``,
``redoc.standalone.js``, ``favicon.png``."""

router = APIRouter()

_IMAGES_FROM_HERE = {"Content-Security-Policy": "img-src 'self' data:"}
"""ReDoc's sidebar shows Redocly's logo from cdn.redoc.ly (hidden if it fails to load):
the browser is told not to ask for it, nor any other image from elsewhere."""


def _assets_directory() -> Path:
    # The PyPI package fastapi-offline is used only for the files it ships: the Swagger UI
    # and ReDoc bundles FastAPI's defaults would load from a CDN. It is installed as files
    # (a wheel), so its resources are a directory StaticFiles can serve.
    return Path(str(files("fastapi_offline").joinpath("static")))


def mount_docs_assets(app: FastAPI) -> None:
    """Serve the documentation pages' assets at :data:`DOCS_ASSETS_PATH` in ``app``."""
    app.mount(DOCS_ASSETS_PATH, StaticFiles(directory=_assets_directory()), name="docs-assets")


def _paths(request: Request) -> tuple[str, str, str]:
    """The OpenAPI document's URL, the assets' URL and the application's title, below
    the root path the service is mounted at (as FastAPI's own docs pages do)."""
    app: FastAPI = request.app
    root_path = str(request.scope.get("root_path", "")).rstrip("/")
    openapi_url = root_path + (app.openapi_url or "/openapi.json")
    return openapi_url, root_path + DOCS_ASSETS_PATH, app.title


@router.get("/docs", include_in_schema=False)
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over the OpenAPI document."""
    openapi_url, assets, title = _paths(request)
    page = get_swagger_ui_html(
        openapi_url=openapi_url,
        title=f"{title} - Swagger UI",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon.png",
    )
    page.headers.update(_IMAGES_FROM_HERE)
    return page


@router.get("/redoc", include_in_schema=False)
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc over the OpenAPI document (system fonts: no Google Fonts)."""
    openapi_url, assets, title = _paths(request)
    page = get_redoc_html(
        openapi_url=openapi_url,
        title=f"{title} - ReDoc",
        redoc_js_url=f"{assets}/redoc.standalone.js",
        redoc_favicon_url=f"{assets}/favicon.png",
        with_google_fonts=False,
    )
    page.headers.update(_IMAGES_FROM_HERE)
    return page
