"""Cancelling a running query from another thread (an async job aborted or deleted)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import structlog

__all__ = ["QueryCancel"]

log = structlog.get_logger("obscura")


class QueryCancel:
    """Set once; whoever runs the query registers how to interrupt it."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._hooks: list[Callable[[], None]] = []

    def is_set(self) -> bool:
        """Whether the query should stop."""
        return self._event.is_set()

    def on_cancel(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Call ``hook`` when cancelled (at once if already cancelled); returns what
        unregisters it (call that before the connection the hook interrupts is reused)."""
        with self._lock:
            if not self._event.is_set():
                self._hooks.append(hook)
                return lambda: self._remove(hook)
        hook()
        return lambda: None

    def _remove(self, hook: Callable[[], None]) -> None:
        with self._lock:
            if hook in self._hooks:
                self._hooks.remove(hook)

    def cancel(self) -> None:
        """Ask the query to stop (idempotent, thread-safe)."""
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            hooks, self._hooks = self._hooks, []
        for hook in hooks:
            try:
                hook()
            except Exception:
                log.warning("cancelling a query failed", exc_info=True)
