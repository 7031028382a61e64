"""Add1's float counts on Warsaw 2026 in machine instructions, this engine beside git revision REV.

Run: ``python benchmarks/pb_add1_instructions.py REV [FOLDER]`` (needs valgrind; FOLDER as in
``pb_add1.py``). Wall-clock times on a shared machine move several-fold with other jobs; the
number of instructions a count executes does not, so this is the side-by-side to trust when the
load is high (it does not see cache misses or branch mispredictions, which wall-clock does).

For each engine (``participation/mes_engine.py`` of REV, then this checkout's) the script runs
itself under ``valgrind --tool=cachegrind --cache-sim=no`` twice: once reading the file and
building the engine only, once also counting 10 of Add1's steps (every 9th per-voter budget from
the start, ``MesEngine.certified_chosen``). The difference over 10 is the instructions per count.
Every sampled count must be certified and equal between the two engines' runs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from byibalance.participation.files import read_pb
from byibalance.participation.mes_engine import MesEngine
from byibalance.participation.rules import _tie_key
from byibalance.participation.support import Support
from pb_add1 import _module_at

STEPS = 10


def _count(rev: str, folder: Path, engine: str, steps: int) -> None:
    """The measured body: read, build the engine, count ``steps`` sampled Add1 steps."""
    cls = _module_at(rev, "mes_engine", {}).MesEngine if engine == "previous" else MesEngine
    election, profile = read_pb(folder / "Poland_Warszawa_2026.pb")
    support = Support(election, profile)
    counter = cls(election, support, "cost", _tie_key(election, support.counts, "id"))
    start = election.budget / profile.num_voters
    chosen = [counter.certified_chosen(start + 9 * k) for k in range(steps)]
    if any(c is None for c in chosen):
        raise SystemExit(f"{engine}: a sampled count gave up")
    print(chosen)


def _instructions(rev: str, folder: Path, engine: str, steps: int) -> tuple[int, str]:
    run = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--count",
            engine,
            str(steps),
            rev,
            str(folder),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{run.stderr[-2000:]}")
    return int(found.group(1).replace(",", "")), run.stdout


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--count"]:
        _count(args[3], Path(args[4]), args[1], int(args[2]))
        return
    shared = Path(__file__).parents[2] / "shared/data/pabulib"
    rev = args[0]
    folder = Path(args[1]) if len(args) > 1 else shared
    per_count: dict[str, float] = {}
    selections: set[str] = set()
    for engine in ("previous", "now"):
        base, _ = _instructions(rev, folder, engine, 0)
        total, printed = _instructions(rev, folder, engine, STEPS)
        per_count[engine] = (total - base) / STEPS
        selections.add(printed)
        print(f"{engine}: {per_count[engine] / 1e6:.2f} M instructions per count", flush=True)
    print(
        f"Warsaw 2026 Add1 float count ({STEPS} sampled steps): now "
        f"{per_count['now'] / 1e6:.2f} M, {rev} {per_count['previous'] / 1e6:.2f} M "
        f"instructions, ratio {per_count['previous'] / per_count['now']:.2f}x; "
        f"same selections: {len(selections) == 1}"
    )


if __name__ == "__main__":
    main()
