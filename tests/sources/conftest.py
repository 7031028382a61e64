"""Fixtures for the StatBank client and snapshot tests: a temporary data home, never the user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from byibalance import data
from byibalance.population import inputs


def _forget() -> None:
    data.clear_cache()
    for cached in (inputs.population_cube, inputs.national_shapes, inputs.mortality_cube):
        cached.cache_clear()


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """``BYIBALANCE_DATA_HOME`` in a temporary folder; caches cleared before and after."""
    folder = tmp_path / "data-home"
    monkeypatch.setenv("BYIBALANCE_DATA_HOME", str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-must-stay-empty"))
    _forget()
    yield folder
    _forget()
    assert not (tmp_path / "xdg-must-stay-empty").exists()


@pytest.fixture
def no_sleep() -> list[float]:
    """A sleep that records its waits instead of sleeping."""
    return []
