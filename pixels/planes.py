"""The IMAGE, MASK and VARIANCE planes of processed images, made one at a time.

Each product is a generator of :class:`Plane` in file order, so the writer can compress and
drop one plane before the next exists. Pixels are background-subtracted nJy, as in DP1;
the sky still shows in the noise and in VARIANCE. The noise of a pixel is Gaussian with the
variance written in its VARIANCE plane:

* visit image: the scene (static sky plus the exposure's transients) with photon and read
  noise from the exposure's noise field; pixels reaching the sensor's full well are clipped
  and flagged SAT; EDGE along the borders.
* difference image: the same exposure noise (so it correlates with the visit image, as a
  real difference does) plus the template's, and the transients; static sources cancel.
* coadds: the static sky with a single visit's variance divided by the per-pixel number of
  inputs (:mod:`pixels.coverage`); NaN and NO_DATA where there is none.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from obscore.products import BAND_NAMES
from pixels import noise
from pixels.masks import mask_cards, mask_value
from pixels.products import ProductError
from pixels.scene import Scene
from pixels.sky import Sources

__all__ = [
    "DIFFERENCE_EDGE",
    "IMAGE_QUANTIZE",
    "TEMPLATE_INPUTS",
    "VARIANCE_QUANTIZE",
    "VISIT_EDGE",
    "Plane",
    "exposure_model",
    "noiseless_image",
    "processed_planes",
]

VISIT_EDGE = 10
DIFFERENCE_EDGE = 20
"""Width in pixels of the EDGE border of visit and difference images."""

TEMPLATE_INPUTS = 12
"""Inputs of the template subtracted in a difference image (its noise adds 1/12)."""

IMAGE_QUANTIZE = 16.0
"""IMAGE is quantised to steps of the background noise sigma over this."""

VARIANCE_QUANTIZE = 1024.0
"""VARIANCE is quantised to steps of the background variance over this."""

_DETECTION_SIGMA = 3.0
_TRANSIENT_HALF = 48
"""Half-size of the stamp a transient is drawn in (its light is negligible beyond)."""

Float32 = npt.NDArray[np.float32]
Mask = npt.NDArray[np.integer[Any]]


@dataclass(frozen=True, slots=True)
class Plane:
    """One image extension's data and what its header needs."""

    name: str
    """``EXTNAME``."""

    data: npt.NDArray[Any]
    unit: str | None
    """``BUNIT``, if any."""

    quantize_step: float | None
    """Absolute quantisation step of lossy float compression; None for lossless."""

    cards: tuple[tuple[str, Any, str], ...] = ()
    """Extra header cards ``(keyword, value, comment)``."""


def processed_planes(scene: Scene) -> Iterator[Plane]:
    """The planes of a visit, difference or coadd image, in file order.

    Raises
    ------
    ProductError
        For a raw (see :mod:`pixels.raw`).
    """
    if scene.kind.is_raw:
        raise ProductError("raws have no IMAGE/MASK/VARIANCE planes")
    if scene.kind.is_coadd:
        return _coadd(scene)
    if scene.kind.name == "difference_image":
        return _difference(scene)
    return _visit(scene)


def noiseless_image(scene: Scene) -> Float32:
    """The expectation of a processed image's IMAGE plane (before clipping): what the
    noise in its VARIANCE plane is added to. NaN where a coadd has no input."""
    if scene.kind.is_raw:
        raise ProductError("raws are in ADU; their expectation is not modelled here")
    if scene.kind.name == "difference_image":
        image = np.zeros((scene.height, scene.width), dtype=np.float32)
    else:
        image = scene.static_model()
    if not scene.kind.is_coadd:
        scene.draw(image, *scene.transient_sources())
    else:
        image[scene.input_counts() == 0] = np.nan
    return image


def _edge_mask(height: int, width: int, border: int) -> Mask:
    # The bits set on detector images (SAT, EDGE, DETECTED) fit a byte; widened when written.
    mask = np.zeros((height, width), dtype=np.uint8)
    edge = mask_value("EDGE")
    mask[:border] = mask[-border:] = edge
    mask[:, :border] = mask[:, -border:] = edge
    return mask


def _flag(mask: Mask, where: npt.NDArray[np.bool_], plane: str) -> None:
    mask[where] |= mask.dtype.type(mask_value(plane))


