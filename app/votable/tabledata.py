"""TABLEDATA rows from Arrow batches, vectorised.

Each column becomes an array of cell texts (:func:`app.formats.text.text_cells`);
strings are XML-escaped with a few whole-array replacements, and only when their bytes
hold a character that needs it. One ``binary_join_element_wise`` call then builds every
``<TR>`` of the batch, and its output buffer is the chunk. Null cells are empty ``TD``
elements.

The document is UTF-8, so ``char`` values are written as they are, non-ASCII
characters included: every XML parser reads them, while binary serialisations, bound
to one byte per ``char``, write ``?`` instead. Characters XML cannot carry at all
(control characters other than tab, newline and carriage return; U+FFFE, U+FFFF)
become ``?``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from app.formats.columns import EMPTY_TEXT, joined_bytes, string_bytes
from app.formats.text import text_cells
from vometa import Field

__all__ = ["TabledataEncoder", "xml_escaped"]

# Bytes that send a string column through the escaping replacements: XML specials,
# control characters and the lead byte of U+FFFE/U+FFFF.
_SPECIAL = np.zeros(256, dtype=bool)
_SPECIAL[[*range(0x20), ord("&"), ord("<"), ord(">"), 0xEF]] = True
_SPECIAL[[ord("\t"), ord("\n")]] = False


_ROW_START = pa.scalar("<TR><TD>", pa.string())
_BETWEEN_CELLS = pa.scalar("</TD><TD>", pa.string())
_ROW_END = pa.scalar("</TD></TR>\n", pa.string())


class TabledataEncoder:
    """Encodes batches of a result with these fields as TABLEDATA rows."""

    def __init__(self, fields: Sequence[Field]) -> None:
        self._fields = list(fields)

    def encode(self, columns: Sequence[pa.Array]) -> bytes | memoryview:
        """The ``TR`` elements of a batch whose columns are conformed to their fields."""
        rows = len(columns[0]) if columns else 0
        if rows == 0:
            return b""
        cells = []
        for column, field in zip(columns, self._fields, strict=True):
            text = text_cells(column, field)
            cells.append(xml_escaped(text) if pa.types.is_string(column.type) else text)
        items: list[pa.Array | pa.Scalar] = [_ROW_START]
        for cell in cells:
            items.extend([cell, _BETWEEN_CELLS])
        items[-1] = _ROW_END
        joined = pc.binary_join_element_wise(
            *items, EMPTY_TEXT, null_handling="replace", null_replacement=""
        )
        return joined_bytes(joined)


def xml_escaped(array: pa.Array) -> pa.Array:
    """A string array as XML character data (nulls stay null)."""
    if not _needs_escaping(string_bytes(array)):
        return array
    array = pc.replace_substring(array, "&", "&amp;")
    array = pc.replace_substring(array, "<", "&lt;")
    array = pc.replace_substring(array, ">", "&gt;")
    array = pc.replace_substring(array, "\r", "&#13;")
    return pc.replace_substring_regex(
        array, pattern="[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x{FFFE}\\x{FFFF}]", replacement="?"
    )


def _needs_escaping(data: np.ndarray) -> bool:
    """Whether UTF-8 ``data`` holds a byte that :func:`xml_escaped` must replace.

    The substring tests and the min/max reductions are much faster than a table lookup
    of every byte, which runs only when a control character or a lead byte of U+FFFx may
    be present.
    """
    if data.size == 0:
        return False
    raw = data.tobytes()
    if b"&" in raw or b"<" in raw or b">" in raw:
        return True
    if data.min() >= 0x20 and data.max() < 0xEF:
        return False
    return bool(_SPECIAL[data].any())
