"""Orchestration: the same pure chunks in this process or on ``dask.distributed``.

Work is split into tasks of (a group of municipalities) x (a chunk of :data:`CHUNK_PATHS`
paths); each municipality's chunk draws from ``SeedSequence(seed, spawn_key=(code, chunk))``, so
the paths do not depend on the split, the number of workers or the machine. A per-group reduce
turns the chunks into percentiles and totals, so only small results travel back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from byibalance.errors import DataError, ErrorLocation
from byibalance.population.stochastic import (
    DEFAULT_PERCENTILES,
    SERVICE_GROUPS,
    PathResult,
    StochasticInputs,
    check_percentiles,
    chunks,
    combine,
    simulate_chunk,
)

GROUP_SIZE = 8
"""Municipalities per task: enough rows to vectorise, few enough to keep memory small."""


@dataclass(frozen=True)
class Summary:
    """Percentiles and per-path totals of a run, as long tables.

    ``quantiles``: ``municipality, year, group, percentile, value`` (group ``total`` or an age
    group ``lo-hi``); ``paths``: ``municipality, path, year, total``.
    """

    quantiles: pd.DataFrame
    paths: pd.DataFrame


def group_label(lo: int, hi: int) -> str:
    """``0-2``, ``80+`` (100 means 100 and over)."""
    return f"{lo}+" if hi >= 100 else f"{lo}-{hi}"


def summarise(parts: Sequence[PathResult], percentiles: Sequence[float]) -> Summary:
    """Percentiles over the paths of the chunks of one group of municipalities."""
    result = combine(parts)
    pct = list(check_percentiles(percentiles))
    m, p = len(result.codes), result.paths
    years = np.arange(result.base_year, result.base_year + result.totals.shape[1])
    labels = ["total"] + [group_label(lo, hi) for lo, hi in result.age_groups]
    values = np.concatenate([result.totals[:, :, None], result.groups], axis=2)
    q = np.percentile(values.reshape(m, p, len(years), len(labels)), pct, axis=1)  # [Q,M,Y,G]
    idx = pd.MultiIndex.from_product(
        [pct, list(result.codes), years, labels],
        names=["percentile", "municipality", "year", "group"],
    )
    quantiles = pd.DataFrame({"value": q.reshape(-1)}, index=idx).reset_index()
    quantiles = quantiles[["municipality", "year", "group", "percentile", "value"]]
    pidx = pd.MultiIndex.from_product(
        [list(result.codes), range(p), years], names=["municipality", "path", "year"]
    )
    paths = pd.DataFrame({"total": result.totals.reshape(-1)}, index=pidx).reset_index()
    return Summary(quantiles, paths)


def _task_plan(
    inputs: StochasticInputs, paths: int
) -> list[tuple[list[int], list[tuple[int, int]]]]:
    codes = inputs.model.codes
    groups = [
        list(range(i, min(i + GROUP_SIZE, len(codes)))) for i in range(0, len(codes), GROUP_SIZE)
    ]
    return [(g, chunks(paths)) for g in groups]


def _concat(summaries: Sequence[Summary]) -> Summary:
    return Summary(
        pd.concat([s.quantiles for s in summaries], ignore_index=True),
        pd.concat([s.paths for s in summaries], ignore_index=True),
    )


def run_local(
    inputs: StochasticInputs,
    paths: int,
    seed: int = 0,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    age_groups: Sequence[tuple[int, int]] = SERVICE_GROUPS,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Every task in this process, one after another (the reference for the Dask run)."""
    plan = _task_plan(inputs, paths)
    total = sum(len(c) for _, c in plan)
    done = 0
    out = []
    for group, chunk_list in plan:
        sub = inputs.subset(group)
        parts = []
        for chunk, size in chunk_list:
            parts.append(simulate_chunk(sub, seed, chunk, size, age_groups))
            done += 1
            if progress:
                progress(done, total)
        out.append(summarise(parts, percentiles))
    return _concat(out)


def run_dask(
    inputs: StochasticInputs,
    paths: int,
    seed: int = 0,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    age_groups: Sequence[tuple[int, int]] = SERVICE_GROUPS,
    scheduler: str | None = None,
    n_workers: int = 2,
    processes: bool = False,
    timeout: str = "10s",
) -> Summary:
    """The same tasks on ``dask.distributed``: a cluster at ``scheduler`` (``tcp://host:8786``)
    or a ``LocalCluster`` with ``n_workers`` workers. Results equal :func:`run_local`'s."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=timeout)
        else:
            cluster = LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=processes,
                dashboard_address=None,
            )
            client = Client(cluster)
    except (OSError, TimeoutError) as err:
        raise DataError(
            f"cannot reach the Dask scheduler {scheduler}: {err}",
            "Check the address (tcp://HOST:8786) and that the scheduler runs, or leave out "
            "--scheduler to run on this machine",
            ErrorLocation(field="scheduler"),
        ) from None
    try:
        futures = []
        for group, chunk_list in _task_plan(inputs, paths):
            sub = client.scatter(inputs.subset(group))
            parts = [
                client.submit(simulate_chunk, sub, seed, chunk, size, tuple(age_groups), pure=False)
                for chunk, size in chunk_list
            ]
            futures.append(client.submit(summarise, parts, tuple(percentiles), pure=False))
        summaries = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return _concat(summaries)


def write_parquet(summary: Summary, directory: Path) -> tuple[Path, Path]:
    """``quantiles.parquet`` and ``paths.parquet`` in ``directory`` (created if missing);
    written to temporary names first, so a failed run never leaves half a file."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DataError(
            f"cannot create the output folder: {err.strerror}",
            "Choose a folder you can write to with --output",
            ErrorLocation(file=str(directory)),
        ) from None
    written = []
    for name, frame in (("quantiles", summary.quantiles), ("paths", summary.paths)):
        final = directory / f"{name}.parquet"
        tmp = directory / f".{name}.parquet.tmp"
        frame.to_parquet(tmp, index=False)
        tmp.replace(final)
        written.append(final)
    return written[0], written[1]
