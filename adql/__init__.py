"""ADQL 2.1: parse, bind against a catalog, translate to SQLAlchemy Core.

The usual entry point is :func:`compile_query`; a program that builds its query as a
syntax tree (:mod:`adql.ast`) compiles it with :func:`compile_tree`, and
:func:`format_query` writes a tree as ADQL text. The stages are also public
(:mod:`adql.parser`, :mod:`adql.binder`, :mod:`adql.translate`).
"""

from __future__ import annotations

from typing import Any

from adql import ast
from adql.binder import BoundQuery, OutputColumn, bind
from adql.catalog import Catalog
from adql.errors import AdqlError, AdqlSemanticError, AdqlSyntaxError
from adql.format import format_expression, format_query
from adql.parser import MAX_DEPTH, parse
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
    "compile_tree",
    "format_expression",
    "format_query",
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


def compile_tree(
    tree: ast.Query, catalog: Catalog, context: TranslationContext, row_limit: int | None = None
) -> tuple[BoundQuery, Any]:
    """Bind and translate a query built as a syntax tree, as :func:`compile_query` does
    after parsing: the bound query and the SQLAlchemy statement to run.

    There is no text, so neither its length limit nor a caret applies; the nesting limit
    of parsed queries (:data:`adql.parser.MAX_DEPTH` levels) does, counted in tree nodes.
    Nodes built without a span (:data:`adql.ast.GENERATED`) give messages without a place.

    Parameters
    ----------
    tree
        The query, from :func:`adql.parse` or built from :mod:`adql.ast` nodes.
    catalog
        What the query may name.
    context
        The database's tables and capabilities.
    row_limit
        At most this many rows; TOP still applies when it is smaller.

    Raises
    ------
    AdqlError
        If the tree is nested too deeply, does not fit the catalog, or uses something the
        database cannot do.
    """
    if ast.depth(tree) > MAX_DEPTH:
        raise AdqlSyntaxError(
            f"the query is nested too deeply (more than {MAX_DEPTH} levels); simplify it"
        )
    bound = bind(tree, catalog)
    return bound, translate(bound, context, row_limit)
