"""The layers the architecture draws: the libraries (``adql``, ``obscore``, ``sia``) and
the service, storage, job and output layers import no web framework, and ``obscura
worker`` runs without loading one (checked in a fresh interpreter)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB_FREE = [
    "adql",
    "obscore",
    "sia",
    "app/storage",
    "app/services",
    "app/uws",
    "app/formats",
    "app/votable",
    "app/vosi",
    "app/faults.py",
    "app/resources.py",
    "app/factory.py",
    "app/worker.py",
    "app/config.py",
    "app/dali.py",
    "app/paths.py",
    "app/logging.py",
]
WEB = ("fastapi", "starlette")


def _files() -> list[Path]:
    files: list[Path] = []
    for entry in WEB_FREE:
        path = ROOT / entry
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_web_free_layers_import_no_web_framework() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in _imported(path) if n.split(".")[0] in WEB)
        for path in _files()
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    # and the libraries never reach up into the application
    for library in ("adql", "obscore", "sia"):
        for path in (ROOT / library).rglob("*.py"):
            assert not any(n.split(".")[0] == "app" for n in _imported(path)), path


def test_the_worker_and_the_layers_load_no_web_framework() -> None:
    """What ``obscura worker`` imports, and every web-free module, in a fresh process."""
    script = """
import importlib, json, pkgutil, sys
for package in ("adql", "obscore", "sia", "app.storage", "app.services", "app.uws",
                "app.formats", "app.votable", "app.vosi"):
    module = importlib.import_module(package)
    for found in pkgutil.walk_packages(module.__path__, package + "."):
        if ".migrations" not in found.name:  # Alembic's env runs only under Alembic
            importlib.import_module(found.name)
import app.cli, app.worker
app.cli._parser().parse_args(["worker"])
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    top_level = set(json.loads(loaded.stdout.strip().splitlines()[-1]))
    assert "procrastinate" in top_level  # the worker's own machinery was loaded
    assert not top_level & set(WEB)
