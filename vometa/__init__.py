"""VOTable field metadata, the one description of a column every layer shares: the ADQL
binder infers it, the catalog and TAP_SCHEMA store it, uploads read it, the output
writers and service descriptors write it. A library: no dependencies."""

from __future__ import annotations

from vometa.field import Field, FieldType

__all__ = ["Field", "FieldType"]
