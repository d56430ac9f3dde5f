"""The ``obscura`` command's answers to settings it cannot use: one line naming the
setting and what to do, exit status 2, no traceback."""

from __future__ import annotations

import pytest

from app.cli import main


def test_worker_without_the_queue_runner_says_how_to_enable_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OBSCURA_JOB_RUNNER", raising=False)
    assert main(["worker"]) == 2
    assert "OBSCURA_JOB_RUNNER=queue" in capsys.readouterr().err


def test_queue_runner_on_sqlite_is_refused_clearly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBSCURA_JOB_RUNNER", "queue")
    monkeypatch.setenv("OBSCURA_DATABASE_URL", "sqlite:///nowhere.db")
    assert main(["worker"]) == 2
    error = capsys.readouterr().err
    assert "needs a PostgreSQL OBSCURA_DATABASE_URL" in error
    assert "Traceback" not in error


def test_read_replicas_of_sqlite_are_refused_clearly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBSCURA_DATABASE_URL", "sqlite:///nowhere.db")
    monkeypatch.setenv("OBSCURA_DATABASE_READ_URLS", '["sqlite:///copy.db"]')
    assert main(["serve"]) == 2
    error = capsys.readouterr().err
    assert "OBSCURA_DATABASE_READ_URLS are PostgreSQL streaming replicas" in error
    assert "Traceback" not in error


def test_a_malformed_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBSCURA_JOB_CONCURRENCY", "two")
    assert main(["init-db"]) == 2
    assert "OBSCURA_JOB_CONCURRENCY: Input should be a valid integer" in capsys.readouterr().err
