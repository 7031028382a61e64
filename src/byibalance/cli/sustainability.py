"""``byibalance indicators`` and ``byibalance climate``: thin adapters over
byibalance.sustainability (load, call the pure core, render)."""

from __future__ import annotations

import json
import logging
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from byibalance.cli.app import app
from byibalance.errors import ErrorLocation, InputError

if TYPE_CHECKING:
    import pandas as pd

    from byibalance.population import Projection
    from byibalance.scenario import Scenario
    from byibalance.sustainability import (
        ClimateAccount,
        IndicatorAccount,
        Sector,
        Wedges,
    )
    from byibalance.sustainability.climate import YearAccount
    from byibalance.sustainability.series import BudgetLike

log = logging.getLogger(__name__)

MISSING = "missing"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class ClimateView(StrEnum):
    """The choices of ``--view``: the values of :class:`byibalance.sustainability.View`, kept
    here so the command line starts without the sustainability core (a test keeps them equal)."""

    territory = "territory"
    influence = "influence"


def _scenario(municipality: str, scenario: Path | None) -> tuple[str, Scenario | None]:
    from byibalance import data
    from byibalance.scenario import load_scenario

    chosen = load_scenario(scenario) if scenario else None
    if chosen is not None and municipality == "165":
        municipality = chosen.municipality
    return data.municipality(municipality).code, chosen


def _budget(code: str, projection: Projection, scenario: Scenario | None, file: Path | None,
            notes: list[str]) -> BudgetLike | None:  # fmt: skip
    """The scenario's budget, or ``None`` with a note where the finance model cannot answer."""
    try:
        from byibalance.finance import compute_budget, finance_overrides
        from byibalance.finance.inputs import budget_parameters
        from byibalance.services import compute, services_overrides
    except ImportError as err:  # the finance model is optional until it lands everywhere
        notes.append(f"no budget ({err}): economic indicators are missing")
        return None
    where = str(file) if file else None
    params = budget_parameters(code)
    services = compute(projection, params, services_overrides(
        scenario.services if scenario else None, where))  # fmt: skip
    overrides = finance_overrides(scenario.finance if scenario else None, where)
    return compute_budget(projection, services, params, overrides)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return MISSING
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _emit(frames: dict[str, pd.DataFrame], fmt: Format, output: Path | None,
          extra: dict[str, Any]) -> None:  # fmt: skip
    import pandas as pd

    first = next(iter(frames.values()))
    if fmt is Format.csv:
        _write(first.to_csv(index=False, lineterminator="\n"), output)
    elif fmt is Format.json:
        payload = {
            **extra,
            **{k: json.loads(f.to_json(orient="records")) for k, f in frames.items()},
        }
        _write(json.dumps(payload, ensure_ascii=False) + "\n", output)
    else:
        if output is None:
            raise InputError(
                "the xlsx format needs a file", "Add --output FILE.xlsx",
                ErrorLocation(field="--output"),
            )  # fmt: skip
        with pd.ExcelWriter(output, engine="xlsxwriter") as writer:
            for name, frame in frames.items():
                frame.to_excel(writer, sheet_name=name[:31], index=False)
            notes = pd.DataFrame({"note": [str(n) for n in extra.get("notes", [])]})
            notes.to_excel(writer, sheet_name="notes", index=False)


