"""Scenario files: broken inputs are fixtures, and the test checks the message."""

import pytest

from byibalance.errors import ScenarioError
from byibalance.population import project
from byibalance.scenario import Scenario, load_scenario


def write(tmp_path, text):
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("population:\n  migration: {in_scael: 2}\n",
         "field 'population.migration.in_scael': unknown key 'in_scael'. Remove the key"),
        ("population:\n  housing:\n    add:\n      - {id: a, type: flat}\n      - {id: b, type: "
         "flat, completions: [{year: 2030, dwellings: -1}]}\n",
         "field 'population.housing.add[1].completions[0].dwellings'"),
        ("population:\n  housing:\n    add:\n      - {id: a, type: castle}\n",
         "field 'population.housing.add[0].type'"),
        ("end: 2200\n", "field 'end', year 2200"),
        ("start: 2030\nend: 2025\n", "end 2025 must be after start 2030"),
        ("population: [1, 2\n", "line 2: not valid YAML"),
        ("- just\n- a list\n", "a scenario must be a mapping"),
        ("population:\n  fertility: {tfr: -1}\n", "field 'population.fertility.tfr'"),
        ("municipality: 1650\n", "field 'municipality': '1650' is not one of the 98"),
    ],
)  # fmt: skip
def test_broken_scenarios_name_field_and_fix(tmp_path, text, needle):
    with pytest.raises(ScenarioError) as err:
        load_scenario(write(tmp_path, text))
    message = str(err.value)
    assert needle in message
    assert "scenario.yaml" in message
    assert "\n" not in message


def test_missing_file_is_a_scenario_error(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read the scenario file"):
        load_scenario(tmp_path / "nope.yaml")


def test_empty_file_is_the_baseline(tmp_path):
    assert load_scenario(write(tmp_path, "")) == Scenario()


def test_mortality_improvement_means_fewer_deaths():
    base = project("165", end=2035)
    better = project(scenario=Scenario(population={"mortality": {"improvement": 0.02}}), end=2035)
    assert better.components.deaths[-1].sum() < 0.9 * base.components.deaths[-1].sum()
    assert better.totals()[-1] > base.totals()[-1]


def test_added_project_adds_its_residents():
    extra = {"id": "extra", "type": "detached", "completions": [{"year": 2026, "dwellings": 100}]}
    with_extra = project(scenario=Scenario(population={"housing": {"add": [extra]}}), end=2030)
    base = project("165", end=2030)
    added = (with_extra.components.housing_migration - base.components.housing_migration).sum()
    assert added == pytest.approx(100 * 2.6 * 1.0, rel=1e-9)  # pp detached 2.6, eta 1, ramp to 1
