"""ADQL text -> :class:`adql.ast.Query`, with syntax errors a person can act on."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from lark import (
    Lark,
    Token,
    Tree,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)
from lark.exceptions import VisitError

from adql import ast
from adql.builder import AstBuilder
from adql.errors import AdqlError, AdqlSyntaxError
from adql.reserved import RESERVED_WORDS

_GRAMMAR_KEYWORDS = frozenset(
    {
        "ALL",
        "AND",
        "AS",
        "ASC",
        "BETWEEN",
        "BY",
        "CAST",
        "DESC",
        "DISTINCT",
        "EXCEPT",
        "EXISTS",
        "FROM",
        "FULL",
        "GROUP",
        "HAVING",
        "ILIKE",
        "IN",
        "INNER",
        "INTERSECT",
        "IS",
        "JOIN",
        "LEFT",
        "LIKE",
        "NATURAL",
        "NOT",
        "NULL",
        "OFFSET",
        "ON",
        "OR",
        "ORDER",
        "OUTER",
        "RIGHT",
        "SELECT",
        "TOP",
        "UNION",
        "USING",
        "WHERE",
        "WITH",
    }
)
"""Reserved words the grammar itself uses; the lexer never makes names of them."""

__all__ = ["MAX_DEPTH", "MAX_QUERY_LENGTH", "build_parser", "parse"]

MAX_QUERY_LENGTH = 100_000
"""Characters; longer queries are refused before parsing."""

MAX_DEPTH = 100
"""Levels of nesting in the parse tree (parentheses, operator chains, subqueries). Real
queries stay far below; the bound keeps every later stage clear of Python's recursion
limit."""

_VALUE_START = {
    "REGULAR_ID",
    "DELIMITED_ID",
    "UNSIGNED_INT",
    "DECIMAL",
    "STRING",
    "NULL",
    "CAST",
    "LPAR",
    "ADD_OP",
}
_OPERATORS = {
    "COMP_OP",
    "STAR",
    "SLASH",
    "ADD_OP",
    "AND",
    "OR",
    "IS",
    "LIKE",
    "ILIKE",
    "IN",
    "BETWEEN",
    "NOT",
}
_WORDS = {
    "REGULAR_ID": "a name",
    "DELIMITED_ID": "a name",
    "UNSIGNED_INT": "a number",
    "DECIMAL": "a number",
    "STRING": "a string",
    "$END": "the end of the query",
    "COMP_OP": "a comparison",
}


def build_parser(*, strict: bool = False) -> Lark:
    """Build the LALR parser from ``grammar/adql.lark`` (``strict`` rejects any conflict)."""
    grammar = files("adql").joinpath("grammar/adql.lark").read_text()
    return Lark(
        grammar,
        parser="lalr",
        lexer="basic",
        strict=strict,
        # Spans come from tokens (see builder._span): propagate_positions doubles parse time.
        propagate_positions=False,
        maybe_placeholders=False,
    )


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return build_parser()


def _describe(parser: Lark, names: set[str]) -> str:
    words: list[str] = []
    if {"REGULAR_ID", "UNSIGNED_INT", "STRING"} <= names:
        words.append("an expression")
        names -= _VALUE_START
    if {"COMP_OP", "STAR", "AND"} <= names:
        words.append("an operator")
        names -= _OPERATORS
    for name in sorted(names):
        if name in _WORDS:
            word = _WORDS[name]
        else:
            try:
                pattern = parser.get_terminal(name).pattern
                word = pattern.value if pattern.type == "str" else name
            except KeyError:
                word = name
            word = word.upper() if word.isalpha() or "_" in word else f"'{word}'"
        if word not in words:
            words.append(word)
    if not words:
        return "something else"
    if len(words) > _MAX_WORDS:
        words = [*words[: _MAX_WORDS - 1], f"{len(words) - _MAX_WORDS + 1} other words"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


_CHARACTER_HINTS = {
    "%": "ADQL has no % operator; use MOD(x, y)",
    "^": "ADQL has no ^ operator; use POWER(x, y)",
    "&": "ADQL 2.1 has no bitwise operators",
    "|": "ADQL 2.1 has no bitwise operators; || concatenates strings",
    "~": "ADQL 2.1 has no bitwise operators",
    ";": "remove the ';': an ADQL query is a single statement without one",
    "'": "this string is never closed; end it with '",
    '"': 'this quoted name is never closed; end it with "',
    "[": "ADQL has no brackets; quote names with double quotes",
}
_MAX_WORDS = 8


def _position(error: UnexpectedInput) -> int:
    """Character offset of a Lark error (its stubs type the attribute as None)."""
    position: object = getattr(error, "pos_in_stream", None)
    return position if isinstance(position, int) else 0


def _hint(error: UnexpectedInput, text: str) -> str | None:
    before = text[: _position(error)].rstrip().upper()
    at = text[_position(error) : _position(error) + 6].upper()
    if before.endswith((" LIMIT", "\nLIMIT")) or (at.startswith("LIMIT") and not at[5:6].isalnum()):
        return "ADQL has no LIMIT; write SELECT TOP n ... instead"
    if before.endswith("(") and at.startswith("WITH") and not at[4:5].isalnum():
        return "WITH may only start the whole query; move this WITH to the top"
    if isinstance(error, UnexpectedCharacters):
        if re.match(r"[0-9.]+[a-z_]", text[_position(error) :], re.IGNORECASE):
            return (
                "a number cannot run into letters (hexadecimal literals such as 0x1F "
                "are not ADQL 2.1)"
            )
        return _CHARACTER_HINTS.get(text[_position(error)])
    return None


_WORDS_PATTERN = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|(?P<word>[A-Za-z][A-Za-z0-9_]*)(?P<call>\s*\()?"
)


def _misused_reserved_word(text: str, end: int) -> ast.Span | None:
    """Where the first reserved word before ``end`` is written as a name (not a call)."""
    for match in _WORDS_PATTERN.finditer(text, 0, end):
        word = match.group("word")
        if (
            word
            and word.upper() in RESERVED_WORDS
            and not match.group("call")
            and word.upper() not in _GRAMMAR_KEYWORDS
        ):
            start = match.start("word")
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            return ast.Span(start, match.end("word"), line, column)
    return None


def _found(error: UnexpectedInput, text: str) -> str:
    if isinstance(error, UnexpectedToken):
        token: Token = error.token
        if token.type == "$END":
            return "the query ends too early"
        return (
            f"unexpected {token.value!r}"
            if token.type not in ("STRING", "DELIMITED_ID")
            else f"unexpected {token.value}"
        )
    if isinstance(error, UnexpectedCharacters):
        return f"unexpected character {text[_position(error)]!r}"
    return "the query ends too early"


def parse(text: str) -> ast.Query:
    """Parse an ADQL 2.1 query.

    Raises
    ------
    AdqlSyntaxError
        If ``text`` is not ADQL 2.1; the message names the line and column, shows the line
        with a caret, and says what was expected.
    """
    parser = _parser()
    if not text.strip():
        raise AdqlSyntaxError("the query is empty; it should start with SELECT or WITH")
    if len(text) > MAX_QUERY_LENGTH:
        raise AdqlSyntaxError(
            f"the query is {len(text):,} characters long; the limit is {MAX_QUERY_LENGTH:,}"
        )
    try:
        tree = parser.parse(text)
    except UnexpectedInput as error:
        expected: set[str] = set()
        if isinstance(error, (UnexpectedToken, UnexpectedEOF)):
            expected = set(error.expected)
        elif isinstance(error, UnexpectedCharacters):
            expected = set(error.allowed or ())
        line, column = error.line, error.column
        if isinstance(error, UnexpectedToken) and error.token.type == "$END":
            lines = text.rstrip().splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
        reserved = _misused_reserved_word(text, _position(error) or len(text))
        if reserved is not None:
            word = text[reserved.start : reserved.end]
            raise AdqlSyntaxError(
                f"'{word}' is a reserved word in ADQL and cannot be used here; if it is a "
                f'name, put it in double quotes: "{word.lower()}"',
                reserved,
                text,
            ) from None
        message = _found(error, text)
        hint = _hint(error, text)
        if hint:
            message += f": {hint}"
        elif expected:
            message += f"; expected {_describe(parser, expected)}"
        span = ast.Span(_position(error), _position(error), max(line, 1), max(column, 1))
        raise AdqlSyntaxError(message, span, text) from None
    _check_depth(tree, text)
    try:
        return AstBuilder().transform(tree)
    except VisitError as error:
        original = error.orig_exc
        if isinstance(original, AdqlError):
            raise original.with_text(text) from None
        raise


def _first_token(node: Tree[Token]) -> Token | None:
    """The first token under ``node``, found without recursion."""
    current: Tree[Token] | Token = node
    while isinstance(current, Tree):
        if not current.children:
            return None
        current = current.children[0]
    return current


def _check_depth(tree: Tree[Token], text: str) -> None:
    """Refuse trees nested deeper than :data:`MAX_DEPTH`, without recursing."""
    stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            token = _first_token(node)
            span = (
                ast.Span(
                    token.start_pos or 0, token.end_pos or 0, token.line or 1, token.column or 1
                )
                if token is not None
                else None
            )
            raise AdqlSyntaxError(
                f"the query is nested too deeply (more than {MAX_DEPTH} levels of "
                "parentheses, operators or subqueries); simplify it",
                span,
                text,
            )
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
