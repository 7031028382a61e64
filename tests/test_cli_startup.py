"""The command line starts without the heavy core: ``byibalance --help`` and a citizens' budget
count do not import pandas (benchmarks/cli_startup.py measures the time; this checks the cause).

Each check runs in a fresh interpreter, because this test process has imported pandas already.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PB_FILE = Path(__file__).parent / "participation" / "fixtures" / "two_districts.pb"

# What the entry point (``byibalance = "byibalance.cli:main"``) loads, then what it runs.
PROBE = """
import contextlib, io, json, sys
import byibalance.cli
argv = json.loads(sys.argv[1])
if argv is not None:
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            byibalance.cli.main(argv)
        except SystemExit as stop:
            if stop.code not in (0, None):
                raise
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(argv: list[str] | None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (None, {"pandas", "numpy", "scipy", "httpx", "sqlalchemy", "byibalance.data"}),
        (["--help"], {"pandas", "numpy", "scipy", "httpx", "sqlalchemy", "byibalance.data"}),
        (["pb", "--help"], {"pandas", "numpy", "scipy", "httpx", "sqlalchemy"}),
        (["pb", "run", str(PB_FILE)], {"pandas", "scipy", "httpx", "sqlalchemy"}),
    ],
    ids=["import", "help", "pb-help", "pb-run"],
)
def test_start_up_leaves_the_heavy_core_unimported(argv, absent):
    loaded = _modules_after(argv)
    assert "byibalance.cli.pb" in loaded  # the probe did load the command line
    assert not absent & loaded, f"byibalance {argv} imported {sorted(absent & loaded)}"


def test_data_update_help_still_lists_every_statbank_table():
    """The ``--tables`` help is filled in when shown, from the StatBank client's own list."""
    from byibalance.sources.statbank import TABLE_GROUPS, TABLES

    command = [sys.executable, "-c", "from byibalance.cli import main; main()"]
    done = subprocess.run(
        [*command, "data", "update", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "400"},
    )
    assert done.returncode == 0, done.stderr
    flat = " ".join(done.stdout.split())
    assert "Comma list of StatBank tables, or 'all': " + ", ".join(TABLES) in flat
    for group, members in TABLE_GROUPS.items():
        assert f"{group} = {' and '.join(members)}" in flat


def test_cli_choices_mirror_the_core():
    """Choices and defaults the command line keeps itself, to start without the core, are the
    core's own (same values, same order, so the help shows them the same way)."""
    from byibalance.cli.portfolio import Frames
    from byibalance.cli.simulate import DEFAULT_END
    from byibalance.cli.sustainability import ClimateView
    from byibalance.population.api import DEFAULT_END as CORE_DEFAULT_END
    from byibalance.portfolio import Mode
    from byibalance.sustainability import View

    assert [m.value for m in Frames] == [m.value for m in Mode]
    assert [v.value for v in ClimateView] == [v.value for v in View]
    assert DEFAULT_END == CORE_DEFAULT_END
