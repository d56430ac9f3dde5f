"""The VOSI availability document (VOSI 1.1 sect. 3.3): is the service up, and since when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from app.vosi._xml import NS_VOSI_AVAILABILITY, add, document, root

__all__ = ["availability_document"]


def _timestamp(moment: datetime) -> str:
    """An ``xs:dateTime`` in UTC to the second; a naive datetime is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def availability_document(
    available: bool,
    up_since: datetime | None = None,
    notes: Sequence[str] = (),
    *,
    down_at: datetime | None = None,
    back_at: datetime | None = None,
) -> bytes:
    """The availability of the service, as VOSI's ``vosi:availability`` document.

    Parameters
    ----------
    available
        Whether the service accepts requests now (the caller should have checked the
        database).
    up_since
        When the service last started.
    notes
        Free text for people, e.g. why the service is down.
    down_at
        A scheduled shutdown, if any.
    back_at
        When a service that is down should be back, if known.

    Returns
    -------
    bytes
        The UTF-8 XML document.
    """
    # VOSIAvailability's schema qualifies every element, so the children carry the prefix.
    top = root("vosi:availability", {"vosi": NS_VOSI_AVAILABILITY})
    add(top, "vosi:available", "true" if available else "false")
    for tag, moment in (("upSince", up_since), ("downAt", down_at), ("backAt", back_at)):
        if moment is not None:
            add(top, f"vosi:{tag}", _timestamp(moment))
    for note in notes:
        add(top, "vosi:note", note)
    return document(top)