def account_frame(account: IndicatorAccount) -> pd.DataFrame:
    """One row per indicator: latest value with year and status, per inhabitant, target, track."""
    import pandas as pd

    rows = []
    for row in account.rows:
        ind, latest = row.indicator, row.latest
        rows.append({
            "municipality": account.municipality, "dimension": ind.dimension.value,
            "indicator": ind.id, "name_da": ind.name_da, "unit": ind.unit,
            "year": None if latest is None else latest.year,
            "value": None if latest is None else latest.value,
            "status": "not_available" if latest is None else latest.status.value,
            "per_capita": row.per_capita,
            "target": None if ind.target is None else ind.target.text,
            "target_year": None if ind.target is None else ind.target.year,
            "target_level": row.target_level, "target_per_capita": row.target_per_capita,
            "track": row.track.value, "reason": row.reason,
            "source": ind.source if latest is None else latest.source,
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    return frame.astype({"year": "Int64", "target_year": "Int64"})


@app.command()
def indicators(
    municipality: str = typer.Option("165", help="Municipality code or name."),
    scenario: Path | None = typer.Option(None, help="Scenario YAML file of overrides."),
    format: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None, help="Write to this file instead of the screen."),
    as_of: int = typer.Option(2026, help="Latest year counted as observed (status and target)."),
    no_budget: bool = typer.Option(False, "--no-budget", help="Leave the budget out (faster)."),
) -> None:
    """The sustainability account: the four dimensions side by side, each indicator with its
    year, status, per-inhabitant figure, target and position against it."""
    import pandas as pd

    from byibalance.population import project
    from byibalance.sustainability import AT_RISK_TOLERANCE, compute_indicators
    from byibalance.sustainability.loaders import load_account_inputs, observed_population

    code, chosen = _scenario(municipality, scenario)
    registry, values, notes = load_account_inputs(code)
    projection = project(code, scenario=chosen)
    budget = None if no_budget else _budget(code, projection, chosen, scenario, notes)
    if no_budget:
        notes.append("--no-budget: economic indicators from the budget are missing")
    account = compute_indicators(
        registry, values, projection, budget,
        observed_population=observed_population(code), municipality=code, as_of_year=as_of,
    )  # fmt: skip
    notes.append(
        f"track rule: straight path to the target; 'at_risk' within {AT_RISK_TOLERANCE:.0%} of "
        "the required change (a byibalance assumption, docs/sustainability.md)"
    )
    if format is Format.table:
        _print_account(account, notes)
        return
    frames = {"indicators": account_frame(account), "series": pd.DataFrame(account.records())}
    _emit(frames, format, output, {"municipality": code, "notes": notes})


def _print_account(account: IndicatorAccount, notes: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    for dimension, rows in account.by_dimension().items():
        table = Table(title=f"{account.municipality}: {dimension.value}", title_justify="left")
        for column in ("indicator", "year", "value", "unit", "status", "per inh.", "target",
                       "track"):  # fmt: skip
            table.add_column(column)
        for row in rows:
            latest, ind = row.latest, row.indicator
            table.add_row(
                ind.name_da, "" if latest is None else str(latest.year),
                _fmt(None if latest is None else latest.value, ind.unit), ind.unit,
                "not_available" if latest is None else latest.status.value,
                "" if row.per_capita is None else f"{row.per_capita:,.3g}",
                "" if ind.target is None else ind.target.text, row.track.value,
            )  # fmt: skip
        console.print(table)
    for note in notes:
        console.print(f"note: {note}")


def climate_frames(account: ClimateAccount, wedges: Wedges | None) -> dict[str, pd.DataFrame]:
    """Sector table (one row per year and sector, totals and per inhabitant), path and wedges."""
    import pandas as pd

    rows = []
    for year in account.years:
        for sector in year.sectors:
            rows.append({
                "municipality": account.municipality, "view": account.view.value,
                "year": year.year, "sector": sector.sector.value, "name": sector.sector.label,
                "tonnes": sector.tonnes, "notation": sector.notation,
                "status": None if sector.total is None else sector.total.status.value,
                "parts": "; ".join(f"{p.subsector} {_fmt(p.tonnes, 't')} ({p.status.value})"
                                   for p in sector.parts),
            })  # fmt: skip
        rows.append({
            "municipality": account.municipality, "view": account.view.value, "year": year.year,
            "sector": "total", "name": "Total", "tonnes": year.total.value,
            "notation": None if year.total.notation is None else year.total.notation.value,
            "status": year.total.status.value, "parts": year.total.formula or "",
            "population": None if year.population is None else year.population.value,
            "tonnes_per_inhabitant": year.per_capita, "gpc_coverage": year.coverage,
        })  # fmt: skip
    path = pd.DataFrame([
        {"year": p.year, "tonnes": p.tonnes, "population": p.population,
         "tonnes_per_inhabitant": p.per_capita, "status": "assumption (straight-line path)"}
        for p in account.path
    ])  # fmt: skip
    targets = pd.DataFrame([
        {"target": t.target.id, "text": t.target.text,
         "sector": t.target.sector.value if t.target.sector else "total",
         "year": t.target.year, "level_tonnes": t.level,
         "latest_year": None if t.latest is None else t.latest.year,
         "latest_tonnes": None if t.latest is None else t.latest.value,
         "source": t.target.source}
        for t in account.targets
    ])  # fmt: skip
    frames = {"sectors": pd.DataFrame(rows), "path": path, "targets": targets}
    if wedges is not None:
        wedge_rows = {"year": list(wedges.years), "baseline": list(wedges.baseline)}
        wedge_rows.update({k: list(v) for k, v in wedges.wedges.items()})
        wedge_rows["scenario"] = list(wedges.scenario)
        wedge_rows["target_path"] = [p.tonnes for p in account.path]
        wedge_rows["gap_to_path"] = [s - p.tonnes for s, p in zip(wedges.scenario, account.path,
                                                                  strict=True)]  # fmt: skip
        frames["wedges"] = pd.DataFrame(wedge_rows)
    return frames


@app.command()
def climate(
    municipality: str = typer.Option("165", help="Municipality code or name."),
    scenario: Path | None = typer.Option(None, help="Scenario YAML file of overrides."),
    view: ClimateView = typer.Option(
        ClimateView.territory, help="territory (with through-traffic) or influence."
    ),
    format: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None, help="Write to this file instead of the screen."),
) -> None:
    """The climate account by GPC sector, absolute and per inhabitant, the path to the climate
    plan's targets and the ambitions' wedges."""
    from byibalance.population import project
    from byibalance.sustainability import View, climate_account
    from byibalance.sustainability.loaders import load_climate, observed_population

    code, chosen = _scenario(municipality, scenario)
    projection = project(code, scenario=chosen)
    account = climate_account(
        load_climate(code), View(view.value), projection, observed_population(code)
    )
    notes = list(account.notes) + list(account.organisation)
    wedges = climate_wedges(code, account, notes)
    if format is Format.table:
        _print_climate(account, wedges, notes)
        return
    _emit(climate_frames(account, wedges), format, output, {"municipality": code, "notes": notes})


def climate_wedges(code: str, account: ClimateAccount, notes: list[str]) -> Wedges | None:
    """Each catalogue ambition's CO2e effect as a wedge against the account's baseline (None,
    with a note, where the account has no path or the municipality no catalogue). Shared by the
    ``climate`` command and the Climate page so both show the same wedges."""
    from byibalance.messages import N_, Note
    from byibalance.sustainability import ambition_wedges
    from byibalance.sustainability.climate import ambition_effects

    if not account.path:
        return None
    try:
        from byibalance.portfolio.loaders import default_catalogue_path, read_catalogue
    except ImportError as err:
        notes.append(f"no ambitions catalogue ({err}): no wedges")
        return None
    try:
        catalogue = read_catalogue(default_catalogue_path(code)).catalogue
    except Exception as err:
        notes.append(f"no wedges: {err}")
        return None
    effects = ambition_effects(catalogue.values())
    notes.append(
        Note(
            N_(
                "wedges: each ambition with a climate effect, started at its "
                "earliest start (assumption until the optimiser's plan is passed in)"
            )
        )
    )
    wedges = ambition_wedges(account.baseline, effects)
    notes.extend(wedges.notes)
    return wedges


def _sector_cell(item: YearAccount, sector: Sector) -> str:
    row = next(s for s in item.sectors if s.sector is sector)
    if row.tonnes is not None:
        return _fmt(row.tonnes, "t")
    return f"{row.notation}" + (" (parts)" if row.parts else "")


def _total_cell(item: YearAccount) -> str:
    if item.total.value is not None:
        return _fmt(item.total.value, "t")
    return item.total.notation.value if item.total.notation else MISSING


def _print_climate(account: ClimateAccount, wedges: Wedges | None, notes: list[str]) -> None:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from byibalance.sustainability import Sector

    console = Console(highlight=False)
    frames = climate_frames(account, wedges)
    table = Table(title=f"{account.municipality}: climate account, view {account.view.value}",
                  title_justify="left")  # fmt: skip
    if not account.years:
        console.print(f"{account.municipality}: no climate inventory; every sector is missing (NE)")
    table.add_column("sector")
    for item in account.years:
        table.add_column(str(item.year), justify="right")
    for sector in Sector:
        cells = [_sector_cell(item, sector) for item in account.years]
        table.add_row(f"{sector.value} {sector.label}", *cells)
    table.add_row("Total (t)", *[_total_cell(item) for item in account.years])
    table.add_row("Per inhabitant (t)", *[
        "" if y.per_capita is None else f"{y.per_capita:.2f}" for y in account.years])  # fmt: skip
    if account.years:
        console.print(table)
    path = frames["path"]
    if not path.empty:
        shown = path[path["year"].isin([path["year"].min(), 2025, 2030, 2035, 2040, 2050])]
        table = Table(title="Path to the targets (straight line, assumption)", title_justify="left")
        for column in ("year", "tonnes", "population", "t per inhabitant"):
            table.add_column(column, justify="right")
        for r in shown.itertuples(index=False):
            table.add_row(str(r.year), f"{r.tonnes:,.0f}",
                          MISSING if pd.isna(r.population) else f"{r.population:,.0f}",
                          MISSING if pd.isna(r.tonnes_per_inhabitant)
                          else f"{r.tonnes_per_inhabitant:.2f}")  # fmt: skip
        console.print(table)
    table = Table(title="Targets", title_justify="left")
    for column in ("target", "year", "level (t)", "latest"):
        table.add_column(column)
    for t in account.targets:
        latest = MISSING if t.latest is None else f"{_fmt(t.latest.value, 't')} ({t.latest.year})"
        table.add_row(t.target.text, str(t.target.year or "none"), _fmt(t.level, "t"), latest)
    console.print(table)
    if wedges is not None and wedges.wedges:
        table = Table(title="Ambitions' wedges (t CO2e per year)", title_justify="left")
        table.add_column("ambition")
        for year in (2030, 2040, 2050):
            table.add_column(str(year), justify="right")
        table.add_column("DKK per t", justify="right")
        by_year = dict(zip(wedges.years, wedges.baseline, strict=True))
        table.add_row(
            "baseline (frozen)", *[_fmt(by_year.get(y), "t") for y in (2030, 2040, 2050)], ""
        )
        for name, wedge in wedges.wedges.items():
            by_year = dict(zip(wedges.years, wedge, strict=True))
            cost = wedges.dkk_per_tonne[name]
            table.add_row(name, *[f"{by_year.get(y, 0.0):,.0f}" for y in (2030, 2040, 2050)],
                          MISSING if cost is None else f"{cost:,.0f}")  # fmt: skip
        scen = dict(zip(wedges.years, wedges.scenario, strict=True))
        path = {p.year: p.tonnes for p in account.path}
        table.add_row("scenario", *[_fmt(scen.get(y), "t") for y in (2030, 2040, 2050)], "")
        table.add_row("target path", *[_fmt(path.get(y), "t") for y in (2030, 2040, 2050)], "")
        console.print(table)
    for note in notes:
        console.print(f"note: {note}")
