"""``byibalance services`` and ``byibalance budget``: thin adapters over services and finance."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from byibalance.cli.app import app
from byibalance.errors import ErrorLocation, InputError

if TYPE_CHECKING:
    import pandas as pd

    from byibalance.finance import Budget, RuleCheck
    from byibalance.runner import CityResult
    from byibalance.services import ServicesResult


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def run(municipality: str, scenario_file: Path | None) -> CityResult:
    """Load the scenario (if any) and run the chain; a scenario's municipality wins over the
    default 165 unless ``--municipality`` names another."""
    from byibalance.runner import run as run_chain
    from byibalance.scenario import load_scenario

    if scenario_file is None:
        return run_chain(municipality=municipality)
    scenario = load_scenario(scenario_file)
    code = scenario.municipality if municipality == "165" else municipality
    return run_chain(scenario, municipality=code, file=str(scenario_file))


def marginal_table(result: CityResult) -> pd.DataFrame:
    """The marginal-resident table of the budget year."""
    return marginal_frame(
        result.projection,
        result.services,
        result.params,
        result.budget.budget_year,
        result.finance_overrides,
    )


def marginal_frame(
    projection: Any, services: ServicesResult, params: Any, year: int, overrides: Any
) -> pd.DataFrame:
    """Per age: what one more resident brings after equalisation, costs, and the net (DKK)."""
    import pandas as pd

    from byibalance.finance import marginal_resident_value

    plain = marginal_resident_value(projection, services, params, year, overrides)
    social = marginal_resident_value(
        projection, services, params, year, overrides, in_socio_criteria=True
    )
    return pd.DataFrame(
        {
            "year": year,
            "age": range(len(plain.revenue)),
            "income_tax": plain.income_tax,
            "revenue_after_equalisation": plain.revenue,
            "service_cost": plain.cost,
            "net": plain.net,
            "revenue_if_in_socio_criteria": social.revenue,
        }
    )


def services_frame(result: ServicesResult) -> pd.DataFrame:
    """One row per year and area: persons, users, expenditure, capacity, gap, missing units."""
    import pandas as pd

    rows = []
    for i, year in enumerate(result.years):
        for area in result.areas:
            name = area.name
            gap = result.gap[name][i]
            rows.append(
                {
                    "year": int(year),
                    "area": name,
                    "persons": result.persons[name][i],
                    "users": result.users[name][i],
                    "expenditure": result.expenditure[name][i],
                    "capacity": result.capacity[name],
                    "gap": None if pd.isna(gap) else float(gap),
                    "missing": result.missing_units[name][i] if area.capacity_unit else None,
                    "missing_unit": area.capacity_unit,
                    "new_places": result.new_places[name][i],
                    "first_gap_year": result.first_gap_year[name],
                }
            )
    return pd.DataFrame(rows)


def budget_years(budget: Budget) -> list[dict[str, Any]]:
    """The ``years`` list of the JSON answer."""
    out = []
    for y in budget.years:
        out.append(
            {
                "year": y.year,
                "period": budget.period(y.year),
                "population": y.population,
                "tax_rate": y.tax_rate,
                "revenue": y.revenue,
                "revenue_total": y.revenue_total,
                "expenditure": y.expenditure,
                "operating_expenditure": y.operating_expenditure,
                "interest": y.interest,
                "operating_balance": y.operating_balance,
                "capital_expenditure": y.capital_expenditure,
                "financing": {
                    "new_loans": y.new_loans,
                    "repayments": y.repayments,
                    "financing_result": y.financing_result,
                },
                "liquidity": {
                    "start": y.liquidity_start,
                    "end": y.liquidity_end,
                    "average_365_days": y.liquidity_average,
                    "floor": y.liquidity_floor,
                },
                "limits": {
                    "service_expenditure": y.service_expenditure,
                    "service_ceiling": y.service_ceiling,
                    "capital_level": y.capital_level,
                },
            }
        )
    return out


def _flat(budget: Budget) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for y in budget.years:
        row: dict[str, Any] = {
            "year": y.year,
            "period": budget.period(y.year),
            "population": y.population,
        }
        row.update({f"revenue.{k}": v for k, v in y.revenue.items()})
        row.update({f"expenditure.{k}": v for k, v in y.expenditure.items()})
        row.update(
            {
                "interest": y.interest,
                "operating_balance": y.operating_balance,
                "capital_expenditure": y.capital_expenditure,
                "new_loans": y.new_loans,
                "repayments": y.repayments,
                "financing_result": y.financing_result,
                "liquidity_end": y.liquidity_end,
                "liquidity_average": y.liquidity_average,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _rules_frame(rules: list[RuleCheck]) -> pd.DataFrame:
    import pandas as pd

    columns = ("rule", "year", "status", "reason", "value", "limit")  # reason: the English text
    return pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rules], columns=columns)


def _parameters_frame(budget: Budget) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "parameter": u.name,
                "value": json.dumps(u.value) if not isinstance(u.value, int | float) else u.value,
                "unit": u.unit,
                "status": u.status,
                "source": u.source,
            }
            for u in sorted(budget.parameters.values(), key=lambda u: u.name)
        ]
    )


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _xlsx(sheets: dict[str, pd.DataFrame], output: Path | None) -> None:
    import pandas as pd

    if output is None:
        raise InputError(
            "the xlsx format needs a file",
            "Add --output FILE.xlsx",
            ErrorLocation(field="--output"),
        )
    with pd.ExcelWriter(output, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            writer.sheets[name].set_column(0, len(frame.columns), 16)
            writer.sheets[name].freeze_panes(1, 0)


@app.command()
def services(
    municipality: str = typer.Option("165", help="Municipality code or name."),
    scenario: Path | None = typer.Option(None, help="Scenario YAML file."),
    format: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None, help="Write to this file."),
) -> None:
    """Users, expenditure and capacity gaps by year and service area."""
    import pandas as pd

    result = run(municipality, scenario).services
    frame = services_frame(result)
    if format is Format.csv:
        _write(frame.to_csv(index=False, float_format="%.2f", lineterminator="\n"), output)
    elif format is Format.json:
        _write(frame.to_json(orient="records", force_ascii=False) + "\n", output)
    elif format is Format.xlsx:
        _xlsx({"services": frame}, output)
    else:
        lines = [f"{'year':>4} {'area':<17} {'users':>9} {'mio. DKK':>9} {'gap':>8}"]
        for r in frame.itertuples():
            gap = "" if r.gap is None or pd.isna(r.gap) else f"{r.gap:8.0f}"
            lines.append(
                f"{r.year:>4} {r.area:<17} {r.users:9.0f} {r.expenditure / 1e6:9.1f} {gap:>8}"
            )
        _write("\n".join(lines) + "\n", output)


@app.command()
def budget(
    municipality: str = typer.Option("165", help="Municipality code or name."),
    scenario: Path | None = typer.Option(None, help="Scenario YAML file."),
    format: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None, help="Write to this file."),
    explain_line: str | None = typer.Option(None, "--explain", help="Explain one budget line."),
    year: int | None = typer.Option(None, help="The year of --explain."),
) -> None:
    """The budget by year (revenue, expenditure, financing, liquidity) and the rule checks."""
    from byibalance.finance import explain

    result = run(municipality, scenario)
    b = result.budget
    if explain_line is not None:
        if year is None:
            raise InputError(
                "--explain needs a year", "Add --year YEAR", ErrorLocation(field="--year")
            )
        e = explain(b, explain_line, year)
        doc = {
            "line": e.line,
            "year": e.year,
            "value": e.value,
            "formula": e.formula,
            "parameters": [
                {
                    "name": u.name,
                    "value": u.value,
                    "unit": u.unit,
                    "status": u.status,
                    "source": u.source,
                }
                for u in e.parameters
            ],
            "persons": e.persons,
        }
        _write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", output)
        return
    if format is Format.json:
        doc = {
            "municipality": b.municipality,
            "base_year": b.base_year,
            "prices": "fixed base-year prices unless a price index is given",
            "notes": list(b.notes),
            "years": budget_years(b),
            "rules": [
                {"rule": r.rule, "year": r.year, "status": r.status, "reason": r.reason}
                for r in result.rules
            ],
            "marginal_resident": marginal_table(result).to_dict(orient="records"),
            "parameters": _parameters_frame(b).to_dict(orient="records"),
        }
        _write(json.dumps(doc, ensure_ascii=False) + "\n", output)
    elif format is Format.csv:
        _write(_flat(b).to_csv(index=False, float_format="%.0f", lineterminator="\n"), output)
    elif format is Format.xlsx:
        _xlsx(
            {
                "budget": _flat(b),
                "rules": _rules_frame(result.rules),
                "services": services_frame(result.services),
                "marginal_resident": marginal_table(result),
                "parameters": _parameters_frame(b),
            },
            output,
        )
    else:
        lines = [
            f"{'year':>4} {'revenue':>9} {'operating':>9} {'balance':>8} {'capital':>8} "
            f"{'liquidity':>9}  (mio. DKK)"
        ]
        for y in b.years:
            lines.append(
                f"{y.year:>4} {y.revenue_total / 1e6:9.1f} "
                f"{y.operating_expenditure / 1e6:9.1f} {y.operating_balance / 1e6:8.1f} "
                f"{y.capital_expenditure / 1e6:8.1f} {y.liquidity_end / 1e6:9.1f}"
            )
        bad = [r for r in result.rules if r.status != "ok"]
        lines.append(f"rules: {len(result.rules) - len(bad)} ok, {len(bad)} not ok")
        lines += [f"  {r.year} {r.rule}: {r.status}: {r.reason}" for r in bad]
        lines += [f"note: {note}" for note in b.notes]
        lines.append(
            "estimates and assumptions: "
            + ", ".join(
                u.name
                for u in b.parameters.values()
                if u.status in {"estimate", "assumption", "missing"}
            )
        )
        _write("\n".join(lines) + "\n", output)
