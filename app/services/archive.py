"""What the archive holds: a summary for the landing page and for operators."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from obscore.schema import ArchiveSchema

__all__ = ["ArchiveService", "ArchiveSummary"]


@dataclass(frozen=True, slots=True)
class ArchiveSummary:
    """Row counts of the archive by data product subtype."""

    backend: str
    by_subtype: dict[str, int]

    @property
    def total(self) -> int:
        """All rows."""
        return sum(self.by_subtype.values())


class ArchiveService:
    """Read-only questions about the archive as a whole."""

    def __init__(self, *, engine: sa.Engine, schema: ArchiveSchema) -> None:
        self._engine = engine
        self._schema = schema

    def summary(self) -> ArchiveSummary:
        """Count the rows of each data product subtype (blocking)."""
        subtype = self._schema.obscore.c.dataproduct_subtype
        query = sa.select(subtype, sa.func.count()).group_by(subtype).order_by(subtype)
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return ArchiveSummary(
            self._schema.backend, {str(name or "(none)"): int(n) for name, n in rows}
        )
