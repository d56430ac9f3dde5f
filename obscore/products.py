"""ObsCore rows for LSSTComCam image products, built column-wise from exposure arrays.

Shared by the DP1-like demo (:mod:`obscore.demo`) and the large synthetic survey
(:mod:`obscore.survey`): both describe exposures (pointing, rotation, time, band) and this
module turns them into detector footprints and rows with DP1's identifier formats, values
and conventions (``reference/dp1_facts.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from astropy.time import Time

from obscore.schema import ARROW_SCHEMA
from obscore.sphere import Array, bounding_circle, tangent_to_sky
from obscore.stcs import format_polygons

__all__ = [
    "BANDS",
    "DETECTOR_NAMES",
    "DETECTOR_PRODUCTS",
    "Band",
    "Exposures",
    "ProductType",
    "datalink_path",
    "detector_footprints",
    "detector_rows",
    "uuid_strings",
]

INSTRUMENT = "LSSTComCam"
FACILITY = "Rubin:Simonyi"
COLLECTION = "LSST.DP1"
ACCESS_FORMAT = "application/x-votable+xml;content=datalink"
DID_PREFIX = "ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id="
EXPOSURE_TIME = 30.0
SHUTTER_OPEN = 30.4 / 86400.0
"""``t_max - t_min`` in days: the shutter is open slightly longer than the nominal 30 s."""

PIXEL_SCALE = 0.2 / 3600.0
DETECTOR_PITCH = 4225.0
"""Centre-to-centre spacing of the ITL CCDs on raft R22, in pixels (42.25 mm / 10 um)."""

DETECTOR_NAMES = tuple(f"R22_S{row}{col}" for row in range(3) for col in range(3))
"""Detector 0..8 in natural order: R22_S00, R22_S01, ..., R22_S22."""


@dataclass(frozen=True, slots=True)
class Band:
    """A filter band: its wavelength range (metres) and ComCam physical filter."""

    name: str
    em_min: float
    em_max: float
    physical_filter: str

    @property
    def resolving_power(self) -> float:
        """lambda / delta-lambda at the band's midpoint."""
        return (self.em_min + self.em_max) / 2 / (self.em_max - self.em_min)


BANDS = {
    b.name: b
    for b in (
        Band("u", 300.0e-9, 393.2e-9, "u_02"),
        Band("g", 402.6e-9, 548.3e-9, "g_01"),
        Band("r", 551.0e-9, 689.1e-9, "r_03"),
        Band("i", 693.6e-9, 818.8e-9, "i_06"),
        Band("z", 819.2e-9, 920.1e-9, "z_03"),
        Band("y", 927.8e-9, 1100.0e-9, "y_04"),
    )
}
BAND_NAMES = tuple(BANDS)


@dataclass(frozen=True, slots=True)
class ProductType:
    """Static ObsCore values of one Butler dataset type (DP1's dax_obscore config)."""

    name: str
    calib_level: int
    o_ucd: str
    width: int
    height: int
    planes_bytes: int
    """Bytes per pixel over all planes, for ``access_estsize``."""

    @property
    def subtype(self) -> str:
        """The ``dataproduct_subtype`` (``lsst.visit_image``...)."""
        return f"lsst.{self.name}"

    @property
    def estsize_kb(self) -> int:
        """Uncompressed size of the file in kilobytes."""
        return self.width * self.height * self.planes_bytes // 1024


RAW = ProductType("raw", 1, "phot.count", 4608, 4096, 4)
VISIT_IMAGE = ProductType("visit_image", 2, "phot.flux.density", 4072, 4000, 12)
DIFFERENCE_IMAGE = ProductType("difference_image", 3, "phot.flux.density", 4072, 4000, 12)
DEEP_COADD = ProductType("deep_coadd", 3, "phot.flux.density", 3400, 3400, 12)
# DP1's exporter config has this typo for template coadds; we keep it for fidelity.
TEMPLATE_COADD = ProductType("template_coadd", 3, "phot.flux_density", 3400, 3400, 12)
DETECTOR_PRODUCTS = (RAW, VISIT_IMAGE, DIFFERENCE_IMAGE)


