"""Drawing sources into an image: PSF and galaxy profiles as sums of Gaussians, in stamps.

The PSF is a double Gaussian (90 % core, 10 % wing of twice the width) scaled so that its
full width at half maximum is the seeing. Galaxy profiles are mixtures of concentric
Gaussians fitted to the exponential and de Vaucouleurs laws (least squares with
non-negative amplitudes over 0-4 and 0-8 half-light radii), so a galaxy seen through the
PSF is again a sum of Gaussians, with covariances added. Each source is evaluated at pixel
centres in a square stamp large enough that the profile falls below
:data:`STAMP_THRESHOLD`, vectorised over sources with stamps of one size.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from pixels.sky import DEV, EXP, POINT, Sources

__all__ = ["PSF_COMPONENTS", "STAMP_THRESHOLD", "draw_sources", "psf_core_sigma"]

Float64 = npt.NDArray[np.float64]

PSF_COMPONENTS = ((0.9, 1.0), (0.1, 2.0))
"""(weight, width relative to the core) of the PSF's Gaussians."""

STAMP_THRESHOLD = 0.2
"""nJy per pixel: stamps extend until every component is below this."""

_MAX_HALF = 160
_HALF_SIZES = (4, 6, 8, 11, 16, 23, 32, 45, 64, 90, 128, _MAX_HALF)
_MAX_STAMP_PIXELS = 4_000_000
"""Sources are drawn in chunks of at most this many stamp pixels (bounds memory)."""

# Mixture-of-Gaussians profiles per unit half-light radius: (amplitudes, variances).
_PROFILES = {
    EXP: (
        (0.00899, 0.04435, 0.31107, 0.63559),
        (0.01778, 0.07356, 0.30432, 1.25893),
    ),
    DEV: (
        (0.00438, 0.02847, 0.09278, 0.21259, 0.31302, 0.34875),
        (0.00032, 0.00209, 0.0138, 0.0912, 0.60256, 3.98107),
    ),
    POINT: ((1.0,), (0.0,)),
}


def _fwhm_per_core_sigma() -> float:
    """FWHM of the double-Gaussian PSF in units of its core sigma (bisection)."""

    def profile(r: float) -> float:
        return sum(w / s**2 * math.exp(-0.5 * (r / s) ** 2) for w, s in PSF_COMPONENTS)

    half, lo, hi = profile(0.0) / 2, 0.0, 10.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if profile(mid) > half else (lo, mid)
    return 2 * lo


_FWHM_PER_SIGMA = _fwhm_per_core_sigma()


def psf_core_sigma(fwhm: float) -> float:
    """Core Gaussian sigma (same unit as ``fwhm``) of the PSF of a given FWHM."""
    return fwhm / _FWHM_PER_SIGMA


def _shape_covariance(sources: Sources, jacobian: Float64) -> tuple[Float64, Float64, Float64]:
    """Pixel covariance (xx, xy, yy) of each source's shape at unit mixture variance."""
    a = sources.radius / 3600.0
    b = a * sources.axis_ratio
    pa = np.radians(sources.angle)
    s, c = np.sin(pa), np.cos(pa)
    # (xi east, eta north) covariance of an ellipse with major axis at PA east of north.
    exx = a**2 * s**2 + b**2 * c**2
    exy = (a**2 - b**2) * s * c
    eyy = a**2 * c**2 + b**2 * s**2
    (j00, j01), (j10, j11) = jacobian
    xx = j00**2 * exx + 2 * j00 * j01 * exy + j01**2 * eyy
    xy = j00 * j10 * exx + (j00 * j11 + j01 * j10) * exy + j01 * j11 * eyy
    yy = j10**2 * exx + 2 * j10 * j11 * exy + j11**2 * eyy
    return xx, xy, yy


