"""The published columns of ``ivoa.ObsCore``: the metadata every other view derives from.

The SQL table (:mod:`obscore.schema`), the TAP_SCHEMA rows (:mod:`obscore.tap_schema`) and,
later, the VOTable FIELDs are all built from :data:`OBSCORE_COLUMNS`, so a column's unit or
UCD is written down exactly once.

The list is Rubin's DP1 ``ivoa.ObsCore`` (36 columns, in Rubin's ``column_index`` order) plus
the two ObsCore 1.1 mandatory columns Rubin's table lacks (``access_estsize`` and
``pol_states``). Utypes carry the ``obscore:`` prefix the ObsCore REC uses (Rubin writes
them bare).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "OBSCORE_COLUMNS",
    "OBSCORE_DESCRIPTION",
    "OBSCORE_TABLE",
    "OPTIONAL_COLUMNS",
    "STORED_COLUMNS",
    "ColumnSpec",
    "column",
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


def _oc(utype: str) -> str:
    return f"obscore:{utype}"


OBSCORE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "obs_collection",
        "char",
        "Name of the data collection",
        "128*",
        ucd="meta.id",
        utype=_oc("DataID.collection"),
        nullable=False,
    ),
    ColumnSpec(
        "dataproduct_type",
        "char",
        "Data product (file content) primary type",
        "128*",
        ucd="meta.code.class",
        utype=_oc("ObsDataset.dataProductType"),
    ),
    ColumnSpec(
        "dataproduct_subtype",
        "char",
        "Data product specific type",
        "64*",
        ucd="meta.code.class",
        utype=_oc("ObsDataset.dataProductSubtype"),
        indexed=True,
    ),
    ColumnSpec(
        "calib_level",
        "int",
        "Calibration level of the observation: in {0, 1, 2, 3, 4}",
        ucd="meta.code;obs.calib",
        utype=_oc("ObsDataset.calibLevel"),
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
        utype=_oc("Char.SpatialAxis.Coverage.Location.Coord.Position2D.Value2.C1"),
        indexed=True,
    ),
    ColumnSpec(
        "s_dec",
        "double",
        "Central Spatial Position in ICRS; Declination",
        unit="deg",
        ucd="pos.eq.dec",
        utype=_oc("Char.SpatialAxis.Coverage.Location.Coord.Position2D.Value2.C2"),
        indexed=True,
    ),
    ColumnSpec(
        "em_min",
        "double",
        "start in spectral coordinates",
        unit="m",
        ucd="em.wl;stat.min",
        utype=_oc("Char.SpectralAxis.Coverage.Bounds.Limits.LoLimit"),
    ),
    ColumnSpec(
        "em_max",
        "double",
        "stop in spectral coordinates",
        unit="m",
        ucd="em.wl;stat.max",
        utype=_oc("Char.SpectralAxis.Coverage.Bounds.Limits.HiLimit"),
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
        utype=_oc("Provenance.ObsConfig.Instrument.name"),
    ),
    ColumnSpec(
        "t_min",
        "double",
        "Start time in MJD (UTC)",
        unit="d",
        ucd="time.start;obs.exposure",
        utype=_oc("Char.TimeAxis.Coverage.Bounds.Limits.StartTime"),
        indexed=True,
    ),
    ColumnSpec(
        "t_max",
        "double",
        "Stop time in MJD (UTC)",
        unit="d",
        ucd="time.end;obs.exposure",
        utype=_oc("Char.TimeAxis.Coverage.Bounds.Limits.StopTime"),
        indexed=True,
    ),
    ColumnSpec(
        "t_exptime",
        "double",
        "Total exposure time",
        unit="s",
        ucd="time.duration;obs.exposure",
        utype=_oc("Char.TimeAxis.Coverage.Support.Extent"),
    ),
    ColumnSpec(
        "s_fov",
        "double",
        "Estimated size of the covered region as the diameter of a containing circle",
        unit="deg",
        ucd="phys.angSize;instr.fov",
        utype=_oc("Char.SpatialAxis.Coverage.Bounds.Extent.diameter"),
    ),
    ColumnSpec(
        "obs_id",
        "char",
        "Internal ID given by the ObsTAP service",
        "128*",
        ucd="meta.id",
        utype=_oc("DataID.observationID"),
        indexed=True,
        nullable=False,
    ),
    ColumnSpec(
        "o_ucd",
        "char",
        "Nature of the observable axis",
        "32*",
        ucd="meta.ucd",
        utype=_oc("Char.ObservableAxis.ucd"),
    ),
    ColumnSpec(
        "facility_name",
        "char",
        "The name of the facility, telescope, or space craft used for the observation",
        "128*",
        ucd="meta.id;instr.tel",
        utype=_oc("Provenance.ObsConfig.Facility.name"),
    ),
    ColumnSpec(
        "obs_title",
        "char",
        "Brief description of dataset in free format",
        "256*",
        ucd="meta.title;obs",
        utype=_oc("DataID.title"),
    ),
    ColumnSpec(
        "s_region",
        "char",
        "Sky region covered by the data product (expressed in ICRS frame)",
        "*",
        ucd="pos.outline;obs.field",
        utype=_oc("Char.SpatialAxis.Coverage.Support.Area"),
        xtype="adql:REGION",
        indexed=True,
    ),
    ColumnSpec(
        "access_url",
        "char",
        "URL used to access dataset",
        "*",
        ucd="meta.ref.url",
        utype=_oc("Access.reference"),
        xtype="adql:clob",
    ),
    ColumnSpec(
        "access_format",
        "char",
        "Content format of the dataset",
        "128*",
        ucd="meta.code.mime",
        utype=_oc("Access.format"),
    ),
    ColumnSpec(
        "access_estsize",
        "long",
        "Estimated size of the dataset",
        unit="kbyte",
        ucd="phys.size;meta.file",
        utype=_oc("Access.size"),
    ),
    ColumnSpec(
        "obs_publisher_did",
        "char",
        "ID for the Dataset given by the publisher",
        "128*",
        ucd="meta.ref.ivoid",
        utype=_oc("Curation.publisherDID"),
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
        utype=_oc("Target.name"),
        principal=False,
    ),
    ColumnSpec(
        "s_resolution",
        "double",
        "Spatial resolution of data as FWHM of PSF",
        unit="arcsec",
        ucd="pos.angResolution",
        utype=_oc("Char.SpatialAxis.Resolution.Refval.value"),
        principal=False,
    ),
    ColumnSpec(
        "s_xel1",
        "long",
        "Number of elements along the first coordinate of the spatial axis",
        ucd="meta.number",
        utype=_oc("Char.SpatialAxis.numBins1"),
        principal=False,
    ),
    ColumnSpec(
        "s_xel2",
        "long",
        "Number of elements along the second coordinate of the spatial axis",
        ucd="meta.number",
        utype=_oc("Char.SpatialAxis.numBins2"),
        principal=False,
    ),
    ColumnSpec(
        "t_resolution",
        "double",
        "Temporal resolution FWHM",
        unit="s",
        ucd="time.resolution",
        utype=_oc("Char.TimeAxis.Resolution.Refval.value"),
        principal=False,
    ),
    ColumnSpec(
        "t_xel",
        "long",
        "Number of elements along the time axis",
        ucd="meta.number",
        utype=_oc("Char.TimeAxis.numBins"),
        principal=False,
    ),
    ColumnSpec(
        "pol_states",
        "char",
        "List of polarization states present in the data",
        "*",
        ucd="meta.code;phys.polarization",
        utype=_oc("Char.PolarizationAxis.stateList"),
        principal=False,
    ),
    ColumnSpec(
        "pol_xel",
        "long",
        "Number of elements along the polarization axis",
        ucd="meta.number",
        utype=_oc("Char.PolarizationAxis.numBins"),
        principal=False,
    ),
    ColumnSpec(
        "em_xel",
        "long",
        "Number of elements along the spectral axis",
        ucd="meta.number",
        utype=_oc("Char.SpectralAxis.numBins"),
        principal=False,
    ),
    ColumnSpec(
        "em_res_power",
        "double",
        "Value of the resolving power along the spectral axis (R)",
        ucd="spect.resolution",
        utype=_oc("Char.SpectralAxis.Resolution.ResolPower.refVal"),
        principal=False,
    ),
)


def _optional(
    name: str,
    datatype: str,
    description: str,
    utype: str,
    ucd: str,
    unit: str | None = None,
    xtype: str | None = None,
) -> ColumnSpec:
    return ColumnSpec(
        name,
        datatype,
        description,
        "*" if datatype == "char" else None,
        unit=unit,
        ucd=ucd,
        utype=_oc(utype),
        xtype=xtype,
        principal=False,
    )


OPTIONAL_COLUMNS: tuple[ColumnSpec, ...] = (
    _optional("target_class", "char", "Class of the target object", "Target.class", "src.class"),
    _optional(
        "obs_creation_date",
        "char",
        "Date when the dataset was created",
        "DataID.date",
        "time;meta.dataset",
        xtype="timestamp",
    ),
    _optional(
        "obs_creator_name", "char", "Name of the creator of the data", "DataID.creator", "meta.id"
    ),
    _optional(
        "obs_creator_did",
        "char",
        "IVOA dataset identifier given by the creator",
        "DataID.creatorDID",
        "meta.id",
    ),
    _optional(
        "publisher_id",
        "char",
        "IVOA identifier of the publisher",
        "Curation.publisherID",
        "meta.ref.uri;meta.curation",
    ),
    _optional(
        "bib_reference",
        "char",
        "Service bibliographic reference",
        "Curation.reference",
        "meta.bib.bibcode",
    ),
    _optional(
        "data_rights", "char", "Public, secure or proprietary", "Curation.rights", "meta.code"
    ),
    _optional(
        "obs_release_date",
        "char",
        "Date when the data are public",
        "Curation.releaseDate",
        "time.release",
        xtype="timestamp",
    ),
    _optional(
        "s_ucd",
        "char",
        "UCD for the nature of the spatial axis (position or phase)",
        "Char.SpatialAxis.ucd",
        "meta.ucd",
    ),
    _optional(
        "s_unit", "char", "Unit used for the spatial axis", "Char.SpatialAxis.unit", "meta.unit"
    ),
    _optional(
        "s_resolution_min",
        "double",
        "Resolution minimum value on the spatial axis",
        "Char.SpatialAxis.Resolution.Bounds.Limits.LoLimit",
        "pos.angResolution;stat.min",
        "arcsec",
    ),
    _optional(
        "s_resolution_max",
        "double",
        "Resolution maximum value on the spatial axis",
        "Char.SpatialAxis.Resolution.Bounds.Limits.HiLimit",
        "pos.angResolution;stat.max",
        "arcsec",
    ),
    _optional(
        "s_calib_status",
        "char",
        "Type of calibration along the spatial axis (uncalibrated, raw, calibrated)",
        "Char.SpatialAxis.calibrationStatus",
        "meta.code.qual",
    ),
    _optional(
        "s_stat_error",
        "double",
        "Astrometric precision along the spatial axis",
        "Char.SpatialAxis.Accuracy.StatError.Refval.value",
        "stat.error;pos.eq",
        "arcsec",
    ),
    _optional(
        "s_pixel_scale",
        "double",
        "Sampling period in world coordinates along the spatial axis",
        "Char.SpatialAxis.Sampling.RefVal.SamplingPeriod",
        "phys.angSize;instr.pixel",
        "arcsec",
    ),
    _optional(
        "t_calib_status",
        "char",
        "Type of calibration along the time axis",
        "Char.TimeAxis.calibrationStatus",
        "meta.code.qual",
    ),
    _optional(
        "t_stat_error",
        "double",
        "Time coordinate statistical error",
        "Char.TimeAxis.Accuracy.StatError.Refval.value",
        "stat.error;time",
        "s",
    ),
    _optional("em_ucd", "char", "Nature of the spectral axis", "Char.SpectralAxis.ucd", "meta.ucd"),
    _optional(
        "em_unit", "char", "Units along the spectral axis", "Char.SpectralAxis.unit", "meta.unit"
    ),
    _optional(
        "em_calib_status",
        "char",
        "Type of spectral coordinate calibration",
        "Char.SpectralAxis.calibrationStatus",
        "meta.code.qual",
    ),
    _optional(
        "em_res_power_min",
        "double",
        "Resolving power minimum value on the spectral axis",
        "Char.SpectralAxis.Resolution.ResolPower.LoLimit",
        "spect.resolution;stat.min",
    ),
    _optional(
        "em_res_power_max",
        "double",
        "Resolving power maximum value on the spectral axis",
        "Char.SpectralAxis.Resolution.ResolPower.HiLimit",
        "spect.resolution;stat.max",
    ),
    _optional(
        "em_resolution",
        "double",
        "Value of the resolution along the spectral axis",
        "Char.SpectralAxis.Resolution.Refval.value",
        "spect.resolution;stat.mean",
        "m",
    ),
    _optional(
        "em_stat_error",
        "double",
        "Spectral coordinate measurement error",
        "Char.SpectralAxis.Accuracy.StatError.Refval.value",
        "stat.error;em",
        "m",
    ),
    _optional(
        "o_unit",
        "char",
        "Units used for the observable values",
        "Char.ObservableAxis.unit",
        "meta.unit",
    ),
    _optional(
        "o_calib_status",
        "char",
        "Level of calibration for the observable coordinate",
        "Char.ObservableAxis.calibrationStatus",
        "meta.code.qual",
    ),
    _optional(
        "o_stat_error",
        "double",
        "Statistical error on the observable",
        "Char.ObservableAxis.Accuracy.StatError.Refval.value",
        "stat.error",
    ),
    _optional(
        "proposal_id",
        "char",
        "Identifier of the proposal for which the data were acquired",
        "Provenance.Proposal.identifier",
        "meta.id;obs.proposal",
    ),
)
"""ObsCore 1.1's optional columns (sect. 4, Table 6) beyond those of
:data:`OBSCORE_COLUMNS`: stored for every archive, published in TAP_SCHEMA only once the
archive holds a value in them (:mod:`obscore.archive_columns`)."""

STORED_COLUMNS: tuple[ColumnSpec, ...] = OBSCORE_COLUMNS + OPTIONAL_COLUMNS
"""Every ObsCore column the table stores, published or not yet."""

_BY_NAME = {c.name: c for c in STORED_COLUMNS}


def column(name: str) -> ColumnSpec:
    """Return the spec of the ObsCore column called ``name``.

    Raises
    ------
    KeyError
        If there is no such column.
    """
    return _BY_NAME[name]
