"""A blocking byte iterator served as a streaming HTTP body.

Each chunk is produced in a worker thread, so encoding never stalls the event loop. The
source is closed in ``finally``, also when the client goes away mid-download, so the
database connection behind it is released at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse

from app.storage.query_runner import RunningQuery

__all__ = ["result_response", "stream_in_threads"]


async def stream_in_threads(
    chunks: Iterator[bytes], close: Callable[[], None]
) -> AsyncIterator[bytes]:
    """Yield ``chunks`` (each computed in a worker thread), then call ``close``."""
    done = object()
    try:
        while True:
            chunk = await run_in_threadpool(next, chunks, done)
            if chunk is done:
                break
            assert isinstance(chunk, bytes)
            if chunk:
                yield chunk
    finally:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(close)


def result_response(
    chunks: Iterator[bytes], result: RunningQuery, content_type: str
) -> StreamingResponse:
    """Stream a query result's encoded ``chunks``; closing the writer and the query
    (its database connection) when done or when the client goes away."""

    def close() -> None:
        closer = getattr(chunks, "close", None)
        if closer is not None:
            closer()
        result.close()

    # The Content-Type is set as is: Starlette would add a charset to text/* types, and
    # DALI wants the very type the client asked for.
    return StreamingResponse(
        stream_in_threads(chunks, close), headers={"Content-Type": content_type}
    )
