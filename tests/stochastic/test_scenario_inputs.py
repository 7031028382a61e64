"""A scenario's fan starts from the scenario's population inputs (issue #9).

The stochastic paths of a scenario with more births must have more small children than the
baseline's with the same seed; the baseline's fan must stay what it was; the spreads must stay the
data's (the scenario moves the levels, not the uncertainty)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from byibalance.batch.economy import population_fans
from byibalance.batch.prepare import prepare
from byibalance.batch.run import run_local
from byibalance.population.api import DEFAULT_END
from byibalance.population.inputs import housing_programme, last_detailed_year
from byibalance.population.overrides import PopulationOverrides
from byibalance.population.stochastic import StochasticInputs, run_paths
from byibalance.web.routes import uncertainty

CODE = "165"  # Albertslund: a housing programme is known
PCT = (10.0, 50.0, 90.0)


def _inputs(population: dict[str, object] | None = None) -> StochasticInputs:
    overrides = PopulationOverrides.model_validate(population) if population else None
    return prepare([CODE], last_detailed_year(), DEFAULT_END, overrides=overrides)


def _median(q: pd.DataFrame, group: str) -> np.ndarray:
    rows = q[(q["group"] == group) & (q["percentile"] == 50.0)].sort_values("year")
    return rows["value"].to_numpy()


def test_higher_fertility_gives_more_small_children_with_the_same_seed() -> None:
    base = run_local(_inputs(), 100, 7, PCT).quantiles
    more = run_local(_inputs({"fertility": {"multiplier": 1.2}}), 100, 7, PCT).quantiles
    b, m = _median(base, "0-2"), _median(more, "0-2")
    assert b[0] == pytest.approx(m[0])  # the base year is observed, not drawn
    assert (m[1:] > b[1:]).all()
    # births of a 20 % higher TFR: after three years the 0-2 group is some 20 % larger
    assert m[-1] / b[-1] == pytest.approx(1.2, abs=0.05)
    assert (_median(more, "3-5")[4:] > _median(base, "3-5")[4:]).all()


def test_a_scenario_keeps_the_data_spreads() -> None:
    base, more = _inputs(), _inputs({"fertility": {"multiplier": 1.2}})
    assert np.array_equal(base.spread.migration_sigma, more.spread.migration_sigma)
    assert base.spread.tfr_sigma == more.spread.tfr_sigma
    assert not np.array_equal(base.model.asfr, more.model.asfr)


def test_the_same_seed_gives_the_same_scenario_paths() -> None:
    inputs = _inputs({"fertility": {"multiplier": 1.2}, "housing": {"no_housing": True}})
    one = run_paths(inputs, 60, 3, keep=60).population
    two = run_paths(inputs, 60, 3, keep=60).population
    assert np.array_equal(one, two)
    other = run_paths(inputs, 60, 4, keep=60).population
    assert not np.array_equal(one, other)


def test_no_housing_lowers_the_total_and_drops_the_delayed_projects() -> None:
    base, none = _inputs(), _inputs({"housing": {"no_housing": True}})
    assert sum(len(g) for g in base.project_gains[0]) > 0
    assert len(none.project_gains[0]) == 0
    t_base = _median(run_local(base, 100, 1, PCT).quantiles, "total")
    t_none = _median(run_local(none, 100, 1, PCT).quantiles, "total")
    assert t_none[-1] < t_base[-1]


def test_dropping_a_project_removes_its_delay_draws() -> None:
    base = _inputs()
    programme = housing_programme(CODE)
    assert programme is not None and programme.projects
    first = programme.projects[0].id
    dropped = _inputs({"housing": {"drop": [first]}})
    assert len(dropped.project_gains[0]) == len(base.project_gains[0]) - 1


def test_the_baseline_fan_is_the_batch_population_fan() -> None:
    """The page's baseline fan is still :func:`population_fans` (as before issue #9)."""
    result = uncertainty.compute_fans(CODE, 100, 9, lambda f, s: None)
    batch = population_fans(CODE, paths=100, seed=9, percentiles=PCT).quantiles
    for fan in result.population:
        assert fan.values[1] == pytest.approx(tuple(_median(batch, fan.name)))


def test_a_scenario_fan_applies_its_population() -> None:
    params = {"municipality": CODE, "paths": 100, "seed": 9, "band": 80}
    base = uncertainty.run_fans(params, lambda f, s: None, Path("."))
    draft = {
        "name": "Flere børn",
        "municipality": CODE,
        "population": {"fertility": {"multiplier": 1.2}},
    }
    more = uncertainty.run_fans(
        params | {"scenario": draft, "scenario_id": 1, "scenario_name": "Flere børn"},
        lambda f, s: None,
        Path("."),
    )
    young = {f["name"]: f["values"][1] for f in base["population"]}
    younger = {f["name"]: f["values"][1] for f in more["population"]}
    assert younger["0-2"][-1] > young["0-2"][-1]
    assert uncertainty.NOT_APPLIED == ()
