"""The chain from housing plan to budget: one run gives the same numbers to every adapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from byibalance.errors import ScenarioError
from byibalance.finance import BudgetAdjustments
from byibalance.runner import compare, run, run_file
from byibalance.scenario import scenario_from_mapping, scenario_from_yaml_text


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
    assert (
        flat.budget.year(2035).revenue["income_tax"]
        < baseline.budget.year(2035).revenue["income_tax"]
    )


def test_a_higher_tax_rate_raises_income_tax_in_the_budget_year(baseline) -> None:
    scenario = scenario_from_mapping(
        {"name": "tax up", "finance": {"income_tax_rate": {2027: 26.1}}}
    )
    higher = run(scenario)
    assert (
        higher.budget.year(2027).revenue["income_tax"]
        > baseline.budget.year(2027).revenue["income_tax"]
    )
    table = compare({"baseline": baseline, "tax up": higher}, 2027)
    assert table["tax up"]["population"] == table["baseline"]["population"]


def test_adjustments_enter_the_budget_and_its_rules(baseline) -> None:
    extra = BudgetAdjustments(capital={2028: 500e6})
    budget, rules = baseline.with_adjustments(extra)
    assert budget.year(2028).capital_expenditure == pytest.approx(
        baseline.budget.year(2028).capital_expenditure + 500e6
    )
    assert budget.year(2028).liquidity_end < baseline.budget.year(2028).liquidity_end
    assert len(rules) == len(baseline.rules)


def test_a_bad_finance_section_names_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nfinance:\n  tax_ratee: {2027: 26.1}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        run_file(path)
    assert str(path) in str(err.value) and "finance" in str(err.value)
    assert err.value.where.field == "finance.tax_ratee" and err.value.where.line == 3
    assert "did you mean 'income_tax_rate'" in str(err.value)


SECTIONS = {
    "name": "sections",
    "services": {"unit_costs": {"school_6_16": 95000}, "coverage": {"daycare_0_2": 0.6}},
    "finance": {"income_tax_rate": {2028: 26.1}, "land_tax_per_mille": 12.0,
                "loans": [{"year": 2029, "amount": 40e6, "purpose": "energy_saving"}]},
}  # fmt: skip


def test_typed_sections_give_the_numbers_the_dict_sections_gave(baseline) -> None:
    """Oracle: the chain wired by hand from the raw mappings, as run() did before."""
    from byibalance.finance import check_rules, compute_budget, finance_overrides
    from byibalance.finance.inputs import budget_parameters
    from byibalance.population import project
    from byibalance.services import compute, services_overrides

    scenario = scenario_from_mapping(SECTIONS)
    result = run(scenario, file="sections.yaml")
    params = budget_parameters("165")
    projection = project("165", scenario=scenario)
    services = compute(projection, params, services_overrides(SECTIONS["services"]))
    budget = compute_budget(projection, services, params, finance_overrides(SECTIONS["finance"]))
    for mine, theirs in zip(result.budget.years, budget.years, strict=True):
        assert mine.operating_balance == theirs.operating_balance
        assert mine.liquidity_end == theirs.liquidity_end
    assert [r.status for r in result.rules] == [r.status for r in check_rules(budget, params)]
    # and the overrides did something
    assert result.budget.year(2029).new_loans > baseline.budget.year(2029).new_loans
    assert (result.services.expenditure["school_6_16"][-1]
            > baseline.services.expenditure["school_6_16"][-1])  # fmt: skip


def test_unit_costs_stored_under_finance_now_reach_the_services(baseline) -> None:
    old = scenario_from_mapping({"name": "old", "finance": {"unit_costs": {"school_6_16": 95000}}})
    new = scenario_from_mapping({"name": "new", "services": {"unit_costs": {"school_6_16": 95000}}})
    moved, direct = run(old), run(new)
    assert list(moved.services.expenditure["school_6_16"]) == list(
        direct.services.expenditure["school_6_16"])  # fmt: skip
    assert (moved.services.expenditure["school_6_16"][-1]
            != baseline.services.expenditure["school_6_16"][-1])  # fmt: skip


def test_a_year_outside_the_horizon_fails_before_anything_runs(tmp_path: Path) -> None:
    path = tmp_path / "late.yaml"
    path.write_text("name: late\nend: 2035\nfinance:\n  price_index: {2036: 1.2}\n",
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(ScenarioError) as err:
        run_file(path)
    assert err.value.where.line == 4 and err.value.where.year == 2036
    assert err.value.where.field == "finance.price_index.2036"


def test_the_example_in_the_scenario_reference_runs_through_the_budget(baseline) -> None:
    text = (Path(__file__).parents[1] / "docs" / "scenario.md").read_text(encoding="utf-8")
    example = scenario_from_yaml_text(text.split("```yaml\n")[1].split("```")[0], "scenario.md")
    result = run(example)
    assert result.budget.year(2028).tax_rate == pytest.approx(0.261)
    assert result.budget.year(2028).new_loans > baseline.budget.year(2028).new_loans
