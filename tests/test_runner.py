"""The chain from housing plan to budget: one run gives the same numbers to every adapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from byibalance.errors import ScenarioError
from byibalance.finance import BudgetAdjustments
from byibalance.runner import compare, run, run_file
from byibalance.scenario import scenario_from_mapping


@pytest.fixture(scope="module")
def baseline():
    return run()


def test_baseline_is_albertslund_with_its_budget_and_rules(baseline) -> None:
    assert baseline.municipality == "165"
    years = [y.year for y in baseline.budget.years]
    assert years[0] == 2027 and years[-1] == 2040
    # The rules are checked for every budget year.
    assert {r.year for r in baseline.rules} == set(years)
    # The budget's population is the projection's, year by year.
    for y in baseline.budget.years:
        assert y.population == pytest.approx(float(baseline.projection.in_year(y.year).sum()))


def test_no_housing_lowers_population_and_income_tax(baseline) -> None:
    flat = run(housing=False)
    assert flat.projection.in_year(2035).sum() < baseline.projection.in_year(2035).sum() - 3000
    assert (flat.budget.year(2035).revenue["income_tax"]
            < baseline.budget.year(2035).revenue["income_tax"])


def test_a_higher_tax_rate_raises_income_tax_in_the_budget_year(baseline) -> None:
    scenario = scenario_from_mapping(
        {"name": "tax up", "finance": {"income_tax_rate": {2027: 26.1}}})
    higher = run(scenario)
    assert (higher.budget.year(2027).revenue["income_tax"]
            > baseline.budget.year(2027).revenue["income_tax"])
    table = compare({"baseline": baseline, "tax up": higher}, 2027)
    assert table["tax up"]["population"] == table["baseline"]["population"]


def test_adjustments_enter_the_budget_and_its_rules(baseline) -> None:
    extra = BudgetAdjustments(capital={2028: 500e6})
    budget, rules = baseline.with_adjustments(extra)
    assert budget.year(2028).capital_expenditure == pytest.approx(
        baseline.budget.year(2028).capital_expenditure + 500e6)
    assert budget.year(2028).liquidity_end < baseline.budget.year(2028).liquidity_end
    assert len(rules) == len(baseline.rules)


def test_a_bad_finance_section_names_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nfinance:\n  tax_ratee: {2027: 26.1}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        run_file(path)
    assert str(path) in str(err.value) and "finance" in str(err.value)
