"""The sustainability account: published values with their status, missing stays missing,
per-inhabitant figures move with the projection, and the target-status rule."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byibalance.errors import IndicatorError
from byibalance.sustainability import (
    Indicator,
    IndicatorValue,
    Registry,
    Target,
    TrackStatus,
    ValueStatus,
    ValueStore,
    compute_indicators,
    observed_cells,
    track_status,
)
from byibalance.sustainability.loaders import load_account_inputs, observed_population
from byibalance.sustainability.series import Cell

from .synthetic import FakeBudget, FakeBudgetYear, projection

Inputs = tuple[Registry, ValueStore, dict[int, Cell]]
ALB_2015 = 27_806  # DOMAIN §2.5, 1 January 2015 [P f-alb]


@pytest.fixture(scope="module")
def albertslund() -> tuple[Registry, ValueStore, dict[int, Cell]]:
    registry, values, _ = load_account_inputs("165")
    return registry, values, observed_population("165")


def test_albertslund_shows_domain_published_values_with_status(albertslund: Inputs) -> None:
    registry, values, observed = albertslund
    account = compute_indicators(registry, values, observed_population=observed, municipality="165")
    expected = {  # DOMAIN §6: (year, value, status)
        "co2_territorial": (2015, 134_417, "published"),
        "co2_transport": (2015, 67_069, "published"),
        "co2_local_road": (2017, 3_700, "published"),
        "co2_district_heat": (2018, 22_219, "published"),
        "co2_electricity": (2018, 27_938, "estimated"),
        "water_use": (2019, 92, "published"),
        "household_recycling": (2018, 0.41, "published"),
        "primary_school_only_30_34": (2017, 0.25, "secondary"),
    }
    for indicator, (year, value, status) in expected.items():
        latest = account.row(indicator).latest
        assert latest is not None, indicator
        assert (latest.year, latest.value, latest.status.value) == (year, value, status)
    # the 2014 value is kept in the series
    assert account.row("co2_territorial").series[2014].value == 141_700


def test_missing_stays_missing_never_zero(albertslund: Inputs) -> None:
    registry, values, observed = albertslund
    account = compute_indicators(registry, values, observed_population=observed)
    for indicator in ("waste_per_capita", "green_area_share", "employment_rate"):
        row = account.row(indicator)
        assert row.latest is None
        assert row.per_capita is None
    waste = account.row("waste_per_capita").series[2018]
    assert waste.value is None and waste.status is ValueStatus.not_available
    assert waste.notation is not None and waste.notation.value == "NE"
    # without a budget the economic indicators are missing, not 0
    assert account.row("liquidity_average").latest is None
    records = [r for r in account.records() if r["indicator"] == "waste_per_capita"]
    assert records and all(r["value"] is None for r in records)


def test_per_capita_2015_matches_domain(albertslund: Inputs) -> None:
    registry, values, observed = albertslund
    account = compute_indicators(registry, values, observed_population=observed)
    row = account.row("co2_territorial")
    assert row.per_capita == pytest.approx(134_417 / ALB_2015, rel=1e-12)
    # DOMAIN §6 says "about 4.8 t (2015)"
    assert row.per_capita == pytest.approx(4.8, abs=0.05)
    derived = account.row("co2_per_capita").latest
    assert derived is not None and derived.status is ValueStatus.derived
    assert derived.formula == "co2_territorial / population"


def test_more_people_lower_per_capita_target(albertslund: Inputs) -> None:
    """10,000 more residents in 2025 lower the per-inhabitant transport target accordingly."""
    registry, values, observed = albertslund
    base = projection({2025: 28_000.0, 2026: 28_100.0})
    more = projection({2025: 38_000.0, 2026: 38_100.0})
    a = compute_indicators(registry, values, base, observed_population=observed)
    b = compute_indicators(registry, values, more, observed_population=observed)
    level = 67_069 * 0.9  # -10 % against 2015
    assert a.row("co2_transport").target_level == pytest.approx(level)
    assert a.row("co2_transport").target_per_capita == pytest.approx(level / 28_000)
    assert b.row("co2_transport").target_per_capita == pytest.approx(level / 38_000)
    latest = b.row("population").latest
    assert latest is not None and latest.value == pytest.approx(38_100)


def _registry_with(indicator: Indicator) -> Registry:
    return Registry(indicators=(indicator,))


CO2 = Indicator(
    id="co2", name_da="CO2", name_en="CO2", dimension="climate", definition="d",
    numerator="co2", unit="tonnes_CO2e", direction="lower", basis="absolute", source="s",
)  # fmt: skip
PC = CO2.model_copy(update={"id": "co2_pc", "denominator": "population",
                            "unit": "tonnes_CO2e_per_person", "basis": "per_capita"})  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    tonnes=st.floats(min_value=1.0, max_value=1e6),
    people=st.floats(min_value=100.0, max_value=1e6),
    factor=st.floats(min_value=1.01, max_value=3.0),
)
def test_per_capita_scales_inversely_with_population(tonnes: float, people: float,
                                                      factor: float) -> None:  # fmt: skip
    store = ValueStore([IndicatorValue(indicator="co2", year=2030, value=tonnes,
                        status="estimated", vintage=dt.date(2026, 1, 1), source="t")])  # fmt: skip
    registry = Registry(indicators=(CO2, PC))
    a = compute_indicators(registry, store, projection({2030: people}), as_of_year=2030)
    b = compute_indicators(registry, store, projection({2030: people * factor}), as_of_year=2030)
    pa, pb = a.row("co2_pc").latest, b.row("co2_pc").latest
    assert pa is not None and pb is not None and pa.value and pb.value
    assert pa.value == pytest.approx(tonnes / people, rel=1e-9)
    assert pb.value == pytest.approx(pa.value / factor, rel=1e-9)
    assert a.row("co2").per_capita == pytest.approx(pa.value, rel=1e-9)


def test_budget_lines_feed_the_economic_indicators(albertslund: Inputs) -> None:
    registry, values, observed = albertslund
    budget = FakeBudget([FakeBudgetYear(2027, 30_000, 60e6, 300e6, 90e6),
                         FakeBudgetYear(2028, 31_000, 62e6, 310e6, 93e6)])  # fmt: skip
    account = compute_indicators(registry, values, budget=budget, observed_population=observed)
    op = account.row("operating_balance_per_capita").latest
    assert op is not None and op.value == pytest.approx(2_000.0) and op.year == 2027
    assert account.row("debt_per_capita").series[2028].value == pytest.approx(3_000.0)
    liquidity = account.row("liquidity_average")
    assert liquidity.latest is not None and liquidity.latest.value == 300e6
    assert liquidity.per_capita is None  # no population for 2027 without a projection


def test_recalculated_series_keeps_old_vintages() -> None:
    old = IndicatorValue(indicator="co2", year=2018, value=100.0, status="published",
                         vintage=dt.date(2020, 5, 1), source="ENS 2020")  # fmt: skip
    new = old.model_copy(update={"value": 90.0, "vintage": dt.date(2022, 5, 1)})
    store = ValueStore([old, new])
    assert store.current("co2", 2018) == new
    assert store.history("co2", 2018) == [old, new]
    with pytest.raises(IndicatorError, match="same vintage"):
        store.add(new.model_copy(update={"value": 80.0}))


def test_missing_value_needs_notation() -> None:
    with pytest.raises(ValueError, match="notation key"):
        IndicatorValue(indicator="co2", year=2018, value=None, status="not_available",
                       vintage=dt.date(2026, 1, 1), source="t")  # fmt: skip


def _series(points: dict[int, float]) -> dict[int, Cell]:
    return observed_cells(points)


@pytest.mark.parametrize(
    ("points", "target", "expected"),
    [
        # straight path 100 (2020) -> 0 (2030): expected 90 in 2021
        ({2020: 100, 2021: 89}, Target(value=0, year=2030, text="t", source="s"),
         TrackStatus.on_track),
        ({2020: 100, 2021: 90.5}, Target(value=0, year=2030, text="t", source="s"),
         TrackStatus.at_risk),  # 0.5 behind, tolerance 10 % of 100
        ({2020: 100, 2021: 101}, Target(value=0, year=2030, text="t", source="s"),
         TrackStatus.off_track),
        ({2020: 100}, Target(value=0, year=2030, text="t", source="s"),
         TrackStatus.not_assessable),
        ({2020: 100, 2026: 50}, Target(value=60, year=2030, text="t", source="s"),
         TrackStatus.target_met),
        ({2020: 100, 2026: 95}, Target(value=60, year=2025, text="t", source="s"),
         TrackStatus.off_track),  # deadline passed
        ({2020: 92}, Target(value=100, text="t", source="s"), TrackStatus.on_track),
        ({2020: 105}, Target(value=100, text="t", source="s"), TrackStatus.at_risk),
        ({2020: 120}, Target(value=100, text="t", source="s"), TrackStatus.off_track),
        ({2020: 100, 2022: 95},
         Target(value=-0.2, year=2030, basis="vs_baseline", base_year=2020, text="t", source="s"),
         TrackStatus.on_track),  # level 80; expected 95 in 2022
        ({2021: 100}, Target(value=-0.2, year=2030, basis="vs_baseline", base_year=2020,
                             text="t", source="s"), TrackStatus.not_assessable),
    ],
)  # fmt: skip
def test_track_status_rule(points: dict[int, float], target: Target, expected: TrackStatus) -> None:
    indicator = CO2.model_copy(update={"target": target})
    status, reason = track_status(indicator, _series(points), as_of_year=2026)
    assert status is expected, reason


def test_higher_is_better_direction() -> None:
    target = Target(value=0.9, year=2030, text="t", source="s")
    share = CO2.model_copy(update={"direction": "higher", "unit": "share", "target": target})
    assert track_status(share, _series({2020: 0.5, 2021: 0.6}), 2026)[0] is TrackStatus.on_track
    assert track_status(share, _series({2020: 0.5, 2021: 0.4}), 2026)[0] is TrackStatus.off_track


def test_balance_view_has_four_dimensions_and_no_score(albertslund: Inputs) -> None:
    registry, values, observed = albertslund
    view = compute_indicators(registry, values, observed_population=observed).by_dimension()
    assert [d.value for d in view] == ["social", "economic", "climate", "environment"]
    assert all(view.values())


STATUSES = st.sampled_from(["published", "secondary", "estimated", "provisional", "derived"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(STATUSES, st.integers(0, 20), st.floats(0, 1e6)), max_size=12))
def test_store_never_loses_a_published_value(adds: list[tuple[str, int, float]]) -> None:
    """Whatever is added, every accepted value stays in the history, the current value is the
    latest vintage, and no estimate is current where a published value exists."""
    store = ValueStore()
    accepted: list[IndicatorValue] = []
    for status, day, value in adds:
        vintage = dt.date(2026, 1, 1) + dt.timedelta(days=day)
        item = IndicatorValue(
            indicator="x", year=2020, value=value, status=status, vintage=vintage, source="t"
        )
        try:
            store.add(item)
        except IndicatorError:
            continue
        accepted.append(item)
    history = store.history("x", 2020)
    assert sorted(history, key=lambda v: v.vintage) == history
    assert {id(v) for v in history} == {id(v) for v in accepted}
    current = store.current("x", 2020)
    if any(v.status.is_published for v in accepted):
        assert current is not None and current.status.is_published
