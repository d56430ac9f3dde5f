"""The TAP service's self-description: VOSI capabilities, availability and tables, and the
DALI examples page. Pure functions returning document bytes; the HTTP handlers serve them.
"""

from __future__ import annotations

from app.vosi.availability import availability_document
from app.vosi.capabilities import (
    UPLOAD_INLINE,
    FormatEntry,
    TapLimits,
    capabilities_document,
    tap_service_url,
)
from app.vosi.examples import EXAMPLES, Example, examples_document
from app.vosi.features import FeatureGroup, language_features
from app.vosi.tables import Detail, TapSchemaRows, table_document, tableset_document

__all__ = [
    "EXAMPLES",
    "UPLOAD_INLINE",
    "Detail",
    "Example",
    "FeatureGroup",
    "FormatEntry",
    "TapLimits",
    "TapSchemaRows",
    "availability_document",
    "capabilities_document",
    "examples_document",
    "language_features",
    "table_document",
    "tableset_document",
    "tap_service_url",
]
