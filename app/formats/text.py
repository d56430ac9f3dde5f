"""Arrow columns rendered as text cells, for TABLEDATA, CSV and TSV.

Numbers use Arrow's shortest round-trip formatting (``0.1``, ``1e+20``); not-a-number
and infinities are spelled ``NaN``, ``+Inf`` and ``-Inf`` as VOTable and DALI write
them; booleans are ``true``/``false``; numeric arrays (DALI point, circle, polygon,
interval) are their numbers separated by single spaces. Nulls stay null: each format
decides how to spell them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from app.formats.columns import clip_strings, numeric_fill, parse_arraysize
from vometa import Field

__all__ = ["text_cells"]

_NAN = pa.scalar("NaN", pa.string())
_PLUS_INF = pa.scalar("+Inf", pa.string())
_SPACE = pa.scalar(" ", pa.string())


def text_cells(array: pa.Array, field: Field) -> pa.Array:
    """The values of ``array`` (of ``field``'s Arrow type) as a string array.

    Strings are cut to a fixed or bounded arraysize, but not escaped: that is up to the
    format.
    """
    kind = array.type
    if pa.types.is_string(kind):
        size = parse_arraysize(field.arraysize)
        return clip_strings(array, size.fixed or size.limit)
    if pa.types.is_list(kind):
        return _list_text(array, field)
    if pa.types.is_floating(kind):
        return _float_text(array)
    return pc.cast(array, pa.string())


def _float_text(array: pa.Array) -> pa.Array:
    text = pc.cast(array, pa.string())
    if len(array) == 0 or not pc.any(pc.invert(pc.is_finite(array))).as_py():
        return text
    text = pc.if_else(pc.is_nan(array), _NAN, text)
    positive = pc.and_(pc.is_inf(array), pc.greater(array, pa.scalar(0, array.type)))
    text = pc.if_else(positive, _PLUS_INF, text)
    return pc.if_else(pc.is_inf(array), pc.replace_substring(text, "-inf", "-Inf"), text)


def _list_text(array: pa.Array, field: Field) -> pa.Array:
    values = pc.list_flatten(array)
    fill = numeric_fill(field.datatype)
    if values.null_count:
        values = pc.fill_null(values, pa.scalar(fill, values.type))
    if field.datatype == "float":
        # Written as float32 in binary: print the float32 value, not its float64 digits.
        values = pc.cast(values, pa.float32())
    cells = (
        _float_text(values) if pa.types.is_floating(values.type) else pc.cast(values, pa.string())
    )
    lengths = pc.fill_null(pc.list_value_length(array), 0).to_numpy()
    offsets = np.zeros(len(array) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    lists = pa.ListArray.from_arrays(pa.array(offsets), cells, mask=array.is_null())
    return pc.binary_join(lists, _SPACE)
