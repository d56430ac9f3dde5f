"""DataLink 1.1: what the archive has for each dataset, as the links of one document.

For each ID: the file itself (``#this``), two PNG ``#preview``s (a quick look and a
thumbnail, told apart by ``local_semantics``: ``#thumbnail`` is newer than the DataLink
vocabulary STILTS's datalinklint knows), cutouts
through SODA (``#cutout``, bound to service descriptors named as Rubin's datalinker names
them: ``cutout-sync``, ``cutout-sync-maskedimage``, ``cutout-sync-exposure``, and
``cutout-async``), and the datasets it was made from (``#progenitor``) or that were made
from it (``#derivation``), each linking to that dataset's own links document. An ID the
archive does not hold, or that is not an ID, gets one row with its error
(``NotFoundFault:`` / ``UsageFault:``), not a failed request. Raws, whose WCS is only
approximate, get no cutouts (as at Rubin).
"""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa

from app.faults import ServiceError
from app.paths import CUTOUT_PATH, DATALINK_PATH
from app.services.datasets import Dataset, DatasetService, dataset_key
from app.votable.datalink import LinkRow, links_document
from app.votable.service_descriptor import InputParam, service_descriptor
from obscore.schema import ArchiveSchema
from obscore.sphere import polygon_contains, radec_to_xyz
from obscore.stcs import StcsError, parse_polygon
from vometa import FieldType

__all__ = ["CUTOUT_DETAILS", "DatalinkService", "LinkedDataset"]

FITS = "application/fits"
PNG = "image/png"
DATALINK_MIME = "application/x-votable+xml;content=datalink"
SODA_SYNC = "ivo://ivoa.net/std/SODA#sync-1.0"
SODA_ASYNC = "ivo://ivoa.net/std/SODA#async-1.0"
CUTOUT_DETAILS = {
    "cutout-sync": ("Image", "Cutout (SODA sync): the image pixels"),
    "cutout-sync-maskedimage": (
        "MaskedImage",
        "Cutout (SODA sync): image, mask and variance planes",
    ),
    "cutout-sync-exposure": ("Exposure", "Cutout (SODA sync): every HDU of the product"),
}
ASYNC_DESCRIPTOR = "cutout-async"
_DEEP_SEEING = 1.7
"""Deep coadds are made of visits with seeing under this (arcsec), as in DP1."""


@dataclass(frozen=True, slots=True)
class LinkedDataset:
    """A dataset with its links (for the HTML view)."""

    id: str
    dataset: Dataset | None
    rows: list[LinkRow]


def _links_url(base: str, did: str) -> str:
    return f"{base}{DATALINK_PATH}/links?ID={urllib.parse.quote(did, safe='')}"


