"""The projection with a snapshot's gross migration flows and the municipality's own fertility.

Flows built from the embedded data's own residual (in = max(net, 0) + k, out = max(-net, 0) + k
at every age, so that gross in less gross out is the residual net) must project the first year
as the residual does, while the notes name the gross method; fewer than 3 of the window's years
keep the residual and say why; FOD407 rates giving a TFR of 1.50 give a local TFR of 1.50; and
without a snapshot every array is exactly as before gross flows existed
(``data/residual_run_before_gross_flows.npz``, written by the previous release's code). Flows
and rates here are TEST VALUES, not Statistics Denmark's.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from byibalance.batch.prepare import prepare
from byibalance.errors import ParameterError
from byibalance.parameters import Parameter, ParameterSet
from byibalance.population import engine, estimation, inputs
from byibalance.population.graduation import graduate
from byibalance.population.inputs import build_inputs, population_cube, shape_for
from byibalance.population.lifetable import survival_ratios
from byibalance.population.overrides import PopulationOverrides

from .flow_snapshots import fertility_download, flow_downloads, write

REFERENCE = Path(__file__).parent / "data"
BASE, END = 2020, 2030
WINDOW = range(2015, 2020)  # calendar years of the 5-year window's transitions before 2020
K = 5  # persons added to both directions at ages 0-89: the gross flows exceed the net
K_AGES = slice(0, 90)  # not where fewer than K live (out-flows above the survivors are capped)


def residual_by_year(code: str) -> np.ndarray:
    """The embedded data's residual net migration of ``code`` per year ``[Y, 2, 101]`` by age at
    year end, from the same pieces the projection uses (graduation, death rates, fertility)."""
    cube = population_cube()
    years = list(range(BASE - 5, BASE + 1))
    p5 = cube.values[[cube.index(code)]][:, [cube.years.index(y) for y in years]]
    shapes = np.stack([shape_for(y, BASE) for y in years])
    single = graduate(p5, shapes[None], "national_shape")
    mi = build_inputs([code], BASE, END, calibrate=False).inputs
    survival, birth = survival_ratios(mi.death_rates, mi.a0)
    net, _ = estimation.residual_by_year(single, survival, birth, mi.asfr, mi.srb)
    return net[0]


def residual_flows(code: str, years=WINDOW) -> dict[str, dict]:
    """Flows whose gross in less gross out is the residual net of each year, age by age."""
    net = residual_by_year(code)
    flows: dict[str, dict] = {
        "in_internal": {},
        "out_internal": {},
        "immigrated": {},
        "emigrated": {},
    }
    for k, year in enumerate(WINDOW):
        if year not in years:
            continue
        incoming = np.rint(np.maximum(net[k], 0.0))
        outgoing = np.rint(np.maximum(-net[k], 0.0))
        incoming[:, K_AGES] += K
        outgoing[:, K_AGES] += K
        # split between the two directions' files: 3/4 within Denmark, the rest abroad
        flows["in_internal"][(code, year)] = np.floor(incoming * 0.75)
        flows["immigrated"][(code, year)] = incoming - np.floor(incoming * 0.75)
        flows["out_internal"][(code, year)] = np.floor(outgoing * 0.75)
        flows["emigrated"][(code, year)] = outgoing - np.floor(outgoing * 0.75)
    return flows


def first_year(prepared) -> np.ndarray:
    return engine.run(prepared.inputs).population[:, 1]


def groups(population: np.ndarray) -> np.ndarray:
    """Both sexes in 5-year groups ``[..., 21]``."""
    both = population.sum(axis=-2)
    return np.add.reduceat(both, np.arange(0, 101, 5), axis=-1)


def test_flows_equal_to_the_residual_project_the_first_year_as_the_residual_does(home):
    before = build_inputs(["165"], BASE, END, housing=False, calibrate=False)
    flows = residual_flows("165")
    write(home, flow_downloads(flows))
    after = build_inputs(["165"], BASE, END, housing=False, calibrate=False)

    assert after.methods["165"]["migration"] == "gross_flows"
    notes = [str(n) for n in after.notes["165"]]
    method = [n for n in notes if n.startswith("migration: gross flows 2015-2019 (published: ")]
    assert method and "FLY66, VAN1AAR, VAN2AAR" in method[0]
    assert not any("net residual" in n for n in notes)
    check = [n for n in notes if n.startswith("migration check 2015-2019")]
    assert check, notes
    # the gross flows' in-migration, not the residual's positive part (K more at 0-89 a year)
    mean_in = np.mean(
        [flows["in_internal"][k] + flows["immigrated"][k] for k in flows["immigrated"]], axis=0
    )
    assert after.inputs.in_migration.sum() == pytest.approx(mean_in.sum(), abs=1e-9)
    assert after.inputs.in_migration.sum() > before.inputs.in_migration.sum() + 2 * 90 * K - 1

    a, b = first_year(before)[0], first_year(after)[0]
    # The runs differ by K movers each way at ages 0-89: K in as counts, K out as a rate of the
    # window's survivors applied to 2020's (a growing age group sends more out), by rounding the
    # residual to whole persons, and by the half-year age shift of the flows.
    assert b.sum() == pytest.approx(a.sum(), rel=0.002)
    np.testing.assert_allclose(groups(b), groups(a), atol=25)


def test_implied_net_and_residual_net_are_reported_side_by_side(home):
    flows = residual_flows("165")
    write(home, flow_downloads(flows))
    after = build_inputs(["165"], BASE, END, housing=False, calibrate=False)
    check = next(n for n in after.notes["165"] if str(n).startswith("migration check"))
    residual = residual_by_year("165").sum(axis=(1, 2)).mean()
    assert check.args["residual"] == pytest.approx(residual, abs=1e-6)
    assert check.args["net"] == pytest.approx(check.args["incoming"] - check.args["outgoing"])
    # whole persons per age and sex: the rounding moves the net by at most 202 halves
    assert abs(check.args["difference"]) < 0.5 * 202
    assert check.args["incoming"] > 2 * 90 * K


def test_two_of_the_window_years_keep_the_residual_and_say_why(home):
    before = build_inputs(["165"], BASE, END)
    write(home, flow_downloads(residual_flows("165", years=(2018, 2019))))
    after = build_inputs(["165"], BASE, END)
    assert after.methods["165"]["migration"] == "residual"
    for name in ("in_migration", "out_rate", "calibration_profile"):
        np.testing.assert_array_equal(getattr(after.inputs, name), getattr(before.inputs, name))
    np.testing.assert_array_equal(first_year(after), first_year(before))
    note = next(str(n) for n in after.notes["165"] if str(n).startswith("migration:"))
    assert note.startswith("migration: net residual 2015-2020")
    assert "cover 2 of the window's years 2015-2019: 2018-2019; at least 3 are needed" in note


def national_with(name: str, value: object) -> ParameterSet:
    """The national population parameters with ``name`` set to ``value`` (from test.yaml)."""
    parameter = Parameter.model_validate(
        {
            "description": "test",
            "unit": "years",
            "values": [
                {"from": "2000-01-01", "value": value, "status": "assumption", "source": "test"}
            ],
        }
    )
    return inputs.defaults().merged(ParameterSet({name: parameter}, {name: "test.yaml"}))


def test_the_fewest_years_are_the_parameter_file_s(home, monkeypatch):
    assert inputs.defaults().value("gross_flow_min_years", BASE) == 3
    write(home, flow_downloads(residual_flows("165", years=(2018, 2019))))
    two = national_with("gross_flow_min_years", 2)
    monkeypatch.setattr(inputs, "defaults", lambda: two)
    assert build_inputs(["165"], BASE, END).methods["165"]["migration"] == "gross_flows"
    zero = national_with("gross_flow_min_years", 0)
    monkeypatch.setattr(inputs, "defaults", lambda: zero)
    with pytest.raises(ParameterError) as err:
        build_inputs(["165"], BASE, END)
    assert str(err.value) == (
        "test.yaml, field 'gross_flow_min_years', year 2020: gross_flow_min_years = 0 is not a "
        "whole number of years of at least 1. Give gross_flow_min_years a whole number of 1 or more"
    )


def test_a_year_missing_from_one_file_is_named_and_the_other_years_are_used(home, caplog):
    flows = residual_flows("165")
    del flows["emigrated"][("165", 2016)]
    write(home, flow_downloads(flows))
    with caplog.at_level(logging.WARNING):
        after = build_inputs(["165"], BASE, END)
    assert any("migration_emigrated.csv (VAN2AAR) lacks 165: 2016" in r.getMessage()
               for r in caplog.records)  # fmt: skip
    assert after.methods["165"]["migration"] == "gross_flows"
    assert any(
        str(n).startswith("migration: gross flows 2015, 2017, 2018, 2019 (")
        for n in after.notes["165"]
    )


def test_the_scenario_levers_act_on_the_gross_figures(home):
    write(home, flow_downloads(residual_flows("165")))
    plain = build_inputs(["165"], BASE, END, housing=False).inputs
    levers = PopulationOverrides.model_validate(
        {"migration": {"in_scale": 1.2, "out_scale": 0.5, "net_per_year": 100}}
    )
    moved = build_inputs(["165"], BASE, END, overrides=levers, housing=False).inputs
    profile = plain.in_migration / plain.in_migration.sum()
    np.testing.assert_allclose(moved.in_migration, 1.2 * plain.in_migration + 100 * profile)
    np.testing.assert_allclose(moved.out_rate, 0.5 * plain.out_rate)
    np.testing.assert_allclose(moved.calibration_profile, profile)


def test_the_municipality_s_own_rates_give_its_tfr(home):
    before = build_inputs(["165", "101"], BASE, END)
    # 5 * (10 + 50 + 100 + 90 + 40 + 8 + 2) / 1000 = 1.50 children per woman, in 2018 and 2019
    rates = [10.0, 50.0, 100.0, 90.0, 40.0, 8.0, 2.0]
    write(home, [fertility_download({("165", 2018): rates, ("165", 2019): rates})])
    after = build_inputs(["165", "101"], BASE, END)
    assert after.local_tfr[0] == pytest.approx(1.50, abs=1e-12)
    assert after.inputs.asfr[0].sum() == pytest.approx(1.50, abs=1e-12)
    # the national single-age shape, scaled
    np.testing.assert_allclose(
        after.inputs.asfr[0] / after.inputs.asfr[0].sum(),
        before.inputs.asfr[0] / before.inputs.asfr[0].sum(),
    )
    assert after.methods["165"]["fertility"] == "municipal_rates"
    note = next(str(n) for n in after.notes["165"] if str(n).startswith("local TFR"))
    assert note.startswith("local TFR 1.50: the municipality's own fertility rates 2018-2019")
    assert "Statistics Denmark FOD407" in note
    # Copenhagen is not in the file: as before
    assert after.methods["101"]["fertility"] == "child_woman_ratio"
    assert after.local_tfr[1] == before.local_tfr[1]
    np.testing.assert_array_equal(after.inputs.asfr[1], before.inputs.asfr[1])


def test_rates_of_years_outside_the_window_are_not_used(home):
    before = build_inputs(["165"], BASE, END)
    write(home, [fertility_download({("165", 2020): [10.0, 50.0, 100.0, 90.0, 40.0, 8.0, 2.0]})])
    after = build_inputs(["165"], BASE, END)  # 2020 is the base year, not before it
    assert after.local_tfr[0] == before.local_tfr[0]
    assert after.methods["165"]["fertility"] == "child_woman_ratio"


def reference_arrays() -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    arrays = np.load(REFERENCE / "residual_run_before_gross_flows.npz")
    notes = json.loads(
        (REFERENCE / "residual_run_before_gross_flows_notes.json").read_text("utf-8")
    )
    return {k: arrays[k] for k in arrays.files}, notes


CODES = ["165", "101", "825", "147"]  # Albertslund, Copenhagen, Læsø, Frederiksberg


@pytest.mark.parametrize(("base", "calibrate"), [(2020, True), (2015, False)])
def test_without_a_snapshot_every_array_is_as_before(home, base, calibrate):
    _assert_as_before(build_inputs(CODES, base, base + 10, calibrate=calibrate), base, CODES)


def _assert_as_before(prepared, base, codes) -> None:
    arrays, notes = reference_arrays()
    rows = [CODES.index(c) for c in codes]
    mi = prepared.inputs
    for name in ("base_population", "asfr", "in_migration", "out_rate", "calibration_profile"):
        np.testing.assert_array_equal(getattr(mi, name), arrays[f"{base}_{name}"][rows], name)
    np.testing.assert_array_equal(prepared.local_tfr, arrays[f"{base}_local_tfr"][rows])
    np.testing.assert_array_equal(engine.run(mi).population, arrays[f"{base}_population"][rows])
    for code in codes:
        assert [str(n) for n in prepared.notes[code]] == notes[f"{base}_{code}"]


def test_municipalities_the_snapshot_lacks_are_as_before(home):
    write(
        home,
        [*flow_downloads(residual_flows("165")), fertility_download({("165", 2019): [1.0] * 7})],
    )
    _assert_as_before(build_inputs(["101", "825"], 2020, 2030), 2020, ["101", "825"])


def test_the_uncertainty_inputs_start_from_the_gross_figures(home):
    write(home, flow_downloads(residual_flows("165")))
    deterministic = build_inputs(["165"], BASE, END).inputs
    stochastic = prepare(["165"], BASE, END)
    np.testing.assert_array_equal(stochastic.model.in_migration, deterministic.in_migration)
    assert any(str(n).startswith("migration: gross flows") for n in stochastic.notes["165"])
