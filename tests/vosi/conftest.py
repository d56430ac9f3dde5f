"""Fixtures for the VOSI documents: validation against the IVOA XML schemas.

STILTS carries copies of the VOSI, VOResource, VODataService and TAPRegExt schemas, so
``stilts xsdvalidate uselocals=true`` validates offline. STILTS is a test dependency
(``scripts/install-system-deps.sh``): without it these tests fail, they do not skip.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Callable

import pytest

SchemaValidator = Callable[[bytes], None]


@pytest.fixture(scope="session")
def validate_xsd(tmp_path_factory: pytest.TempPathFactory) -> SchemaValidator:
    """A function asserting that a document is valid against the IVOA schemas it uses."""
    stilts = shutil.which("stilts")
    if stilts is None:
        pytest.fail("STILTS is not installed; run scripts/install-system-deps.sh")
    directory = tmp_path_factory.mktemp("xsd")
    numbers = itertools.count()

    def validate(document: bytes) -> None:
        path = directory / f"document{next(numbers)}.xml"
        path.write_bytes(document)
        result = subprocess.run(
            [stilts, "xsdvalidate", "uselocals=true", f"doc={path}"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{path}: {result.stdout}{result.stderr}"

    return validate
