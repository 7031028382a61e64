"""Reading Warsaw 2026 and counting MES on it: byibalance vs pabutools, side by side.

Run: ``python benchmarks/pb_warsaw.py [FOLDER]`` (FOLDER defaults to $BYIBALANCE_PABULIB_DIR or
../shared/data/pabulib). Prints each time (byibalance: median of 5 runs; pabutools: one run, as
it takes seconds to minutes) and the ratio pabutools / byibalance, and checks the selections are
identical. pabutools (GPL) is used here only as the baseline.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import method_of_equal_shares as pabu_mes

from byibalance.participation import method_of_equal_shares
from byibalance.participation.files import read_pb

T = TypeVar("T")


def _median(call: Callable[[], T], runs: int = 5) -> tuple[float, T]:
    """Median wall time of ``runs`` calls (ours is cheap enough to repeat; pabutools runs once)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    default = os.environ.get(
        "BYIBALANCE_PABULIB_DIR", str(Path(__file__).parents[2] / "shared/data/pabulib")
    )
    path = Path(sys.argv[1] if len(sys.argv) > 1 else default) / "Poland_Warszawa_2026.pb"
    ours_read, (election, profile) = _median(lambda: read_pb(path))
    t0 = time.perf_counter()
    instance, pprofile = parse_pabulib(str(path))
    theirs_read = time.perf_counter() - t0
    ours_mes, ours = _median(lambda: method_of_equal_shares(election, profile))
    t0 = time.perf_counter()
    theirs = pabu_mes(instance, pprofile, sat_class=Cost_Sat)
    theirs_mes = time.perf_counter() - t0
    same = set(ours.selected) == {p.name for p in theirs}
    for what, ours_s, theirs_s in (("read", ours_read, theirs_read), ("MES", ours_mes, theirs_mes)):
        print(
            f"{what}: byibalance {ours_s:.3f} s, pabutools {theirs_s:.3f} s, "
            f"ratio {theirs_s / ours_s:.1f}x"
        )
    print(f"identical selections: {same} ({len(ours.selected)} projects)")


if __name__ == "__main__":
    main()
