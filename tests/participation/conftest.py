"""Where the real Pabulib files are: ``BYIBALANCE_PABULIB_DIR`` (set by CI) or shared/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ENV = "BYIBALANCE_PABULIB_DIR"


def pabulib_dir() -> Path | None:
    """The folder of .pb files, or None if absent."""
    env = os.environ.get(ENV)
    if env:
        return Path(env) if Path(env).is_dir() else None
    default = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pabulib"
    return default if default.is_dir() else None


@pytest.fixture(scope="session")
def pbdir() -> Path:
    """The Pabulib folder; skips with a message naming the environment variable if absent."""
    d = pabulib_dir()
    if d is None:
        pytest.skip(f"Pabulib files not found: set {ENV} to the folder of .pb files")
    return d
