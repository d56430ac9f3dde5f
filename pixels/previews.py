"""Quick looks of images: a PNG of the image plane, asinh-stretched, at most ``size``
pixels on a side (block-averaged), north up as FITS stores it (first row at the bottom)."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
from astropy.io import fits
from PIL import Image

__all__ = ["PREVIEW_SIZE", "THUMBNAIL_SIZE", "preview_array_png", "preview_png"]

PREVIEW_SIZE = 1024
THUMBNAIL_SIZE = 256


def _image_plane(path: Path) -> np.ndarray:
    with fits.open(path, memmap=False) as hdus:
        named = [hdu for hdu in hdus if hdu.name == "IMAGE"]
        candidates = named or [hdu for hdu in hdus if hdu.is_image and hdu.header.get("NAXIS")]
        if not candidates:
            raise ValueError(f"{path.name} holds no image")
        data = np.asarray(candidates[0].data, dtype=np.float32)
    if data.ndim != 2:
        raise ValueError(f"{path.name}: the image has {data.ndim} dimensions, not 2")
    return data


def _binned(data: np.ndarray, size: int) -> np.ndarray:
    factor = max(1, math.ceil(max(data.shape) / size))
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
    return preview_array_png(_image_plane(path), size)


def preview_array_png(data: np.ndarray, size: int = PREVIEW_SIZE) -> bytes:
    """The PNG quick look of an image array (first row at the bottom, as in FITS)."""
    pixels = _stretched(_binned(np.asarray(data, dtype=np.float32), size))
    buffer = io.BytesIO()
    Image.fromarray(pixels[::-1], mode="L").save(buffer, format="PNG")
    return buffer.getvalue()
