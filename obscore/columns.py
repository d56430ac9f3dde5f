"""The published columns of ``ivoa.ObsCore``: the metadata every other view derives from.

The SQL table (:mod:`obscore.schema`), the TAP_SCHEMA rows (:mod:`obscore.tap_schema`) and,
later, the VOTable FIELDs are all built from :data:`OBSCORE_COLUMNS`, so a column's unit or
UCD is written down exactly once.

The list is Rubin's DP1 ``ivoa.ObsCore`` (36 columns, in Rubin's ``column_index`` order) plus
the two ObsCore 1.1 mandatory columns Rubin's table lacks (``access_estsize`` and
``pol_states``). Utypes carry the ``obscore:`` prefix the ObsCore REC uses (Rubin writes
them bare). ObsCore's optional columns are in :mod:`obscore.optional_columns`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "OBSCORE_COLUMNS",
    "OBSCORE_DESCRIPTION",
    "OBSCORE_TABLE",
    "ColumnSpec",
    "column",
    "obscore_utype",
]

OBSCORE_TABLE = "ivoa.ObsCore"
"""The qualified TAP name of the table (mixed case, as at Rubin and in the ObsCore REC)."""

OBSCORE_DESCRIPTION = "ObsCore 1.1: one row per image product of the archive"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """Everything the service publishes about one column.

    ``datatype`` and ``arraysize`` are VOTable terms, as TAP 1.1's TAP_SCHEMA uses them.
    """

    name: str
    """Column name as written in ADQL (and stored in TAP_SCHEMA)."""

    datatype: str
    """VOTable datatype: ``char``, ``short``, ``int``, ``long``, ``float`` or ``double``."""

    description: str
    arraysize: str | None = None
    """VOTable arraysize, e.g. ``"128*"`` or ``"*"``; None for scalars."""

    unit: str | None = None
    ucd: str | None = None
    utype: str | None = None
    xtype: str | None = None
    principal: bool = True
    std: bool = True
    indexed: bool = False
    nullable: bool = True

    @property
    def max_length(self) -> int | None:
        """The bound of a ``char`` column's length (``"128*"`` gives 128), if any."""
        if self.arraysize is None:
            return None
        digits = self.arraysize.rstrip("*")
        return int(digits) if digits else None


def obscore_utype(utype: str) -> str:
    """A utype of the ObsCore data model, with the ``obscore:`` prefix of the REC."""
    return f"obscore:{utype}"


