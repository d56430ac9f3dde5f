"""Pixels: the archive's image files (a library, no web code): where a dataset's file
is and how to read parts of it, previews, and the DP1-shaped demo files.

The demo files
--------------
:func:`write_product` writes the FITS file of a demo ObsCore row (one of
:func:`obscore.demo.generate_dp1`'s), shaped like its DP1 product and deterministic from
the row and a seed:

* ``lsst.visit_image`` and ``lsst.difference_image``: 4072 x 4000; ``lsst.deep_coadd``
  and ``lsst.template_coadd``: 3400 x 3400 on the tract's pixel grid. A header-only
  primary HDU, then ``IMAGE`` (float32, nJy), ``MASK`` (int32, LSST planes, ``MP_<NAME>``
  cards) and ``VARIANCE`` (float32, nJy**2), RICE tile-compressed (quantised floats with
  subtractive dithering, lossless mask).
* ``lsst.raw``: 4608 x 4096 int32 ADU with bias, prescan and overscan (16 amplifiers), one
  losslessly compressed ``IMAGE`` extension with an approximate WCS.

Every image HDU carries a TAN WCS matching the row's ``s_region``. The pixels show one
shared synthetic sky (:mod:`pixels.sky`) through the row's seeing, with noise as VARIANCE
says, transients in visits and difference images, saturation and masks (see
:mod:`pixels.planes`, :mod:`pixels.raw` and :mod:`pixels.wcs`).

Public names
------------
``write_product(row, path, *, seed=DEFAULT_SEED)``
    Write a row's file (atomically).
``product_kind(row) -> ProductKind``
    Which product a row is: Butler name, size, extension names (``PRODUCT_KINDS`` holds
    all five, keyed by ``dataproduct_subtype``).
``image_wcs(row) -> TanWcs``
    The WCS written to a row's image HDUs (``.to_astropy()``, ``.sky_to_pixel()``...).
``MASK_PLANES``
    Mask plane name to bit (``MP_BAD = 0``, ``MP_SAT = 1``...).
``ZERO_POINT_AB``
    31.4: the AB magnitude of 1 nJy, written as ``MAGZERO`` in processed images.
``ProductError``
    Raised for rows that are not a demo image product.

The other modules (file locations, the file cache, previews) are imported by name; this
package's names load their modules on first use, so importing one of those does not load
the generator.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pixels.masks import MASK_PLANES
    from pixels.photometry import ZERO_POINT_AB
    from pixels.products import PRODUCT_KINDS, ProductError, ProductKind, product_kind
    from pixels.wcs import TanWcs, image_wcs
    from pixels.writer import DEFAULT_SEED, write_product

__all__ = [
    "DEFAULT_SEED",
    "MASK_PLANES",
    "PRODUCT_KINDS",
    "ZERO_POINT_AB",
    "ProductError",
    "ProductKind",
    "TanWcs",
    "image_wcs",
    "product_kind",
    "write_product",
]

_HOMES = {
    "DEFAULT_SEED": "pixels.writer",
    "MASK_PLANES": "pixels.masks",
    "PRODUCT_KINDS": "pixels.products",
    "ZERO_POINT_AB": "pixels.photometry",
    "ProductError": "pixels.products",
    "ProductKind": "pixels.products",
    "TanWcs": "pixels.wcs",
    "image_wcs": "pixels.wcs",
    "product_kind": "pixels.products",
    "write_product": "pixels.writer",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'pixels' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
