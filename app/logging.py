"""Structured logging for the server, the worker and the command-line tools.

One handler on the root logger renders every line the same way: Obscura's own
(structlog, with the request's or the job's context bound) and those of the libraries it
runs on (uvicorn, procrastinate, alembic), which go through the standard library. The
format is ``console`` (readable: time, level, event, ``key=value`` pairs) or ``json``
(one object a line, for a log collector). Context bound with
:func:`structlog.contextvars.bind_contextvars` (the request id, the user, the job id)
is added to every line logged while it is bound, whichever logger writes it.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

import structlog
from structlog.typing import Processor

__all__ = ["LogFormat", "configure_logging"]

LogFormat = Literal["console", "json"]

_QUIET = {"alembic": logging.WARNING, "httpx": logging.WARNING}
"""Libraries whose routine INFO lines say nothing an operator needs."""


def configure_logging(level: str = "INFO", fmt: LogFormat = "console") -> None:
    """Send every log line to standard error at ``level``, rendered as ``fmt``."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.dict_tracebacks if fmt == "json" else _keep,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name, quiet in _QUIET.items():
        logging.getLogger(name).setLevel(max(quiet, root.level))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )


def _keep(
    _logger: object, _name: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    return event
