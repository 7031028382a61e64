"""The chain from the housing plan to the budget decision, run once for a scenario.

``run(scenario)`` loads the parameters of the scenario's municipality, projects the population,
computes services and the budget, and checks the rules. Every adapter (CLI, web app, reports)
calls this one function instead of wiring the domains itself, so a scenario gives the same numbers
everywhere. The runner stays thin (STYLE: no god object): the work is in the domains.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from byibalance.finance import (
    Budget,
    BudgetAdjustments,
    FinanceOverrides,
    RuleCheck,
    check_rules,
    compute_budget,
)
from byibalance.finance.inputs import budget_parameters
from byibalance.parameters import ParameterSet
from byibalance.population import Projection, project
from byibalance.scenario import Scenario, load_scenario
from byibalance.services import ServicesOverrides, ServicesResult, compute


@dataclass(frozen=True)
class CityResult:
    """One municipality under one scenario: population, services, budget and rule checks."""

    scenario: Scenario
    municipality: str
    params: ParameterSet
    projection: Projection
    services_overrides: ServicesOverrides
    finance_overrides: FinanceOverrides
    services: ServicesResult
    budget: Budget
    rules: list[RuleCheck]

    def with_adjustments(self, adjustments: BudgetAdjustments) -> tuple[Budget, list[RuleCheck]]:
        """The budget and its rule checks with extra spending or revenue (e.g. ambitions)."""
        budget = compute_budget(
            self.projection, self.services, self.params, self.finance_overrides,
            adjustments=adjustments,
        )  # fmt: skip
        return budget, check_rules(budget, self.params)

    def breaches(self) -> list[RuleCheck]:
        """The rule checks that are breached, in year order."""
        return [r for r in self.rules if r.status == "breach"]


def run(
    scenario: Scenario | None = None,
    *,
    municipality: str | None = None,
    housing: bool = True,
    file: str | None = None,
) -> CityResult:
    """Run population, services, budget and rules for ``scenario`` (the baseline if None).

    ``municipality`` overrides the scenario's municipality; ``housing=False`` drops the housing
    programme (Statistics Denmark's way of projecting). ``file`` is kept for callers that pass
    it: the scenario's ``services`` and ``finance`` sections are typed and were checked (with the
    file, line and field in any error) when the scenario was read, so there is nothing left to
    check here.
    """
    scenario = scenario if scenario is not None else Scenario()
    code = str(municipality) if municipality is not None else scenario.municipality
    s_ov = scenario.services
    f_ov = scenario.finance
    params = budget_parameters(code)
    projection = project(code, scenario=scenario, housing=housing)
    services = compute(projection, params, s_ov)
    budget = compute_budget(projection, services, params, f_ov)
    return CityResult(
        scenario=scenario,
        municipality=projection.municipality,
        params=params,
        projection=projection,
        services_overrides=s_ov,
        finance_overrides=f_ov,
        services=services,
        budget=budget,
        rules=check_rules(budget, params),
    )


def run_file(path: Path, *, municipality: str | None = None, housing: bool = True) -> CityResult:
    """Load a scenario YAML file and run it; errors name the file and the field."""
    return run(load_scenario(path), municipality=municipality, housing=housing, file=str(path))


def compare(results: Mapping[str, CityResult], year: int) -> dict[str, dict[str, float]]:
    """Headline figures of several results in one year, for side-by-side views."""
    table: dict[str, dict[str, float]] = {}
    for name, result in results.items():
        y = result.budget.year(year)
        table[name] = {
            "population": float(result.projection.in_year(year).sum()),
            "operating_balance": float(y.operating_balance),
            "capital_expenditure": float(y.capital_expenditure),
            "liquidity_average": float(y.liquidity_average),
            "breaches": float(sum(1 for r in result.rules if r.year == year
                                  and r.status == "breach")),
        }  # fmt: skip
    return table
