"""DALI request parameters as the services see them: values by case-insensitive name, and
the multipart file parts an UPLOAD may refer to (built by
:func:`app.dependencies.request_parameters.parameters_dependency`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from app.faults import UsageError

__all__ = ["DaliParameters", "InlinePart"]


@dataclass(frozen=True, slots=True)
class InlinePart:
    """A multipart part sent as a file, for ``UPLOAD=name,param:part``.

    Its content is read as it is used, never held whole: ``chunks()`` reads it from the
    start each time it is called (from the request's spooled file, or from a job's
    stored copy).
    """

    name: str
    chunks: Callable[[], Iterator[bytes]]
    filename: str | None = None

    @classmethod
    def from_bytes(cls, name: str, content: bytes, filename: str | None = None) -> InlinePart:
        """A part whose content is already in memory."""
        return cls(name, lambda: iter((content,)), filename)


@dataclass(frozen=True, slots=True)
class DaliParameters:
    """Parameters by upper-cased name, each with its values in request order."""

    values: dict[str, list[str]] = field(default_factory=dict)
    parts: dict[str, InlinePart] = field(default_factory=dict)
    """File parts by their part name (case-sensitive, as ``param:`` names them)."""

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[str, str]], parts: Iterable[InlinePart] = ()
    ) -> DaliParameters:
        """Collect ``(name, value)`` pairs; names are case-insensitive (DALI).

        Raises
        ------
        UsageError
            For a NUL character in a name or value: no text a query needs holds one, and
            PostgreSQL cannot store one.
        """
        values: dict[str, list[str]] = {}
        for name, value in pairs:
            if "\x00" in name or "\x00" in value:
                shown = name.replace("\x00", "\\0")
                raise UsageError(f"Parameter {shown}: a NUL character (%00) is not allowed")
            values.setdefault(name.upper(), []).append(value)
        return cls(values, {p.name: p for p in parts})

    def all(self, name: str) -> list[str]:
        """Every value of ``name``."""
        return self.values.get(name.upper(), [])

    def one(self, name: str, *synonyms: str) -> str | None:
        """The single value of a single-valued parameter, or None if absent.

        Raises
        ------
        UsageError
            If the parameter (or it and a synonym) is given more than once.
        """
        names = [n for n in (name, *synonyms) if self.all(n)]
        given = [v for n in names for v in self.all(n)]
        if len(given) > 1:
            shown = " and ".join(dict.fromkeys(n.upper() for n in names))
            raise UsageError(
                f"{shown} must be given once; this request gives {len(given)} values "
                f"({', '.join(repr(v) for v in given)})"
            )
        return given[0] if given else None
