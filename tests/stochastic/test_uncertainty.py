"""Population paths through services and the budget: a path without draws gives the
deterministic budget; probabilities are shares of paths."""

from __future__ import annotations

import numpy as np

from byibalance.batch.prepare import prepare
from byibalance.finance import compute_budget
from byibalance.finance.inputs import budget_parameters
from byibalance.population.api import project
from byibalance.population.stochastic import simulate, zero_draws
from byibalance.services import compute
from byibalance.uncertainty import (
    breach_probability,
    fans,
    path_projections,
    probability_below,
    propagate,
)


def test_a_path_without_draws_gives_the_deterministic_budget() -> None:
    inputs = prepare(["165"], 2020, 2032)
    result = simulate(inputs, zero_draws(inputs, 2), 2, keep=2)
    paths = path_projections(result, 0, 2024)
    params = budget_parameters("165")
    economy = propagate(paths, params)
    deterministic = project("165", end=2032)
    services = compute(deterministic, params)
    budget = compute_budget(deterministic, services, params)
    expected = [y.liquidity_average for y in budget.years]
    for k in range(2):
        np.testing.assert_allclose(economy.budget["liquidity_average"][k], expected, rtol=1e-9)
    np.testing.assert_allclose(
        economy.users["school_6_16"][0], services.users["school_6_16"], rtol=1e-9
    )
    fan = fans(economy.budget, (10, 50, 90))["liquidity_average"]
    np.testing.assert_allclose(fan[0], fan[2])
    below = probability_below(economy, "liquidity_average", threshold=float(max(expected)) + 1)
    np.testing.assert_array_equal(below, np.ones(len(expected)))
    probabilities = breach_probability(economy)
    assert "kassekreditreglen" in probabilities
    assert all(np.all((p >= 0) & (p <= 1)) for p in probabilities.values())


def test_cli_prints_rule_breach_probabilities_and_refuses_many_municipalities() -> None:
    from typer.testing import CliRunner

    from byibalance.cli import app
    from byibalance.errors import InputError

    runner = CliRunner()
    ok = runner.invoke(
        app, ["simulate", "--paths", "5", "--end", "2030", "--budget-paths", "3", "--seed", "2"]
    )
    assert ok.exit_code == 0, ok.output
    assert "liquidity<0" in ok.output and "2027" in ok.output
    bad = runner.invoke(
        app,
        [
            "simulate",
            "--municipality",
            "165,101",
            "--paths",
            "2",
            "--end",
            "2022",
            "--budget-paths",
            "2",
        ],
    )
    assert isinstance(bad.exception, InputError)
    assert "one municipality" in str(bad.exception)
