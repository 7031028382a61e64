"""Finance scenario cases written as YAML (tests/scenarios/finance_*.yaml): a hand-worked
equalisation example and scenarios whose rule checks are stated."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from byibalance.finance import (
    EqualisationRates,
    MunicipalFigures,
    NationalFigures,
    check_rules,
    compute_budget,
    equalise,
    finance_overrides,
)
from byibalance.finance.inputs import budget_parameters
from byibalance.population import project
from byibalance.scenario import scenario_from_mapping
from byibalance.services import compute, services_overrides

CASES = sorted((Path(__file__).parents[1] / "scenarios").glob("finance_*.yaml"))


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


EQ_CASES = [p for p in CASES if "equalisation" in _load(p)]
RULE_CASES = [p for p in CASES if "rules" in _load(p)]


def test_cases_exist():
    assert EQ_CASES and RULE_CASES


@pytest.mark.parametrize("path", EQ_CASES, ids=[p.stem for p in EQ_CASES])
def test_equalisation_case(path):
    case = _load(path)["equalisation"]
    result = equalise(
        EqualisationRates(**case["rates"]), NationalFigures(**case["national"]),
        MunicipalFigures(**case["municipal"]),
    )
    tol = case["tolerance"]
    for name, expected in case["expected"].items():
        assert getattr(result, name) == pytest.approx(expected, abs=tol), name


@pytest.mark.parametrize("path", RULE_CASES, ids=[p.stem for p in RULE_CASES])
def test_rule_case(path):
    case = _load(path)
    scenario = scenario_from_mapping(case["scenario"], str(path))
    params = budget_parameters(scenario.municipality)
    projection = project(scenario=scenario)
    services = compute(projection, params, services_overrides(scenario.services))
    budget = compute_budget(projection, services, params, finance_overrides(scenario.finance))
    checks = {(c.rule, c.year): c for c in check_rules(budget, params)}
    for expect in case["rules"]:
        check = checks[(expect["rule"], expect["year"])]
        assert check.status == expect["status"], check.reason
        assert expect["reason_contains"] in check.reason
