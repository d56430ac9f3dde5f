"""The five DP1 image products this library writes: sizes, HDUs and which one a row is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from obscore import products

__all__ = [
    "PLANE_EXTENSIONS",
    "PRODUCT_KINDS",
    "RAW_EXTENSIONS",
    "ProductError",
    "ProductKind",
    "product_kind",
]

PLANE_EXTENSIONS = ("IMAGE", "MASK", "VARIANCE")
"""Extensions of processed images (after a header-only primary HDU), in file order."""

RAW_EXTENSIONS = ("IMAGE",)
"""The one extension of a raw (after a header-only primary HDU)."""


class ProductError(ValueError):
    """A row this library cannot make a file for (unknown subtype, missing values)."""


@dataclass(frozen=True, slots=True)
class ProductKind:
    """One product type: its Butler name, image size and FITS extensions."""

    name: str
    """Butler dataset type: ``raw``, ``visit_image``, ``difference_image``,
    ``deep_coadd`` or ``template_coadd`` (written as ``PRODTYPE``)."""

    width: int
    """``NAXIS1`` = ObsCore ``s_xel1``."""

    height: int
    """``NAXIS2`` = ObsCore ``s_xel2``."""

    extensions: tuple[str, ...]
    """``EXTNAME`` of the extensions after the primary HDU, in order."""

    @property
    def subtype(self) -> str:
        """The ObsCore ``dataproduct_subtype`` (``lsst.visit_image``...)."""
        return f"lsst.{self.name}"

    @property
    def is_raw(self) -> bool:
        """Whether this is an unprocessed readout in ADU (no mask or variance)."""
        return self.name == products.RAW.name

    @property
    def is_coadd(self) -> bool:
        """Whether images are per tract and patch rather than per visit and detector."""
        return self.name in (products.DEEP_COADD.name, products.TEMPLATE_COADD.name)


def _kind(product: products.ProductType) -> ProductKind:
    extensions = RAW_EXTENSIONS if product is products.RAW else PLANE_EXTENSIONS
    return ProductKind(product.name, product.width, product.height, extensions)


PRODUCT_KINDS: Mapping[str, ProductKind] = MappingProxyType(
    {
        k.subtype: k
        for k in map(
            _kind,
            (
                products.RAW,
                products.VISIT_IMAGE,
                products.DIFFERENCE_IMAGE,
                products.DEEP_COADD,
                products.TEMPLATE_COADD,
            ),
        )
    }
)
"""Every product kind by ObsCore ``dataproduct_subtype``."""


def product_kind(row: Mapping[str, Any]) -> ProductKind:
    """The product kind of an ObsCore row (by its ``dataproduct_subtype``).

    Raises
    ------
    ProductError
        If the subtype is not one of the five DP1 image products.
    """
    subtype = row.get("dataproduct_subtype")
    try:
        return PRODUCT_KINDS[str(subtype)]
    except KeyError:
        raise ProductError(f"no demo file for dataproduct_subtype {subtype!r}") from None
