"""Services: users by model type, full and marginal regulation, capacity gaps and their cost."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byibalance.errors import FinanceError, ScenarioError
from byibalance.finance.inputs import budget_parameters
from byibalance.services import AREA_NAMES, compute, services_overrides
from finance.helpers import synthetic_projection, with_values

PARAMS = budget_parameters("165")


def test_users_and_costs_follow_the_three_model_types():
    projection = synthetic_projection(per_age=100.0)  # 200 persons at each age
    result = compute(projection, PARAMS)
    i = result.index(2027)
    # type 2: 3 ages x 200 persons x coverage 0.65; cost = users x 189,000
    assert result.users["daycare_0_2"][i] == pytest.approx(600 * 0.65)
    assert result.expenditure["daycare_0_2"][i] == pytest.approx(600 * 0.65 * 189000)
    # type 1: 15 ages x 200 persons x 20,000 DKK
    assert result.expenditure["elderly_65_79"][i] == pytest.approx(3000 * 20000)
    # type 3: 21 ages x 200 persons x (0.30 x 120,000 + 0.12 x 450,000)
    assert result.expenditure["elderly_80_plus"][i] == pytest.approx(4200 * 90000)
    assert result.users["elderly_80_plus"][i] == pytest.approx(4200 * 0.42)
    # whole-population area: 101 ages x 200 persons x 13,686
    assert result.expenditure["special_needs"][i] == pytest.approx(20200 * 13686)


def test_capacity_gap_year_classes_and_capital_cost():
    # 3% growth a year: school users start at 11 x 300 x 0.8 = 2,640 in 2024 against 3,020
    # places; the first year with users above capacity is the first t with 2640*1.03^(t-2024)
    # > 3020.
    projection = synthetic_projection(per_age=150.0, growth=0.03)
    result = compute(projection, PARAMS)
    users = 2640 * 1.03 ** (projection.years - 2024)
    first = int(projection.years[np.argmax(users > 3020)])
    assert result.first_gap_year["school_6_16"] == first
    i = result.index(2040)
    gap = users[-1] - 3020
    assert result.gap["school_6_16"][i] == pytest.approx(gap)
    assert result.missing_units["school_6_16"][i] == np.ceil(gap / 24)
    # every missing place is built once, at 400,000 DKK a school place
    assert result.new_places["school_6_16"].sum() == pytest.approx(gap)
    assert result.capacity["elderly_80_plus"] is None
    assert np.isnan(result.gap["elderly_80_plus"]).all()


@settings(max_examples=30, deadline=None)
@given(growth=st.floats(min_value=-0.03, max_value=0.04),
       marg=st.floats(min_value=0.0, max_value=1.0),
       h=st.floats(min_value=0.0, max_value=0.9))
def test_regulation_invariants(growth, marg, h):
    """Marginal regulation and healthy ageing only scale the change since the base year."""
    projection = synthetic_projection(growth=growth)
    full = compute(projection, PARAMS)
    part = compute(projection, PARAMS, services_overrides({
        "regulation": "marginal", "marginal_share": dict.fromkeys(AREA_NAMES, marg),
        "healthy_ageing": {"elderly_80_plus": h}}))
    b = full.index(full.base_year)
    for name in AREA_NAMES:
        change_full = full.expenditure[name] - full.expenditure[name][b]
        change_part = part.expenditure[name] - part.expenditure[name][b]
        factor = marg * ((1 - h) if name == "elderly_80_plus" else 1.0)
        np.testing.assert_allclose(change_part, change_full * factor, rtol=1e-9, atol=1e-3)
        assert part.expenditure[name][b] == pytest.approx(full.expenditure[name][b])


def test_unit_cost_override_and_reference_expenditure():
    projection = synthetic_projection()
    result = compute(projection, PARAMS, services_overrides({"unit_costs": {"school_6_16": 90000}}))
    ratio = result.expenditure["school_6_16"] / result.reference_expenditure["school_6_16"]
    np.testing.assert_allclose(ratio, 90000 / 79000)
    used = {u.name: u for u in result.parameters["school_6_16"]}
    assert used["school_6_16.unit_cost"].overridden
    assert used["school_6_16.unit_cost"].status == "assumption"


def test_marginal_regulation_without_a_share_is_refused():
    with pytest.raises(FinanceError, match="marginal share for 'daycare_0_2'") as err:
        compute(synthetic_projection(), PARAMS, services_overrides({"regulation": "marginal"}))
    assert err.value.where.field == "services.marginal_share.daycare_0_2"


@pytest.mark.parametrize(("raw", "field", "text"), [
    ({"coverage": {"daycare_0_2": 1.4}}, "services.coverage", "a share lies between 0 and 1"),
    ({"unit_costs": {"school": 80000}}, "services.unit_costs", "unknown service area 'school'"),
    ({"unit_costs": {"school_6_16": -5}}, "services.unit_costs", "cannot be negative"),
    ({"regulation": "partial"}, "services.regulation", "Input should be 'full' or 'marginal'"),
])
def test_bad_services_overrides_name_the_field(raw, field, text):
    with pytest.raises(ScenarioError) as err:
        services_overrides(raw, "s.yaml")
    assert err.value.where.field == field
    assert text in str(err.value)


def test_negative_parameter_and_uncovered_base_year_are_refused():
    bad = with_values(PARAMS, {"school_6_16.unit_cost": -79000})
    with pytest.raises(FinanceError, match=r"'school_6_16\.unit_cost' is -79000; it cannot be"):
        compute(synthetic_projection(), bad)
    with pytest.raises(FinanceError, match="base year 2026 is not in the projection"):
        compute(synthetic_projection(start=2027), PARAMS)
