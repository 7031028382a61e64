"""Each budget rule reports ok, warning or breach with the year and the reason."""

from __future__ import annotations

import pytest

from byibalance.finance import (
    RULES,
    BudgetAdjustments,
    check_rules,
    compute_budget,
    finance_overrides,
)
from byibalance.finance.inputs import budget_parameters
from byibalance.services import compute, services_overrides
from finance.helpers import synthetic_projection

PARAMS = budget_parameters("165")
PROJECTION = synthetic_projection()


def _checks(services_raw=None, finance_raw=None, adjustments=None):
    services = compute(PROJECTION, PARAMS, services_overrides(services_raw))
    budget = compute_budget(PROJECTION, services, PARAMS, finance_overrides(finance_raw),
                            adjustments)
    return {(c.rule, c.year): c for c in check_rules(budget, PARAMS)}


def test_every_rule_every_year():
    checks = _checks()
    assert {rule for rule, _ in checks} == set(RULES)
    assert {year for _, year in checks} == set(range(2027, 2041))


def test_service_ceiling_breach_when_unit_costs_rise_beyond_the_margin():
    # The ceiling is the parameters' spending with a 1 % margin; +10 % on schools breaks it.
    ok = _checks()[("service_ceiling", 2027)]
    assert ok.status == "ok"
    check = _checks({"unit_costs": {"school_6_16": 79000 * 1.5}})[("service_ceiling", 2027)]
    assert check.status == "breach"
    assert check.value > check.limit
    assert "above the ceiling" in check.reason


def test_operating_ambition_uses_the_ceiling_headroom():
    base = _checks()[("service_ceiling", 2029)]
    room = base.limit - base.value
    inside = _checks(adjustments=BudgetAdjustments(operating={2029: room * 0.9}))
    outside = _checks(adjustments=BudgetAdjustments(operating={2029: room * 1.1}))
    assert inside[("service_ceiling", 2029)].status == "ok"
    assert outside[("service_ceiling", 2029)].status == "breach"
    assert outside[("service_ceiling", 2028)].status == "ok"


def test_capital_level_warning():
    check = _checks(adjustments=BudgetAdjustments(capital={2030: 500e6}))[("capital_level", 2030)]
    assert check.status == "warning"
    assert check.value - check.limit > 0
    assert "above" in check.reason


def test_borrowing_for_a_purpose_the_law_does_not_allow():
    checks = _checks(finance_raw={"loans": [
        {"year": 2029, "amount": 10e6, "purpose": "town_hall_refit"},
        {"year": 2030, "amount": 10e6, "purpose": "energy_saving"}]})
    assert checks[("borrowing_purpose", 2029)].status == "breach"
    reason = checks[("borrowing_purpose", 2029)].reason
    assert "'town_hall_refit' is not an allowed purpose" in reason
    assert checks[("borrowing_purpose", 2030)].status == "ok"
    assert checks[("borrowing_purpose", 2028)].reason == "no new loans"


def test_kassekreditreglen_and_liquidity_target():
    checks = _checks(finance_raw={"opening_liquidity": -500e6})
    avg = checks[("kassekreditreglen", 2027)]
    assert avg.status == "breach" and avg.value < 0
    assert "dispensation" in avg.reason
    high_target = _checks(finance_raw={"liquidity_target_per_inhabitant": 1e6})
    assert high_target[("liquidity_target", 2027)].status == "warning"


def test_tax_sanction_follows_75_50_50_25():
    services = compute(PROJECTION, PARAMS)
    base = compute_budget(PROJECTION, services, PARAMS)
    raised = compute_budget(PROJECTION, services, PARAMS,
                            finance_overrides({"income_tax_rate": {2028: 26.6}}))
    rise = 0.01 * raised.year(2028).tax_base
    for year, share in ((2028, 0.75), (2029, 0.5), (2030, 0.5), (2031, 0.25), (2032, 0.0)):
        assert raised.year(year).revenue["tax_sanction"] == pytest.approx(-share * rise)
        assert base.year(year).revenue["tax_sanction"] == 0.0


def test_structural_balance_breach_and_warning():
    deficit = _checks(adjustments=BudgetAdjustments(operating={2032: 2e9}))
    assert deficit[("structural_balance", 2032)].status == "breach"
    assert "operating deficit" in deficit[("structural_balance", 2032)].reason
    heavy = _checks(adjustments=BudgetAdjustments(capital={2033: 1e9}))
    check = heavy[("structural_balance", 2033)]
    assert check.status == "warning"
    assert "2030-2033" in check.reason


def test_headroom_rows_match_the_rules_limits():
    from byibalance.finance import headroom_rows

    services = compute(PROJECTION, PARAMS)
    budget = compute_budget(PROJECTION, services, PARAMS)
    rows = headroom_rows(budget)
    checks = {(c.rule, c.year): c for c in check_rules(budget, PARAMS)}
    for row in rows:
        year = int(row["year"])
        service = checks[("service_ceiling", year)]
        assert row["service"] == pytest.approx((service.limit - service.value) / 1e6)
        capital = checks[("capital_level", year)]
        assert row["capital"] == pytest.approx((capital.limit - capital.value) / 1e6)
        target = checks[("liquidity_target", year)]
        assert row["liquidity"] == pytest.approx((target.value - target.limit) / 1e6)
    # spending exactly the service room keeps the rule; a little more breaks it
    room = rows[2]["service"] * 1e6
    year = int(rows[2]["year"])
    assert _checks(adjustments=BudgetAdjustments(operating={year: room - 1}))[
        ("service_ceiling", year)].status == "ok"
    assert _checks(adjustments=BudgetAdjustments(operating={year: room + 1}))[
        ("service_ceiling", year)].status == "breach"