@dataclass(frozen=True, slots=True)
class Exposures:
    """Column arrays describing N exposures of the 9-detector camera."""

    exposure_id: npt.NDArray[np.int64]
    day_obs: npt.NDArray[np.int64]
    seq: npt.NDArray[np.int64]
    t_start: Array
    """Shutter open, UTC MJD."""
    band: npt.NDArray[np.str_]
    target: npt.NDArray[np.object_]
    ra: Array
    dec: Array
    rotation: Array
    """Rotation of the focal plane on the sky, degrees east of north."""
    seeing: Array
    """PSF FWHM in arcsec."""

    def __len__(self) -> int:
        return len(self.exposure_id)


def uuid_strings(rng: np.random.Generator, n: int) -> pa.StringArray:
    """``n`` random version-4 UUIDs, reproducible from ``rng``."""
    raw = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    hexed = np.empty((n, 32), dtype=np.uint8)
    hexed[:, 0::2] = digits[raw >> 4]
    hexed[:, 1::2] = digits[raw & 0x0F]
    text = np.full((n, 36), ord("-"), dtype=np.uint8)
    # 8-4-4-4-12 hex digits, with a dash after each group but the last.
    for begin, end, at in ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24)):
        text[:, at : at + end - begin] = hexed[:, begin:end]
    strings: pa.StringArray = pa.array(text.view("S36").ravel(), pa.binary()).cast(pa.string())
    return strings


def datalink_path(did: str) -> str:
    """The DataLink links URL of a dataset, relative to the service's public base URL."""
    return "/api/datalink/links?ID=" + quote(did, safe="")


def detector_footprints(exposures: Exposures) -> tuple[Array, Array]:
    """Sky corners (n_exposures, 9, 4) of every detector, counter-clockwise on the sky."""
    half_w, half_h = VISIT_IMAGE.width / 2, VISIT_IMAGE.height / 2
    corners = np.array([[-half_w, -half_h], [half_w, -half_h], [half_w, half_h], [-half_w, half_h]])
    centres = np.array(
        [
            [(col - 1) * DETECTOR_PITCH, (row - 1) * DETECTOR_PITCH]
            for row in range(3)
            for col in range(3)
        ]
    )
    fp = (centres[:, None, :] + corners[None, :, :]) * PIXEL_SCALE  # (9, 4, 2) degrees
    theta = np.radians(exposures.rotation)[:, None, None]
    cos, sin = np.cos(theta), np.sin(theta)
    xi = fp[None, :, :, 0] * cos - fp[None, :, :, 1] * sin
    eta = fp[None, :, :, 0] * sin + fp[None, :, :, 1] * cos
    return tangent_to_sky(exposures.ra[:, None, None], exposures.dec[:, None, None], xi, eta)


def _isot(mjd: Array) -> list[str]:
    return [f"{s}Z" for s in Time(mjd, format="mjd", scale="utc", precision=6).isot]


def _table(columns: dict[str, Any], n: int) -> pa.Table:
    arrays = []
    for field in ARROW_SCHEMA:
        value = columns.get(field.name)
        if value is None:
            arrays.append(pa.nulls(n, field.type))
        elif isinstance(value, (str, int, float)):
            arrays.append(pa.repeat(pa.scalar(value, field.type), n))
        elif isinstance(value, pa.Array):
            arrays.append(value.cast(field.type))
        else:
            arrays.append(pa.array(value, field.type))
    return pa.Table.from_arrays(arrays, schema=ARROW_SCHEMA)


def _text(values: npt.ArrayLike) -> pa.StringArray:
    """Numbers or strings as an Arrow string array."""
    text: pa.StringArray = pc.cast(pa.array(values), pa.string())
    return text


def _by_band(bands: npt.NDArray[np.str_], attribute: str) -> npt.NDArray[Any]:
    """A band's attribute (``em_min``...) for each row's band."""
    names, index = np.unique(bands, return_inverse=True)
    return np.array([getattr(BANDS[str(b)], attribute) for b in names])[index]


