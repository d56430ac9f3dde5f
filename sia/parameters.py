"""The SIA 2.0 query parameters (and Rubin's DPSUBTYPE): what each one constrains.

One table drives parsing (:mod:`sia.query`), the ADQL each value becomes
(:mod:`sia.adql`) and the service's self-description, so the three cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["POL_STATES", "SIA_PARAMETERS", "Kind", "SiaParameter", "parameter"]


class Kind(Enum):
    """How a parameter's values are read and matched."""

    SHAPE = "shape"
    """POS: the footprint (``s_region``) intersects a CIRCLE, RANGE or POLYGON."""
    OVERLAP = "overlap"
    """An interval overlapping the row's [low column, high column] (BAND, TIME)."""
    INTERVAL = "interval"
    """An interval containing the row's value, bounds included (EXPTIME, FOV...)."""
    EXACT = "exact"
    """A string equal to the row's value, case-sensitive."""
    CASELESS = "caseless"
    """A string equal to the row's value, ignoring case (ID: IVOIDs)."""
    INTEGER = "integer"
    """A whole number equal to the row's value (CALIB)."""
    POLARIZATION = "polarization"
    """A polarization state listed in the row's ``pol_states`` (``/I/Q/``)."""


@dataclass(frozen=True, slots=True)
class SiaParameter:
    """One query parameter."""

    name: str
    kind: Kind
    columns: tuple[str, ...]
    description: str
    unit: str | None = None
    xtype: str | None = None


POL_STATES = ("I", "Q", "U", "V", "RR", "LL", "RL", "LR", "XX", "YY", "XY", "YX", "POLI", "POLA")
"""The polarization states ObsCore's ``pol_states`` lists."""

SIA_PARAMETERS: tuple[SiaParameter, ...] = (
    SiaParameter(
        "POS",
        Kind.SHAPE,
        ("s_region",),
        "Region the image must overlap: CIRCLE ra dec radius, RANGE lon1 lon2 lat1 lat2 "
        "(-Inf/+Inf allowed) or POLYGON ra1 dec1 ra2 dec2 ... (ICRS degrees)",
        unit="deg",
    ),
    SiaParameter(
        "BAND",
        Kind.OVERLAP,
        ("em_min", "em_max"),
        "Wavelength (one value) or interval the image's band must overlap, in metres",
        unit="m",
        xtype="interval",
    ),
    SiaParameter(
        "TIME",
        Kind.OVERLAP,
        ("t_min", "t_max"),
        "Time (one value) or interval the observation must overlap, MJD (UTC)",
        unit="d",
        xtype="interval",
    ),
    SiaParameter(
        "POL", Kind.POLARIZATION, ("pol_states",), "Polarization state the data must include"
    ),
    SiaParameter(
        "FOV",
        Kind.INTERVAL,
        ("s_fov",),
        "Range of the field of view (diameter), in degrees",
        unit="deg",
        xtype="interval",
    ),
    SiaParameter(
        "SPATRES",
        Kind.INTERVAL,
        ("s_resolution",),
        "Range of the spatial resolution (PSF FWHM), in arcseconds",
        unit="arcsec",
        xtype="interval",
    ),
    SiaParameter(
        "EXPTIME",
        Kind.INTERVAL,
        ("t_exptime",),
        "Range of the total exposure time, in seconds (bounds included)",
        unit="s",
        xtype="interval",
    ),
    SiaParameter(
        "TIMERES",
        Kind.INTERVAL,
        ("t_resolution",),
        "Range of the time resolution, in seconds",
        unit="s",
        xtype="interval",
    ),
    SiaParameter(
        "SPECRP",
        Kind.INTERVAL,
        ("em_res_power",),
        "Range of the spectral resolving power",
        xtype="interval",
    ),
    SiaParameter(
        "ID",
        Kind.CASELESS,
        ("obs_publisher_did",),
        "Publisher's dataset identifier (an IVOID, compared ignoring case)",
    ),
    SiaParameter("COLLECTION", Kind.EXACT, ("obs_collection",), "Data collection name"),
    SiaParameter("FACILITY", Kind.EXACT, ("facility_name",), "Facility (observatory) name"),
    SiaParameter("INSTRUMENT", Kind.EXACT, ("instrument_name",), "Instrument name"),
    SiaParameter("DPTYPE", Kind.EXACT, ("dataproduct_type",), "Data product type (image, cube)"),
    SiaParameter(
        "CALIB", Kind.INTEGER, ("calib_level",), "Calibration level (0 raw ... 4 analysis)"
    ),
    SiaParameter("TARGET", Kind.EXACT, ("target_name",), "Target name"),
    SiaParameter("FORMAT", Kind.EXACT, ("access_format",), "Format (MIME type) of access_url"),
    SiaParameter(
        "DPSUBTYPE",
        Kind.EXACT,
        ("dataproduct_subtype",),
        "Rubin data product subtype, for example lsst.deep_coadd",
    ),
)
"""Every query parameter, in the order the self-description lists them."""

_BY_NAME = {p.name: p for p in SIA_PARAMETERS}


def parameter(name: str) -> SiaParameter | None:
    """The query parameter called ``name`` (any case), or None."""
    return _BY_NAME.get(name.upper())