def _flag_detected(mask: Mask, model: Float32, variance: Float32) -> None:
    _flag(mask, (model > 0) & (model * model > _DETECTION_SIGMA**2 * variance), "DETECTED")


def _image_and_mask(
    image: Float32, mask: Mask, background: float, saturation: float
) -> Iterator[Plane]:
    """Yield IMAGE and MASK, dropping each array once it has been handed out (this frame
    holds the only references)."""
    cards = (("SATURATE", saturation, "[nJy] pixels at this value were clipped (SAT)"),)
    yield Plane("IMAGE", image, "nJy", math.sqrt(background) / IMAGE_QUANTIZE, cards)
    del image
    plane = Plane("MASK", mask.astype(np.int32), None, None, tuple(mask_cards()))
    del mask
    yield plane


def _variance_plane(variance: Float32, background: float) -> Plane:
    return Plane("VARIANCE", variance, "nJy**2", background / VARIANCE_QUANTIZE)


def _in_strips(plane: Float32, transform: Callable[[slice, Float32], Float32]) -> Float32:
    """Replace ``plane`` by ``transform(rows, strip)``, a strip of rows at a time (so no
    second full plane exists)."""
    for start in range(0, plane.shape[0], noise.BLOCK_ROWS):
        rows = slice(start, start + noise.BLOCK_ROWS)
        plane[rows] = transform(rows, plane[rows])
    return plane


# Each product holds one full float plane at a time (and the mask): IMAGE is made with
# each block's variance computed from the model on the spot, and VARIANCE afterwards
# from the model made again (a tenth of a second), not kept beside IMAGE.


def _visit(scene: Scene) -> Iterator[Plane]:
    cal = scene.calibration
    yield from _image_and_mask(*_visit_image(scene), cal.background_variance, cal.saturation)
    variance = _in_strips(exposure_model(scene), lambda _, model: cal.variance(model))
    yield _variance_plane(variance, cal.background_variance)


def exposure_model(scene: Scene) -> Float32:
    """The noiseless visit image of a visit or difference image's exposure."""
    model = scene.static_model()
    scene.draw(model, *scene.transient_sources())
    return model


def _visit_image(scene: Scene) -> tuple[Float32, Mask]:
    cal = scene.calibration
    image = exposure_model(scene)
    mask = _edge_mask(scene.height, scene.width, VISIT_EDGE)
    saturation = np.float32(cal.saturation)
    for rows, z in noise.normal_rows(scene.exposure_noise(), scene.height, scene.width):
        block, flags = image[rows], mask[rows]
        var = cal.variance(block)
        _flag_detected(flags, block, var)
        z *= np.sqrt(var)
        block += z  # the model becomes the image, block by block
        clipped = block >= saturation
        block[clipped] = saturation
        _flag(flags, clipped, "SAT")
    return image, mask


_DIFFERENCE_SCALE = np.float32(1.0 + 1.0 / TEMPLATE_INPUTS)
"""The visit's variance times this is the difference's (the template adds 1/12)."""


def _difference(scene: Scene) -> Iterator[Plane]:
    cal = scene.calibration
    background = cal.background_variance * (1.0 + 1.0 / TEMPLATE_INPUTS)
    yield from _image_and_mask(*_difference_image(scene), background, cal.saturation)
    variance = _in_strips(
        exposure_model(scene), lambda _, model: cal.variance(model) * _DIFFERENCE_SCALE
    )
    yield _variance_plane(variance, background)


