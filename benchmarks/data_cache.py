"""What following the active snapshot costs a cached call: ``@data_cached`` against bare ``@cache``.

Run: ``python benchmarks/data_cache.py``. In a temporary data home (with a pin file and a
snapshots folder, so both ``stat`` calls find a file), it times, side by side in this process:

- a hit of a bare ``functools.cache`` function (the baseline, what the readers used before);
- ``data_generation()`` alone, with a pin (one ``stat``) and without (two);
- a hit of the same function under ``@data_cached`` (generation check + ``lru_cache`` lookup);
- a hit of ``byibalance.data.fertility_asfr()`` and of ``budget_parameters("101")``, the real
  readers, now keyed on the generation.

Each figure is the median over ``ROUNDS`` rounds of ``CALLS`` calls; it prints µs per call and
the ratio to the bare ``@cache`` hit.
"""

from __future__ import annotations

import functools
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CALLS = 20_000
ROUNDS = 9


def per_call(func: Callable[[], object]) -> float:
    """Median seconds per call of ``func`` over ``ROUNDS`` rounds of ``CALLS`` calls."""
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(CALLS):
            func()
        times.append((time.perf_counter() - start) / CALLS)
    return statistics.median(times)


def main() -> None:
    """Print µs per call and the ratio to a bare ``@cache`` hit."""
    home = Path(tempfile.mkdtemp(prefix="byibalance-bench-"))
    os.environ["BYIBALANCE_DATA_HOME"] = str(home)
    (home / "snapshots").mkdir()
    from byibalance import data
    from byibalance.data.generation import data_cached, data_generation
    from byibalance.finance.inputs import budget_parameters
    from byibalance.sources import snapshots

    snapshots.use("embedded", home)

    @functools.cache
    def bare() -> int:
        return 1

    @data_cached
    def keyed() -> int:
        return 1

    def real_asfr() -> object:
        return data.fertility_asfr()

    def real_budget() -> object:
        return budget_parameters("101")

    cases: list[tuple[str, Callable[[], object]]] = [
        ("bare @cache hit (baseline)", bare),
        ("data_generation() alone", data_generation),
        ("@data_cached hit", keyed),
        ("data.fertility_asfr() hit", real_asfr),
        ('budget_parameters("101") hit', real_budget),
    ]
    for _, func in cases:
        func()  # warm: the cached value exists
    results = [(name, per_call(func)) for name, func in cases]
    snapshots.use("newest", home)  # no pin: the snapshots folder is stat'ed as well
    results.append(("data_generation(), no pin", per_call(data_generation)))
    base = results[0][1]
    print(f"{'call':32s} {'µs/call':>9s} {'ratio':>7s}")
    for name, seconds in results:
        print(f"{name:32s} {seconds * 1e6:9.3f} {seconds / base:7.1f}")


if __name__ == "__main__":
    main()
