"""Quick looks of images: a PNG of the image plane, asinh-stretched, at most ``size``
pixels on a side (block-averaged), north up as FITS stores it (first row at the bottom)."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import numpy as np
from astropy.io import fits
from PIL import Image

__all__ = ["PREVIEW_SIZE", "THUMBNAIL_SIZE", "preview_array_png", "preview_png"]

PREVIEW_SIZE = 1024
THUMBNAIL_SIZE = 256


# Rows read at a time: a strip of a 4072-pixel-wide float image is about 4 MB, so a
# preview of a 65 MB plane never holds the plane (tile-compressed or not).
_STRIP_PIXELS = 1_000_000


def _image_hdu(hdus: fits.HDUList, path: Path) -> Any:
    named = [hdu for hdu in hdus if hdu.name == "IMAGE"]
    candidates = named or [hdu for hdu in hdus if hdu.is_image and hdu.header.get("NAXIS")]
    if not candidates:
        raise ValueError(f"{path.name} holds no image")
    hdu = candidates[0]
    if hdu.header.get("NAXIS") != 2:
        raise ValueError(f"{path.name}: the image has {hdu.header.get('NAXIS')} dimensions, not 2")
    return hdu


def _binned_plane(path: Path, size: int) -> np.ndarray:
    """The image plane of ``path`` block-averaged to at most ``size`` pixels on a side,
    read a strip of rows at a time (only those tiles are decompressed)."""
    with fits.open(path, memmap=False) as hdus:
        hdu = _image_hdu(hdus, path)
        height, width = hdu.shape
        factor = _factor((height, width), size)
        ny, nx = (height // factor) * factor, (width // factor) * factor
        step = max(1, _STRIP_PIXELS // max(1, width * factor)) * factor
        strips = [
            _binned(np.asarray(hdu.section[y : min(y + step, ny), :nx], dtype=np.float32), factor)
            for y in range(0, ny, step)
        ]
    return np.concatenate(strips, axis=0)


def _factor(shape: tuple[int, ...], size: int) -> int:
    return max(1, math.ceil(max(shape) / size))


def _binned(data: np.ndarray, factor: int) -> np.ndarray:
    if factor == 1:
        return data
    ny, nx = (data.shape[0] // factor) * factor, (data.shape[1] // factor) * factor
    blocks = data[:ny, :nx].reshape(ny // factor, factor, nx // factor, factor)
    with np.errstate(invalid="ignore"):
        binned: np.ndarray = np.nanmean(blocks, axis=(1, 3))
    return binned


def _stretched(data: np.ndarray) -> np.ndarray:
    finite = data[np.isfinite(data)]
    if finite.size == 0:
        return np.zeros(data.shape, dtype=np.uint8)
    sample = finite[:: max(1, finite.size // 200_000)]
    background = float(np.median(sample))
    noise = float(np.median(np.abs(sample - background))) * 1.4826 or 1.0
    top = float(np.percentile(sample, 99.8))
    scaled = np.arcsinh((np.nan_to_num(data, nan=background) - background) / (3 * noise))
    low = math.asinh(-1.0)
    high = max(math.asinh((top - background) / (3 * noise)), low + 1e-3)
    levels = np.clip((scaled - low) / (high - low), 0.0, 1.0) * 255.0
    stretched: np.ndarray = levels.astype(np.uint8)
    return stretched


def preview_png(path: Path, size: int = PREVIEW_SIZE) -> bytes:
    """The PNG quick look of the FITS file at ``path``.

    Raises
    ------
    ValueError
        If the file holds no two-dimensional image.
    """
    return _png(_stretched(_binned_plane(path, size)))


def preview_array_png(data: np.ndarray, size: int = PREVIEW_SIZE) -> bytes:
    """The PNG quick look of an image array (first row at the bottom, as in FITS)."""
    image = np.asarray(data, dtype=np.float32)
    return _png(_stretched(_binned(image, _factor(image.shape, size))))


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels[::-1], mode="L").save(buffer, format="PNG")
    return buffer.getvalue()
