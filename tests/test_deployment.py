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
