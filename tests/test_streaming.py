"""Result chunks sent from worker threads (app/handlers/streaming.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from app.handlers.errors import ResponseAbortedError
from app.handlers.streaming import PIECE_BYTES, stream_in_threads
from app.services.result_stream import ResultCutError


class Source:
    """Chunks that record the threads they were made in, and how often they were closed."""

    def __init__(self, chunks: list[bytes], cut_after: int | None = None) -> None:
        self.chunks = chunks
        self.cut_after = cut_after
        self.threads: set[int] = set()
        self.closes = 0

    def __iter__(self) -> Iterator[bytes]:
        for i, chunk in enumerate(self.chunks):
            if i == self.cut_after:
                raise ResultCutError("the database went away")
            self.threads.add(threading.get_ident())
            yield chunk

    def close(self) -> None:
        self.closes += 1


async def test_small_chunks_are_one_piece_made_and_closed_in_one_trip() -> None:
    source = Source([b"<VOTABLE>", b"rows", b"</VOTABLE>"])
    pieces = [p async for p in stream_in_threads(iter(source), source.close)]
    assert pieces == [b"<VOTABLE>rows</VOTABLE>"]
    assert source.closes == 1
    assert threading.get_ident() not in source.threads


async def test_large_results_come_in_pieces_of_the_set_size() -> None:
    chunk = b"x" * (PIECE_BYTES // 4 + 1)
    source = Source([chunk] * 10)
    pieces = [p async for p in stream_in_threads(iter(source), source.close)]
    assert b"".join(pieces) == chunk * 10
    assert [len(p) for p in pieces] == [4 * len(chunk), 4 * len(chunk), 2 * len(chunk)]
    assert source.closes == 1


async def test_a_cut_sends_what_came_before_then_aborts() -> None:
    source = Source([b"head", b"row1", b"row2"], cut_after=2)
    received: list[bytes] = []

    async def receive() -> None:
        async for piece in stream_in_threads(iter(source), source.close):
            received.append(piece)

    with pytest.raises(ResponseAbortedError, match="went away"):
        await receive()
    assert received == [b"headrow1"]
    assert source.closes == 1


async def test_a_client_gone_mid_stream_closes_the_source_once() -> None:
    chunk = b"x" * PIECE_BYTES
    source = Source([chunk] * 5)
    stream = stream_in_threads(iter(source), source.close)
    assert await stream.__anext__() == chunk
    await stream.aclose()
    assert source.closes == 1
