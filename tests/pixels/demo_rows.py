"""Demo rows for the pixel tests: an r-band ECDFS patch, two visits covering a bright,
isolated, unsaturated star in it (the first with a saturated star too), the first visit's
difference image and raw, and the patch's deep and template coadds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from obscore.sphere import angular_distance, polygon_contains, radec_to_xyz
from obscore.stcs import parse_polygon
from pixels import image_wcs, product_kind
from pixels.photometry import Calibration
from pixels.render import PSF_COMPONENTS, psf_core_sigma
from pixels.scene import Scene
from pixels.sky import POINT, sources_near

__all__ = ["SEED", "Row", "Trio", "find_trio", "rows_by_role"]

SEED = 1786
Row = dict[str, Any]


@dataclass(frozen=True)
class Trio:
    """Rows whose images share a bright isolated star, and that star."""

    visit: Row
    other_visit: Row
    difference: Row
    raw: Row
    deep: Row
    template: Row
    ra: float
    dec: float
    flux: float
    """The star's r-band flux, nJy."""


def _peak(flux: float, seeing: float) -> float:
    """The brightest pixel (nJy) of a star of this flux and seeing, at a pixel centre."""
    sigma = psf_core_sigma(seeing) / 0.2
    return sum(flux * w / (2 * math.pi * (sigma * s) ** 2) for w, s in PSF_COMPONENTS)


def _inside(row: Row, ra: float, dec: float, margin: float) -> bool:
    kind = product_kind(row)
    x, y = image_wcs(row).sky_to_pixel(ra, dec)
    return bool(margin <= x <= kind.width - 1 - margin and margin <= y <= kind.height - 1 - margin)


def _has_saturated_star(row: Row) -> bool:
    cal = Calibration.for_band(row["lsst_band"])
    stars = sources_near(row["s_ra"], row["s_dec"], row["s_fov"] / 2, SEED)
    stars = stars.take(stars.profile == POINT)
    bright = stars.take(stars.flux(row["lsst_band"]) > cal.saturation)
    return any(
        _peak(f, row["s_resolution"]) > 2 * cal.saturation and _inside(row, ra, dec, 40)
        for f, ra, dec in zip(bright.flux(row["lsst_band"]), bright.ra, bright.dec, strict=True)
    )


def find_trio(tables: dict[str, pa.Table]) -> Trio:
    """Deterministically pick an r-band ECDFS patch, two visits covering a star in it, and
    the first visit's difference image and raw."""
    visits_table = tables["lsst.visit_image"]
    visits_table = visits_table.filter(
        pc.and_(
            pc.equal(visits_table["target_name"], "ECDFS"),
            pc.equal(visits_table["lsst_band"], "r"),
        )
    )
    visits = visits_table.to_pylist()
    saturation = Calibration.for_band("r").saturation
    corners = np.array([[radec_to_xyz(*v) for v in parse_polygon(r["s_region"])] for r in visits])
    by_exposure = {
        subtype: {(r["lsst_visit"], r["lsst_detector"]): r for r in tables[subtype].to_pylist()}
        for subtype in ("lsst.difference_image", "lsst.raw")
    }
    coadds = {
        subtype: [
            r
            for r in tables[subtype].to_pylist()
            if r["lsst_tract"] == 5063 and r["lsst_band"] == "r"
        ]
        for subtype in ("lsst.deep_coadd", "lsst.template_coadd")
    }
    for deep in coadds["lsst.deep_coadd"]:
        template = next(
            (t for t in coadds["lsst.template_coadd"] if t["lsst_patch"] == deep["lsst_patch"]),
            None,
        )
        if template is None:
            continue
        sky = sources_near(deep["s_ra"], deep["s_dec"], 0.09, SEED)
        fluxes = sky.flux("r")
        candidates = np.flatnonzero((sky.profile == POINT) & (fluxes > 8e4) & (fluxes < 3e5))
        for i in candidates:
            ra, dec, flux = float(sky.ra[i]), float(sky.dec[i]), float(fluxes[i])
            gap = angular_distance(ra, dec, sky.ra, sky.dec) * 3600
            near = (gap > 0) & (gap < 10) & (fluxes > 0.003 * flux)
            if near.any() or ((gap < 40) & (fluxes > 2 * flux)).any():
                continue
            if not _inside(deep, ra, dec, 60):
                continue
            point = np.broadcast_to(radec_to_xyz(ra, dec), (len(visits), 3))
            covering = [
                visits[j]
                for j in np.flatnonzero(polygon_contains(corners, point))
                if _inside(visits[j], ra, dec, 60)
                and _peak(flux, visits[j]["s_resolution"]) < 0.5 * saturation
            ]
            firsts = [
                v
                for v in covering
                if all((v["lsst_visit"], v["lsst_detector"]) in by_exposure[s] for s in by_exposure)
                and _has_saturated_star(v)
            ]
            if not firsts:
                continue
            first = firsts[0]
            others = [v for v in covering if v["lsst_visit"] != first["lsst_visit"]]
            scene = Scene.from_row(deep, SEED)
            x, y = scene.wcs.sky_to_pixel(ra, dec)
            if not others or scene.input_counts()[round(float(y)), round(float(x))] == 0:
                continue
            key = (first["lsst_visit"], first["lsst_detector"])
            return Trio(
                visit=first,
                other_visit=others[0],
                difference=by_exposure["lsst.difference_image"][key],
                raw=by_exposure["lsst.raw"][key],
                deep=deep,
                template=template,
                ra=ra,
                dec=dec,
                flux=flux,
            )
    raise AssertionError("no patch of tract 5063 has a suitable star")


def rows_by_role(trio: Trio) -> dict[str, Row]:
    return {
        "visit": trio.visit,
        "difference": trio.difference,
        "raw": trio.raw,
        "deep": trio.deep,
        "template": trio.template,
    }
