"""SIA 2.0 image search as a library: request parameters in, an ADQL query over
``ivoa.ObsCore`` out, as a syntax tree (compiled with :func:`adql.compile_tree` and run
like any TAP query) or as text. No web code here."""

from __future__ import annotations

from sia.adql import to_adql, to_query_tree, where_clause
from sia.errors import SiaParameterError
from sia.parameters import SIA_PARAMETERS, Kind, SiaParameter
from sia.query import SiaQuery, parse_query

__all__ = [
    "SIA_PARAMETERS",
    "Kind",
    "SiaParameter",
    "SiaParameterError",
    "SiaQuery",
    "parse_query",
    "to_adql",
    "to_query_tree",
    "where_clause",
]