def draw_sources(
    image: npt.NDArray[np.float32],
    x: Float64,
    y: Float64,
    flux: Float64,
    sources: Sources,
    psf_sigma: float,
    jacobian: Float64,
) -> None:
    """Add sources to ``image`` in place.

    Parameters
    ----------
    image
        (height, width) float32 image, nJy.
    x, y
        0-based pixel positions of the sources (may lie off the image).
    flux
        Total flux of each source, nJy.
    sources
        The sources (their profiles and shapes).
    psf_sigma
        Core sigma of the PSF, pixels (:func:`psf_core_sigma`).
    jacobian
        Pixels per degree of sky offset (:attr:`pixels.wcs.TanWcs.pixels_per_degree`).
    """
    shape_xx, shape_xy, shape_yy = _shape_covariance(sources, jacobian)
    for profile, (amps, variances) in _PROFILES.items():
        chosen = np.flatnonzero(sources.profile == profile)
        if not len(chosen):
            continue
        # Components: every profile Gaussian convolved with every PSF Gaussian.
        comp_amp, comp_xx, comp_xy, comp_yy = [], [], [], []
        for amp, var in zip(amps, variances, strict=True):
            for weight, width in PSF_COMPONENTS:
                psf_var = (psf_sigma * width) ** 2
                comp_amp.append(np.full(len(chosen), amp * weight))
                comp_xx.append(var * shape_xx[chosen] + psf_var)
                comp_xy.append(var * shape_xy[chosen])
                comp_yy.append(var * shape_yy[chosen] + psf_var)
        amp_k = np.stack(comp_amp, axis=1) * flux[chosen, None]
        xx, xy, yy = (np.stack(c, axis=1) for c in (comp_xx, comp_xy, comp_yy))
        _draw_components(image, x[chosen], y[chosen], amp_k, xx, xy, yy)


def _half_sizes(amp: Float64, xx: Float64, xy: Float64, yy: Float64) -> npt.NDArray[np.int64]:
    """Stamp half-size per source: where its widest visible component drops below the
    threshold, rounded up to one of a few sizes."""
    det = xx * yy - xy**2
    peak = np.abs(amp) / (2 * np.pi * np.sqrt(det))
    major = 0.5 * (xx + yy) + np.sqrt(0.25 * (xx - yy) ** 2 + xy**2)
    reach = np.sqrt(major * 2 * np.log(np.maximum(peak / STAMP_THRESHOLD, 1.0)))
    need = np.maximum(reach.max(axis=1), 3 * np.sqrt(major.min(axis=1)))
    sizes = np.asarray(_HALF_SIZES)
    index = np.minimum(np.searchsorted(sizes, need), len(sizes) - 1)
    out: npt.NDArray[np.int64] = sizes[index]
    return out


def _draw_components(
    image: npt.NDArray[np.float32],
    x: Float64,
    y: Float64,
    amp: Float64,
    xx: Float64,
    xy: Float64,
    yy: Float64,
) -> None:
    """Add sources given as Gaussian components (arrays of shape (n, k)) to ``image``."""
    height, width = image.shape
    half = _half_sizes(amp, xx, xy, yy)
    ix, iy = np.rint(x).astype(np.int64), np.rint(y).astype(np.int64)
    visible = (ix + half >= 0) & (ix - half < width) & (iy + half >= 0) & (iy - half < height)
    det = xx * yy - xy**2
    norm = (amp / (2 * np.pi * np.sqrt(det))).astype(np.float32)
    inv_xx, inv_xy, inv_yy = (v.astype(np.float32) for v in (yy / det, -xy / det, xx / det))
    for h in np.unique(half[visible]):
        group = np.flatnonzero(visible & (half == h))
        side = 2 * int(h) + 1
        offsets = np.arange(-h, h + 1, dtype=np.float32)
        step = max(1, _MAX_STAMP_PIXELS // (side * side))
        for start in range(0, len(group), step):
            idx = group[start : start + step]
            dx = offsets[None, :] - (x[idx] - ix[idx]).astype(np.float32)[:, None]
            dy = offsets[None, :] - (y[idx] - iy[idx]).astype(np.float32)[:, None]
            stamps = np.zeros((len(idx), side, side), dtype=np.float32)
            for k in range(amp.shape[1]):
                q = (inv_xx[idx, k, None] * dx * dx)[:, None, :]
                q = q + (inv_yy[idx, k, None] * dy * dy)[:, :, None]
                q += (2 * inv_xy[idx, k, None, None]) * dy[:, :, None] * dx[:, None, :]
                q *= np.float32(-0.5)
                np.exp(q, out=q)
                q *= norm[idx, k, None, None]
                stamps += q
            _paste(image, stamps, ix[idx] - int(h), iy[idx] - int(h))


def _paste(
    image: npt.NDArray[np.float32],
    stamps: npt.NDArray[np.float32],
    x0: npt.NDArray[np.int64],
    y0: npt.NDArray[np.int64],
) -> None:
    """Add stamps whose lower-left pixels are (x0, y0), clipped to the image."""
    height, width = image.shape
    side = stamps.shape[1]
    for stamp, sx, sy in zip(stamps, x0.tolist(), y0.tolist(), strict=True):
        ax, ay = max(sx, 0), max(sy, 0)
        bx, by = min(sx + side, width), min(sy + side, height)
        image[ay:by, ax:bx] += stamp[ay - sy : by - sy, ax - sx : bx - sx]
