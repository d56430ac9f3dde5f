"""The scene of one ObsCore row: what its image sees (sources, PSF, depth) on which grid.

A :class:`Scene` is derived from the row alone: the grid and WCS from ``s_region`` (or the
tract and patch), the band, the seeing from ``s_resolution``, the calibration of a 30 s
exposure in that band, and the row's identity (visit and detector, or tract and patch) that
seeds its transients, noise and coadd inputs. It renders noiseless models in nJy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from obscore.products import DETECTOR_NAMES, EXPOSURE_TIME, VISIT_IMAGE
from pixels import coverage, noise
from pixels.photometry import BAND_PHOTOMETRY, Calibration
from pixels.products import ProductError, ProductKind, product_kind
from pixels.render import draw_sources, psf_core_sigma
from pixels.sky import Sources, sources_near
from pixels.transients import transients
from pixels.wcs import TanWcs, frame_wcs

__all__ = ["DEFAULT_SEEING", "Scene"]

DEFAULT_SEEING = 1.0
"""Arcsec FWHM used when a row has no ``s_resolution``."""

_RENDER_MARGIN = 160
"""Pixels: sources this far off the grid may still spill light onto it."""


def _int(row: Mapping[str, Any], key: str) -> int:
    value = row.get(key)
    if value is None:
        raise ProductError(f"the row needs {key}")
    return int(value)


@dataclass(frozen=True, slots=True)
class Scene:
    """Everything needed to render one row's pixels (see the module docstring)."""

    kind: ProductKind
    band: str
    width: int
    """Columns of the rendering grid (the calibrated detector for raws)."""

    height: int
    wcs: TanWcs
    """WCS of the rendering grid."""

    seeing: float
    """PSF FWHM, arcsec."""

    calibration: Calibration
    seed: int
    visit: int = 0
    """``lsst_visit`` (the exposure id) of detector images; 0 for coadds."""

    detector: int = 0
    tract: int = 0
    """``lsst_tract`` of coadds; 0 for detector images."""

    patch: int = 0

    @classmethod
    def from_row(cls, row: Mapping[str, Any], seed: int) -> Scene:
        """The scene of an ObsCore row.

        Raises
        ------
        ProductError
            If the row is not one of the five products or lacks a value it needs.
        """
        kind = product_kind(row)
        band = row.get("lsst_band")
        if band not in BAND_PHOTOMETRY:
            raise ProductError(f"lsst_band {band!r} is not one of ugrizy")
        seeing = row.get("s_resolution")
        wcs = frame_wcs(row, kind)
        exptime = row.get("t_exptime") or EXPOSURE_TIME
        ids = (
            {"tract": _int(row, "lsst_tract"), "patch": _int(row, "lsst_patch")}
            if kind.is_coadd
            else {"visit": _int(row, "lsst_visit"), "detector": _int(row, "lsst_detector")}
        )
        if not 0 <= ids.get("detector", 0) < len(DETECTOR_NAMES):
            raise ProductError(f"lsst_detector {ids['detector']} is not one of ComCam's 0-8")
        # Raws are rendered on the calibrated detector grid, then read out.
        width, height = (
            (VISIT_IMAGE.width, VISIT_IMAGE.height) if kind.is_raw else (kind.width, kind.height)
        )
        return cls(
            kind=kind,
            band=str(band),
            width=width,
            height=height,
            wcs=wcs,
            seeing=float(seeing) if seeing else DEFAULT_SEEING,
            calibration=Calibration.for_band(str(band), float(exptime)),
            seed=seed,
            **ids,
        )

    @property
    def psf_sigma(self) -> float:
        """Core sigma of the PSF in pixels."""
        scale = math.sqrt(abs(np.linalg.det(np.array(self.wcs.cd)))) * 3600.0
        return psf_core_sigma(self.seeing) / scale

    def _on_grid(
        self, sources: Sources
    ) -> tuple[Sources, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        x, y = self.wcs.sky_to_pixel(sources.ra, sources.dec)
        m = _RENDER_MARGIN
        keep = (x > -m) & (x < self.width - 1 + m) & (y > -m) & (y < self.height - 1 + m)
        return sources.take(keep), x[keep], y[keep]

    def static_sources(self) -> tuple[Sources, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The sky's sources that may touch the grid, and their pixel positions."""
        ra, dec = self.wcs.pixel_to_sky((self.width - 1) / 2, (self.height - 1) / 2)
        scale = math.sqrt(abs(np.linalg.det(np.array(self.wcs.cd))))
        radius = (math.hypot(self.width, self.height) / 2 + _RENDER_MARGIN) * scale
        found = sources_near(float(ra), float(dec), radius, self.seed)
        sources, x, y = self._on_grid(found)
        return sources, x, y

    def transient_sources(
        self,
    ) -> tuple[Sources, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """This exposure's transients and their pixel positions (none for coadds)."""
        if self.kind.is_coadd:
            found = Sources.empty()
        else:
            found = transients(
                self.visit, self.detector, self.wcs, self.width, self.height, self.seed
            )
        sources, x, y = self._on_grid(found)
        return sources, x, y

    def draw(
        self,
        image: npt.NDArray[np.float32],
        sources: Sources,
        x: npt.NDArray[np.float64],
        y: npt.NDArray[np.float64],
        origin: tuple[int, int] = (0, 0),
    ) -> None:
        """Add ``sources`` at grid positions (x, y) to ``image`` (nJy), whose pixel (0, 0)
        is grid pixel ``origin`` = (x0, y0)."""
        draw_sources(
            image,
            x - origin[0],
            y - origin[1],
            sources.flux(self.band),
            sources,
            self.psf_sigma,
            self.wcs.pixels_per_degree,
        )

    def static_model(self) -> npt.NDArray[np.float32]:
        """The noiseless, background-subtracted sky on the grid (nJy, float32)."""
        image = np.zeros((self.height, self.width), dtype=np.float32)
        self.draw(image, *self.static_sources())
        return image

    def exposure_noise(self) -> np.random.Generator:
        """The stream of this exposure's noise field (shared by raw, visit and difference)."""
        return noise.generator(self.seed, noise.Stream.EXPOSURE_NOISE, self.visit, self.detector)

    def input_counts(self) -> npt.NDArray[np.uint8]:
        """Per-pixel number of input visits of a coadd (see :mod:`pixels.coverage`)."""
        return coverage.input_counts(
            self.tract,
            self.patch,
            self.band,
            self.kind.name == "template_coadd",
            self.seed,
            self.width,
            self.height,
        )

    def input_count(self) -> int:
        """Number of input visits of a coadd."""
        return coverage.input_count(
            self.tract, self.patch, self.band, self.kind.name == "template_coadd", self.seed
        )
