"""How fast the ``byibalance`` command line starts, beside a previous revision.

Run: ``python benchmarks/cli_startup.py --against REV`` (a git revision; it is checked out into a
temporary worktree, removed at the end) or ``--baseline-src DIR`` (a ``src`` folder already
checked out). Each command below runs ``--repeat`` times in a fresh interpreter, alternately with
this checkout's ``src`` and the baseline's on ``PYTHONPATH``, so both see the same machine load:

- ``byibalance --help``
- ``byibalance pb --help``
- ``byibalance pb run tests/participation/fixtures/two_districts.pb`` (a citizens' budget count)
- ``byibalance data list`` (in an empty temporary data home: the embedded data only)

It prints the median and the fastest wall-clock time of each, the ratio of the medians
(baseline / this checkout), whether both printed the same, and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PB_FILE = ROOT / "tests" / "participation" / "fixtures" / "two_districts.pb"
COMMANDS: list[list[str]] = [
    ["--help"],
    ["pb", "--help"],
    ["pb", "run", str(PB_FILE)],
    ["data", "list"],
]
ENTRY = "from byibalance.cli import main; main()"  # what the ``byibalance`` script runs


def run_once(src: Path, args: list[str], env: dict[str, str]) -> tuple[float, bytes]:
    """Seconds for one fresh ``byibalance ARGS`` with ``src`` first on the path, and its output."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        env={**env, "PYTHONPATH": str(src)},
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"byibalance {' '.join(args)} failed with {src} ({done.returncode}):\n"
            + done.stderr.decode(errors="replace")
        )
    return seconds, done.stdout


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as ``uptime`` shows them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def compare(baseline: Path, current: Path, repeat: int) -> None:
    """Time every command ``repeat`` times, alternating baseline and current, and print."""
    with tempfile.TemporaryDirectory(prefix="byibalance-cli-startup-") as home:
        env = {**os.environ, "BYIBALANCE_DATA_HOME": home, "COLUMNS": "100"}
        _compare_in(env, baseline, current, repeat)


def _compare_in(env: dict[str, str], baseline: Path, current: Path, repeat: int) -> None:
    print(f"baseline src: {baseline}\ncurrent src:  {current}\nload before: {load_average()}")
    print(f"{'command':<36} {'baseline':>17} {'this checkout':>17} {'ratio':>6}  same output")
    for args in COMMANDS:
        times: dict[str, list[float]] = {"baseline": [], "current": []}
        outputs: dict[str, bytes] = {}
        run_once(current, args, env)  # warm the file cache and the bytecode of both
        run_once(baseline, args, env)
        for _ in range(repeat):
            for name, src in (("baseline", baseline), ("current", current)):
                seconds, out = run_once(src, args, env)
                times[name].append(seconds)
                outputs[name] = out
        base, cur = statistics.median(times["baseline"]), statistics.median(times["current"])
        label = "byibalance " + " ".join(a if a != str(PB_FILE) else PB_FILE.name for a in args)
        print(
            f"{label:<36} {base:7.3f} s ({min(times['baseline']):.3f}) "
            f"{cur:7.3f} s ({min(times['current']):.3f}) {base / cur:5.2f}x  "
            f"{'yes' if outputs['baseline'] == outputs['current'] else 'NO'}"
        )
    print(f"load after: {load_average()}; median of {repeat} runs each (fastest in brackets)")


def main() -> None:
    """Parse the options, prepare the baseline and compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--against", metavar="REV", help="git revision to compare with")
    which.add_argument("--baseline-src", type=Path, help="the baseline's src folder")
    parser.add_argument("--repeat", type=int, default=15, help="runs per command and side")
    options = parser.parse_args()
    current = ROOT / "src"
    if options.baseline_src is not None:
        compare(options.baseline_src.resolve(), current, options.repeat)
        return
    git = ["git", "-C", str(ROOT)]
    with tempfile.TemporaryDirectory(prefix="byibalance-cli-base-") as parent:
        tree = Path(parent) / "tree"
        add = [*git, "worktree", "add", "--detach", str(tree), options.against]
        subprocess.run(add, check=True)
        try:
            compare(tree / "src", current, options.repeat)
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(tree)], check=True)


if __name__ == "__main__":
    main()
