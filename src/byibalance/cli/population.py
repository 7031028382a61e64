"""``byibalance project`` and ``byibalance backtest``: thin adapters over byibalance.population."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from byibalance.cli.app import app
from byibalance.errors import ErrorLocation, InputError

if TYPE_CHECKING:
    import pandas as pd

    from byibalance.population import Projection
    from byibalance.population.backtest import BacktestSummary
    from byibalance.population.graduation import GraduationMethod
    from byibalance.scenario import Scenario


class ProjectFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class Graduation(StrEnum):
    national_shape = "national_shape"
    sprague = "sprague"


def _method(value: Graduation) -> GraduationMethod:
    return "sprague" if value is Graduation.sprague else "national_shape"


class BacktestFormat(StrEnum):
    table = "table"
    json = "json"


def population_frame(projections: dict[str, Projection]) -> pd.DataFrame:
    """``municipality,year,sex,age,population`` for every projection (sex ``m``/``f``)."""
    import pandas as pd

    return pd.concat([p.to_frame() for p in projections.values()], ignore_index=True)


def components_frame(projections: dict[str, Projection]) -> pd.DataFrame:
    """One row per municipality and year: the components of change from that year to the next,
    with ``population_start`` and ``population_end`` (they add up exactly)."""
    import pandas as pd

    return pd.concat([p.components_frame() for p in projections.values()], ignore_index=True)


def _municipalities(value: str) -> list[str]:
    from byibalance import data

    if value.strip().lower() in {"all", "k29"}:
        return data.municipality_codes(value.strip().lower())
    return [data.municipality(part).code for part in value.split(",")]


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@app.command()
def project(
    municipality: str = typer.Option("165", help="Municipality code or name, 'all' or 'k29'."),
    scenario: Path | None = typer.Option(None, help="Scenario YAML file of overrides."),
    start: int | None = typer.Option(None, help="First year shown (default: latest observed)."),
    end: int | None = typer.Option(None, help="Last year (default: the scenario's, or 2040)."),
    no_housing: bool = typer.Option(False, "--no-housing", help="Leave the programme out."),
    components: bool = typer.Option(False, "--components", help="Components of change."),
    format: ProjectFormat = typer.Option(ProjectFormat.table, "--format"),
    output: Path | None = typer.Option(None, help="Write to this file instead of the screen."),
    graduation: Graduation = typer.Option(
        Graduation.national_shape, help="5-year groups to single ages: national shape or Sprague."
    ),
) -> None:
    """Project the population by year, sex and age, with or without the housing programme."""
    import pandas as pd

    from byibalance.population import project_many
    from byibalance.scenario import load_scenario

    chosen: Scenario | None = load_scenario(scenario) if scenario else None
    if chosen is not None and municipality == "165":
        municipality = chosen.municipality
    codes = _municipalities(municipality)
    projections = project_many(
        codes, chosen, start, end, housing=not no_housing, graduation=_method(graduation)
    )
    if format is ProjectFormat.table:
        _print_tables(projections)
        return
    frame = components_frame(projections) if components else population_frame(projections)
    if format is ProjectFormat.csv:
        _write(frame.to_csv(index=False, float_format="%.4f", lineterminator="\n"), output)
    elif format is ProjectFormat.json:
        records = {
            "notes": {c: list(p.notes) for c, p in projections.items()},
            "rows": json.loads(frame.to_json(orient="records", double_precision=6)),
        }
        _write(json.dumps(records, ensure_ascii=False) + "\n", output)
    else:
        if output is None:
            raise InputError(
                "the xlsx format needs a file",
                "Add --output FILE.xlsx",
                ErrorLocation(field="--output"),
            )
        with pd.ExcelWriter(output, engine="xlsxwriter") as writer:
            wide = population_frame(projections).pivot_table(
                index=["municipality", "year", "sex"], columns="age", values="population"
            )  # one row per municipality, year and sex; one column per age (100 = 100+)
            wide.reset_index().to_excel(writer, sheet_name="population", index=False)
            components_frame(projections).to_excel(writer, sheet_name="components", index=False)
            notes = [(c, n) for c, p in projections.items() for n in p.notes]
            pd.DataFrame(notes, columns=["municipality", "note"]).to_excel(
                writer, sheet_name="sources", index=False
            )


def _print_tables(projections: dict[str, Projection]) -> None:
    from rich.console import Console
    from rich.table import Table

    from byibalance import data

    console = Console()
    comp = components_frame(projections)
    for code, p in projections.items():
        name = data.municipality(code).name
        table = Table(title=f"{name} ({code}): population on 1 January and change in the year")
        for column in ("year", "population", "births", "deaths", "in", "out", "housing",
                       "calibration"):  # fmt: skip
            table.add_column(column, justify="right")
        rows = comp[comp["municipality"] == code].set_index("year")
        for year, total in zip(p.years, p.totals(), strict=True):
            cells = [str(year), f"{total:,.0f}"]
            if year in rows.index:
                r = rows.loc[year]
                cells += [
                    f"{r[c]:,.0f}"
                    for c in (
                        "births",
                        "deaths",
                        "in_migration",
                        "out_migration",
                        "housing_migration",
                        "calibration",
                    )
                ]
            table.add_row(*cells)
        console.print(table)
        if p.housing_by_project:
            detail = Table(
                title=f"Net new residents by housing project, {p.years[0]}-{p.years[-1]}"
            )
            detail.add_column("project")
            detail.add_column("residents", justify="right")
            for pid, values in p.housing_by_project.items():
                if abs(values.sum()) >= 0.5 or values.any():
                    detail.add_row(pid, f"{values.sum():,.0f}")
            console.print(detail)
        for note in p.notes:
            console.print(f"  - {note}", highlight=False)


@app.command()
def backtest(
    municipality: str = typer.Option("165", help="Municipality code or name, 'all' or 'k29'."),
    base_year: int = typer.Option(2015, help="Project from 1 January of this year."),
    target_year: int = typer.Option(2020, help="Compare with the observed population."),
    format: BacktestFormat = typer.Option(BacktestFormat.table, "--format"),
) -> None:
    """Project from a past year with the data known then and compare with what happened."""
    from rich.console import Console
    from rich.table import Table

    from byibalance import data
    from byibalance.population import backtest_many
    from byibalance.population.backtest import summarise

    results = backtest_many(_municipalities(municipality), base_year, target_year)
    if format is BacktestFormat.json:
        if len(results) == 1:
            payload: object = next(iter(results.values())).as_dict()
        else:
            payload = {
                "summary": summarise(results).as_dict(),
                "municipalities": [r.as_dict() for r in results.values()],
            }
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    table = Table(title=f"Back-test {base_year} -> {target_year}: error against FOLK1B")
    for column in ("municipality", "actual", "forecast", "total error %", "age-group MAPE %",
                   "95+ APE %"):  # fmt: skip
        table.add_column(column, justify="right")
    for code, r in results.items():
        for label, s in (("model", r.model), *r.baselines.items()):
            table.add_row(
                f"{code} {data.municipality(code).name}" if label == "model" else "",
                f"{r.total_actual:,.0f}" if label == "model" else "",
                label,
                f"{s.total_error_pct:+.2f}",
                f"{s.age_group_mape_pct:.2f}",
                f"{s.oldest_ape_pct:.1f}",
            )
    Console().print(table)
    if len(results) > 1:
        _print_summary(summarise(results))


def _print_summary(summary: BacktestSummary) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Over {summary.municipalities} municipalities")
    for column in ("error %", "min", "q1", "median", "q3", "max", "mean"):
        table.add_column(column, justify="right")
    for name, values in summary.quantiles.items():
        table.add_row(name.replace("_", " "), *(f"{v:.2f}" for v in values))
    console = Console()
    console.print(table)
    console.print(
        f"The model's age-group error is lower than no change in {summary.beats['no_change']}, "
        f"than ageing in {summary.beats['ageing']} and than both in {summary.beats['both']} of "
        f"{summary.municipalities}; its total error is lower than no change in "
        f"{summary.beats_on_total['no_change']} and than ageing in "
        f"{summary.beats_on_total['ageing']}.",
        highlight=False,
    )
