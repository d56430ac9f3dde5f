"""The production shape: docker-compose.yml and the Dockerfile (no Docker engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from app.config import Config

ROOT = Path(__file__).parents[1]


def _compose() -> dict[str, dict[str, object]]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services: dict[str, dict[str, object]] = data["services"]
    return services


def test_compose_declares_postgres_api_and_worker() -> None:
    services = _compose()
    assert {"postgres", "api", "worker"} <= set(services)
    postgres = services["postgres"]
    build = postgres["build"]
    assert isinstance(build, dict)
    dockerfile = (ROOT / str(build["dockerfile"])).read_text()
    assert "postgresql-15-pgsphere" in dockerfile


def test_api_and_worker_share_one_configuration_understood_by_config() -> None:
    services = _compose()
    api_env = services["api"]["environment"]
    worker_env = services["worker"]["environment"]
    assert api_env == worker_env
    assert isinstance(api_env, dict)
    known = {f"OBSCURA_{name.upper()}" for name in Config.model_fields}
    assert set(api_env) <= known
    url = str(api_env["OBSCURA_DATABASE_URL"])
    assert url.startswith("postgresql+psycopg://")
    assert "@postgres:" in url
    assert services["worker"]["command"] == ["obscura", "worker"]
    assert "8000:8000" in services["api"]["ports"]  # type: ignore[operator]


def test_compose_runs_jobs_on_workers_with_shared_results() -> None:
    services = _compose()
    env = services["api"]["environment"]
    assert isinstance(env, dict)
    config = Config(**{name.removeprefix("OBSCURA_").lower(): value for name, value in env.items()})
    assert config.job_runner == "queue"  # valid: the queue needs PostgreSQL, and has it
    assert "profiles" not in services["worker"]  # started by a plain `docker compose up`
    # API and workers mount the volume the result store is on.
    result_dir = config.result_location
    for name in ("api", "worker"):
        volumes = services[name]["volumes"]
        assert isinstance(volumes, list)
        assert any(result_dir.startswith(str(v).split(":")[1]) for v in volumes)


def test_dockerfile_installs_like_the_readme() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "pip install --no-cache-dir -r requirements.lock" in dockerfile
    assert "pip install --no-cache-dir --no-deps ." in dockerfile
    assert "pip install -r requirements.lock" in readme
    assert "pip install --no-deps ." in readme
    for package in ("app", "adql", "obscore", "sia"):
        assert re.search(rf"^COPY {package} \./{package}$", dockerfile, re.MULTILINE)
    assert 'CMD ["obscura", "serve"' in dockerfile
