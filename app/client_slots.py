"""How many heavy requests (sync queries, image searches, cutouts) each client has
running in this process, within a per-client limit, so that one client sending dozens
at once cannot take every thread and connection from everyone else.

A client is its user when the identity header names one, otherwise its address (behind
a proxy that does not authenticate, every anonymous user shares the proxy's). Counting
happens on the event loop, so it needs no lock; an entry lives only while its client has
requests running.
"""

from __future__ import annotations

from collections.abc import Callable

from app.faults import TooManyRequestsError

__all__ = ["ClientSlots"]


class ClientSlots:
    """Running heavy requests by client, at most ``limit`` each."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._running: dict[str, int] = {}

    def take(self, client: str) -> Callable[[], None]:
        """A slot for ``client``; returns what gives it back (calling it twice is harmless).

        Raises
        ------
        TooManyRequestsError
            If the client has ``limit`` requests running already.
        """
        running = self._running.get(client, 0)
        if running >= self._limit:
            raise TooManyRequestsError(
                f"You have {running} queries, searches or cutouts running at once, the most "
                "this service runs for one client; wait for one to finish and send this again"
            )
        self._running[client] = running + 1
        given_back = False

        def give_back() -> None:
            nonlocal given_back
            if given_back:
                return
            given_back = True
            left = self._running[client] - 1
            if left:
                self._running[client] = left
            else:
                del self._running[client]

        return give_back
