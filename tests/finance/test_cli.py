"""The ``services`` and ``budget`` commands: formats, --explain and one-line errors."""

from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from byibalance.cli import main
from byibalance.cli.app import app

runner = CliRunner()


def test_budget_json_has_years_and_rules():
    result = runner.invoke(app, ["budget", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    first = doc["years"][0]
    assert first["year"] == 2027
    assert [y["period"] for y in doc["years"][:5]] == [
        "budget_year", "forecast", "forecast", "forecast", "long_horizon"]
    assert {"revenue", "expenditure", "operating_balance", "capital_expenditure", "financing",
            "liquidity"} <= set(first)
    assert first["revenue"]["income_tax"] > 0
    assert {"rule", "year", "status", "reason"} == set(doc["rules"][0])
    assert {r["status"] for r in doc["rules"]} <= {"ok", "warning", "breach"}
    marginal = {row["age"]: row for row in doc["marginal_resident"]}
    assert marginal[40]["income_tax"] > marginal[70]["income_tax"] > marginal[5]["income_tax"]
    statuses = {p["status"] for p in doc["parameters"]}
    assert "estimate" in statuses and "published" in statuses


def test_explain_line():
    result = runner.invoke(app, ["budget", "--explain", "grant_19", "--year", "2028"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["line"] == "grant_19" and doc["year"] == 2028
    assert any(p["name"] == "grant_19.pool" and p["value"] == 604600000
               for p in doc["parameters"])
    assert doc["persons"]["0-100"] > 27000


def test_services_csv_and_xlsx(tmp_path):
    result = runner.invoke(app, ["services", "--format", "csv"])
    assert result.exit_code == 0
    header = result.output.splitlines()[0].split(",")
    assert header[:5] == ["year", "area", "persons", "users", "expenditure"]
    out = tmp_path / "budget.xlsx"
    assert runner.invoke(app, ["budget", "--format", "xlsx", "--output", str(out)]).exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames == [
        "budget", "rules", "services", "marginal_resident", "parameters"]


@pytest.mark.parametrize(("text", "message"), [
    ("finance:\n  income_tax_rate: {value: 25.6, unit: DKK}\n",
     "field 'finance.income_tax_rate': unit 'DKK' is wrong for a tax rate"),
    ("finance:\n  price_index: {2027: 1.0, 2028: 1.02}\n",
     "field 'finance.price_index.2029', year 2029: the price index has no value for 2029"),
])
def test_bad_scenario_is_one_line(tmp_path, capsys, text, message):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["budget", "--scenario", str(path)])
    err = capsys.readouterr().err.strip()
    assert exit_.value.code in (2, 4)
    assert message in err
    assert len(err.splitlines()) == 1
