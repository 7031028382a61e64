"""Stochastic projections: reproducible, ordered, split-invariant, centred on the deterministic
projection, and the same on a Dask LocalCluster as in process."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from byibalance.batch.prepare import estimate_ar1, estimate_mortality_sigma, prepare
from byibalance.batch.run import run_dask, run_local, write_parquet
from byibalance.errors import PopulationError
from byibalance.population.api import project_many
from byibalance.population.stochastic import (
    SpreadSpec,
    StochasticInputs,
    check_percentiles,
    chunks,
    coverage,
    fan,
    probability,
    run_paths,
    simulate,
    zero_draws,
)

CODES = ["165", "101"]
END = 2030


@pytest.fixture(scope="module")
def inputs() -> StochasticInputs:
    return prepare(CODES, 2020, END)


def test_zero_draws_reproduce_the_deterministic_projection(inputs: StochasticInputs) -> None:
    result = simulate(inputs, zero_draws(inputs, 3), 3)
    deterministic = project_many(CODES, start=2020, end=END)
    for i, code in enumerate(CODES):
        expected = deterministic[code].totals()
        for p in range(3):
            np.testing.assert_allclose(result.totals[i * 3 + p], expected, rtol=1e-12)


def test_same_seed_same_paths_other_seed_other_paths(inputs: StochasticInputs) -> None:
    a = run_paths(inputs, 50, seed=7)
    b = run_paths(inputs, 50, seed=7)
    c = run_paths(inputs, 50, seed=8)
    np.testing.assert_array_equal(a.totals, b.totals)
    assert not np.allclose(a.totals[:, -1], c.totals[:, -1])


def test_paths_do_not_depend_on_which_municipalities_run_together(
    inputs: StochasticInputs,
) -> None:
    together = run_paths(inputs, 40, seed=3)
    alone = run_paths(inputs.subset([1]), 40, seed=3)
    np.testing.assert_allclose(together.totals[40:], alone.totals, rtol=1e-12)


def test_median_is_near_the_deterministic_projection(inputs: StochasticInputs) -> None:
    """Without housing delays the draws are centred: the median stays within 1 % of the plan."""
    spread = SpreadSpec(**{**inputs.spread.__dict__, "delay_probabilities": (1.0,)})
    on_time = StochasticInputs(**{**inputs.__dict__, "spread": spread})
    result = run_paths(on_time, 1000, seed=11)
    f = fan(result.totals, result.codes, result.base_year, result.paths, (10, 50, 90))
    deterministic = project_many(CODES, start=2020, end=END)
    for i, code in enumerate(CODES):
        expected = deterministic[code].totals()
        # stated tolerance: 1 % of the population at every year
        np.testing.assert_allclose(f.values[i, 1], expected, rtol=0.01)
        assert f.values[i, 0, -1] < expected[-1] < f.values[i, 2, -1]


def test_housing_delays_only_postpone_residents(inputs: StochasticInputs) -> None:
    """Delays move completions later, so Albertslund's median falls below the on-time plan
    while the projects are being built (2025-2030), by at most the programme's size."""
    result = run_paths(inputs.subset([0]), 500, seed=11)
    f = fan(result.totals, result.codes, result.base_year, result.paths, (50,))
    expected = project_many(["165"], start=2020, end=END)["165"].totals()
    gap = expected[5:] - f.values[0, 0, 5:]
    assert np.all(gap > 0) and np.all(gap < 1500)


def test_albertslund_fan_holds_the_observed_2024_total(inputs: StochasticInputs) -> None:
    """Calibration to the observed 2024 total (27,997) leaves no spread in the total that year."""
    result = run_paths(inputs, 200, seed=1)
    f = fan(result.totals, result.codes, result.base_year, result.paths, (10, 90))
    k = 2024 - 2020
    assert f.values[0, 1, k] - f.values[0, 0, k] < 1.0
    assert f.values[0, 1, -1] - f.values[0, 0, -1] > 500.0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=1, max_size=6))
def test_quantiles_are_ordered(percentiles: list[float]) -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(100, 10, size=(2 * 30, 5))
    f = fan(values, ["a", "b"], 2020, 30, percentiles)
    assert np.all(np.diff(f.values, axis=1) >= -1e-9)


def test_probability_and_coverage_count_shares() -> None:
    values = np.array([[-1.0, 2.0], [1.0, -3.0], [2.0, 5.0], [3.0, -1.0]])
    np.testing.assert_allclose(probability(values, ["a"], 4, 0.0), [[0.25, 0.5]])
    assert coverage(np.zeros(4), np.ones(4), np.array([0.5, 2, 1, -1])) == 0.5