OBSCORE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "obs_collection",
        "char",
        "Name of the data collection",
        "128*",
        ucd="meta.id",
        utype=obscore_utype("DataID.collection"),
        nullable=False,
    ),
    ColumnSpec(
        "dataproduct_type",
        "char",
        "Data product (file content) primary type",
        "128*",
        ucd="meta.code.class",
        utype=obscore_utype("ObsDataset.dataProductType"),
    ),
    ColumnSpec(
        "dataproduct_subtype",
        "char",
        "Data product specific type",
        "64*",
        ucd="meta.code.class",
        utype=obscore_utype("ObsDataset.dataProductSubtype"),
        indexed=True,
    ),
    ColumnSpec(
        "calib_level",
        "int",
        "Calibration level of the observation: in {0, 1, 2, 3, 4}",
        ucd="meta.code;obs.calib",
        utype=obscore_utype("ObsDataset.calibLevel"),
        indexed=True,
        nullable=False,
    ),
    ColumnSpec(
        "lsst_band",
        "char",
        "Abstract filter band designation",
        "10*",
        ucd="meta.id;instr.bandpass",
        std=False,
        indexed=True,
    ),
    ColumnSpec(
        "s_ra",
        "double",
        "Central Spatial Position in ICRS; Right ascension",
        unit="deg",
        ucd="pos.eq.ra",
        utype=obscore_utype("Char.SpatialAxis.Coverage.Location.Coord.Position2D.Value2.C1"),
        indexed=True,
    ),
    ColumnSpec(
        "s_dec",
        "double",
        "Central Spatial Position in ICRS; Declination",
        unit="deg",
        ucd="pos.eq.dec",
        utype=obscore_utype("Char.SpatialAxis.Coverage.Location.Coord.Position2D.Value2.C2"),
        indexed=True,
    ),
    ColumnSpec(
        "em_min",
        "double",
        "start in spectral coordinates",
        unit="m",
        ucd="em.wl;stat.min",
        utype=obscore_utype("Char.SpectralAxis.Coverage.Bounds.Limits.LoLimit"),
    ),
    ColumnSpec(
        "em_max",
        "double",
        "stop in spectral coordinates",
        unit="m",
        ucd="em.wl;stat.max",
        utype=obscore_utype("Char.SpectralAxis.Coverage.Bounds.Limits.HiLimit"),
    ),
    ColumnSpec(
        "lsst_tract",
        "long",
        "Upper level of LSST coadd skymap hierarchy",
        ucd="meta.id",
        std=False,
        indexed=True,
    ),
    ColumnSpec(
        "lsst_patch",
        "long",
        "Lower level of LSST coadd skymap hierarchy",
        ucd="meta.id.part",
        std=False,
        indexed=True,
    ),
    ColumnSpec(
        "lsst_filter",
        "char",
        "Physical filter designation from the LSSTCam filter set",
        "10*",
        ucd="meta.id;instr.filter",
        std=False,
    ),
    ColumnSpec(
        "lsst_visit",
        "long",
        "Identifier for a specific LSSTCam pointing",
        ucd="meta.id;obs",
        std=False,
        indexed=True,
    ),
    ColumnSpec(
        "lsst_detector",
        "long",
        "Identifier for CCD within the LSSTCam focal plane",
        ucd="meta.id.part;instr.det",
        std=False,
        indexed=True,
    ),
    ColumnSpec(
        "instrument_name",
        "char",
        "The name of the instrument used for the observation",
        "128*",
        ucd="meta.id;instr",
        utype=obscore_utype("Provenance.ObsConfig.Instrument.name"),
    ),
    ColumnSpec(
        "t_min",
        "double",
        "Start time in MJD (UTC)",
        unit="d",
        ucd="time.start;obs.exposure",
        utype=obscore_utype("Char.TimeAxis.Coverage.Bounds.Limits.StartTime"),
        indexed=True,
    ),
    ColumnSpec(
        "t_max",
        "double",
        "Stop time in MJD (UTC)",
        unit="d",
        ucd="time.end;obs.exposure",
        utype=obscore_utype("Char.TimeAxis.Coverage.Bounds.Limits.StopTime"),
        indexed=True,
    ),
    ColumnSpec(
        "t_exptime",
        "double",
        "Total exposure time",
        unit="s",
        ucd="time.duration;obs.exposure",
        utype=obscore_utype("Char.TimeAxis.Coverage.Support.Extent"),
    ),
    ColumnSpec(
        "s_fov",
        "double",
        "Estimated size of the covered region as the diameter of a containing circle",
        unit="deg",
        ucd="phys.angSize;instr.fov",
        utype=obscore_utype("Char.SpatialAxis.Coverage.Bounds.Extent.diameter"),
    ),
    ColumnSpec(
        "obs_id",
        "char",
        "Internal ID given by the ObsTAP service",
        "128*",
        ucd="meta.id",
        utype=obscore_utype("DataID.observationID"),
        indexed=True,
        nullable=False,
    ),
    ColumnSpec(
        "o_ucd",
        "char",
        "Nature of the observable axis",
        "32*",
        ucd="meta.ucd",
        utype=obscore_utype("Char.ObservableAxis.ucd"),
    ),
    ColumnSpec(
        "facility_name",
        "char",
        "The name of the facility, telescope, or space craft used for the observation",
        "128*",
        ucd="meta.id;instr.tel",
        utype=obscore_utype("Provenance.ObsConfig.Facility.name"),
    ),
    ColumnSpec(
        "obs_title",
        "char",
        "Brief description of dataset in free format",
        "256*",
        ucd="meta.title;obs",
        utype=obscore_utype("DataID.title"),
    ),
    ColumnSpec(
        "s_region",
        "char",
        "Sky region covered by the data product (expressed in ICRS frame)",
        "*",
        ucd="pos.outline;obs.field",
        utype=obscore_utype("Char.SpatialAxis.Coverage.Support.Area"),
        xtype="adql:REGION",
        indexed=True,
    ),
    ColumnSpec(
        "access_url",
        "char",
        "URL used to access dataset",
        "*",
        ucd="meta.ref.url",
        utype=obscore_utype("Access.reference"),
        xtype="adql:clob",
    ),
    ColumnSpec(
        "access_format",
        "char",
        "Content format of the dataset",
        "128*",
        ucd="meta.code.mime",
        utype=obscore_utype("Access.format"),
    ),
    ColumnSpec(
        "access_estsize",
        "long",
        "Estimated size of the dataset",
        unit="kbyte",
        ucd="phys.size;meta.file",
        utype=obscore_utype("Access.size"),
    ),
    ColumnSpec(
        "obs_publisher_did",
        "char",
        "ID for the Dataset given by the publisher",
        "128*",
        ucd="meta.ref.ivoid",
        utype=obscore_utype("Curation.publisherDID"),
        principal=False,
        indexed=True,
        nullable=False,
    ),
    ColumnSpec(
        "target_name",
        "char",
        "Object of interest",
        "32*",
        ucd="meta.id;src",
        utype=obscore_utype("Target.name"),
        principal=False,
    ),
    ColumnSpec(
        "s_resolution",
        "double",
        "Spatial resolution of data as FWHM of PSF",
        unit="arcsec",
        ucd="pos.angResolution",
        utype=obscore_utype("Char.SpatialAxis.Resolution.Refval.value"),
        principal=False,
    ),
    ColumnSpec(
        "s_xel1",
        "long",
        "Number of elements along the first coordinate of the spatial axis",
        ucd="meta.number",
        utype=obscore_utype("Char.SpatialAxis.numBins1"),
        principal=False,
    ),
    ColumnSpec(
        "s_xel2",
        "long",
        "Number of elements along the second coordinate of the spatial axis",
        ucd="meta.number",
        utype=obscore_utype("Char.SpatialAxis.numBins2"),
        principal=False,
    ),
    ColumnSpec(
        "t_resolution",
        "double",
        "Temporal resolution FWHM",
        unit="s",
        ucd="time.resolution",
        utype=obscore_utype("Char.TimeAxis.Resolution.Refval.value"),
        principal=False,
    ),
    ColumnSpec(
        "t_xel",
        "long",
        "Number of elements along the time axis",
        ucd="meta.number",
        utype=obscore_utype("Char.TimeAxis.numBins"),
        principal=False,
    ),
    ColumnSpec(
        "pol_states",
        "char",
        "List of polarization states present in the data",
        "*",
        ucd="meta.code;phys.polarization",
        utype=obscore_utype("Char.PolarizationAxis.stateList"),
        principal=False,
    ),
    ColumnSpec(
        "pol_xel",
        "long",
        "Number of elements along the polarization axis",
        ucd="meta.number",
        utype=obscore_utype("Char.PolarizationAxis.numBins"),
        principal=False,
    ),
    ColumnSpec(
        "em_xel",
        "long",
        "Number of elements along the spectral axis",
        ucd="meta.number",
        utype=obscore_utype("Char.SpectralAxis.numBins"),
        principal=False,
    ),
    ColumnSpec(
        "em_res_power",
        "double",
        "Value of the resolving power along the spectral axis (R)",
        ucd="spect.resolution",
        utype=obscore_utype("Char.SpectralAxis.Resolution.ResolPower.refVal"),
        principal=False,
    ),
)


_BY_NAME = {c.name: c for c in OBSCORE_COLUMNS}


def column(name: str) -> ColumnSpec:
    """Return the spec of the ObsCore column called ``name``.

    Raises
    ------
    KeyError
        If there is no such column.
    """
    return _BY_NAME[name]
