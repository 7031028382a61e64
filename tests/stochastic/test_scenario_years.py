"""A scenario's fan covers the scenario's own years, and its other settings reach the paths.

A scenario ending in 2035 must give fans (population, service users, budget, rule
probabilities) ending in 2035, and as the paths are drawn to 2040 at least, with the baseline's
draws: its fans up to 2035 are the baseline's exactly. A start after the last detailed year starts
the fans there. The baseline's years stay those of the default run. Each population lever reaches
the paths exactly as the deterministic projection takes it (a path without draws is that
projection), and the level levers and a service cost move the fan's median as they move the
projection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from byibalance.batch.prepare import prepare
from byibalance.errors import ScenarioError
from byibalance.finance import compute_budget
from byibalance.finance.inputs import budget_parameters
from byibalance.population.api import DEFAULT_END, latest_observed_year
from byibalance.population.inputs import last_detailed_year
from byibalance.population.stochastic import simulate, zero_draws
from byibalance.runner import run
from byibalance.scenario import Scenario
from byibalance.services import compute
from byibalance.uncertainty import path_projections
from byibalance.web.routes import uncertainty

CODE = "165"  # Albertslund: the latest observed total is 1 January 2024
PATHS, SEED = 100, 5


def _quiet(fraction: float, stage: str) -> None:
    return None


def _run(scenario: dict[str, Any] | None = None) -> dict[str, Any]:
    """A fan run as the web job runs it (the scenario as stored in the job's parameters)."""
    params: dict[str, Any] = {"municipality": CODE, "paths": PATHS, "seed": SEED, "band": 80}
    if scenario is not None:
        params |= {"scenario": {"municipality": CODE, **scenario}, "scenario_id": 1}
    result: dict[str, Any] = json.loads(json.dumps(uncertainty.run_fans(params, _quiet, Path("."))))
    return result  # as the job stores it: JSON, lists


@pytest.fixture(scope="module")
def baseline() -> dict[str, Any]:
    return _run()


def _by_name(fans: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in fans}


def test_the_baseline_keeps_the_default_years(baseline: dict[str, Any]) -> None:
    first = latest_observed_year(CODE)
    assert first == 2024
    for fan in baseline["population"]:
        assert fan["years"] == list(range(last_detailed_year(), DEFAULT_END + 1))
    for fan in baseline["users"]:
        assert fan["years"] == list(range(first, DEFAULT_END + 1))
    assert baseline["budget_years"][-1] == DEFAULT_END
    # an empty scenario is the baseline: the same years and the same numbers
    empty = _run({"name": "tom"})
    for part in ("population", "users", "budget", "breach", "budget_years"):
        assert empty[part] == baseline[part], part


def test_a_scenario_ending_in_2035_gives_fans_ending_in_2035(baseline: dict[str, Any]) -> None:
    short = _run({"name": "Til 2035", "end": 2035})
    for part in ("population", "users", "budget"):
        for fan in short[part]:
            assert fan["years"][-1] == 2035, (part, fan["name"])
            assert all(len(row) == len(fan["years"]) for row in fan["values"])
    assert short["budget_years"][-1] == 2035
    n = len(short["budget_years"])
    assert all(len(p) == n for p in short["breach"].values())
    assert len(short["liquidity_below_zero"]) == n
    # drawn to 2040 and read to 2035: the baseline's paths, so the baseline's fans to 2035
    for part in ("population", "users", "budget"):
        base = _by_name(baseline[part])
        for fan in short[part]:
            k = len(fan["years"])
            assert base[fan["name"]]["years"][:k] == fan["years"]
            expected = [row[:k] for row in base[fan["name"]]["values"]]
            assert np.allclose(fan["values"], expected, rtol=0, atol=1e-9), (part, fan["name"])
    for rule, probs in short["breach"].items():
        assert probs == baseline["breach"][rule][:n], rule


def test_a_scenario_ending_after_2040_gives_fans_to_its_end() -> None:
    long = _run({"name": "Til 2045", "end": 2045})
    assert {f["years"][-1] for f in long["population"] + long["users"]} == {2045}
    # the budget's years are those of the scenario's own budget (its parameters reach 2040)
    own = [y.year for y in run(Scenario(end=2045)).budget.years]
    assert long["budget_years"] == own
    assert {tuple(f["years"]) for f in long["budget"]} == {tuple(own)}


def test_a_later_start_starts_the_fans_in_that_year(baseline: dict[str, Any]) -> None:
    later = _run({"name": "Fra 2026", "start": 2026, "end": 2035})
    for part in ("population", "users"):
        for fan in later[part]:
            assert fan["years"] == list(range(2026, 2036)), (part, fan["name"])
    base = _by_name(baseline["population"])["total"]
    total = _by_name(later["population"])["total"]
    k = base["years"].index(2026)
    # the same base year and draws: the baseline's paths read from 2026 to 2035
    assert np.allclose(total["values"], [row[k : k + 10] for row in base["values"]], atol=1e-9)


def test_an_end_before_the_first_year_is_refused_with_the_field_and_a_fix() -> None:
    with pytest.raises(ScenarioError) as raised:
        uncertainty.fan_years(CODE, Scenario(end=2023))
    err = raised.value
    assert err.where.field == "end" and err.where.year == 2023
    assert "would start in 2024, not before the scenario's end 2023" in str(err)
    assert err.fix == "Choose an end year after 2024 in the scenario"


def test_a_path_without_draws_to_the_scenarios_end_is_the_scenarios_budget() -> None:
    """The oracle for the cut paths: drawn to 2040, read to 2035, no draws = ``run(scenario)``."""
    scenario = Scenario(end=2035, population={"fertility": {"multiplier": 1.1}})
    inputs = prepare([CODE], last_detailed_year(), DEFAULT_END, overrides=scenario.population)
    result = simulate(inputs, zero_draws(inputs, 1), 1, keep=1)
    [path] = path_projections(result, 0, latest_observed_year(CODE), 2035)
    expected = run(scenario)
    assert list(path.years) == list(expected.projection.years)
    assert np.allclose(path.population, expected.projection.population, rtol=1e-9, atol=1e-6)
    params = budget_parameters(CODE)
    budget = compute_budget(path, compute(path, params), params)
    assert [y.year for y in budget.years] == [y.year for y in expected.budget.years]
    assert budget.years[-1].year == 2035
    for mine, theirs in zip(budget.years, expected.budget.years, strict=True):
        for line in ("operating_balance", "service_expenditure", "liquidity_average"):
            assert float(getattr(mine, line)) == pytest.approx(float(getattr(theirs, line)))


def test_path_years_outside_the_paths_are_refused() -> None:
    inputs = prepare([CODE], last_detailed_year(), 2030)
    result = simulate(inputs, zero_draws(inputs, 1), 1, keep=1)
    with pytest.raises(ValueError, match="2024-2031 are outside the paths' years 2020-2030"):
        path_projections(result, 0, 2024, 2031)


LEVERS = {
    "mortality": {"mortality": {"improvement": 0.05}},
    "migration net": {"migration": {"net_per_year": 300}},
    "in-migration": {"migration": {"in_scale": 1.2}},
    "out-migration": {"migration": {"out_scale": 0.8}},
    "fertility": {"fertility": {"tfr": 2.2}},
    "no housing": {"housing": {"no_housing": True}},
    "housing delay": {"housing": {"delay": {"coop_byen_flats": 5, "coop_byen_terraced": 5}}},
    "housing move": {"housing": {"move": {"smedeland_8": 2030}}},
    "housing drop": {"housing": {"drop": ["coop_byen_flats"]}},
}


@pytest.mark.parametrize("lever", list(LEVERS))
def test_each_population_lever_reaches_the_paths_as_the_projection(lever: str) -> None:
    """A path without draws is the scenario's deterministic projection, lever by lever."""
    scenario = Scenario(population=LEVERS[lever])
    inputs = prepare([CODE], last_detailed_year(), DEFAULT_END, overrides=scenario.population)
    result = simulate(inputs, zero_draws(inputs, 1), 1, keep=1)
    [path] = path_projections(result, 0, latest_observed_year(CODE))
    expected = run(scenario).projection
    moved = np.abs(expected.totals() - run(Scenario()).projection.totals()).max()
    assert moved > 50  # the lever matters in some year
    assert np.allclose(path.population, expected.population, rtol=1e-9, atol=1e-6)


# The deterministic shift of the 2040 total by a level lever, against the shift of the fan's
# median with the same seed. The draws are the same, so the shifts differ only where a lever
# interacts with the draws (a drawn level scales the lever's effect): 15 % of the shift covers
# the largest such difference seen (mortality, 8 % with seed 5) with room, yet fails a lever left
# out (shift 0). Housing timing is left out here: a scenario's delay adds to the drawn delays
# (17 % less shift for Coop Byen five years late; docs/model.md, "Scenario fans").
@pytest.mark.parametrize("lever", ["mortality", "migration net", "fertility", "no housing"])
def test_each_level_lever_moves_the_fan_as_the_projection(
    baseline: dict[str, Any], lever: str
) -> None:
    population = LEVERS[lever]
    det_base = run(Scenario()).projection.totals()[-1]
    det = run(Scenario(population=population)).projection.totals()[-1]
    fan = _by_name(_run({"name": lever, "population": population})["population"])["total"]
    base = _by_name(baseline["population"])["total"]
    shift, fan_shift = det - det_base, fan["values"][1][-1] - base["values"][1][-1]
    assert abs(shift) > 50  # the lever matters in the projection
    assert fan_shift == pytest.approx(shift, rel=0.15)


def test_a_service_cost_moves_the_budget_fan_not_the_population(baseline: dict[str, Any]) -> None:
    services = {"unit_costs": {"daycare_0_2": 300000}}
    det_base = run(Scenario()).budget.years[-1].service_expenditure
    det = run(Scenario(services=services)).budget.years[-1].service_expenditure
    dearer = _run({"name": "Dyrere vuggestue", "services": services})
    assert dearer["population"] == baseline["population"]
    line = _by_name(dearer["budget"])["service_expenditure"]["values"][1][-1]
    base = _by_name(baseline["budget"])["service_expenditure"]["values"][1][-1]
    shift = float(det - det_base) / 1e6  # the fans are in mio. DKK
    assert shift > 10
    assert line - base == pytest.approx(shift, rel=0.15)
