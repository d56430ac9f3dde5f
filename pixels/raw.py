"""Raw readouts: the exposure in ADU on ITL's 16 amplifiers, with prescan and overscan.

The 4608 x 4096 raw holds 2 x 8 amplifier segments of 576 x 2048 pixels: 3 prescan
columns, 509 data columns and 64 serial-overscan columns; 2000 data rows and 48
parallel-overscan rows, the overscan rows next to the readout boundary in the middle (the
lower amplifiers' above their data, the upper ones' below). The data sections, assembled,
are the calibrated 4072 x 4000 detector grid. Their electrons are the visit image's, sky
included and from the same noise field (a raw and its visit image agree pixel for pixel),
divided by each amplifier's gain and raised by its bias; overscan and prescan hold bias
and read noise. Gains and bias levels belong to the detector; small bias offsets to the
exposure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from pixels import noise
from pixels.photometry import FULL_WELL, GAIN, READ_NOISE
from pixels.planes import Plane, exposure_model
from pixels.scene import Scene

__all__ = ["ADC_MAX", "AMPLIFIERS", "Amplifier", "amplifier_data", "raw_planes"]

ADC_MAX = 2**18 - 1
"""Largest value the 18-bit converters give."""

_PRESCAN, _DATA_X, _SERIAL_OVERSCAN = 3, 509, 64
_DATA_Y, _PARALLEL_OVERSCAN = 2000, 48
_SEGMENT_X = _PRESCAN + _DATA_X + _SERIAL_OVERSCAN
_SEGMENT_Y = _DATA_Y + _PARALLEL_OVERSCAN
_BIAS_LEVEL = 20_000.0


@dataclass(frozen=True, slots=True)
class Amplifier:
    """Where one amplifier's segment and data are, in the raw and on the detector grid."""

    index: int
    segment: tuple[slice, slice]
    """(rows, columns) of the whole segment in the raw."""

    data: tuple[slice, slice]
    """(rows, columns) of its data section in the raw."""

    grid: tuple[slice, slice]
    """(rows, columns) of the same pixels on the calibrated detector grid."""

    @property
    def datasec(self) -> str:
        """The data section in FITS notation (1-based, inclusive): ``[x1:x2,y1:y2]``."""
        rows, cols = self.data
        return f"[{cols.start + 1}:{cols.stop},{rows.start + 1}:{rows.stop}]"


def _amplifiers() -> tuple[Amplifier, ...]:
    amps: list[Amplifier] = []
    for half in range(2):
        for col in range(8):
            x0, y0 = col * _SEGMENT_X, half * _SEGMENT_Y
            data_y0 = y0 + (_PARALLEL_OVERSCAN if half else 0)
            amps.append(
                Amplifier(
                    index=len(amps),
                    segment=(slice(y0, y0 + _SEGMENT_Y), slice(x0, x0 + _SEGMENT_X)),
                    data=(
                        slice(data_y0, data_y0 + _DATA_Y),
                        slice(x0 + _PRESCAN, x0 + _PRESCAN + _DATA_X),
                    ),
                    grid=(
                        slice(half * _DATA_Y, (half + 1) * _DATA_Y),
                        slice(col * _DATA_X, (col + 1) * _DATA_X),
                    ),
                )
            )
    return tuple(amps)


AMPLIFIERS = _amplifiers()
"""The 16 amplifiers, lower row first, left to right."""


def raw_planes(scene: Scene) -> Iterator[Plane]:
    """The one plane of a raw: int32 ADU (4096 x 4608), compressed losslessly."""
    detector = noise.generator(scene.seed, noise.Stream.READOUT, scene.detector)
    gains = GAIN * (1.0 + 0.02 * detector.standard_normal(len(AMPLIFIERS)))
    biases = _BIAS_LEVEL + 500.0 * detector.standard_normal(len(AMPLIFIERS))
    readout = noise.generator(scene.seed, noise.Stream.READOUT, scene.visit, scene.detector)
    biases += 5.0 * readout.standard_normal(len(AMPLIFIERS))
    raw = _bias_and_read_noise(readout, gains, biases)
    _read_out(_electrons(scene), raw, gains, biases)  # the electrons are freed on return
    cards: list[tuple[str, Any, str]] = [
        ("GAIN", GAIN, "[e-/ADU] nominal gain"),
        ("RDNOISE", READ_NOISE, "[e-] read noise"),
        ("SATURATE", int(np.min(FULL_WELL / gains + biases)), "[ADU] lowest full well"),
    ]
    for amp in AMPLIFIERS:
        cards += [
            (f"DSEC{amp.index:02d}", amp.datasec, f"data section of amplifier {amp.index}"),
            (f"GAIN{amp.index:02d}", float(gains[amp.index]), "[e-/ADU]"),
            (f"BIAS{amp.index:02d}", float(biases[amp.index]), "[ADU] bias level"),
        ]
    yield Plane("IMAGE", raw, "adu", None, tuple(cards))


def _bias_and_read_noise(
    readout: np.random.Generator, gains: npt.NDArray[np.float64], biases: npt.NDArray[np.float64]
) -> npt.NDArray[np.int32]:
    """Every amplifier's segment at its bias level with read noise (ADU)."""
    height = len(AMPLIFIERS) // 8 * _SEGMENT_Y
    raw = np.empty((height, 8 * _SEGMENT_X), dtype=np.int32)
    for amp in AMPLIFIERS:
        level = readout.standard_normal((_SEGMENT_Y, _SEGMENT_X), dtype=np.float32)
        level *= np.float32(READ_NOISE / gains[amp.index])
        level += np.float32(biases[amp.index])
        raw[amp.segment] = np.rint(level)
    return raw


def _electrons(scene: Scene) -> npt.NDArray[np.float32]:
    """The visit image's pixels in electrons with the sky, clipped at the full well."""
    cal = scene.calibration
    electrons = exposure_model(scene)  # nJy until the loop is done
    for rows, z in noise.normal_rows(scene.exposure_noise(), scene.height, scene.width):
        block = electrons[rows]
        z *= np.sqrt(cal.variance(block))
        block += z
        block /= np.float32(cal.njy_per_electron)
        block += np.float32(cal.sky_electrons)
        np.clip(block, 0.0, FULL_WELL, out=block)
    return electrons


def _read_out(
    electrons: npt.NDArray[np.float32],
    raw: npt.NDArray[np.int32],
    gains: npt.NDArray[np.float64],
    biases: npt.NDArray[np.float64],
) -> None:
    """Add each amplifier's signal (electrons through its gain) to its data section."""
    for amp in AMPLIFIERS:
        adu = electrons[amp.grid] / np.float32(gains[amp.index]) + np.float32(biases[amp.index])
        raw[amp.data] = np.rint(np.minimum(adu, ADC_MAX))


def amplifier_data(raw: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    """Assemble a raw's data sections into the 4000 x 4072 detector grid (bias included)."""
    out = np.empty((2 * _DATA_Y, 8 * _DATA_X), dtype=np.int32)
    for amp in AMPLIFIERS:
        out[amp.grid] = raw[amp.data]
    return out
