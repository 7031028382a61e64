"""Benchmark: the same stochastic tasks in process and on a local Dask cluster.

All 98 municipalities x PATHS paths to 2040, ``batch.run.run_local`` against
``batch.run.run_dask`` with a ``LocalCluster`` of 2 worker processes (1 thread each), in the same
script; the percentiles must be identical. The Dask time includes starting the cluster.

Run: ``python benchmarks/stochastic_dask.py [PATHS]`` (default 200).
"""

from __future__ import annotations

import sys
import time

import pandas as pd

from byibalance import data
from byibalance.batch.prepare import prepare
from byibalance.batch.run import run_dask, run_local


def main() -> None:
    paths = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    inputs = prepare(data.municipality_codes("all"), 2020, 2040)
    start = time.perf_counter()
    local = run_local(inputs, paths, seed=1)
    t_local = time.perf_counter() - start
    start = time.perf_counter()
    distributed = run_dask(inputs, paths, seed=1, n_workers=2, processes=True)
    t_dask = time.perf_counter() - start
    pd.testing.assert_frame_equal(local.quantiles, distributed.quantiles)
    print(
        f"98 municipalities x {paths} paths to 2040: in process {t_local:.1f} s, "
        f"Dask LocalCluster 2 processes {t_dask:.1f} s; ratio {t_dask / t_local:.2f}; "
        "percentiles identical"
    )


if __name__ == "__main__":
    main()
