"""Cutouts at the library level: a small cutout of a tile-compressed visit image reads a
small part of the file; the box of each stencil kind; a stencil missing the image."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

from pixels.cutouts import cutout_hdus, pixel_box, shape_contains
from sia.values import Circle, Polygon, Range
from tests.pixels.demo_rows import Trio


class _Counting(io.RawIOBase):
    """A file that counts the bytes read from it."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        self.read_bytes = 0

    def readinto(self, buffer: Any) -> int:
        data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        self.read_bytes += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._file.close()
        super().close()


def test_a_small_cutout_reads_a_small_part_of_the_file(files: dict[str, Path], trio: Trio) -> None:
    path = files["visit"]
    row = trio.visit
    counting = _Counting(path)
    circle = Circle(row["s_ra"], row["s_dec"], 10 / 3600)  # 100 pixels across
    hdus = cutout_hdus(counting, circle, "Image", {})
    assert hdus is not None
    assert abs(hdus["IMAGE"].data.shape[0] - 100) <= 2
    fraction = counting.read_bytes / path.stat().st_size
    assert fraction < 0.05, fraction


def test_boxes_of_each_stencil(files: dict[str, Path], trio: Trio) -> None:
    row = trio.visit
    with fits.open(files["visit"]) as hdus:
        header = hdus["IMAGE"].header
        wcs, width, height = WCS(header), header["NAXIS1"], header["NAXIS2"]
    ra, dec = row["s_ra"], row["s_dec"]
    centre = wcs.world_to_pixel_values(ra, dec)
    circle = pixel_box(Circle(ra, dec, 0.01), wcs, width, height)
    assert circle is not None
    assert abs(circle.width - 361) <= 2  # 72 arcseconds across at 0.2"/px, both edges in
    assert abs((circle.x0 + circle.x1 - 1) / 2 - float(centre[0])) <= 1
    band = Range(ra - 0.1, ra + 0.1, dec - 0.001, dec + 0.001)
    square = pixel_box(band, wcs, width, height)
    assert square is not None
    # Brute force: the pixels (every 4th) whose centres are in the range, through the WCS.
    ys, xs = np.mgrid[0:height:4, 0:width:4]
    sky_ra, sky_dec = wcs.pixel_to_world_values(xs.ravel(), ys.ravel())
    inside = shape_contains(band, np.asarray(sky_ra), np.asarray(sky_dec))
    x_in, y_in = xs.ravel()[inside], ys.ravel()[inside]
    assert square.x0 <= x_in.min()
    assert x_in.max() < square.x1
    assert square.y0 <= y_in.min()
    assert y_in.max() < square.y1
    assert x_in.min() - square.x0 <= 5
    assert square.x1 - 1 - x_in.max() <= 5
    assert y_in.min() - square.y0 <= 5
    assert square.y1 - 1 - y_in.max() <= 5
    assert pixel_box(Circle((ra + 90) % 360, 0.0, 0.5), wcs, width, height) is None
    triangle = Polygon(((ra, dec), (ra + 0.002, dec), (ra, dec + 0.002)))
    box = pixel_box(triangle, wcs, width, height)
    assert box is not None
    assert box.width * box.height < 60 * 60
