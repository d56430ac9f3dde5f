"""ObsCore 1.1's optional columns, which every archive stores and publishes once it holds
values in them (:mod:`obscore.archive_columns`); metadata as the REC (sect. 4, Table 6)
and STILTS taplint give it.
"""

from __future__ import annotations

from obscore.columns import OBSCORE_COLUMNS, ColumnSpec, obscore_utype

__all__ = ["OPTIONAL_COLUMNS", "STORED_COLUMNS"]


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
        utype=obscore_utype(utype),
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
archive holds a value in them (the loads record them: :mod:`obscore.archive_columns`)."""

STORED_COLUMNS: tuple[ColumnSpec, ...] = OBSCORE_COLUMNS + OPTIONAL_COLUMNS
"""Every ObsCore column the table stores, published or not yet."""
