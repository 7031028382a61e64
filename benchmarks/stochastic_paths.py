"""Benchmark: stochastic paths vs the deterministic engine run once per path.

Two cases of issue 9: 10,000 paths of Albertslund to 2040, and 1,000 paths of all 98
municipalities to 2040. The baseline is the deterministic ``engine.run`` timed in the same
process and multiplied by the number of paths (what a loop of single runs would cost at best).
Peak memory is ``tracemalloc``'s peak of Python and numpy allocations during the run.

Run: ``python benchmarks/stochastic_paths.py [--quick]`` (``--quick``: a tenth of the paths).
"""

from __future__ import annotations

import sys
import time
import tracemalloc

from byibalance import data
from byibalance.batch.prepare import prepare
from byibalance.batch.run import run_local
from byibalance.population.engine import run

END = 2040


def case(name: str, codes: list[str], paths: int) -> None:
    inputs = prepare(codes, 2020, END)
    run(inputs.model)  # warm
    start = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        run(inputs.model)
    single = (time.perf_counter() - start) / repeats
    tracemalloc.start()
    start = time.perf_counter()
    summary = run_local(inputs, paths, seed=1)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    baseline = single * paths
    print(
        f"{name}: {paths:,} paths x {len(codes)} municipalities to {END}: "
        f"stochastic {elapsed:.1f} s, peak {peak / 2**20:.0f} MiB; deterministic run "
        f"{single * 1e3:.1f} ms x {paths:,} = {baseline:.1f} s; ratio {elapsed / baseline:.2f} "
        f"({len(summary.quantiles):,} quantile rows)"
    )


def main() -> None:
    quick = "--quick" in sys.argv
    scale = 10 if quick else 1
    case("one municipality", ["165"], 10_000 // scale)
    case("all municipalities", data.municipality_codes("all"), 1_000 // scale)


if __name__ == "__main__":
    main()
