"""SODA 1.0 cutouts: which pixels of which datasets a request asks for, and the cut.

Parameters (SODA 1.0 section 3; names in any case): ``ID``; the stencils ``POS``
(``CIRCLE``, ``RANGE`` or ``POLYGON``, any case), ``CIRCLE`` and ``POLYGON`` (any number
of vertices, concave, across RA 0); ``BAND`` and ``TIME`` (intervals in metres and MJD),
``POL`` (Stokes states, several combined into one filter); Rubin's ``CUTOUTDETAIL``
(``Image``, ``MaskedImage``, ``Exposure``); ``RESPONSEFORMAT`` (FITS, or ``image/png``
for a quick look). A sync request takes one ID and at most one stencil (more:
``MultiValuedParamNotSupported``); an async job takes any number, and makes one result
per ID and stencil. A BAND, TIME or POL that does not overlap the image's, or a stencil
that misses it, is no overlap: 204 in sync.
"""

from __future__ import annotations

import datetime
import io
import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import structlog

from app.dali import DaliParameters
from app.faults import MultiValuedParamError, NotFoundError, UsageError
from app.services.datasets import Dataset, DatasetService
from pixels.cutouts import DETAILS, cutout_hdus, describe
from pixels.locations import local_path, open_file
from pixels.previews import preview_array_png
from sia.errors import SiaParameterError
from sia.parameters import POL_STATES
from sia.values import Interval, Shape, parse_interval, parse_shape

__all__ = [
    "FITS",
    "PNG",
    "Cutout",
    "CutoutRequest",
    "CutoutService",
    "NoOverlapError",
    "parse_cutout_request",
]

log = structlog.get_logger("obscura")

FITS = "application/fits"
PNG = "image/png"
SOFTWARE = "obscura 0.1.0"
_FORMATS = {"": FITS, "fits": FITS, FITS: FITS, "image/fits": FITS, "png": PNG, PNG: PNG}
_SPOOL_BYTES = 16 * 1024 * 1024


class NoOverlapError(UsageError):
    """The stencil, band, time or polarization asked for misses the dataset."""


@dataclass(frozen=True, slots=True)
class CutoutRequest:
    """What to cut out, of what."""

    ids: tuple[str, ...]
    shapes: tuple[Shape, ...]
    """Stencils (none: the whole image)."""
    bands: tuple[Interval, ...]
    times: tuple[Interval, ...]
    pols: frozenset[str]
    detail: str
    response_format: str

    def combinations(self) -> list[tuple[str, Shape | None]]:
        """Each ID with each stencil (with none when there are no stencils)."""
        shapes: list[Shape | None] = list(self.shapes) or [None]
        return [(identifier, shape) for identifier in self.ids for shape in shapes]


def _shapes(params: DaliParameters) -> list[Shape]:
    shapes: list[Shape] = []
    try:
        shapes += [parse_shape("POS", value) for value in params.all("POS")]
        shapes += [parse_shape("CIRCLE", f"CIRCLE {value}") for value in params.all("CIRCLE")]
        shapes += [parse_shape("POLYGON", f"POLYGON {value}") for value in params.all("POLYGON")]
    except SiaParameterError as exc:
        raise UsageError(str(exc)) from None
    return shapes


def _intervals(params: DaliParameters, name: str) -> list[Interval]:
    try:
        return [parse_interval(name, value) for value in params.all(name)]
    except SiaParameterError as exc:
        raise UsageError(str(exc)) from None


def parse_cutout_request(params: DaliParameters, *, single: bool) -> CutoutRequest:
    """The request's cutouts (``single``: a sync request, one ID and one stencil).

    Raises
    ------
    UsageError
        For a missing ID, a value that is not what its parameter takes.
    MultiValuedParamError
        For a sync request with several IDs, stencils, bands or times.
    """
    ids = tuple(v.strip() for v in params.all("ID") if v.strip())
    if not ids:
        raise UsageError("ID is missing: give the dataset to cut out of (a DataLink ID)")
    shapes = _shapes(params)
    bands, times = _intervals(params, "BAND"), _intervals(params, "TIME")
    if single:
        for name, count in (("ID", len(ids)), ("stencil (POS, CIRCLE, POLYGON)", len(shapes)),
                            ("BAND", len(bands)), ("TIME", len(times))):  # fmt: skip
            if count > 1:
                raise MultiValuedParamError(
                    f"{name} is given {count} times; a sync cutout takes one. Submit an "
                    "async job (/api/cutout/jobs) for several"
                )
    pols = frozenset(word.upper() for value in params.all("POL") for word in value.split())
    unknown = sorted(pols - set(POL_STATES))
    if unknown:
        raise UsageError(
            f"POL {unknown[0]!r} is not a polarization state ({', '.join(POL_STATES)})"
        )
    detail = params.one("CUTOUTDETAIL") or "Image"
    matched = next((d for d in DETAILS if d.lower() == detail.strip().lower()), None)
    if matched is None:
        raise UsageError(f"CUTOUTDETAIL {detail!r} is not one of {', '.join(DETAILS)}")
    asked = (params.one("RESPONSEFORMAT") or "").strip().lower()
    response_format = _FORMATS.get(asked.split(";", 1)[0].strip())
    if response_format is None:
        raise UsageError(f"RESPONSEFORMAT {asked!r} is not offered: use {FITS} or {PNG}")
    return CutoutRequest(
        ids, tuple(shapes), tuple(bands), tuple(times), pols, matched, response_format
    )


