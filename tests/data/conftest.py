"""Shared helpers for the embedded-data tests: the build script as a module, the raw folder."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """``$BYIBALANCE_SHARED_DIR``, or ``shared/`` beside the checkout (as in CI)."""
    return Path(os.environ.get("BYIBALANCE_SHARED_DIR", REPO.parent / "shared"))


def raw_dir() -> Path:
    """The raw Statistics Denmark extracts the embedded data is built from."""
    return shared_dir() / "data" / "raw"


@pytest.fixture(scope="session")
def build_data() -> ModuleType:
    """``scripts/build_data.py`` imported as a module."""
    path = REPO / "scripts" / "build_data.py"
    spec = importlib.util.spec_from_file_location("build_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_data"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def raw() -> Path:
    """The raw folder, or skip with the reason when it is not beside the checkout."""
    path = raw_dir()
    if not path.is_dir():
        pytest.skip(
            f"raw data not found at {path}: set BYIBALANCE_SHARED_DIR to the shared/ folder"
        )
    return path
