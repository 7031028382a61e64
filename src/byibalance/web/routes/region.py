"""The capital-region page: the K29 comparison as a table and a chart, the dashboard's
municipality highlighted. Computes nothing itself: it calls byibalance.benchmark."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from byibalance import data
from byibalance.benchmark import METRICS, Comparison, load_comparison
from byibalance.reports.charts import bar_chart_svg
from byibalance.web import store
from byibalance.web.db import User
from byibalance.web.deps import get_db, page_user, render, settings

router = APIRouter(include_in_schema=False)

KEYS = tuple(key for key, *_ in METRICS)


@lru_cache(maxsize=2)
def comparison() -> Comparison:
    """The K29 comparison from the embedded data (computed once per process)."""
    return load_comparison("k29")


@router.get("/region", response_class=HTMLResponse)
def region(
    request: Request,
    metric: str = Query("growth_to_2040", pattern="^[a-z0-9_]+$"),
    user: User = Depends(page_user),
) -> Response:
    """The 29 municipalities, every key figure with its rank; a bar chart of one figure."""
    metric = metric if metric in KEYS else "growth_to_2040"
    result = comparison()
    code = data.municipality(settings(request).municipality).code
    label = next(lbl for key, lbl, *_ in METRICS if key == metric)
    present = [(r.name, float(v)) for r in result.rows if (v := r.values[metric]) is not None]
    items = sorted(present, key=lambda item: -item[1])
    names = {r.code: r.name for r in result.rows}
    chart = bar_chart_svg(items, title=label,
                          highlight=names.get(code))  # fmt: skip
    return render(request, "region.html", {
        "result": result, "metrics": METRICS, "metric": metric, "chart": chart,
        "highlight": code}, user=user)  # fmt: skip


@router.get("/scenarios/{scenario_id}/report.pdf")
def scenario_report(
    scenario_id: int, user: User = Depends(page_user), db: Session = Depends(get_db)
) -> Response:
    """The council report of a scenario the user may read, as a PDF download."""
    from byibalance.reports import load_report
    from byibalance.reports.render import pdf_bytes

    draft = store.scenario_of(store.readable(db, user, scenario_id))
    pdf = pdf_bytes(load_report(scenario=draft))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="budgetnotat-{scenario_id}.pdf"'},
    )