@dataclass(slots=True)
class Cutout:
    """A made cutout: read ``body`` (positioned at 0), then ``close()``."""

    body: IO[bytes]
    size: int
    content_type: str
    filename: str

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The bytes, in pieces."""
        while piece := self.body.read(size):
            yield piece

    def close(self) -> None:
        self.body.close()


def _overlaps(interval: Interval, low: float | None, high: float | None) -> bool:
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return False  # nothing is known of the dataset on this axis
    return interval.low <= high and interval.high >= low


class CutoutService:
    """Cuts images out of the archive's files (blocking)."""

    def __init__(self, *, datasets: DatasetService) -> None:
        self._datasets = datasets

    def example(self) -> Dataset | None:
        """A dataset to show cutouts of (the archive's first deep coadd, or visit image)."""
        return self._datasets.first(("lsst.deep_coadd", "lsst.visit_image"))

    def dataset(self, identifier: str) -> Dataset:
        """The dataset an ID names.

        Raises
        ------
        UsageError, NotFoundError
            If the ID is malformed or unknown.
        """
        found = self._datasets.find([identifier])[identifier]
        if isinstance(found, UsageError | NotFoundError):
            raise found
        return found

    def cut(self, request: CutoutRequest, identifier: str, shape: Shape | None) -> Cutout:
        """One cutout.

        Raises
        ------
        NoOverlapError
            If the stencil, band, time or polarization misses the dataset.
        UsageError, NotFoundError
            For an ID that names no dataset the service can cut.
        """
        dataset = self.dataset(identifier)
        if dataset.subtype == "raw":
            raise UsageError(
                f"{identifier!r} is a raw exposure, whose WCS is only approximate: cut out of "
                "its visit image instead (DataLink's #derivation link)"
            )
        self._check_axes(request, dataset)
        stored = self._datasets.file(dataset)
        provenance = {
            "DATASET": dataset.did,  # long: CONTINUE cards
            "PRODTYPE": dataset.subtype,
            "DETAIL": (request.detail, "CUTOUTDETAIL"),
            "DATE-CUT": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "CUTVERS": (SOFTWARE, "software that made the cutout"),
            **describe(shape),
        }
        path = local_path(stored.url)
        source = str(path) if path is not None else open_file(stored.url)
        try:
            hdus = cutout_hdus(source, shape, request.detail, provenance)
        except ValueError as exc:
            raise UsageError(f"{identifier!r} cannot be cut: {exc}") from None
        finally:
            if not isinstance(source, str):
                source.close()
        if hdus is None:
            raise NoOverlapError(f"The stencil does not overlap the image of {identifier!r}")
        stem = dataset.file_name.removesuffix(".fits") + "_cutout"
        if request.response_format == PNG:
            image = next(h for h in hdus[1:] if h.data is not None)
            png = preview_array_png(image.data)
            return Cutout(io.BytesIO(png), len(png), PNG, f"{stem}.png")
        expected = sum(h.data.nbytes for h in hdus if h.data is not None)
        body: IO[bytes] = (
            io.BytesIO() if expected < _SPOOL_BYTES else tempfile.TemporaryFile()  # noqa: SIM115
        )
        hdus.writeto(body)
        size = body.tell()
        body.seek(0)
        return Cutout(body, size, FITS, f"{stem}.fits")

    @staticmethod
    def _check_axes(request: CutoutRequest, dataset: Dataset) -> None:
        row = dataset.row
        for name, intervals, low, high in (
            ("BAND", request.bands, row.get("em_min"), row.get("em_max")),
            ("TIME", request.times, row.get("t_min"), row.get("t_max")),
        ):
            if intervals and not any(_overlaps(i, low, high) for i in intervals):
                raise NoOverlapError(f"{name} does not overlap the dataset's {name.lower()}")
        if request.pols:
            states = set((row.get("pol_states") or "/I/").strip("/").split("/"))
            if not request.pols & states:
                raise NoOverlapError("POL names no polarization state the dataset has")