class DatalinkService:
    """Builds links documents (blocking: reads the archive)."""

    def __init__(
        self,
        *,
        datasets: DatasetService,
        schema: ArchiveSchema,
        base_url: str,
        max_ids: int = 100,
    ) -> None:
        self._datasets = datasets
        self._schema = schema
        self._base = base_url
        self._max_ids = max_ids

    def file_url(self, dataset: Dataset) -> str:
        """Where the dataset's file is downloaded from."""
        return f"{self._base}{DATALINK_PATH}/files/{dataset_key(dataset.did)}/{dataset.file_name}"

    def linked(self, ids: Sequence[str]) -> tuple[list[LinkedDataset], bool]:
        """Each ID with its links (at most ``max_ids`` IDs; True if some were left out)."""
        overflow = len(ids) > self._max_ids
        asked = list(ids[: self._max_ids])
        found = self._datasets.find(asked)
        linked = []
        for identifier in asked:
            result = found[identifier]
            if isinstance(result, ServiceError):
                message = f"{type(result).dali_label}: {result}"
                row = LinkRow(identifier, "#this", error_message=message)
                linked.append(LinkedDataset(identifier, None, [row]))
            else:
                linked.append(LinkedDataset(identifier, result, self._rows(identifier, result)))
        return linked, overflow

    def links(self, ids: Sequence[str]) -> bytes:
        """The links document of ``ids``."""
        linked, overflow = self.linked(ids)
        rows = [row for item in linked for row in item.rows]
        with_cutouts = [item.dataset for item in linked if _has_cutouts(item.dataset)]
        descriptors = self._descriptors(with_cutouts) if with_cutouts else []
        return links_document(rows, descriptors, overflow=overflow)

    def _rows(self, asked: str, dataset: Dataset) -> list[LinkRow]:
        key = dataset_key(dataset.did)
        base = f"{self._base}{DATALINK_PATH}"
        product = dataset.subtype.replace("_", " ") or "dataset"
        rows = [
            LinkRow(
                asked,
                "#this",
                access_url=self.file_url(dataset),
                description=f"The {product} file (FITS)",
                content_type=FITS,
                content_length=dataset.file_size,
                content_qualifier="image",
            ),
            LinkRow(
                asked,
                "#preview",
                access_url=f"{base}/previews/{key}.png",
                description="Quick look of the image plane (PNG, at most 1024 pixels)",
                content_type=PNG,
                local_semantics="preview",
            ),
            LinkRow(
                asked,
                "#preview",
                access_url=f"{base}/thumbnails/{key}.png",
                description="Thumbnail of the image plane (PNG, at most 256 pixels)",
                content_type=PNG,
                local_semantics="thumbnail",
            ),
        ]
        if _has_cutouts(dataset):
            for name, (detail, description) in CUTOUT_DETAILS.items():
                rows.append(
                    LinkRow(
                        asked,
                        "#cutout",
                        service_def=name,
                        description=description,
                        content_type=FITS,
                        local_semantics=detail,
                    )
                )
            rows.append(
                LinkRow(
                    asked,
                    "#cutout",
                    service_def=ASYNC_DESCRIPTOR,
                    description="Cutouts (SODA async): several IDs and shapes in one job",
                    content_type=FITS,
                    local_semantics="async",
                )
            )
        for semantics, related, why in self._provenance(dataset):
            rows.append(
                LinkRow(
                    asked,
                    semantics,
                    access_url=_links_url(self._base, related.did),
                    description=f"{why}: {related.subtype.replace('_', ' ')} {related.file_name}",
                    content_type=DATALINK_MIME,
                )
            )
        return rows

    # -- provenance -------------------------------------------------------------------

    def _provenance(self, dataset: Dataset) -> list[tuple[str, Dataset, str]]:
        """(semantics, related dataset, how it is related) for each related dataset."""
        row, c = dataset.row, self._schema.obscore.c
        exposure = sa.and_(
            c.lsst_visit == row.get("lsst_visit"), c.lsst_detector == row.get("lsst_detector")
        )

        def same_exposure(subtype: str) -> list[Dataset]:
            query = sa.select(c.obs_publisher_did).where(exposure, _is(c, subtype))
            return self._datasets.related(query)

        wanted: list[tuple[str, list[Dataset], str]] = []
        match dataset.subtype:
            case "raw":
                wanted = [("#derivation", same_exposure("visit_image"), "Processed")]
            case "visit_image":
                wanted = [
                    ("#progenitor", same_exposure("raw"), "Raw exposure"),
                    ("#derivation", same_exposure("difference_image"), "Difference image"),
                ]
            case "difference_image":
                wanted = [
                    ("#progenitor", same_exposure("visit_image"), "Visit image"),
                    ("#progenitor", self._overlapping(dataset, "template_coadd"), "Template"),
                ]
            case "deep_coadd":
                inputs = self._overlapping(dataset, "visit_image", seeing_below=_DEEP_SEEING)
                wanted = [("#progenitor", inputs, "Input visit")]
            case "template_coadd":
                inputs = self._overlapping(dataset, "visit_image")
                wanted = [("#progenitor", inputs, "Input visit")]
        return [(semantics, d, why) for semantics, found, why in wanted for d in found]

    def _overlapping(
        self, dataset: Dataset, subtype: str, *, seeing_below: float | None = None
    ) -> list[Dataset]:
        """Datasets of ``subtype`` in the same band whose footprints overlap this one's."""
        row = dataset.row
        ra, dec, fov = row.get("s_ra"), row.get("s_dec"), row.get("s_fov")
        if ra is None or dec is None or not row.get("s_region"):
            return []
        c = self._schema.obscore.c
        reach = float(fov or 1.0)  # both bounding circles' radii, generously
        cos_dec = max(math.cos(math.radians(min(abs(dec) + reach, 89.9))), 1e-3)
        width = min(reach / cos_dec, 180.0)
        conditions = [
            _is(c, subtype),
            c.lsst_band == row.get("lsst_band"),
            c.s_dec.between(dec - reach, dec + reach),
        ]
        low, high = ra - width, ra + width
        if low < 0 or high > 360:
            conditions.append(sa.or_(c.s_ra >= low % 360, c.s_ra <= high % 360))
        else:
            conditions.append(c.s_ra.between(low, high))
        if seeing_below is not None:
            conditions.append(c.s_resolution < seeing_below)
        query = (
            sa.select(c.obs_publisher_did).where(*conditions).order_by(c.t_min, c.obs_publisher_did)
        )
        candidates = self._datasets.related(query)
        return [d for d in candidates if _footprints_overlap(dataset.row, d.row)]

    # -- service descriptors ----------------------------------------------------------

    def _descriptors(self, datasets: Sequence[Dataset | None]) -> list[str]:
        one = datasets[0] if len(datasets) == 1 else None
        id_param = InputParam(
            "ID",
            FieldType("char", "*", ucd="meta.id;meta.dataset"),
            "The dataset to cut out of",
            value=one.did if one is not None else "",
            ref=None if one is not None else "ID",
        )
        circle_max, polygon_max = _maxima(one) if one is not None else (None, None)
        shapes = [
            InputParam(
                "POS",
                FieldType("char", "*", ucd="pos.outline;obs"),
                "A CIRCLE, RANGE or POLYGON (ICRS degrees)",
            ),
            InputParam(
                "CIRCLE",
                FieldType("double", "3", xtype="circle", unit="deg", ucd="pos.outline;obs"),
                "A circle: RA, Dec of its centre and its radius",
                maximum=circle_max,
            ),
            InputParam(
                "POLYGON",
                FieldType("double", "*", xtype="polygon", unit="deg", ucd="pos.outline;obs"),
                "A polygon: RA, Dec of each vertex",
                maximum=polygon_max,
            ),
        ]
        shapes += _axes(one)
        descriptors = []
        for name, (detail, description) in CUTOUT_DETAILS.items():
            options = tuple((d, d) for d, _ in CUTOUT_DETAILS.values())
            detail_param = InputParam(
                "CUTOUTDETAIL",
                FieldType("char", "*", ucd="meta.code"),
                "Which planes: Image, MaskedImage or Exposure (every HDU)",
                options=options,
                value=detail,
            )
            descriptors.append(
                service_descriptor(
                    standard_id=SODA_SYNC,
                    access_url=f"{self._base}{CUTOUT_PATH}/sync",
                    description=description,
                    params=[id_param, *shapes, detail_param],
                    resource_id=name,
                )
            )
        descriptors.append(
            service_descriptor(
                standard_id=SODA_ASYNC,
                access_url=f"{self._base}{CUTOUT_PATH}/jobs",
                description="Cutouts (SODA async): a UWS job of several IDs and shapes",
                params=[id_param, *shapes],
                resource_id=ASYNC_DESCRIPTOR,
            )
        )
        return descriptors


