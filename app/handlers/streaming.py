"""A result stream served as an HTTP body.

Each chunk is produced in a worker thread, so encoding never stalls the event loop. The
stream is closed in ``finally``, also when the client goes away mid-download, so the
database connection behind it is released at once. A result that had to be cut short
(:class:`~app.services.result_stream.ResultCutError`) ends the response without HTTP's
end marker (:class:`~app.handlers.errors.ResponseAbortedError`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse

from app.handlers.errors import ResponseAbortedError
from app.services.result_stream import ResultCutError, ResultStream

__all__ = ["stream_in_threads", "stream_response"]


async def stream_in_threads(
    chunks: Iterator[bytes], close: Callable[[], None]
) -> AsyncIterator[bytes]:
    """Yield ``chunks`` (each computed in a worker thread), then call ``close``."""
    done = object()
    try:
        while True:
            try:
                chunk = await run_in_threadpool(next, chunks, done)
            except ResultCutError as exc:
                raise ResponseAbortedError(str(exc)) from None
            if chunk is done:
                break
            assert isinstance(chunk, bytes)
            if chunk:
                yield chunk
    finally:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(close)


def stream_response(stream: ResultStream) -> StreamingResponse:
    """Send ``stream``, closing it when done or when the client goes away."""
    # The Content-Type is set as is: Starlette would add a charset to text/* types, and
    # DALI wants the very type the client asked for.
    return StreamingResponse(
        stream_in_threads(iter(stream), stream.close),
        headers={"Content-Type": stream.content_type},
    )
