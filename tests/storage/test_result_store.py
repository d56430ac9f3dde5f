"""The result store, local or under an fsspec URL: whole results or none, per job, safe
names only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec  # type: ignore[import-untyped]
import pytest

from app.uws.results import CHUNK, ResultStore


@pytest.fixture(params=["path", "file-url", "memory"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | Path]:
    """A fresh, empty store location in each mode."""
    if request.param == "path":
        yield tmp_path
    elif request.param == "file-url":
        yield tmp_path.as_uri()
    else:
        url = f"memory://results-{uuid.uuid4().hex}"
        yield url
        fs, root = fsspec.core.url_to_fs(url)
        if fs.exists(root):
            fs.rm(root, recursive=True)


def _files(location: str | Path) -> set[str]:
    """Every file or object under the location (hidden ones too), relative to it."""
    fs, root = fsspec.core.url_to_fs(str(location))
    prefix = root.rstrip("/") + "/"
    return {path.removeprefix(prefix) for path in fs.find(root)}


def _failing() -> Iterator[bytes]:
    yield b"partial"
    raise RuntimeError("the query failed")


def test_write_read_delete(location: str | Path) -> None:
    store = ResultStore(location)
    assert store.write("job1", "result", [b"abc", b"", b"def"]) == 6
    chunks = store.read("job1", "result")
    assert chunks is not None
    assert b"".join(chunks) == b"abcdef"
    assert store.read("job1", "other") is None
    assert _files(location) == {"job1/result"}
    store.delete("job1")
    assert store.read("job1", "result") is None
    assert _files(location) == set()
    store.delete("job1")  # deleting twice is fine


def test_location_is_kept_as_given(location: str | Path) -> None:
    assert ResultStore(location).location == str(location)


@pytest.mark.parametrize("as_url", [False, True])
def test_local_locations_are_on_the_disk(tmp_path: Path, as_url: bool) -> None:
    root = tmp_path / "results"
    store = ResultStore(root.as_uri() if as_url else root)
    store.write("job1", "result", [b"abc"])
    assert (root / "job1" / "result").read_bytes() == b"abc"


def test_a_write_replaces_the_result(location: str | Path) -> None:
    store = ResultStore(location)
    store.write("job1", "result", [b"old result"])
    assert store.write("job1", "result", [b"new"]) == 3
    chunks = store.read("job1", "result")
    assert chunks is not None
    assert b"".join(chunks) == b"new"
    assert _files(location) == {"job1/result"}


def test_a_failed_write_leaves_nothing(location: str | Path) -> None:
    store = ResultStore(location)
    with pytest.raises(RuntimeError, match="the query failed"):
        store.write("job2", "result", _failing())
    assert store.read("job2", "result") is None
    assert _files(location) == set()  # no result and no temporary file or object


def test_a_failed_write_keeps_the_previous_result(location: str | Path) -> None:
    store = ResultStore(location)
    store.write("job2", "result", [b"complete"])
    with pytest.raises(RuntimeError, match="the query failed"):
        store.write("job2", "result", _failing())
    chunks = store.read("job2", "result")
    assert chunks is not None
    assert b"".join(chunks) == b"complete"
    assert _files(location) == {"job2/result"}


def test_reads_in_chunks_of_1_mib(location: str | Path) -> None:
    store = ResultStore(location)
    data = bytes(range(256)) * (CHUNK * 5 // 2 // 256)
    assert store.write("job1", "result", [data[:100], data[100:]]) == len(data)
    chunks = store.read("job1", "result")
    assert chunks is not None
    read = list(chunks)
    assert [len(chunk) for chunk in read] == [CHUNK, CHUNK, CHUNK // 2]
    assert b"".join(read) == data


def test_delete_removes_only_that_job(location: str | Path) -> None:
    store = ResultStore(location)
    store.write("job1", "result", [b"1"])
    store.write("job1", "log", [b"2"])
    store.write("job2", "result", [b"3"])
    store.delete("job1")
    assert store.read("job1", "result") is None
    assert store.read("job1", "log") is None
    chunks = store.read("job2", "result")
    assert chunks is not None
    assert b"".join(chunks) == b"3"
    assert _files(location) == {"job2/result"}


def test_reading_a_missing_result_gives_none(location: str | Path) -> None:
    store = ResultStore(location)
    assert store.read("nojob", "result") is None
    store.write("job1", "result", [b"x"])
    assert store.read("job1", "missing") is None
    assert store.read("job10", "result") is None


@pytest.mark.parametrize("bad", ["../etc", "a/b", "", ".hidden", "x" * 101, "a.b", "é"])
def test_unsafe_names_are_refused(location: str | Path, bad: str) -> None:
    store = ResultStore(location)
    with pytest.raises(ValueError, match="must be"):
        store.write(bad, "result", [b"x"])
    with pytest.raises(ValueError, match="must be"):
        store.write("job", bad, [b"x"])
    with pytest.raises(ValueError, match="must be"):
        store.read(bad, "result")
    with pytest.raises(ValueError, match="must be"):
        store.read("job", bad)
    with pytest.raises(ValueError, match="must be"):
        store.delete(bad)
    assert _files(location) == set()
