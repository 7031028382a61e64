"""Adapters: the council report as HTML (Jinja2), PDF (WeasyPrint, no network) and Excel."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from byibalance.errors import ErrorLocation, InputError
from byibalance.reports.charts import line_chart_svg
from byibalance.reports.model import CouncilReport

DIMENSION_DA = {"social": "Socialt", "economic": "Økonomisk", "climate": "Klima",
                "environment": "Miljø"}  # fmt: skip


def num(value: float) -> str:
    """Whole persons with a Danish thousands point: 27.731."""
    return f"{value:,.0f}".replace(",", ".")


def mio(value: float) -> str:
    """DKK as millions with one decimal, Danish decimal comma: 1.234,5."""
    return f"{value / 1e6:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


def val(value: float) -> str:
    """An indicator value: three significant figures, Danish decimal comma."""
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def metric(value: float, unit: str) -> str:
    """A comparison metric: shares as percent, persons and DKK whole, rates with two decimals."""
    if unit == "share":
        return f"{value * 100:+.1f} %".replace(".", ",")
    if unit in ("persons", "DKK"):
        return num(value)
    return f"{value:.2f}".replace(".", ",")


def render_html(report: CouncilReport) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no external resources)."""
    env = Environment(loader=PackageLoader("byibalance.reports", "templates"),
                      autoescape=select_autoescape(["html"]))  # fmt: skip
    dims: dict[str, list[object]] = {}
    for line in report.indicators:
        dims.setdefault(DIMENSION_DA.get(line.dimension, line.dimension), []).append(line)
    chart = line_chart_svg(report.population_series, title="Indbyggere pr. 1. januar")
    return env.get_template("council.html").render(
        r=report, chart=chart, dimensions=list(dims.items()), num=num, mio=mio, val=val,
        metric=metric,
    )  # fmt: skip


def _fail(output: Path, err: OSError) -> InputError:
    return InputError(f"cannot write '{output}' ({err.strerror})",
                      "Choose a writable --output", ErrorLocation(field="--output"))  # fmt: skip


def write_html(report: CouncilReport, output: Path) -> None:
    """Write :func:`render_html` to ``output``."""
    try:
        output.write_text(render_html(report), encoding="utf-8")
    except OSError as err:
        raise _fail(output, err) from err


def _no_network(url: str) -> dict[str, object]:
    raise ValueError(f"the report must render offline; refused to fetch {url}")


def write_pdf(report: CouncilReport, output: Path) -> None:
    """Render the HTML with WeasyPrint to an A4 PDF; any URL fetch is refused (offline)."""
    from weasyprint import HTML

    try:
        HTML(string=render_html(report), url_fetcher=_no_network).write_pdf(str(output))
    except OSError as err:
        raise _fail(output, err) from err


def pdf_bytes(report: CouncilReport) -> bytes:
    """The PDF of :func:`write_pdf` as bytes (for a web download)."""
    from weasyprint import HTML

    data = HTML(string=render_html(report), url_fetcher=_no_network).write_pdf()
    return bytes(data or b"")


def frame_sheet(report: CouncilReport) -> pd.DataFrame:
    """The plan's yearly frame warnings and the baseline's hard-rule breaches, with the mode."""
    columns = ["mode", "kind", "year", "frame", "over", "budget", "ambitions", "text"]
    f = report.frames
    if f is None:
        return pd.DataFrame(columns=columns)
    meaning = dict(f.meanings)
    rows = [
        {"mode": f.mode, "kind": "advarsel", "year": w.year, "frame": w.frame, "over": w.over,
         "budget": w.budget, "ambitions": w.ambitions, "text": meaning.get(w.frame, "")}
        for w in f.warnings
    ]  # fmt: skip
    rows += [
        {"mode": f.mode, "kind": "budgettets brud", "year": b.year, "frame": b.rule,
         "over": None, "budget": None, "ambitions": None, "text": b.reason}
        for b in f.baseline_breaches
    ]  # fmt: skip
    if not rows:
        rows = [{"mode": f.mode, "kind": "ingen", "year": None, "frame": None, "over": None,
                 "budget": None, "ambitions": None, "text": ""}]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def report_frames(report: CouncilReport) -> dict[str, pd.DataFrame]:
    """The full tables: population, budget, breaches, indicators, region, assumptions, sources."""
    return {
        "befolkning": pd.DataFrame([asdict(p) for p in report.population_series_rows()]),
        "budget": pd.DataFrame([asdict(b) for b in report.budget]),
        "regelbrud": pd.DataFrame([asdict(b) for b in report.breaches],
                                  columns=["rule", "year", "reason"]),
        "ambitioner": pd.DataFrame([asdict(a) for a in report.ambitions],
                                   columns=["id", "name", "chosen", "start", "reason"]),
        "rammer": frame_sheet(report),
        "baeredygtighed": pd.DataFrame([asdict(i) for i in report.indicators]),
        "k29": pd.DataFrame([asdict(g) for g in report.region]),
        "sammenligning": pd.DataFrame(
            [{**asdict(d), "difference": d.difference} for d in report.comparison],
            columns=["label", "unit", "a", "b", "difference"]),
        "forudsaetninger": pd.DataFrame({"assumption": list(report.assumptions)}),
        "kilder": pd.DataFrame({"source": list(report.sources)}),
    }  # fmt: skip


def write_xlsx(report: CouncilReport, output: Path) -> None:
    """Write :func:`report_frames` as one sheet each."""
    try:
        with pd.ExcelWriter(output, engine="xlsxwriter") as writer:
            for name, frame in report_frames(report).items():
                frame.to_excel(writer, sheet_name=name, index=False)
    except OSError as err:
        raise _fail(output, err) from err
