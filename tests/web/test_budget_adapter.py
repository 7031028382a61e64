"""The budget sections, driven through ``byibalance.runner.run`` and docs/finance.md's API.

A stand-in runner with that API's shape (on the real population projection) checks that the web
adapter shows what the chain returns and passes the scenario's finance overrides on. The
stand-in's budget numbers are test fixtures, not figures of any municipality.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel, ConfigDict
from tests.web.conftest import signed_in

from byibalance.web import model


class FakeFinanceOverrides(BaseModel):
    model_config = ConfigDict(extra="forbid")
    income_tax_rate: float | None = None


CALLS: list[str] = []


def fake_run(scenario: Any = None, *, municipality: str | None = None) -> Any:
    from byibalance.population import project

    CALLS.append("run")
    # the scenario's finance section is typed (FinanceOverrides): hand the stand-in what it set
    finance = scenario.finance.model_dump(exclude_defaults=True) if scenario else {}
    overrides = FakeFinanceOverrides.model_validate(finance)
    projection = project(municipality, scenario=scenario)
    budget = compute_budget(projection, "services", "params", overrides)
    return SimpleNamespace(projection=projection, services="services", params="params",
                           finance_overrides=overrides, budget=budget,
                           rules=check_rules(budget, "params"))


def compute_budget(projection: Any, services: Any, params: Any, overrides: Any = None) -> Any:
    rate = overrides.income_tax_rate if overrides and overrides.income_tax_rate else 25.6
    years = []
    for i, year in enumerate(range(2027, 2031)):
        years.append(SimpleNamespace(
            year=year, operating_balance=100.0 * rate - 2500 + i, financing_result=-10.0,
            liquidity_end=50.0, liquidity_average=45.0, service_expenditure=900.0,
            service_ceiling=950.0, operating_expenditure=1000.0, capital_expenditure=80.0,
            interest=1.0, new_loans=0.0, repayments=5.0, tax_rate=rate,
            revenue={"income_tax": 40.0 * rate, "bloktilskud": 300.0},
            expenditure={"daycare": 200.0, "elderly_care": 400.0}))
    return SimpleNamespace(years=years)


def check_rules(budget: Any, params: Any) -> list[Any]:
    return [SimpleNamespace(rule="kassekreditreglen", year=y.year,
                            status="breach" if y.operating_balance < 61 else "ok",
                            reason=f"average liquidity {y.liquidity_average} against the floor",
                            value=y.liquidity_average, limit=40.0)
            for y in budget.years]


def marginal_resident_value(projection: Any, services: Any, params: Any, year: int,
                            overrides: Any = None) -> Any:
    ages = np.arange(101, dtype=float)
    revenue = 1000.0 * ages
    cost = np.full(101, 20_000.0)
    return SimpleNamespace(year=year, income_tax=revenue, revenue=revenue, cost=cost,
                           net=revenue - cost, average_revenue=27_000.0, average_net=-1_500.0)


@pytest.fixture
def fake_finance(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    runner = SimpleNamespace(run=fake_run)
    finance = SimpleNamespace(FinanceOverrides=FakeFinanceOverrides,
                              marginal_resident_value=marginal_resident_value)
    real = model._optional_module

    def optional(name: str) -> Any:
        return {"byibalance.runner": runner, "byibalance.finance": finance}.get(
            name) or real(name)

    monkeypatch.setattr(model, "_optional_module", optional)
    model.clear_cache()
    CALLS.clear()
    yield
    model.clear_cache()


def test_the_tax_rate_of_a_scenario_reaches_the_budget(fake_finance) -> None:  # type: ignore[no-untyped-def]
    base = model.baseline("0165")
    scenario = model.parse_scenario({"name": "skat", "finance": {"income_tax_rate": 26.1}})
    view = model.run_scenario(scenario)
    assert CALLS == ["run", "run"]
    assert "budget" not in view.missing
    assert base.series["operating_balance"].at(2027) == pytest.approx(60.0)
    assert view.series["operating_balance"].at(2027) == pytest.approx(110.0)
    assert view.series["revenue.income_tax"].at(2028) == pytest.approx(40 * 26.1)
    assert view.series["operating_balance"].status.is_estimate
    assert [r.ok for r in base.rules] == [False, True, True, True]
    assert base.marginal is not None and base.marginal.year == 2027
    assert base.marginal.net[30] == pytest.approx(10_000.0)
    changed = {d.key for d in model.compare(base, view) if d.differs}
    assert {"operating_balance", "revenue.income_tax", "tax_rate"} <= changed
    assert "expenditure.daycare" not in changed


def test_economy_and_overview_pages_show_the_budget_and_the_rules(  # type: ignore[no-untyped-def]
    fake_finance, app
) -> None:
    c, token = signed_in(app, "analyst")
    economy = c.get("/economy").text
    assert 'id="chart-balance"' in economy and 'id="chart-revenue"' in economy
    assert "kassekreditreglen" in economy and 'class="rule-breach"' in economy
    assert 'id="chart-marginal"' in economy and "27.000 kr. om året" in economy
    overview = c.get("/").text
    assert 'id="chart-budget"' in overview
    assert "1 regelkontroller er ikke overholdt" in overview
    sid = c.post("/scenarios", data={"name": "Skat", "income_tax_rate": "26,1",
                                     "csrf_token": token}).headers["location"].rsplit("/", 1)[1]
    assert 'id="chart-scen-budget"' in c.get(f"/scenarios/{sid}").text
    compare = c.get(f"/scenarios/compare?a=baseline&b={sid}").text
    assert 'class="differs"' in compare and "+50" in compare
