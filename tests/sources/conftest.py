"""Fixtures for the StatBank client and snapshot tests (their data home is ``home`` of
tests/conftest.py, never the user's)."""

from __future__ import annotations

import pytest


@pytest.fixture
def no_sleep() -> list[float]:
    """A sleep that records its waits instead of sleeping."""
    return []
