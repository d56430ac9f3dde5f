"""Previews at the library level: read a strip at a time, they equal the preview of the
whole plane read at once, and making one never holds the plane in memory."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from PIL import Image

from pixels.previews import PREVIEW_SIZE, THUMBNAIL_SIZE, preview_array_png, preview_png


def _whole_plane(path: Path) -> np.ndarray:
    with fits.open(path) as hdus:
        names = [hdu.name for hdu in hdus]
        plane = hdus["IMAGE"] if "IMAGE" in names else hdus[1]
        return np.asarray(plane.data, dtype=np.float32)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


@pytest.mark.parametrize("role", ["visit", "deep", "raw"])
@pytest.mark.parametrize("size", [PREVIEW_SIZE, THUMBNAIL_SIZE])
def test_a_preview_read_in_strips_equals_one_of_the_whole_plane(
    files: dict[str, Path], role: str, size: int
) -> None:
    from_file = _pixels(preview_png(files[role], size))
    from_array = _pixels(preview_array_png(_whole_plane(files[role]), size))
    assert from_file.shape == from_array.shape
    assert max(from_file.shape) <= size
    assert np.array_equal(from_file, from_array)


def test_a_preview_never_holds_the_plane(files: dict[str, Path]) -> None:
    with fits.open(files["visit"]) as hdus:
        plane_bytes = hdus["IMAGE"].shape[0] * hdus["IMAGE"].shape[1] * 4
    tracemalloc.start()
    try:
        preview_png(files["visit"], PREVIEW_SIZE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    mib = 2**20
    assert peak < plane_bytes / 3, f"peak {peak / mib:.0f} MiB, plane {plane_bytes / mib:.0f} MiB"
