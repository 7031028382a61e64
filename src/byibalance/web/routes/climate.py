"""The climate page: the climate account of the dashboard's municipality by GPC sector, absolute
and per inhabitant, in the territorial or the influence view; the path towards the climate plan's
targets; each ambition's effect as a wedge against the baseline.

Computes nothing itself: the account comes from :func:`byibalance.sustainability.climate_account`
and the wedges from the ``climate`` command's builder, so the page and the CLI always agree.
Only the Plotly figures (presentation) are assembled here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from byibalance import data
from byibalance.data.generation import data_cached
from byibalance.errors import ErrorLocation, InputError
from byibalance.messages import N_, Note
from byibalance.sustainability import ClimateAccount, Sector, View, Wedges
from byibalance.web.charts import COLOURS
from byibalance.web.db import User
from byibalance.web.deps import page_user, render, settings
from byibalance.web.i18n import localise

router = APIRouter(include_in_schema=False)

SECTOR_COLOURS = dict(zip(Sector, (*COLOURS, "#595959"), strict=True))


@dataclass(frozen=True)
class ClimatePage:
    """What the page shows: the account, the wedges (``None`` where none can be drawn), notes."""

    account: ClimateAccount
    wedges: Wedges | None
    notes: tuple[str, ...]


def parse_view(value: str) -> View:
    """The view named by the ``view`` query parameter; an :class:`InputError` (400) otherwise."""
    try:
        return View(value)
    except ValueError:
        views = [v.value for v in View]
        choices: str = f"view={views[0]}"
        for view in views[1:]:  # 'view=a or view=b', the 'or' in the page's language
            choices = Note(N_("{first} or {last}"), first=choices, last=f"view={view}")
        raise InputError(
            Note(N_("unknown climate view {value!r}"), value=value),
            Note(N_("Use {choices} ({allowed})"), choices=choices, allowed=", ".join(views)),
            ErrorLocation(field="view"),
        ) from None


@data_cached(maxsize=8)
def climate_page(code: str, view: View) -> ClimatePage:
    """The baseline climate account of ``code`` in ``view`` (computed once per process), with the
    wedges and notes exactly as ``byibalance climate`` builds them."""
    from byibalance.cli.sustainability import climate_wedges
    from byibalance.runner import run
    from byibalance.sustainability import climate_account
    from byibalance.sustainability.loaders import load_climate, observed_population

    projection = run(municipality=code).projection
    account = climate_account(load_climate(code), view, projection, observed_population(code))
    notes = list(account.notes) + list(account.organisation)
    wedges = climate_wedges(code, account, notes)
    return ClimatePage(account, wedges, tuple(notes))


def _layout(title: str, y_title: str, *, stacked: bool = False) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 15}},
        "margin": {"l": 70, "r": 20, "t": 40, "b": 40},
        "height": 320,
        "yaxis": {"title": {"text": y_title}, "separatethousands": True, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.2},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "separators": ",.",
    }
    if stacked:
        layout["barmode"] = "stack"
        layout["xaxis"] = {"dtick": 1}
    return layout


def sector_figure(account: ClimateAccount, title: str, y_title: str,
                  gettext: Callable[[str], str] = str) -> str:  # fmt: skip
    """Stacked bars: each inventory year's sector totals in tonnes CO2e; a sector whose total is
    missing is left out of its year (never drawn as 0). ``gettext`` names the sectors in the
    page's language (the catalogue holds the account's Danish sector names)."""
    traces = []
    for sector in Sector:
        xs, ys = [], []
        for item in account.years:
            row = next(s for s in item.sectors if s.sector is sector)
            if row.tonnes is not None:
                xs.append(item.year)
                ys.append(row.tonnes)
        traces.append({
            "type": "bar", "x": xs, "y": ys,
            "name": f"{sector.value} {gettext(sector.label)}",
            "marker": {"color": SECTOR_COLOURS[sector]},
            "hovertemplate": "%{x}: %{y:,.0f} t<extra></extra>",
        })  # fmt: skip
    return json.dumps({"data": traces, "layout": _layout(title, y_title, stacked=True)})


def path_figure(account: ClimateAccount, labels: tuple[str, str, str, str], title: str,
                y_title: str) -> str:  # fmt: skip
    """Lines: the inventory totals, the baseline (frozen) and the straight path to the targets;
    markers at each target's level. ``labels`` = (inventory, baseline, path, target)."""
    inventory = [(y.year, y.total.value) for y in account.years if y.total.value is not None]
    traces: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines+markers", "name": labels[0],
         "x": [y for y, _ in inventory], "y": [v for _, v in inventory],
         "line": {"color": COLOURS[0]}},
        {"type": "scatter", "mode": "lines", "name": labels[1],
         "x": [p.year for p in account.baseline], "y": [p.tonnes for p in account.baseline],
         "line": {"color": COLOURS[1], "dash": "dash"}},
        {"type": "scatter", "mode": "lines", "name": labels[2],
         "x": [p.year for p in account.path], "y": [p.tonnes for p in account.path],
         "line": {"color": COLOURS[2], "dash": "dot"}},
    ]  # fmt: skip
    targets = [t for t in account.targets if t.level is not None and t.target.year is not None]
    if targets:
        traces.append({
            "type": "scatter", "mode": "markers", "name": labels[3],
            "x": [t.target.year for t in targets], "y": [t.level for t in targets],
            "text": [t.target.text for t in targets], "marker": {"color": COLOURS[3], "size": 10,
                                                                 "symbol": "diamond"},
            "hovertemplate": "%{x}: %{y:,.0f} t<br>%{text}<extra></extra>",
        })  # fmt: skip
    return json.dumps({"data": traces, "layout": _layout(title, y_title)})


def wedge_figure(wedges: Wedges, labels: tuple[str, str], title: str, y_title: str) -> str:
    """Stacked areas: the scenario path at the bottom and each ambition's wedge on top of it, so
    the top edge is the baseline; ``labels`` = (scenario, baseline)."""
    years = list(wedges.years)
    traces: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "name": labels[0], "x": years,
         "y": list(wedges.scenario), "stackgroup": "one", "line": {"color": COLOURS[2]}},
    ]  # fmt: skip
    for i, (name, wedge) in enumerate(wedges.wedges.items()):
        traces.append({"type": "scatter", "mode": "lines", "name": name, "x": years,
                       "y": list(wedge), "stackgroup": "one",
                       "line": {"color": COLOURS[(i + 3) % len(COLOURS)]}})  # fmt: skip
    traces.append({"type": "scatter", "mode": "lines", "name": labels[1], "x": years,
                   "y": list(wedges.baseline), "line": {"color": COLOURS[1], "dash": "dash"}})
    return json.dumps({"data": traces, "layout": _layout(title, y_title)})


@router.get("/climate", response_class=HTMLResponse)
def climate(request: Request, view: str = "territory", user: User = Depends(page_user)) -> Response:
    """The climate account by sector, the path to the targets and the ambitions' wedges."""
    chosen = parse_view(view)
    code = data.municipality(settings(request).municipality).code
    page = climate_page(code, chosen)
    return render(request, "climate.html", {
        "page": page, "account": page.account, "wedges": page.wedges, "notes": page.notes,
        "view": chosen.value, "views": [v.value for v in View], "sectors": list(Sector),
        "sector_figure": sector_figure, "path_figure": path_figure, "wedge_figure": wedge_figure,
        "localise": localise,
    }, user=user)  # fmt: skip
