"""Errors raised for ADQL a person wrote: each says where, and what to do about it.

For a tree a program built (:func:`adql.compile_tree`), the offending node may have no
place in any text (:data:`adql.ast.GENERATED`): the message then stands alone.

::

    AdqlError                 any problem with a query (has ``span``, ``line``, ``column``)
    +-- AdqlSyntaxError       the text is not ADQL (parser and builder)
    +-- AdqlSemanticError     valid ADQL that does not fit the catalog (binder; next)
"""

from __future__ import annotations

from adql.ast import Span

__all__ = ["AdqlError", "AdqlSemanticError", "AdqlSyntaxError"]


class AdqlError(ValueError):
    """A query that cannot be run, with the place in the text it concerns."""

    def __init__(self, message: str, span: Span | None = None, text: str | None = None) -> None:
        self.message = message
        self.span = span
        self.text = text
        super().__init__(self._render())

    @property
    def line(self) -> int | None:
        """1-based line of the problem, if known."""
        return self.span.line if self.span and self.span.located else None

    @property
    def column(self) -> int | None:
        """1-based column of the problem, if known."""
        return self.span.column if self.span and self.span.located else None

    def _render(self) -> str:
        if self.span is None or not self.span.located:
            return self.message
        where = f"line {self.span.line}, column {self.span.column}: {self.message}"
        if self.text is None:
            return where
        lines = self.text.splitlines() or [""]
        source = lines[self.span.line - 1] if self.span.line <= len(lines) else ""
        caret = " " * (self.span.column - 1) + "^"
        return f"{where}\n  {source}\n  {caret}"

    def with_text(self, text: str) -> AdqlError:
        """The same error, rendered with the query's line and a caret under the problem."""
        return type(self)(self.message, self.span, text)


class AdqlSyntaxError(AdqlError):
    """The text is not valid ADQL 2.1."""


class AdqlSemanticError(AdqlError):
    """Valid ADQL that names something unknown or combines things wrongly."""
