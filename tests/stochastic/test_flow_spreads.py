"""The migration spread from a snapshot's gross flows.

Where a municipality's deterministic inputs come from gross flows and the flows hold at least
``gross_flow_spread_min_years`` (5) years before the base year, its migration spreads are the SDs
of the flows' yearly net rates, by 5-year group and in total; with fewer years the residual's
spreads stay and the note says why; without a snapshot the spreads, the draws and the paths are
exactly those of the residual-only code (``data/spreads_before_gross_flow_spreads.npz`` and
``..._notes.json``, written by that code before the flows' spreads existed). Every flow here is a
TEST VALUE, not Statistics Denmark's.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.population.flow_snapshots import flow_downloads, write

from byibalance import data
from byibalance.batch.prepare import flow_rates, prepare
from byibalance.errors import ParameterError
from byibalance.parameters import Parameter, ParameterSet
from byibalance.population import inputs
from byibalance.population.inputs import population_cube
from byibalance.population.stochastic import FIVE_YEAR_GROUPS, draw, simulate

REFERENCE = Path(__file__).parent / "data"
BASE, END = 2020, 2030
CODES = ["165", "101", "825", "147"]  # Albertslund, Copenhagen, Læsø, Frederiksberg
# extra movers in, per year of 2010-2019, at ages 21-23 (both sexes, 6 cells: whole persons
# per cell); everyone else moves 10 in and 10 out per age and sex, a net of zero
EXTRA = dict(zip(range(2010, 2020), (30, 90, 60, 120, 0, 48, 78, 18, 108, 60), strict=True))
EXTRA_AGES = slice(21, 24)  # inside 20-24 also after the half-year shift to age at year end
GROUP_20_24 = 4


def flows(code: str, years) -> dict[str, dict]:
    """10 moves in and 10 out at every age and sex each year, plus ``EXTRA[year]`` in at 21-23."""
    incoming, outgoing = {}, {}
    for year in years:
        cells = np.full((2, 101), 10.0)
        outgoing[(code, year)] = cells.copy()
        cells[:, EXTRA_AGES] += EXTRA[year] / 6
        incoming[(code, year)] = cells
    zero = {key: np.zeros((2, 101)) for key in incoming}
    return {
        "in_internal": incoming,
        "out_internal": outgoing,
        "immigrated": zero,
        "emigrated": zero,
    }


def observed(code: str, year: int, ages: slice = slice(None)) -> float:
    """FOLK1B persons of ``code`` on 1 January ``year`` in the 5-year groups ``ages``."""
    cube = population_cube()
    return float(cube.values[cube.index(code), cube.years.index(year)][:, ages].sum())


def reference() -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    arrays = np.load(REFERENCE / "spreads_before_gross_flow_spreads.npz")
    notes = json.loads(
        (REFERENCE / "spreads_before_gross_flow_spreads_notes.json").read_text("utf-8")
    )
    return {k: arrays[k] for k in arrays.files}, notes


def migration_note(notes) -> str:
    return next(str(n) for n in notes if str(n).startswith("migration: path level"))


def test_ten_years_of_flows_give_the_sd_of_their_yearly_net_rates(home):
    write(home, flow_downloads(flows("165", range(2010, 2020))))
    spread = prepare(["165"], BASE, END).spread
    # the oracle: the observed FOLK1B totals, not the graduated populations prepare divides by
    # (graduation keeps each 5-year group's total, so the two agree to rounding)
    total = [EXTRA[y] / observed("165", y) for y in EXTRA]
    group = [EXTRA[y] / observed("165", y, slice(GROUP_20_24, GROUP_20_24 + 1)) for y in EXTRA]
    assert spread.migration_total_sigma[0] == pytest.approx(np.std(total, ddof=1), rel=1e-9)
    assert spread.migration_sigma[0, GROUP_20_24] == pytest.approx(np.std(group, ddof=1), rel=1e-9)
    others = np.delete(spread.migration_sigma[0], GROUP_20_24)
    np.testing.assert_array_equal(others, 0.0)  # net zero at every other age, every year
    # by hand: the extra movers' SD, 38.8 persons a year, over Albertslund's ~27,800 persons
    assert spread.migration_total_sigma[0] == pytest.approx(38.8 / 27_800, rel=0.01)
    assert spread.migration_total_sigma[0] < 0.0032 / 2  # its residual's SD (docs/model.md)
    assert spread.migration_sources[0].startswith("own gross net migration 2010-2019 (")
    assert "FLY66" in spread.migration_sources[0]
    assert spread.migration_source == spread.migration_sources[0]


def test_the_draws_carry_the_flows_spread(home):
    write(home, flow_downloads(flows("165", range(2010, 2020))))
    stochastic = prepare(["165"], BASE, END)
    shocks = draw(stochastic, 11, 0, 4000).migration_rate  # [P, T, G]
    # d = s tau (u + e_t) + s_a sigma_g (u_g + e_t,g): SD sqrt(2) s tau where sigma_g is 0
    sp = stochastic.spread
    expected = np.sqrt(2.0) * sp.scale.value * sp.migration_total_sigma[0]
    # 4,000 paths: the SD's relative standard error is 1 / sqrt(2 * 4000) ~ 1.1 %; 5 % is 4.4 SE
    assert shocks[:, 0, 0].std() == pytest.approx(expected, rel=0.05)


def test_four_years_keep_the_residual_spread_and_say_why(home):
    before = prepare(["165", "101"], BASE, END).spread
    write(home, flow_downloads(flows("165", range(2016, 2020))))
    stochastic = prepare(["165", "101"], BASE, END)
    sp = stochastic.spread
    # the levels come from the flows (4 of the window's 5 years, 3 needed) ...
    assert not any(str(n).startswith("migration: net residual") for n in stochastic.notes["165"])
    # ... the spreads stay the residual's, exactly
    np.testing.assert_array_equal(sp.migration_sigma, before.migration_sigma)
    np.testing.assert_array_equal(sp.migration_total_sigma, before.migration_total_sigma)
    note = migration_note(stochastic.notes["165"])
    source = str(data.migration_flows()["source"].iloc[0])
    assert "FLY66" in source
    assert note.endswith(
        f"(estimate: own residual net migration 2008-2020; the gross flows ({source}) cover 4 "
        "of the years 2008-2019: 2016-2019; at least 5 are needed for their spread)"
    )
    assert "common (SD 0.0032)" in note  # Albertslund's own residual spread (docs/model.md)
    # Copenhagen is not in the snapshot: the residual, with nothing to explain
    assert migration_note(stochastic.notes["101"]).endswith(
        "(estimate: own residual net migration 2008-2020)"
    )
    assert sp.migration_source.startswith("165: own residual net migration 2008-2020; the gross")
    assert sp.migration_source.endswith(" | 101: own residual net migration 2008-2020")


def test_flows_outside_the_window_do_not_make_the_levels_and_so_not_the_spread(home):
    before = prepare(["165"], BASE, END).spread
    # 2010-2014: five years before the base, none of the window's (2015-2019)
    write(home, flow_downloads(flows("165", range(2010, 2015))))
    stochastic = prepare(["165"], BASE, END)
    assert any(str(n).startswith("migration: net residual") for n in stochastic.notes["165"])
    np.testing.assert_array_equal(stochastic.spread.migration_sigma, before.migration_sigma)
    np.testing.assert_array_equal(
        stochastic.spread.migration_total_sigma, before.migration_total_sigma
    )
    assert stochastic.spread.migration_sources == ("own residual net migration 2008-2020",)


def test_the_minimum_is_the_parameter_file_s(home, monkeypatch):
    write(home, flow_downloads(flows("165", range(2016, 2020))))
    national = inputs.defaults()

    def with_minimum(value: object) -> ParameterSet:
        parameter = Parameter.model_validate(
            {
                "description": "test",
                "unit": "years",
                "values": [{"from": "2000-01-01", "value": value, "status": "assumption",
                            "source": "test value"}],
            }
        )  # fmt: skip
        return national.merged(
            ParameterSet(
                {"gross_flow_spread_min_years": parameter},
                {"gross_flow_spread_min_years": "test.yaml"},
            )
        )

    monkeypatch.setattr(inputs, "defaults", lambda: with_minimum(4))
    spread = prepare(["165"], BASE, END).spread
    assert spread.migration_sources[0].startswith("own gross net migration 2016-2019 (")
    assert spread.migration_sigma[0, GROUP_20_24] > 0
    monkeypatch.setattr(inputs, "defaults", lambda: with_minimum(1))
    with pytest.raises(ParameterError) as err:
        prepare(["165"], BASE, END)
    text = str(err.value)
    assert (
        "year 2020: gross_flow_spread_min_years = 1 is not a whole number of years of at least 2"
        in text
    )
    assert "test.yaml" in text


@pytest.mark.parametrize(("base", "calibrate"), [(2020, True), (2015, False)])
def test_without_a_snapshot_spreads_draws_and_paths_are_as_before(home, base, calibrate):
    arrays, notes = reference()
    stochastic = prepare(CODES, base, base + 10, calibrate=calibrate)
    sp = stochastic.spread
    np.testing.assert_array_equal(sp.migration_sigma, arrays[f"{base}_migration_sigma"])
    np.testing.assert_array_equal(sp.migration_total_sigma, arrays[f"{base}_migration_total_sigma"])
    draws = draw(stochastic, 11, 0, 6)
    for name in ("tfr_log", "mortality_log", "migration_rate"):
        np.testing.assert_array_equal(getattr(draws, name), arrays[f"{base}_{name}"], name)
    for i, code in enumerate(CODES):
        np.testing.assert_array_equal(draws.delays[i], arrays[f"{base}_delays_{code}"])
    np.testing.assert_array_equal(simulate(stochastic, draws, 6).totals, arrays[f"{base}_totals"])
    assert list(sp.notes()) == notes[str(base)]


def test_flow_rates_group_by_age_at_year_end_and_divide_by_1_january():
    start = np.full((1, 2, 101), 50.0)  # 100 persons at each age, 500 in each 5-year group
    incoming = np.zeros((1, 2, 101))
    incoming[0, 0, 4] = 20.0  # aged 4 at the move: half are 4 at year end (0-4), half 5 (5-9)
    outgoing = np.zeros((1, 2, 101))
    outgoing[0, 1, 7] = 10.0
    rates, total = flow_rates(incoming, outgoing, start)
    assert rates.shape == (1, len(FIVE_YEAR_GROUPS))
    np.testing.assert_allclose(rates[0, :3], [10 / 500, 0.0, 0.0])
    assert total[0] == pytest.approx(10 / (100 * 101))
