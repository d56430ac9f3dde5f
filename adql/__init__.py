"""ADQL 2.1: parse, bind against a catalog, translate to SQLAlchemy Core.

The usual entry point is :func:`compile_query`; the stages are also public
(:mod:`adql.parser`, :mod:`adql.binder`, :mod:`adql.translate`).
"""

from __future__ import annotations

from typing import Any

from adql.binder import BoundQuery, OutputColumn, bind
from adql.catalog import Catalog
from adql.errors import AdqlError, AdqlSemanticError, AdqlSyntaxError
from adql.parser import parse
from adql.translate import SpatialColumns, TranslationContext, translate

__all__ = [
    "AdqlError",
    "AdqlSemanticError",
    "AdqlSyntaxError",
    "BoundQuery",
    "Catalog",
    "OutputColumn",
    "SpatialColumns",
    "TranslationContext",
    "check_query",
    "compile_query",
    "parse",
    "translate",
]


def check_query(text: str, catalog: Catalog) -> BoundQuery:
    """Parse and bind ``text``; any error is rendered with the query's line and a caret.

    Raises
    ------
    AdqlError
        If the query is not valid ADQL or does not fit the catalog.
    """
    try:
        return bind(parse(text), catalog)
    except AdqlError as error:
        if error.text is None:
            raise error.with_text(text) from None
        raise


def compile_query(
    text: str, catalog: Catalog, context: TranslationContext, row_limit: int | None = None
) -> tuple[BoundQuery, Any]:
    """Parse, bind and translate ``text``: the bound query (for the result's metadata) and
    the SQLAlchemy statement to run.

    Raises
    ------
    AdqlError
        If the query is not valid ADQL, does not fit the catalog, or uses something the
        database cannot do; the message shows the query's line with a caret.
    """
    bound = check_query(text, catalog)
    try:
        return bound, translate(bound, context, row_limit)
    except AdqlError as error:
        raise error.with_text(text) from None
