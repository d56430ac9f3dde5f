"""A result stream served as an HTTP body.

Chunks are produced in worker threads, so encoding never stalls the event loop, and
gathered there into pieces, so that a small result costs one trip to a thread. The
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


PIECE_BYTES = 1 << 16
"""Chunks are gathered in the worker thread up to this size before the event loop takes
them: each trip to a worker thread and back costs about as much as encoding a few hundred
rows, and a small result (a COUNT, a cone of a few rows) is then one trip in all."""


class _Pieces:
    """Chunks read in pieces, each in one trip to a worker thread; closed once, in the
    trip that finds their end when there is one."""

    def __init__(self, chunks: Iterator[bytes], close: Callable[[], None]) -> None:
        self._chunks = chunks
        self._close = close
        self.closed = False
        self.ended = False

    def next_piece(self) -> tuple[bytes, ResultCutError | None]:
        """Chunks up to :data:`PIECE_BYTES` (fewer at the end, which also closes), and
        the error that cut them short, if one did (the bytes before it go first)."""
        gathered: list[bytes] = []
        size = 0
        try:
            while size < PIECE_BYTES:
                chunk = next(self._chunks, None)
                if chunk is None:
                    self.ended = True
                    self.close()
                    break
                gathered.append(chunk)
                size += len(chunk)
        except ResultCutError as exc:
            return b"".join(gathered), exc
        return b"".join(gathered), None

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._close()


async def stream_in_threads(
    chunks: Iterator[bytes], close: Callable[[], None]
) -> AsyncIterator[bytes]:
    """Yield ``chunks`` (computed in worker threads, gathered into pieces of about
    :data:`PIECE_BYTES`), then call ``close``."""
    pieces = _Pieces(chunks, close)
    try:
        while not pieces.ended:
            piece, cut = await run_in_threadpool(pieces.next_piece)
            if piece:
                yield piece
            if cut is not None:
                raise ResponseAbortedError(str(cut)) from None
    finally:
        if not pieces.closed:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(pieces.close)


def stream_response(stream: ResultStream) -> StreamingResponse:
    """Send ``stream``, closing it when done or when the client goes away."""
    # The Content-Type is set as is: Starlette would add a charset to text/* types, and
    # DALI wants the very type the client asked for.
    return StreamingResponse(
        stream_in_threads(iter(stream), stream.close),
        headers={"Content-Type": stream.content_type},
    )
