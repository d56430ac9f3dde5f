"""The DALI error document: a VOTable whose results RESOURCE holds only the error INFO."""

from __future__ import annotations

from app.votable.elements import DOCUMENT_END, document_start, info_element

__all__ = ["error_document"]


def error_document(message: str) -> bytes:
    """A VOTable reporting ``message`` as ``INFO name="QUERY_STATUS" value="ERROR"``."""
    text = document_start() + info_element("QUERY_STATUS", "ERROR", message) + DOCUMENT_END
    return text.encode()