def _is(c: Any, subtype: str) -> sa.ColumnElement[bool]:
    return c.dataproduct_subtype == f"lsst.{subtype}"  # type: ignore[no-any-return]


def _has_cutouts(dataset: Dataset | None) -> bool:
    return dataset is not None and dataset.subtype not in ("", "raw")


def _vertices(row: Any) -> np.ndarray | None:
    try:
        return np.array(parse_polygon(str(row["s_region"])))
    except (StcsError, KeyError, ValueError):
        return None


def _footprints_overlap(a: Any, b: Any) -> bool:
    """Whether two footprints (convex quadrilaterals) overlap: a vertex or the centre of
    one lies in the other."""
    first, second = _vertices(a), _vertices(b)
    if first is None or second is None:
        return False
    for inner, outer in ((first, second), (second, first)):
        points = np.vstack([inner, [[float(np.mean(inner[:, 0])), float(np.mean(inner[:, 1]))]]])
        xyz = radec_to_xyz(points[:, 0], points[:, 1])
        polygon = radec_to_xyz(outer[:, 0], outer[:, 1])
        repeated = np.broadcast_to(polygon, (len(xyz), *polygon.shape))
        if polygon_contains(repeated, xyz).any():
            return True
    return False


def _maxima(dataset: Dataset) -> tuple[str | None, str | None]:
    """What CIRCLE and POLYGON values can overlap the image, as SODA descriptors say it:
    the MAX of CIRCLE is the circle around the data, that of POLYGON its footprint."""
    row = dataset.row
    vertices = _vertices(row)
    if vertices is None or row.get("s_ra") is None or row.get("s_dec") is None:
        return None, None
    circle = f"{row['s_ra']!r} {row['s_dec']!r} {float(row.get('s_fov') or 0) / 2!r}"
    return circle, " ".join(repr(float(v)) for v in vertices.ravel())


def _axes(dataset: Dataset | None) -> list[InputParam]:
    """BAND, TIME and POL (SODA 1.0 section 3.3), with the dataset's extent when one."""
    row = dataset.row if dataset is not None else {}

    def extent(low: str, high: str) -> tuple[str | None, str | None]:
        if row.get(low) is None or row.get(high) is None:
            return None, None
        return f"{row[low]!r} {row[low]!r}", f"{row[high]!r} {row[high]!r}"

    band_min, band_max = extent("em_min", "em_max")
    time_min, time_max = extent("t_min", "t_max")
    return [
        InputParam(
            "BAND",
            FieldType("double", "2", xtype="interval", unit="m", ucd="em.wl;stat.interval"),
            "Wavelengths (barycentric, metres): an interval that must overlap the image's",
            minimum=band_min,
            maximum=band_max,
        ),
        InputParam(
            "TIME",
            FieldType("double", "2", xtype="interval", unit="d", ucd="time.interval;obs.exposure"),
            "Times (MJD): an interval that must overlap the exposure",
            minimum=time_min,
            maximum=time_max,
        ),
        InputParam(
            "POL",
            FieldType("char", "*", ucd="meta.code;phys.polarization"),
            "Polarization states (images hold total intensity, I)",
            options=(("I", "I"),),
        ),
    ]