def _difference_image(scene: Scene) -> tuple[Float32, Mask]:
    cal = scene.calibration
    image = exposure_model(scene)
    found, tx, ty = scene.transient_sources()
    stamps = [_Stamp.around(scene, x, y) for x, y in zip(tx, ty, strict=True)]
    # The difference's variance where each transient is drawn, from the model (which the
    # noise overwrites below).
    stamp_variances = [cal.variance(image[s.window]) * _DIFFERENCE_SCALE for s in stamps]
    mask = _edge_mask(scene.height, scene.width, DIFFERENCE_EDGE)
    saturation = np.float32(cal.saturation)
    template_scale = np.float32(math.sqrt(1.0 / TEMPLATE_INPUTS))
    template = noise.generator(scene.seed, noise.Stream.TEMPLATE_NOISE, scene.visit, scene.detector)
    streams = zip(
        noise.normal_rows(scene.exposure_noise(), scene.height, scene.width),
        noise.normal_rows(template, scene.height, scene.width),
        strict=True,
    )
    for (rows, z), (_, z_template) in streams:
        block, flags = image[rows], mask[rows]
        sigma = np.sqrt(cal.variance(block))  # the visit image's
        z *= sigma
        # Where the visit image saturated (same model, same noise), flag the difference.
        _flag(flags, block + z >= saturation, "SAT")
        z_template *= sigma
        z_template *= template_scale
        z += z_template
        block[...] = z  # static sources cancel: the image is the noise, then the transients
    for i, (stamp, variance) in enumerate(zip(stamps, stamp_variances, strict=True)):
        stamp.add_transient(scene, found.take([i]), (tx[i], ty[i]), image, mask, variance)
    return image, mask


@dataclass(frozen=True, slots=True)
class _Stamp:
    """The square a transient is drawn in, clipped to the image."""

    x0: int
    y0: int
    window: tuple[slice, slice]
    """Its part inside the image (rows, columns)."""

    @classmethod
    def around(cls, scene: Scene, x: float, y: float) -> _Stamp:
        x0, y0 = round(x) - _TRANSIENT_HALF, round(y) - _TRANSIENT_HALF
        side = 2 * _TRANSIENT_HALF + 1
        window = (
            slice(max(y0, 0), min(y0 + side, scene.height)),
            slice(max(x0, 0), min(x0 + side, scene.width)),
        )
        return cls(x0, y0, window)

    def add_transient(
        self,
        scene: Scene,
        found: Sources,
        position: tuple[float, float],
        image: Float32,
        mask: Mask,
        variance: Float32,
    ) -> None:
        """Draw one transient into a difference image, flagging it DETECTED (``variance``
        is the difference's over the window)."""
        side = 2 * _TRANSIENT_HALF + 1
        stamp = np.zeros((side, side), dtype=np.float32)
        x, y = position
        scene.draw(stamp, found, np.array([x]), np.array([y]), origin=(self.x0, self.y0))
        rows, cols = self.window
        piece = stamp[
            rows.start - self.y0 : rows.stop - self.y0, cols.start - self.x0 : cols.stop - self.x0
        ]
        image[self.window] += piece
        _flag_detected(mask[self.window], piece, variance)


def _coadd(scene: Scene) -> Iterator[Plane]:
    cal = scene.calibration
    deepest = cal.background_variance / scene.input_count()
    counts = scene.input_counts()  # 1 byte a pixel: kept for VARIANCE, not made twice
    yield from _image_and_mask(*_coadd_image(scene, counts), deepest, cal.saturation)
    variance = _in_strips(
        scene.static_model(), lambda rows, model: _coadd_variance(cal.variance(model), counts[rows])
    )
    yield _variance_plane(variance, deepest)


def _coadd_variance(single: Float32, counts: npt.NDArray[np.uint8]) -> Float32:
    """A coadd's variance from a single input's: divided by the inputs, NaN without any."""
    single /= np.maximum(counts, 1).astype(np.float32)
    single[counts == 0] = np.nan
    return single


def _coadd_image(scene: Scene, counts: npt.NDArray[np.uint8]) -> tuple[Float32, Mask]:
    cal = scene.calibration
    image = scene.static_model()
    mask = np.zeros((scene.height, scene.width), dtype=np.int16)  # NO_DATA is bit 8
    saturation = np.float32(cal.saturation)
    rng = noise.generator(
        scene.seed,
        noise.Stream.COADD_NOISE,
        scene.tract,
        scene.patch,
        BAND_NAMES.index(scene.band),
        int(scene.kind.name == "template_coadd"),
    )
    for rows, z in noise.normal_rows(rng, scene.height, scene.width):
        block, flags, n = image[rows], mask[rows], counts[rows]
        var = _coadd_variance(cal.variance(block), n)
        _flag(flags, n == 0, "NO_DATA")
        _flag_detected(flags, block, var)
        z *= np.sqrt(var)  # NaN where there is no input
        block += z
        clipped = block >= saturation
        block[clipped] = saturation
        _flag(flags, clipped, "SAT")
    return image, mask
