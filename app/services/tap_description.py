"""The TAP service's self-description: VOSI capabilities and tables, and the DALI
examples page, built from the deployment's limits and the published TAP_SCHEMA.
"""

from __future__ import annotations

from app.formats.registry import OUTPUT_FORMATS
from app.paths import TAP_PATH
from app.vosi import TapLimits, capabilities_document, examples_document
from app.vosi.tables import Detail, TableDocuments

__all__ = ["TapDescriptionService"]


class TapDescriptionService:
    """Answers the TAP service's VOSI capabilities and tables and its DALI examples."""

    def __init__(
        self,
        *,
        base_url: str,
        limits: TapLimits,
        upload_methods: list[str],
        tables: TableDocuments,
    ) -> None:
        self._base_url = base_url
        self._tables = tables
        self._limits = limits
        self._upload_methods = upload_methods

    def capabilities(self) -> bytes:
        """VOSI capabilities with TAPRegExt."""
        return capabilities_document(
            base_url=self._base_url,
            tap_path=TAP_PATH,
            limits=self._limits,
            output_formats=[(f.mime, f.aliases, f.ivo_id) for f in OUTPUT_FORMATS],
            upload_methods=self._upload_methods,
        )

    def tables(self, detail: Detail) -> bytes:
        """The published tables (``min``: without columns)."""
        return self._tables.tableset(detail)

    def table(self, name: str) -> bytes | None:
        """One published table in full, or None if there is no such table."""
        return self._tables.table(name)

    def examples(self) -> bytes:
        """The DALI examples page."""
        return examples_document(self._base_url, TAP_PATH)
