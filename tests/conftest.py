"""Test-wide isolation: no test reads or writes the user's own byibalance data folder.

A developer may have downloaded StatBank snapshots or created a web database in
``~/.local/share/byibalance``; the tests must see only the embedded data and their own files.
A test that writes snapshots asks for :func:`home`, a data home of its own; a test of the
command line runs it with :func:`cli`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    home = tempfile.mkdtemp(prefix="byibalance-test-home-")
    os.environ["BYIBALANCE_DATA_HOME"] = os.path.join(home, "byibalance")
    os.environ["XDG_DATA_HOME"] = home


def forget_cached_data() -> None:
    """Clear every cache of what was read from a data home: the loaders, the population and
    mortality cubes, the national shapes and the budget parameters."""
    # imported here, not at the top: this file is read before pytest_configure sets the home
    from byibalance import data
    from byibalance.finance import inputs as finance_inputs
    from byibalance.population import inputs

    data.clear_cache()
    for cached in (inputs.population_cube, inputs.national_shapes, inputs.mortality_cube):
        cached.cache_clear()
    finance_inputs.budget_parameters.cache_clear()


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """``BYIBALANCE_DATA_HOME`` in a temporary folder, caches cleared before and after; the
    test must leave ``XDG_DATA_HOME`` (the fallback) untouched."""
    folder = tmp_path / "data-home"
    xdg = tmp_path / "xdg-must-stay-empty"
    monkeypatch.setenv("BYIBALANCE_DATA_HOME", str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(xdg))
    forget_cached_data()
    yield folder
    forget_cached_data()
    assert not xdg.exists(), f"the test wrote to XDG_DATA_HOME ({xdg}), not to its data home"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[[list[str]], tuple[object, str, str]]:
    """``byibalance ARGS`` run in this process: ``cli(ARGS)`` gives (exit code, stdout, stderr),
    the code 0 where the command returned without ``SystemExit``."""
    from byibalance.cli import main  # here, not at the top: see forget_cached_data

    def run(args: list[str]) -> tuple[object, str, str]:
        code: object = 0
        try:
            main(args)
        except SystemExit as exit_:
            code = exit_.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
