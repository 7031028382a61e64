"""The climate account: GPC sectors, two views, absolute and per inhabitant, the path to the
targets and the ambitions' wedges."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byibalance.sustainability import (
    AmbitionEffect,
    ClimateInventory,
    InventoryEntry,
    PathPoint,
    Sector,
    TotalEntry,
    View,
    ambition_wedges,
    climate_account,
)
from byibalance.sustainability.loaders import load_climate, observed_population

from .synthetic import projection

VINTAGE = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def inventory() -> ClimateInventory:
    return load_climate("165")


def test_territory_view_shows_totals_and_missing_sectors(inventory: ClimateInventory) -> None:
    account = climate_account(inventory, View.territory, None, observed_population("165"))
    y2015 = account.year(2015)
    assert y2015.total.value == 134_417 and y2015.total.status.value == "published"
    assert y2015.per_capita == pytest.approx(134_417 / 27_806)
    transport = next(s for s in y2015.sectors if s.sector is Sector.II)
    assert transport.tonnes == 67_069
    for row in y2015.sectors:
        if row.sector is not Sector.II:
            assert row.tonnes is None and row.notation == "NE"  # missing, never 0
    y2018 = account.year(2018)
    energy = next(s for s in y2018.sectors if s.sector is Sector.I)
    assert energy.tonnes is None  # parts are listed, never summed into a sector total
    assert {p.subsector: p.tonnes for p in energy.parts} == {"district_heat": 22_219,
                                                              "electricity": 27_938}  # fmt: skip
    assert y2018.total.value is None and y2018.total.notation is not None


def test_influence_view_has_no_total_without_through_traffic(inventory: ClimateInventory) -> None:
    account = climate_account(inventory, View.influence)
    assert all(y.total.value is None for y in account.years)
    assert account.path == ()
    assert any("no influence total" in n for n in account.notes)
    local = next(s for s in account.year(2017).sectors if s.sector is Sector.II)
    assert [p.tonnes for p in local.parts] == [3_700]
    assert [t.target.id for t in account.targets] == ["local_road_2025"]


def test_influence_total_is_territory_minus_through_traffic() -> None:
    inv = ClimateInventory(
        municipality="999",
        totals=(TotalEntry(year=2020, view="territory", tonnes=1000, status="published",
                           vintage=VINTAGE, source="t"),),
        entries=(InventoryEntry(sector="II", subsector="through_traffic", view="territory",
                                year=2020, tonnes=300, status="published", vintage=VINTAGE,
                                source="t"),),
    )  # fmt: skip
    total = climate_account(inv, View.influence).year(2020).total
    assert total.value == 700 and total.formula == "territory total - motorway through-traffic"


def test_path_to_net_zero_and_per_capita_with_projection(inventory: ClimateInventory) -> None:
    small = projection({2025: 28_000.0, 2030: 30_000.0})
    big = projection({2025: 28_000.0, 2030: 40_000.0})
    a = climate_account(inventory, View.territory, small, observed_population("165"))
    b = climate_account(inventory, View.territory, big, observed_population("165"))
    # straight line 134,417 (2015) -> 0 (2050): 15/35 of the way in 2030
    expected_2030 = 134_417 * (1 - 15 / 35)
    assert a.path_at(2030).tonnes == pytest.approx(expected_2030)
    assert a.path_at(2050).tonnes == 0
    assert a.path_at(2030).per_capita == pytest.approx(expected_2030 / 30_000)
    assert b.path_at(2030).per_capita == pytest.approx(expected_2030 / 40_000)
    assert a.path_at(2031).per_capita is None  # no population: missing, not 0
    assert all(p.tonnes == 134_417 for p in a.baseline)


def test_target_levels(inventory: ClimateInventory) -> None:
    rows = [
        *climate_account(inventory).targets,
        *climate_account(inventory, View.influence).targets,
    ]
    levels = {t.target.id: t.level for t in rows}
    assert levels["transport_2025"] == pytest.approx(67_069 * 0.9)
    assert levels["local_road_2025"] == pytest.approx(3_700 * 0.85)
    assert levels["net_zero_2050"] == 0
    assert levels["long_run_70000"] == 70_000


def _baseline(values: list[float], first: int = 2025) -> list[PathPoint]:
    return [PathPoint(first + i, v, None, None) for i, v in enumerate(values)]


def test_wedges_start_at_completion_and_cost_per_tonne() -> None:
    base = _baseline([100.0] * 6)  # 2025..2030
    heat = AmbitionEffect("heat", "Heat pumps", 2025, 2, 30.0, capital_mio_dkk=1.2)
    wedges = ambition_wedges(base, [heat])
    assert wedges.wedges["heat"] == (0, 0, 30, 30, 30, 30)
    assert wedges.scenario == (100, 100, 70, 70, 70, 70)
    assert wedges.dkk_per_tonne["heat"] == pytest.approx(1.2e6 / 120)


def test_wedges_cut_at_zero_are_reported() -> None:
    wedges = ambition_wedges(_baseline([50.0, 50.0]), [AmbitionEffect("a", "A", 2020, 1, 80.0)])
    assert wedges.scenario == (0.0, 0.0)
    assert len(wedges.notes) == 2 and "cut at 0" in wedges.notes[0]
    assert wedges.dkk_per_tonne["a"] is None  # no cost given


@settings(max_examples=50, deadline=None)
@given(
    base=st.lists(st.floats(min_value=1e4, max_value=2e5), min_size=3, max_size=30),
    cuts=st.lists(st.tuples(st.integers(2020, 2040), st.integers(1, 5),
                            st.floats(min_value=0, max_value=300)), max_size=6),
)  # fmt: skip
def test_wedges_add_up(base: list[float], cuts: list[tuple[int, int, float]]) -> None:
    """scenario + sum of wedges = baseline, year by year, when nothing is cut at zero."""
    effects = [AmbitionEffect(f"a{i}", "A", s, d, r) for i, (s, d, r) in enumerate(cuts)]
    wedges = ambition_wedges(_baseline(base, 2020), effects)
    for i, level in enumerate(wedges.baseline):
        total = sum(w[i] for w in wedges.wedges.values())
        assert wedges.scenario[i] + total == pytest.approx(level, rel=1e-12)
        assert all(w[i] >= 0 for w in wedges.wedges.values())


def test_missing_inventory_is_all_missing() -> None:
    account = climate_account(load_climate("101"))
    assert account.years == () and account.path == ()
    assert account.organisation and "all missing" in account.organisation[0]