def test_local_and_dask_runs_give_the_same_percentiles(inputs: StochasticInputs) -> None:
    small = inputs.subset([0])
    local = run_local(small, 1200, seed=5)  # two chunks
    distributed = run_dask(small, 1200, seed=5, n_workers=2, processes=False)
    pd.testing.assert_frame_equal(local.quantiles, distributed.quantiles)
    pd.testing.assert_frame_equal(local.paths, distributed.paths)


def test_parquet_round_trip(inputs: StochasticInputs, tmp_path: Path) -> None:
    summary = run_local(inputs.subset([0]), 20, seed=2, percentiles=(5, 50, 95))
    qp, pp = write_parquet(summary, tmp_path / "out")
    back = pd.read_parquet(qp)
    pd.testing.assert_frame_equal(back, summary.quantiles)
    assert set(back["group"]) >= {"total", "0-2", "80+"}
    assert len(pd.read_parquet(pp)) == 20 * (END - 2020 + 1)


def test_ar1_estimate_recovers_a_known_process() -> None:
    rng = np.random.default_rng(4)
    x = np.zeros((50, 200))
    for t in range(1, 200):
        x[:, t] = 0.8 * x[:, t - 1] + 0.1 * rng.standard_normal(50)
    phi, sigma = estimate_ar1(x)
    assert phi == pytest.approx(0.8, abs=0.02)
    assert sigma == pytest.approx(0.1, abs=0.005)


def test_mortality_sigma_is_zero_for_a_pure_trend() -> None:
    exposure = np.ones((2, 10, 2, 21)) * 1000.0
    deaths = exposure * 0.01 * np.exp(-0.02 * np.arange(10))[None, :, None, None]
    assert estimate_mortality_sigma(deaths, exposure) == pytest.approx(0.0, abs=1e-9)


def test_bad_inputs_name_the_field(inputs: StochasticInputs) -> None:
    with pytest.raises(PopulationError, match="paths must be at least 1"):
        chunks(0)
    with pytest.raises(PopulationError, match="between 0 and 100"):
        check_percentiles([10, 120])
    bad = SpreadSpec(**{**inputs.spread.__dict__, "delay_probabilities": (0.5, 0.2)})
    with pytest.raises(PopulationError, match="delay probabilities"):
        bad.validate(2)


def test_cli_writes_parquet_and_rejects_bad_percentiles(tmp_path: Path) -> None:
    from byibalance.cli import app

    runner = CliRunner()
    out = tmp_path / "sim"
    ok = runner.invoke(
        app, ["simulate", "--paths", "20", "--end", "2026", "--output", str(out), "--seed", "3"]
    )
    assert ok.exit_code == 0, ok.output
    assert "P50" in ok.output and (out / "quantiles.parquet").is_file()
    from byibalance.cli import main

    with pytest.raises(SystemExit) as err:
        main(["simulate", "--paths", "5", "--percentiles", "10,x"])
    assert err.value.code != 0


def test_an_unreachable_scheduler_is_one_line_naming_the_field(inputs: StochasticInputs) -> None:
    from byibalance.errors import DataError

    with pytest.raises(DataError, match="cannot reach the Dask scheduler") as err:
        run_dask(inputs.subset([0]), 3, scheduler="tcp://127.0.0.1:9", timeout="2s")
    assert "\n" not in str(err.value) and err.value.where.field == "scheduler"


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31), scale=st.floats(0.0, 8.0))
def test_no_path_ever_has_negative_or_missing_persons(seed: int, scale: float) -> None:
    """Even with spreads eight times the fitted ones, every path stays a population."""
    base = _small()
    wide = SpreadSpec(
        **{
            **base.spread.__dict__,
            "scale": replace(base.spread.scale, value=scale),
            "age_scale": replace(base.spread.age_scale, value=scale),
        }
    )
    result = run_paths(StochasticInputs(**{**base.__dict__, "spread": wide}), 30, seed, keep=30)
    assert np.all(np.isfinite(result.population)) and np.all(result.population >= 0)
    np.testing.assert_allclose(result.population.sum(axis=(2, 3)), result.totals)


_CACHE: dict[str, StochasticInputs] = {}


def _small() -> StochasticInputs:
    if "small" not in _CACHE:
        _CACHE["small"] = prepare(["165"], 2020, 2028)
    return _CACHE["small"]


def test_fit_picks_the_pair_with_both_coverages_nearest_80() -> None:
    from byibalance.batch.calibration import Coverage, fit_scale

    results = [
        Coverage(1.0, 1.0, 100, 98, 0.67, 0.93),
        Coverage(1.5, 0.5, 100, 98, 0.82, 0.79),
        Coverage(2.0, 0.6, 100, 98, 0.93, 0.87),
    ]
    assert (fit_scale(results).scale, fit_scale(results).age_scale) == (1.5, 0.5)
