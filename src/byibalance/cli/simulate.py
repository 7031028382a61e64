"""``byibalance simulate``: stochastic paths as percentile fans, in process or on Dask."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from byibalance.cli.app import app
from byibalance.errors import ErrorLocation, InputError

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_END = 2040
"""The default last year, :data:`byibalance.population.api.DEFAULT_END`, kept here so the command
line starts without the projection's imports (pandas); a test keeps the two equal."""


def _codes(value: str) -> list[str]:
    from byibalance import data

    if value.strip().lower() in {"all", "k29"}:
        return data.municipality_codes(value.strip().lower())
    return [data.municipality(part).code for part in value.split(",")]


def _percentiles(value: str) -> list[float]:
    try:
        return [float(p) for p in value.split(",") if p.strip()]
    except ValueError:
        raise InputError(
            f"percentiles '{value}' are not numbers",
            "Give e.g. --percentiles 10,50,90",
            ErrorLocation(field="percentiles"),
        ) from None


@app.command()
def simulate(
    municipality: str = typer.Option("165", help="Code or name, a comma list, 'all' or 'k29'."),
    paths: int = typer.Option(1000, help="Stochastic paths per municipality."),
    seed: int = typer.Option(0, help="Seed: the same seed gives the same paths anywhere."),
    end: int = typer.Option(DEFAULT_END, help="Last year of the projection."),
    scheduler: str | None = typer.Option(
        None, help="Dask scheduler address (tcp://HOST:8786); default: run on this machine."
    ),
    workers: int = typer.Option(0, help="Local Dask workers (0 = no Dask, run in process)."),
    output: Path | None = typer.Option(None, help="Folder for quantiles.parquet, paths.parquet."),
    percentiles: str = typer.Option("10,50,90", help="Percentiles of the fans."),
    scale: float | None = typer.Option(
        None, help="Override the fitted spread scale (then labelled an assumption)."
    ),
    budget_paths: int = typer.Option(
        0, help="Also run this many paths through services and budget (one municipality)."
    ),
) -> None:
    """Project with uncertainty: percentile fans of the population by age group, per year."""
    from rich.console import Console
    from rich.table import Table

    from byibalance.batch.prepare import prepare
    from byibalance.batch.run import run_dask, run_local, write_parquet
    from byibalance.population.inputs import last_detailed_year
    from byibalance.population.stochastic import check_percentiles, chunks

    pct = check_percentiles(_percentiles(percentiles))
    chunks(paths)  # checks paths >= 1 with a one-line error
    codes = _codes(municipality)
    inputs = prepare(codes, last_detailed_year(), end, scale=scale)
    console = Console()
    if scheduler or workers > 0:
        summary = run_dask(inputs, paths, seed, pct, scheduler=scheduler, n_workers=workers or 2)
    else:
        with console.status("simulating") as status:

            def progress(done: int, total: int) -> None:
                status.update(f"simulating: {done}/{total} chunks")

            summary = run_local(inputs, paths, seed, pct, progress=progress)
    q = summary.quantiles
    table = Table(title=f"Population with uncertainty ({paths:,} paths, seed {seed})")
    table.add_column("municipality")
    table.add_column("year", justify="right")
    for p in pct:
        table.add_column(f"P{p:g}", justify="right")
    totals = q[q["group"] == "total"]
    shown = sorted({y for y in totals["year"] if y % 5 == 0 or y == end})
    for code in codes[:10]:
        for year in shown:
            row = totals[(totals["municipality"] == code) & (totals["year"] == year)]
            values = [row.loc[row["percentile"] == p, "value"].iloc[0] for p in pct]
            table.add_row(code, str(year), *[f"{v:,.0f}" for v in values])
    console.print(table)
    if len(codes) > 10:
        console.print(f"... and {len(codes) - 10} more municipalities (see --output)")
    for note in inputs.spread.notes():
        console.print(f"  {note}", highlight=False)
    if output is not None:
        qp, pp = write_parquet(summary, output)
        console.print(f"wrote {qp} and {pp}")
    if budget_paths > 0:
        _budget_table(console, codes, budget_paths, seed, end)


def _budget_table(console: Console, codes: list[str], paths: int, seed: int, end: int) -> None:
    """The share of paths in which each budget rule is broken, per budget year."""
    from rich.table import Table

    from byibalance.batch.economy import economy_paths
    from byibalance.uncertainty import breach_probability, probability_below

    if len(codes) != 1:
        raise InputError(
            "--budget-paths works for one municipality at a time",
            "Give a single --municipality with --budget-paths",
            ErrorLocation(field="budget_paths"),
        )
    economy = economy_paths(codes[0], paths, seed, end)
    probabilities = breach_probability(economy)
    columns = {**probabilities, "liquidity<0": probability_below(economy, "liquidity_average")}
    table = Table(title=f"Chance that a budget rule is broken ({paths} paths)")
    table.add_column("year")
    for rule in columns:
        table.add_column(rule.replace("_", " "), justify="right", overflow="fold")
    for i, year in enumerate(economy.budget_years):
        table.add_row(str(int(year)), *[f"{values[i]:.0%}" for values in columns.values()])
    console.print(table)
    console.print("liquidity<0: the chance that the 365-day average liquidity is below zero")
