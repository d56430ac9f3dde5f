"""What the binder validates queries against: the published tables and their columns.

A protocol, so that the catalog's provider (``obscore``, from TAP_SCHEMA) need not import
``adql``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

__all__ = ["Catalog", "CatalogColumn", "CatalogTable", "identifier_key"]


class CatalogColumn(Protocol):
    """A column as TAP_SCHEMA.columns describes it."""

    @property
    def name(self) -> str:
        """As in TAP_SCHEMA: a regular name, or a delimited one with its quotes."""
        ...

    @property
    def datatype(self) -> str: ...

    @property
    def arraysize(self) -> str | None: ...

    @property
    def unit(self) -> str | None: ...

    @property
    def ucd(self) -> str | None: ...

    @property
    def utype(self) -> str | None: ...

    @property
    def xtype(self) -> str | None: ...

    @property
    def description(self) -> str | None: ...


class CatalogTable(Protocol):
    """A table as TAP_SCHEMA.tables describes it."""

    @property
    def schema_name(self) -> str: ...

    @property
    def table_name(self) -> str:
        """Qualified, as stored in TAP_SCHEMA.tables (``ivoa.ObsCore``)."""
        ...

    @property
    def columns(self) -> Sequence[CatalogColumn]: ...


class Catalog(Protocol):
    """Every table a query may name."""

    def tables(self) -> Iterable[CatalogTable]: ...


def identifier_key(name: str) -> str:
    """How a stored name compares: delimited names exactly, regular names folded."""
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1].replace('""', '"')
    return name.lower()
