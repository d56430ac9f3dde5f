"""TAN world coordinate systems of the demo images, built from the ObsCore row alone.

* Detector images (visit, difference): the footprint in ``s_region`` is the detector's four
  pixel-grid corners through a gnomonic projection (:func:`obscore.products.detector_footprints`),
  so a TAN WCS fitted to the four vertices reproduces it (residuals are a few hundredths of
  a pixel, from the tangent point moving from the boresight to the detector).
* Raws: the same fit stretched over the whole 4608 x 4096 readout, prescan and overscan
  included. Like DP1's boresight-based raw WCS it is approximate (good to about 60 px).
* Coadds: the tract's own WCS (tangent point at the tract centre, 0.2"/px, x growing west,
  :class:`obscore.skymap.Tract`), with ``CRPIX`` shifted to the patch's outer box, so the
  pixels of overlapping patches of a tract coincide.

Vertex ``k`` of a footprint is the image corner ``CORNERS[k]``: detector footprints run
focal-plane (-x,-y), (+x,-y), (+x,+y), (-x,+y) and patch footprints tract (x1,y0), (x0,y0),
(x0,y1), (x1,y1), and both images have x growing west (the usual astronomical parity, east
to the left when north is up), which maps the first vertex to the image's lower right.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from astropy.wcs import WCS

from obscore.products import VISIT_IMAGE
from obscore.skymap import PATCH_BORDER, PATCH_INNER, PATCHES_PER_SIDE, PIXEL_SCALE, RingsSkyMap
from obscore.sphere import radec_to_xyz, sky_to_tangent, tangent_to_sky, xyz_to_radec
from obscore.stcs import parse_polygon
from pixels.products import ProductError, ProductKind, product_kind

__all__ = [
    "CORNERS",
    "TanWcs",
    "fit_footprint",
    "frame_wcs",
    "image_wcs",
    "patch_wcs",
    "row_vertices",
]

Float64 = npt.NDArray[np.float64]

CORNERS = ((1.0, 0.0), (0.0, 0.0), (0.0, 1.0), (1.0, 1.0))
"""Image corner of each footprint vertex, as fractions of (width, height) of the pixel grid
(its outer edges, 0-based pixel ``-0.5`` to ``width - 0.5``)."""

_SKYMAP = RingsSkyMap()


@dataclass(frozen=True, slots=True)
class TanWcs:
    """A gnomonic WCS with a CD matrix, as written to the FITS headers.

    Pixel coordinates in methods are 0-based (pixel centres at integers), as in numpy and
    astropy's ``origin=0``; ``crpix`` is the FITS 1-based value.
    """

    crval: tuple[float, float]
    """Tangent point (RA, Dec), degrees."""

    crpix: tuple[float, float]
    """FITS (1-based) pixel of the tangent point."""

    cd: tuple[tuple[float, float], tuple[float, float]]
    """Degrees per pixel: ``(xi, eta) = CD @ (p - crpix)``, xi east, eta north."""

    def sky_to_pixel(self, ra: npt.ArrayLike, dec: npt.ArrayLike) -> tuple[Float64, Float64]:
        """0-based pixel coordinates of sky positions (degrees)."""
        xi, eta = sky_to_tangent(self.crval[0], self.crval[1], ra, dec)
        inv = np.linalg.inv(np.array(self.cd))
        x = inv[0, 0] * xi + inv[0, 1] * eta + (self.crpix[0] - 1.0)
        y = inv[1, 0] * xi + inv[1, 1] * eta + (self.crpix[1] - 1.0)
        return x, y

    def pixel_to_sky(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[Float64, Float64]:
        """Sky positions (degrees) of 0-based pixel coordinates."""
        dx = np.asarray(x, dtype=np.float64) - (self.crpix[0] - 1.0)
        dy = np.asarray(y, dtype=np.float64) - (self.crpix[1] - 1.0)
        (a, b), (c, d) = self.cd
        return tangent_to_sky(self.crval[0], self.crval[1], a * dx + b * dy, c * dx + d * dy)

    @property
    def pixels_per_degree(self) -> Float64:
        """The 2 x 2 Jacobian d(x, y) / d(xi, eta): sky offsets (degrees) to pixels."""
        out: Float64 = np.linalg.inv(np.array(self.cd))
        return out

    def cards(self) -> list[tuple[str, Any, str]]:
        """FITS header cards ``(keyword, value, comment)``."""
        (a, b), (c, d) = self.cd
        return [
            ("WCSAXES", 2, "number of WCS axes"),
            ("CTYPE1", "RA---TAN", "gnomonic projection"),
            ("CTYPE2", "DEC--TAN", "gnomonic projection"),
            ("CUNIT1", "deg", ""),
            ("CUNIT2", "deg", ""),
            ("CRVAL1", self.crval[0], "[deg] RA of the tangent point"),
            ("CRVAL2", self.crval[1], "[deg] Dec of the tangent point"),
            ("CRPIX1", self.crpix[0], "pixel of the tangent point"),
            ("CRPIX2", self.crpix[1], "pixel of the tangent point"),
            ("CD1_1", a, "[deg/px]"),
            ("CD1_2", b, "[deg/px]"),
            ("CD2_1", c, "[deg/px]"),
            ("CD2_2", d, "[deg/px]"),
            ("RADESYS", "ICRS", "celestial frame"),
        ]

    def to_astropy(self) -> Any:
        """The same WCS as an :class:`astropy.wcs.WCS`."""
        wcs = WCS(naxis=2)
        wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
        wcs.wcs.crval = list(self.crval)
        wcs.wcs.crpix = list(self.crpix)
        wcs.wcs.cd = np.array(self.cd)
        wcs.wcs.radesys = "ICRS"
        return wcs


def fit_footprint(vertices: Sequence[tuple[float, float]], width: int, height: int) -> TanWcs:
    """The TAN WCS that maps the edges of a ``width`` x ``height`` pixel grid onto a
    four-vertex footprint (vertex ``k`` to corner :data:`CORNERS` ``[k]``).

    The tangent point is the footprint's centre; the CD matrix and reference pixel are the
    least-squares affine fit of the four corners in that tangent plane.

    Raises
    ------
    ProductError
        If the footprint does not have four vertices.
    """
    if len(vertices) != len(CORNERS):
        raise ProductError(f"a footprint needs four vertices, got {len(vertices)}")
    ra = np.array([v[0] for v in vertices])
    dec = np.array([v[1] for v in vertices])
    mean = radec_to_xyz(ra, dec).sum(axis=0)
    ra0, dec0 = (float(v) for v in xyz_to_radec(mean / np.linalg.norm(mean)))
    xi, eta = sky_to_tangent(ra0, dec0, ra, dec)
    centre = np.array([(width - 1) / 2, (height - 1) / 2])
    px = np.array([[fx * width - 0.5, fy * height - 0.5] for fx, fy in CORNERS]) - centre
    design = np.column_stack([px, np.ones(len(px))])
    coef, *_ = np.linalg.lstsq(design, np.column_stack([xi, eta]), rcond=None)
    cd = coef[:2].T  # rows: xi, eta; columns: x, y
    crpix0 = centre - np.linalg.solve(cd, coef[2])
    return TanWcs(
        crval=(ra0, dec0),
        crpix=(float(crpix0[0]) + 1.0, float(crpix0[1]) + 1.0),
        cd=((float(cd[0, 0]), float(cd[0, 1])), (float(cd[1, 0]), float(cd[1, 1]))),
    )


def patch_wcs(tract_id: int, patch: int) -> TanWcs:
    """The WCS of a patch's outer (3400 x 3400) image: its tract's, with CRPIX shifted.

    Image pixel ``i`` is centred on continuous tract coordinate ``x0 + i + 0.5``, where
    ``x0`` is the outer box's origin, so the image edges are the patch's ``s_region``.
    """
    tract = _SKYMAP.tract(tract_id)
    half = PATCHES_PER_SIDE * PATCH_INNER / 2
    x0 = (patch % PATCHES_PER_SIDE) * PATCH_INNER - PATCH_BORDER
    y0 = (patch // PATCHES_PER_SIDE) * PATCH_INNER - PATCH_BORDER
    return TanWcs(
        crval=(tract.ra, tract.dec),
        crpix=(half - x0 + 0.5, half - y0 + 0.5),
        cd=((-PIXEL_SCALE, 0.0), (0.0, PIXEL_SCALE)),
    )


def row_vertices(row: Mapping[str, Any]) -> tuple[tuple[float, float], ...]:
    """The (RA, Dec) vertices of a row's ``s_region``."""
    region = row.get("s_region")
    if not isinstance(region, str):
        raise ProductError("the row has no s_region")
    return parse_polygon(region)


def _tract_patch(row: Mapping[str, Any]) -> tuple[int, int]:
    tract, patch = row.get("lsst_tract"), row.get("lsst_patch")
    if tract is None or patch is None:
        raise ProductError("a coadd row needs lsst_tract and lsst_patch")
    return int(tract), int(patch)


def image_wcs(row: Mapping[str, Any], kind: ProductKind | None = None) -> TanWcs:
    """The WCS written to the image HDUs of a row's file."""
    kind = kind or product_kind(row)
    if kind.is_coadd:
        return patch_wcs(*_tract_patch(row))
    return fit_footprint(row_vertices(row), kind.width, kind.height)


def frame_wcs(row: Mapping[str, Any], kind: ProductKind | None = None) -> TanWcs:
    """The WCS of the grid the sky is rendered on: the image's, except for raws, which
    are rendered on the calibrated detector grid (4072 x 4000) and then read out."""
    kind = kind or product_kind(row)
    if kind.is_raw:
        return fit_footprint(row_vertices(row), VISIT_IMAGE.width, VISIT_IMAGE.height)
    return image_wcs(row, kind)
