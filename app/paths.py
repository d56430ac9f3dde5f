"""Where each service lives under the base URL (web-free: services and workers write
links with them)."""

from __future__ import annotations

__all__ = [
    "CUTOUT_JOBS_PATH",
    "CUTOUT_PATH",
    "DATALINK_PATH",
    "SIA_PATH",
    "TAP_ASYNC_PATH",
    "TAP_PATH",
]

TAP_PATH = "/api/tap"
TAP_ASYNC_PATH = f"{TAP_PATH}/async"
SIA_PATH = "/api/sia"
DATALINK_PATH = "/api/datalink"
CUTOUT_PATH = "/api/cutout"
CUTOUT_JOBS_PATH = f"{CUTOUT_PATH}/jobs"