def _common_columns(
    product: ProductType,
    bands: npt.NDArray[np.str_],
    corners: tuple[Array, Array],
    rng: np.random.Generator,
) -> dict[str, Any]:
    """The columns every image product fills alike: identity, footprint, band, access."""
    s_ra, s_dec, radius = bounding_circle(corners[0], corners[1])
    uuids = uuid_strings(rng, len(bands))
    # A UUID needs no quoting in a URL: the DID's is the prefix's.
    dids = pc.binary_join_element_wise(DID_PREFIX, uuids, "")
    access_urls = pc.binary_join_element_wise(datalink_path(DID_PREFIX), uuids, "")
    return {
        "obs_collection": COLLECTION,
        "dataproduct_type": "image",
        "dataproduct_subtype": product.subtype,
        "calib_level": product.calib_level,
        "lsst_band": bands,
        "s_ra": s_ra,
        "s_dec": s_dec,
        "s_fov": 2 * radius,
        "s_region": format_polygons(corners[0], corners[1]),
        "em_min": _by_band(bands, "em_min"),
        "em_max": _by_band(bands, "em_max"),
        "em_xel": 1,
        "em_res_power": _by_band(bands, "resolving_power"),
        "instrument_name": INSTRUMENT,
        "facility_name": FACILITY,
        "o_ucd": product.o_ucd,
        "access_url": access_urls,
        "access_format": ACCESS_FORMAT,
        "access_estsize": product.estsize_kb,
        "obs_publisher_did": dids,
        "s_xel1": product.width,
        "s_xel2": product.height,
    }


def detector_rows(
    exposures: Exposures,
    product: ProductType,
    keep: npt.NDArray[np.bool_],
    rng: np.random.Generator,
    footprints: tuple[Array, Array],
) -> pa.Table:
    """Rows of one detector-level product for the (exposure, detector) pairs in ``keep``.

    Parameters
    ----------
    exposures
        The exposures.
    product
        ``RAW``, ``VISIT_IMAGE`` or ``DIFFERENCE_IMAGE``.
    keep
        Boolean (n_exposures, 9): which detector images of this product exist.
    rng
        Source of the dataset UUIDs.
    footprints
        The result of :func:`detector_footprints` for ``exposures``.
    """
    ei, det = np.nonzero(keep)
    bands = exposures.band[ei]
    columns = _common_columns(product, bands, (footprints[0][ei, det], footprints[1][ei, det]), rng)
    obs_ids = pc.binary_join_element_wise(
        "CC_O", _text(exposures.day_obs[ei]), pc.utf8_lpad(_text(exposures.seq[ei]), 6, "0"), "_"
    )
    t_min = exposures.t_start[ei]
    start_isot = pa.array(_isot(exposures.t_start), pa.string()).take(pa.array(ei))
    detector_names = pa.array(DETECTOR_NAMES, pa.string()).take(pa.array(det))
    columns.update(
        {
            "lsst_filter": _by_band(bands, "physical_filter"),
            "lsst_visit": exposures.exposure_id[ei],
            "lsst_detector": det,
            "t_min": t_min,
            "t_max": t_min + SHUTTER_OPEN,
            "t_exptime": EXPOSURE_TIME,
            "t_resolution": EXPOSURE_TIME,
            "t_xel": 1,
            "obs_id": obs_ids,
            "obs_title": pc.binary_join_element_wise(
                f"{product.name} - ",
                _text(bands),
                " - ",
                obs_ids,
                "-",
                detector_names,
                " ",
                start_isot,
                "",
            ),
            "target_name": exposures.target[ei],
            "s_resolution": exposures.seeing[ei],
        }
    )
    return _table(columns, len(ei))


def coadd_rows(
    product: ProductType,
    tracts: npt.NDArray[np.int64],
    patches: npt.NDArray[np.int64],
    bands: npt.NDArray[np.str_],
    corners: tuple[Array, Array],
    seeing: Array,
    rng: np.random.Generator,
    skymap_name: str,
) -> pa.Table:
    """Rows of coadds, one per (tract, patch, band); ``corners`` are (n, 4) outer patch
    corners. Coadds have no time, target, visit, detector or physical filter (as in DP1)."""
    columns = _common_columns(product, bands, corners, rng)
    columns.update(
        {
            "lsst_tract": tracts,
            "lsst_patch": patches,
            "obs_id": [f"{skymap_name}-{t}-{p}" for t, p in zip(tracts, patches, strict=True)],
            "obs_title": [
                f"{product.name} - {b} - tract={t} patch={p}"
                for b, t, p in zip(bands, tracts, patches, strict=True)
            ],
            "s_resolution": seeing,
        }
    )
    return _table(columns, len(tracts))
