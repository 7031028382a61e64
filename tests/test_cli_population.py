"""The ``project`` and ``backtest`` commands: formats, columns and one-line errors."""

import io
import json

import pandas as pd
import pytest


def test_csv_population_columns(cli):
    code, out, _ = cli(["project", "--end", "2026", "--format", "csv"])
    assert code == 0
    frame = pd.read_csv(io.StringIO(out), dtype={"municipality": str})
    assert list(frame.columns) == ["municipality", "year", "sex", "age", "population"]
    assert set(frame["sex"]) == {"m", "f"}
    assert frame["age"].max() == 100
    assert frame[frame["year"] == 2024]["population"].sum() == pytest.approx(27_677, abs=0.01)


def test_csv_components_add_up(cli):
    code, out, _ = cli(
        ["project", "--start", "2020", "--end", "2030", "--format", "csv", "--components"]
    )
    assert code == 0
    f = pd.read_csv(io.StringIO(out))
    assert list(f.columns)[:9] == [
        "municipality", "year", "births", "deaths", "in_migration", "out_migration",
        "housing_migration", "population_start", "population_end",
    ]  # fmt: skip
    change = (
        f.births - f.deaths + f.in_migration - f.out_migration + f.housing_migration
        + f.calibration
    )  # fmt: skip
    assert (change - (f.population_end - f.population_start)).abs().max() < 1e-3


def test_backtest_json_keys(cli):
    code, out, _ = cli(["backtest", "--municipality", "165", "--format", "json"])
    assert code == 0
    result = json.loads(out)
    for key in ("total_actual", "total_projected", "total_error_pct", "age_group_mape_pct"):
        assert key in result
    for name in ("no_change", "ageing"):
        assert {"total_error_pct", "age_group_mape_pct"} <= set(result["baselines"][name])


def test_all_municipalities_csv(cli):
    code, out, _ = cli(["project", "--municipality", "all", "--end", "2026", "--format", "csv"])
    assert code == 0
    frame = pd.read_csv(io.StringIO(out), dtype={"municipality": str})
    assert frame["municipality"].nunique() == 98
    assert frame["population"].min() >= 0


def test_xlsx_has_population_components_and_sources(cli, tmp_path):
    target = tmp_path / "albertslund.xlsx"
    code, _, _ = cli(["project", "--end", "2030", "--format", "xlsx", "--output", str(target)])
    assert code == 0
    sheets = pd.read_excel(target, sheet_name=None, dtype={"municipality": str})
    assert set(sheets) == {"population", "components", "sources"}
    population = sheets["population"]
    assert len(population) == 7 * 2  # 2024-2030, men and women
    ages = population[[c for c in population.columns if str(c).isdigit()]]
    assert ages[population["year"] == 2024].to_numpy().sum() == pytest.approx(27_677, abs=0.01)
    assert any("assumption" in n for n in sheets["sources"]["note"])


def test_xlsx_needs_an_output_file(cli):
    code, _, err = cli(["project", "--format", "xlsx"])
    assert code == 2
    assert "Add --output FILE.xlsx" in err


@pytest.mark.parametrize(
    ("args", "yaml_text", "needle", "exit_code"),
    [
        (["--municipality", "999"], None, "field 'municipality': '999' is not one of the 98", 3),
        (["--start", "2003"], None, "field 'start', year 2003", 3),
        (
            [],
            "population:\n  fertilty: {multiplier: 1.1}\n",
            "field 'population.fertilty': unknown key 'fertilty'. Remove the key",
            2,
        ),
        (
            [],
            "population:\n  housing:\n    add:\n      - id: x\n        type: flat\n"
            "        completions: [{year: 2026, dwellings: -10}]\n",
            "field 'population.housing.add[0].completions[0].dwellings'",
            2,
        ),
        ([], "start: 1990\n", "field 'start', year 1990", 2),
    ],
)
def test_bad_input_is_one_line_with_field_and_fix(args, yaml_text, needle, exit_code, cli,
                                                  tmp_path):  # fmt: skip
    if yaml_text is not None:
        path = tmp_path / "scenario.yaml"
        path.write_text(yaml_text, encoding="utf-8")
        args = [*args, "--scenario", str(path)]
    code, _, err = cli(["project", *args])
    assert code == exit_code
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
