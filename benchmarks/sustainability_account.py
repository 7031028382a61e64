"""Benchmark: the sustainability and climate accounts against the population projection.

Run: ``python benchmarks/sustainability_account.py``. Prints the median time of
``compute_indicators`` + ``climate_account`` + ``ambition_wedges`` for Albertslund (inputs
already loaded, as in a scenario run in the web app) next to the projection they read, and the
ratio. Target: the accounts add under 10 % to a scenario's projection, so the account can move
with every slider change.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from byibalance.population import project_many
from byibalance.sustainability import (
    View,
    ambition_wedges,
    climate_account,
    compute_indicators,
)
from byibalance.sustainability.climate import AmbitionEffect
from byibalance.sustainability.loaders import (
    load_account_inputs,
    load_climate,
    observed_population,
)


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(code: str = "165", repeat: int = 15) -> None:
    registry, values, _ = load_account_inputs(code)
    inventory = load_climate(code)
    observed = observed_population(code)
    effects = [AmbitionEffect(f"a{i}", "A", 2027 + i % 5, 2, 100.0, 10.0) for i in range(20)]

    proj = project_many([code])[code]

    def accounts() -> object:
        compute_indicators(registry, values, proj, observed_population=observed)
        account = climate_account(inventory, View.territory, proj, observed)
        return ambition_wedges(account.baseline, effects)

    accounts()
    t_proj = _median_ms(lambda: project_many([code]), repeat)
    t_acc = _median_ms(accounts, repeat)
    t_load = _median_ms(
        lambda: (load_account_inputs(code), load_climate(code), observed_population(code)), 5
    )
    print(f"loading registry, values, inventory and observed totals: {t_load:.1f} ms")
    print(f"municipality {code}: accounts {t_acc:.2f} ms, projection {t_proj:.2f} ms, "
          f"ratio accounts/projection {t_acc / t_proj:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
