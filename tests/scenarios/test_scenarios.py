"""Scenario test cases written as YAML (tests/scenarios/*.yaml): a scenario, and expected
totals (absolute, or as a difference from the default run) with a tolerance in persons."""

from pathlib import Path

import pytest
import yaml

from byibalance.population import project
from byibalance.scenario import scenario_from_mapping

CASES = sorted(Path(__file__).parent.glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_scenario_case(path):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenario = scenario_from_mapping(case["scenario"], str(path))
    result = project(scenario=scenario)
    default = project(scenario.municipality, end=scenario.end)
    for expect in case["expect"]:
        year = expect["year"]
        total = result.in_year(year).sum()
        if "total" in expect:
            assert total == pytest.approx(expect["total"], abs=expect["tolerance"]), year
        else:
            difference = total - default.in_year(year).sum()
            assert difference == pytest.approx(
                expect["difference_from_default"], abs=expect["tolerance"]
            ), year
