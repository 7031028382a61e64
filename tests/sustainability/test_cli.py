"""``byibalance indicators`` and ``byibalance climate``: formats, scenario, one-line errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from byibalance.cli import main


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = 0
    try:
        main(args)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_indicators_json_has_values_and_status(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["indicators", "--no-budget", "--format", "json"], capsys)
    assert code == 0
    payload = json.loads(out)
    rows = {r["indicator"]: r for r in payload["indicators"]}
    assert rows["co2_territorial"]["value"] == 134_417
    assert rows["co2_territorial"]["status"] == "published"
    assert rows["co2_territorial"]["track"] == "on_track"
    assert rows["co2_electricity"]["status"] == "estimated"
    assert rows["waste_per_capita"]["value"] is None
    assert rows["waste_per_capita"]["status"] == "not_available"
    assert any("at_risk" in n for n in payload["notes"])


def test_housing_scenario_changes_per_capita(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:  # fmt: skip
    """Without the housing programme fewer people live in Albertslund: higher t per person."""
    scenario = tmp_path / "no_housing.yaml"
    scenario.write_text(
        "name: no housing\npopulation:\n  housing:\n    no_housing: true\n", encoding="utf-8"
    )
    _, base_out, _ = run_cli(["climate", "--format", "json"], capsys)
    code, out, err = run_cli(["climate", "--scenario", str(scenario), "--format", "json"], capsys)
    assert code == 0, err
    base = {r["year"]: r for r in json.loads(base_out)["path"]}
    alt = {r["year"]: r for r in json.loads(out)["path"]}
    assert base[2035]["tonnes"] == alt[2035]["tonnes"]  # the path in tonnes is the same
    assert base[2035]["population"] > alt[2035]["population"]
    assert base[2035]["tonnes_per_inhabitant"] < alt[2035]["tonnes_per_inhabitant"]


def test_climate_csv_sectors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["climate", "--format", "csv"], capsys)
    assert code == 0
    frame = pd.read_csv(io.StringIO(out), dtype={"municipality": str})
    total_2015 = frame[(frame["year"] == 2015) & (frame["sector"] == "total")].iloc[0]
    assert total_2015["tonnes"] == 134_417
    assert total_2015["tonnes_per_inhabitant"] == pytest.approx(134_417 / 27_806)
    waste = frame[(frame["year"] == 2015) & (frame["sector"] == "III")].iloc[0]
    assert pd.isna(waste["tonnes"]) and waste["notation"] == "NE"


def test_climate_xlsx_has_sheets(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "climate.xlsx"
    code, _, _ = run_cli(["climate", "--format", "xlsx", "--output", str(output)], capsys)
    assert code == 0
    sheets = pd.read_excel(output, sheet_name=None)
    assert {"sectors", "path", "targets", "notes"} <= set(sheets)


def test_xlsx_without_output_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["indicators", "--no-budget", "--format", "xlsx"], capsys)
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "field '--output'" in err and "Add --output FILE.xlsx" in err


def test_unknown_municipality_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["climate", "--municipality", "9999"], capsys)
    assert code != 0 and "Traceback" not in err
    assert err.strip().count("\n") == 0


def test_economic_indicators_equal_the_budget_output(capsys: pytest.CaptureFixture[str]) -> None:
    """Every economic figure in the account is the finance model's own number."""
    from byibalance.finance import compute_budget
    from byibalance.finance.inputs import budget_parameters
    from byibalance.population import project
    from byibalance.services import compute

    code, out, err = run_cli(["indicators", "--format", "json"], capsys)
    assert code == 0, err
    series = json.loads(out)["series"]
    params = budget_parameters("165")
    projection = project("165")
    budget = compute_budget(projection, compute(projection, params), params)
    for year in budget.years[:3]:

        def value(indicator: str, y: int = year.year) -> float:
            return next(
                r["value"] for r in series if r["indicator"] == indicator and r["year"] == y
            )

        assert value("operating_balance_per_capita") == pytest.approx(
            year.operating_balance / year.population, rel=1e-9
        )
        assert value("liquidity_average") == pytest.approx(year.liquidity_average, rel=1e-9)
        assert value("debt_per_capita") == pytest.approx(year.debt_end / year.population, rel=1e-9)


def test_tables_show_missing_not_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["climate", "--view", "influence"], capsys)
    assert code == 0
    assert "NE" in out and "no influence total" in out
    code, out, _ = run_cli(["indicators", "--no-budget"], capsys)
    assert code == 0 and "missing" in out  # waste per inhabitant, employment, ...
