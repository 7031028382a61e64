"""``byibalance benchmark``: the capital-region comparison (thin adapter over
byibalance.benchmark: load, call the pure core, render)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from byibalance.cli.app import app
from byibalance.cli.portfolio import Frames
from byibalance.errors import ErrorLocation, InputError

if TYPE_CHECKING:
    import pandas as pd

    from byibalance.benchmark import Comparison


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class Group(StrEnum):
    k29 = "k29"
    all = "all"


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "mangler"
    if unit == "share":
        return f"{value:+.1%}"
    if unit in ("persons", "DKK"):
        return f"{value:,.0f}".replace(",", ".")
    return f"{value:.2f}".replace(".", ",")


def _check_output(output: Path | None, suffix: str | None = None) -> None:
    if output is None:
        return
    if suffix is not None and output.suffix.lower() != suffix:
        raise InputError(
            f"the output file '{output}' does not end in {suffix}",
            f"Name the file *{suffix} or choose another --format",
            ErrorLocation(field="--output"),
        )  # fmt: skip
    parent = output.parent if str(output.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(
            f"the folder '{parent}' of the output file does not exist",
            "Create it first or choose another --output",
            ErrorLocation(field="--output"),
        )  # fmt: skip


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputError(
            f"cannot write '{output}' ({err.strerror})",
            "Choose a writable --output",
            ErrorLocation(field="--output"),
        ) from err


def comparison_frame(comparison: Comparison) -> pd.DataFrame:
    """One row per municipality: every metric and its rank, expenditure per inhabitant by area."""
    import pandas as pd

    return pd.DataFrame(comparison.records())


def _print(comparison: Comparison, highlight: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from byibalance.benchmark import METRICS

    console = Console(highlight=False)
    table = Table(title=f"Hovedstadsregionen ({comparison.group}): nøgletal og placering",
                  title_justify="left")  # fmt: skip
    table.add_column("kommune")
    for _, label, _, _ in METRICS:
        table.add_column(label, justify="right")
    for row in comparison.rows:
        cells = [
            f"{_fmt(row.values[k], unit)} ({row.ranks[k] or '-'})" for k, _, unit, _ in METRICS
        ]
        name = f"{row.code} {row.name}" + (" *" if row.finance_status != "published" else "")
        style = "bold reverse" if row.code == highlight else None
        table.add_row(name, *cells, style=style)
    console.print(table)
    console.print("(n) = placering blandt kommunerne; * = økonomital er skøn (estimate)")
    for note in comparison.notes:
        console.print(f"note: {note}")


@app.command()
def benchmark(
    group: Group = typer.Option(Group.k29, help="k29: the 29 capital-region municipalities."),
    municipality: str | None = typer.Option(None, help="Municipality code or name to highlight."),
    format: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None, help="Write to this file instead of the screen."),
    no_budget: bool = typer.Option(False, "--no-budget", help="Leave out the finance figures."),
) -> None:
    """The capital-region comparison: growth, age structure and dependency ratios, projected
    growth, tax rates, expenditure and operating balance per inhabitant, and each rank."""
    import pandas as pd

    from byibalance import data
    from byibalance.benchmark import load_comparison

    highlight = data.municipality(municipality).code if municipality else None
    _check_output(output, ".xlsx" if format is Format.xlsx else None)
    if format is Format.xlsx and output is None:
        raise InputError("the xlsx format needs a file", "Add --output FILE.xlsx",
                         ErrorLocation(field="--output"))  # fmt: skip
    comparison = load_comparison(group.value, budget=not no_budget)
    if highlight is not None:
        comparison.row(highlight)
    if format is Format.table:
        _print(comparison, highlight)
        return
    frame = comparison_frame(comparison)
    if format is Format.csv:
        _write(frame.to_csv(index=False, lineterminator="\n"), output)
    elif format is Format.json:
        payload = {"group": comparison.group, "highlight": highlight,
                   "notes": list(comparison.notes),
                   "rows": json.loads(frame.to_json(orient="records"))}  # fmt: skip
        _write(json.dumps(payload, ensure_ascii=False) + "\n", output)
    else:
        assert output is not None
        try:
            with pd.ExcelWriter(output, engine="xlsxwriter") as writer:
                frame.to_excel(writer, sheet_name="comparison", index=False)
                pd.DataFrame({"note": list(comparison.notes)}).to_excel(
                    writer, sheet_name="notes", index=False
                )
        except OSError as err:
            raise InputError(
                f"cannot write '{output}' ({err.strerror})",
                "Choose a writable --output",
                ErrorLocation(field="--output"),
            ) from err


REPORT_SUFFIXES = (".pdf", ".html", ".xlsx")


@app.command()
def report(
    output: Path = typer.Option(..., help="report.pdf, report.html or report.xlsx."),
    scenario: Path | None = typer.Option(None, help="Scenario YAML file (default scenario)."),
    compare: Path | None = typer.Option(None, help="A second scenario to set side by side."),
    no_region: bool = typer.Option(False, "--no-region", help="Leave out the K29 position."),
    frames: Frames = typer.Option(
        Frames.warning,
        "--frames",
        help="the ambitions' collective frames (capital-spending level, service ceiling): "
        "warning (reported per year) or hard (constraints on the plan)",
    ),
) -> None:
    """The council report in Danish for a budget reading: population with and without housing,
    the budget and its rules, the sustainability account, the K29 position, sources and
    assumptions; as PDF, HTML or the full tables as an Excel workbook."""
    suffix = output.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise InputError(
            f"unknown report format '{output.suffix or output.name}'",
            "Name the output report.pdf, report.html or report.xlsx",
            ErrorLocation(field="--output"),
        )
    _check_output(output)
    from byibalance.portfolio import Mode
    from byibalance.reports import load_report, write_html, write_pdf, write_xlsx

    built = load_report(scenario, region=not no_region, compare=compare, frames=Mode(frames.value))
    {".pdf": write_pdf, ".html": write_html, ".xlsx": write_xlsx}[suffix](built, output)
    typer.echo(f"wrote {output}")
