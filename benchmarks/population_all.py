"""Benchmark: all 98 municipalities x 30 years, vectorised engine vs a per-age Python loop.

Each is timed as the best of several runs.

Both run the same model on the same inputs in the same process; the loop result also checks
the engine (max abs difference printed). Run: ``python benchmarks/population_all.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from byibalance import data
from byibalance.population import project
from byibalance.population.engine import run
from byibalance.population.inputs import build_inputs
from byibalance.population.reference import run_reference

YEARS = 30


def best_of(repeats: int, function: Callable[[], object]) -> float:
    """The fastest of ``repeats`` wall-clock timings, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    codes = data.municipality_codes("all")
    start = time.perf_counter()
    prepared = build_inputs(codes, 2020, 2020 + YEARS)
    build = time.perf_counter() - start
    inputs = prepared.inputs
    vectorised = best_of(5, lambda: run(inputs))
    loop = best_of(3, lambda: run_reference(inputs))
    reference = run_reference(inputs)
    engine = run(inputs)
    difference = max(
        float(np.abs(getattr(engine, name) - getattr(reference, name)).max())
        for name in ("population", "births", "deaths", "in_migration", "out_migration",
                     "housing_migration", "calibration")
    )  # fmt: skip
    one = build_inputs(["165"], 2020, 2020 + YEARS).inputs
    single = best_of(20, lambda: run(one))
    api_single = best_of(3, lambda: project("165", end=2020 + YEARS))
    print(f"municipalities: {len(codes)}, years: {YEARS}")
    print(f"input estimation (all, once): {build * 1000:.0f} ms")
    print(f"vectorised engine, all:  {vectorised * 1000:.1f} ms")
    print(f"per-age Python loop, all: {loop * 1000:.0f} ms")
    print(f"ratio loop / vectorised: {loop / vectorised:.0f}x")
    print(f"max abs difference, population and components (persons): {difference:.2e}")
    print(f"vectorised engine, Albertslund alone: {single * 1000:.2f} ms")
    print(f"project('165') end to end incl. data loading (cached): {api_single * 1000:.0f} ms")


if __name__ == "__main__":
    main()
