"""VOTable output: the streaming result writer (BINARY2, TABLEDATA) and error documents."""

from __future__ import annotations

from app.votable.errors import error_document
from app.votable.writer import DEFAULT_CHUNK_ROWS, Info, Serialization, write_votable

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "Info",
    "Serialization",
    "error_document",
    "write_votable",
]
