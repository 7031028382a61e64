"""Benchmark: population + services + budget + rules to 2040, against the population step alone.

Run: ``python benchmarks/budget_run.py``. Prints, for Albertslund and for all 98 municipalities,
the median time of the full chain and of the population projection alone, and their ratio.
Target: the single-municipality chain under 100 ms (an interactive slider).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from byibalance import data
from byibalance.finance import check_rules, compute_budget
from byibalance.finance.inputs import budget_parameters
from byibalance.population import project, project_many
from byibalance.services import compute


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def one(code: str = "165") -> None:
    """Population + services + budget + rules for one municipality."""
    params = budget_parameters(code)
    projection = project(code, end=2040)
    services = compute(projection, params)
    check_rules(compute_budget(projection, services, params), params)


def all_98(codes: list[str]) -> None:
    """The same for all municipalities, the population in one vectorised run."""
    projections = project_many(codes, end=2040)
    for code, projection in projections.items():
        params = budget_parameters(code)
        services = compute(projection, params)
        check_rules(compute_budget(projection, services, params), params)


def main() -> None:
    codes = data.municipality_codes("all")
    one()
    all_98(codes)  # warm the data and parameter caches
    full = _median_ms(one, 21)
    pop = _median_ms(lambda: project("165", end=2040), 21)
    print(f"Albertslund to 2040: chain {full:.1f} ms, population alone {pop:.1f} ms, "
          f"finance part {full - pop:.1f} ms, ratio chain/population {full / pop:.2f}")
    full98 = _median_ms(lambda: all_98(codes), 5)
    pop98 = _median_ms(lambda: project_many(codes, end=2040), 5)
    print(f"All {len(codes)} to 2040: chain {full98:.0f} ms, population alone {pop98:.0f} ms, "
          f"finance part {full98 - pop98:.0f} ms, ratio chain/population {full98 / pop98:.2f}")


if __name__ == "__main__":
    main()
