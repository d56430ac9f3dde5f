"""The local result store: whole results or none, per job, safe names only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.storage.result_store import ResultStore


def test_write_read_delete(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    assert store.write("job1", "result", [b"abc", b"", b"def"]) == 6
    chunks = store.read("job1", "result")
    assert chunks is not None
    assert b"".join(chunks) == b"abcdef"
    assert store.read("job1", "other") is None
    store.delete("job1")
    assert store.read("job1", "result") is None
    store.delete("job1")  # deleting twice is fine


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)

    def failing() -> Iterator[bytes]:
        yield b"partial"
        raise RuntimeError("the query failed")

    with pytest.raises(RuntimeError):
        store.write("job2", "result", failing())
    assert store.read("job2", "result") is None
    assert list((tmp_path / "job2").iterdir()) == []


@pytest.mark.parametrize("bad", ["../etc", "a/b", "", ".hidden", "x" * 101])
def test_unsafe_names_are_refused(tmp_path: Path, bad: str) -> None:
    store = ResultStore(tmp_path)
    with pytest.raises(ValueError, match="must be"):
        store.write(bad, "result", [b"x"])
    with pytest.raises(ValueError, match="must be"):
        store.read("job", bad)
