"""Plotly figures (as JSON-ready dicts) and the one-sentence reading beside each chart.

Only presentation: the numbers come from :class:`byibalance.web.model.CityView`; nothing here
computes a domain figure. Colours are chosen for contrast (WCAG 2.1 AA against white).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from byibalance.web.model import HousingRow, MarginalView, Pyramid, Series

COLOURS = ("#1f4e79", "#a1400b", "#2e6b30", "#6b2e6b")


def format_number(value: float | None, digits: int = 0, lang: str = "da") -> str:
    """A number with thousands separators in the language's style; '–' when missing."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    if lang == "da":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_value(value: float | None, unit: str, lang: str = "da") -> str:
    """A value in its unit for a table: a share as percent with 2 decimals, DKK and persons
    as whole numbers."""
    if value is not None and unit == "share":
        return format_number(value * 100, 2, lang) + " %"
    return format_number(value, 2 if unit == "percent" else 0, lang)


def _layout(title: str, y_title: str) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 15}},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
        "height": 300,
        "yaxis": {"title": {"text": y_title}, "separatethousands": True},
        "xaxis": {"dtick": 2},
        "legend": {"orientation": "h", "y": -0.2},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "separators": ",.",
    }


def line_figure(
    title: str, y_title: str, series: Sequence[tuple[str, Series]], estimate_label: str
) -> str:
    """A line chart of several series; each trace's hover names its status and source."""
    traces = []
    for i, (label, s) in enumerate(series):
        mark = f" ({estimate_label})" if s.status.is_estimate else ""
        traces.append({
            "type": "scatter",
            "mode": "lines+markers",
            "name": label + mark,
            "x": list(s.years),
            "y": list(s.values),
            "line": {"color": COLOURS[i % len(COLOURS)], "dash": "dot" if i else "solid"},
            "hovertemplate": f"%{{x}}: %{{y:,.0f}}<br>{s.status.value}: {s.source}<extra></extra>",
        })
    return json.dumps({"data": traces, "layout": _layout(title, y_title)})


def bar_figure(title: str, y_title: str, series: Sequence[tuple[str, Series]]) -> str:
    """A grouped bar chart (e.g. the components of change)."""
    traces = [
        {
            "type": "bar",
            "name": label,
            "x": list(s.years),
            "y": list(s.values),
            "marker": {"color": COLOURS[i % len(COLOURS)]},
            "hovertemplate": f"%{{x}}: %{{y:,.0f}}<br>{s.status.value}: {s.source}<extra></extra>",
        }
        for i, (label, s) in enumerate(series)
    ]
    layout = _layout(title, y_title) | {"barmode": "group"}
    return json.dumps({"data": traces, "layout": layout})


def pyramid_figure(pyramid: Pyramid, men: str, women: str, title: str) -> str:
    """A population pyramid: men to the left (drawn negative), women to the right."""
    traces = [
        {"type": "bar", "orientation": "h", "name": men, "y": list(pyramid.ages),
         "x": [-v for v in pyramid.men], "marker": {"color": COLOURS[0]},
         "customdata": list(pyramid.men),
         "hovertemplate": "%{y}: %{customdata:,.0f}<extra></extra>"},
        {"type": "bar", "orientation": "h", "name": women, "y": list(pyramid.ages),
         "x": list(pyramid.women), "marker": {"color": COLOURS[1]},
         "hovertemplate": "%{y}: %{x:,.0f}<extra></extra>"},
    ]
    layout = _layout(title, "") | {"barmode": "overlay", "bargap": 0.05, "height": 480,
                                   "yaxis": {"title": {"text": "age"}}}
    return json.dumps({"data": traces, "layout": layout})


def housing_figure(rows: Sequence[HousingRow], title: str, y_title: str) -> str:
    """The housing programme as a timeline: dwellings per year, stacked by project."""
    names = list(dict.fromkeys(r.name for r in rows))
    years = sorted({r.year for r in rows})
    traces = []
    for i, name in enumerate(names):
        mine = [r for r in rows if r.name == name]
        by_year = {y: sum(r.dwellings for r in mine if r.year == y) for y in years}
        status = mine[0].dwellings_status.value + " / " + mine[0].schedule_status.value
        traces.append({
            "type": "bar", "name": name, "x": years, "y": [by_year[y] for y in years],
            "marker": {"color": COLOURS[i % len(COLOURS)]},
            "hovertemplate": f"{name}: %{{y:,.0f}} (%{{x}})<br>{status}<extra></extra>",
        })
    layout = _layout(title, y_title) | {"barmode": "relative", "height": 360}
    return json.dumps({"data": traces, "layout": layout})


def marginal_figure(m: MarginalView, labels: tuple[str, str, str], title: str) -> str:
    """Revenue, cost and net of one more resident, by age (DKK a year)."""
    traces = [
        {"type": "scatter", "mode": "lines", "name": label, "x": list(m.ages), "y": list(values),
         "line": {"color": COLOURS[i], "dash": ("solid", "dot", "dash")[i]},
         "hovertemplate": f"{label} %{{x}}: %{{y:,.0f}} DKK<br>estimate: {m.source}<extra></extra>"}
        for i, (label, values) in enumerate(zip(labels, (m.revenue, m.cost, m.net), strict=True))
    ]
    layout = _layout(title, "DKK") | {"xaxis": {"title": {"text": "age"}, "dtick": 10}}
    return json.dumps({"data": traces, "layout": layout})


def growth_sentence(
    s: Series, first: int, last: int, gettext: Callable[[str], str], lang: str
) -> str:
    """One sentence: the value in ``first``, in ``last`` and the change between them."""
    a, b = s.at(first), s.at(last)
    if a is None or b is None:
        return gettext("Not available for these years.")
    change = (b - a) / a * 100 if a else 0.0
    return gettext("From {a} in {first} to {b} in {last} ({change} %).").format(
        a=format_number(a, 0, lang), first=first, b=format_number(b, 0, lang), last=last,
        change=("+" if change >= 0 else "") + format_number(change, 1, lang),
    )
