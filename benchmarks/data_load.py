"""How long the embedded data takes to load, against a bare ``pandas.read_csv`` of the same files.

Run: ``python benchmarks/data_load.py``. For each loader it times a cold load (cache cleared) and
a bare ``pd.read_csv`` of the same file side by side in this process, and prints the ratio; then
the cost of a cached call. The loader adds dtype handling and a column check, so a ratio near 1
means it costs nothing beyond reading the file.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pandas as pd

from byibalance import data

REPEATS = 7

CASES: list[tuple[Callable[[], pd.DataFrame], str]] = [
    (data.population_age5, "population_age5.csv.gz"),
    (data.mortality_province, "mortality_province_age5.csv"),
    (data.national_single_age, "denmark_population_single_age.csv"),
    (data.municipalities, "municipalities.csv"),
]


def best_of(func: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median wall time of ``func`` in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print loader vs bare read_csv per file, and the cached call."""
    print(f"{'file':40s} {'loader ms':>10s} {'read_csv ms':>12s} {'ratio':>6s}")
    for loader, file in CASES:
        path = data.data_dir() / file

        def cold(loader: Callable[[], pd.DataFrame] = loader) -> None:
            loader.cache_clear()  # type: ignore[attr-defined]
            loader()

        ours = best_of(cold)
        bare = best_of(lambda path=path: pd.read_csv(path))
        print(f"{file:40s} {ours * 1e3:10.1f} {bare * 1e3:12.1f} {ours / bare:6.2f}")
    data.population_age5()
    cached = best_of(data.population_age5, repeats=1000)
    print(f"cached population_age5() call: {cached * 1e6:.2f} µs")


if __name__ == "__main__":
    main()
