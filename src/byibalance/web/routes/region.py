"""The capital-region page: the K29 comparison as a table and a chart, the dashboard's
municipality highlighted. Computes nothing itself: it calls byibalance.benchmark."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from byibalance import data
from byibalance.benchmark import METRICS, Comparison, load_comparison
from byibalance.data.generation import data_cached
from byibalance.reports.charts import bar_chart_svg
from byibalance.scenario import Scenario as ScenarioModel
from byibalance.web import store
from byibalance.web.db import Scenario, User
from byibalance.web.deps import checked_form, get_db, language, page_user, render, settings
from byibalance.web.i18n import gettext_for, local_format, localise
from byibalance.web.jobs import Progress
from byibalance.web.routes.uncertainty import content_hash, registry

router = APIRouter(include_in_schema=False)

KEYS = tuple(key for key, *_ in METRICS)


@data_cached(maxsize=2)
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
        "highlight": code, "localise": localise, "local_format": local_format},
        user=user)  # fmt: skip


REPORT_KIND = "report"


def run_report(params: dict[str, Any], progress: Progress, files: Path) -> dict[str, Any]:
    """The job runner of kind ``report`` (any worker, in a process of its own): renders the
    council report of the scenario in ``params`` as a PDF under ``files``; returns its name."""
    from byibalance.reports import load_report
    from byibalance.reports.render import pdf_bytes

    draft = ScenarioModel.model_validate(params["scenario"])
    progress(0.1, "report figures")
    report = load_report(scenario=draft)
    progress(0.5, "PDF")
    pdf = pdf_bytes(report)
    name = f"report-{int(params['scenario_id'])}-{params['hash']}.pdf"
    partial = files / f".{name}.{os.getpid()}.part"
    partial.write_bytes(pdf)
    partial.replace(files / name)  # whole or not at all, for a worker serving it meanwhile
    return {"file": name, "bytes": len(pdf)}


def _report_key(db: Session, user: User, scenario_id: int) -> tuple[Scenario, str, dict[str, Any]]:
    row = store.readable(db, user, scenario_id)
    draft = store.scenario_of(row)
    digest = content_hash(draft)
    params = {"scenario_id": row.id, "hash": digest, "scenario": draft.model_dump(mode="json")}
    return row, f"{row.id}:{digest}", params


def _report_context(request: Request, db: Session, user: User, scenario_id: int) -> dict[str, Any]:
    row, key, _ = _report_key(db, user, scenario_id)
    job = registry(request.app).find(REPORT_KIND, key)
    return {"scenario": row, "job": job}


@router.get("/scenarios/{scenario_id}/report", response_class=HTMLResponse)
def report_page(
    request: Request,
    scenario_id: int,
    user: User = Depends(page_user),
    db: Session = Depends(get_db),
) -> Response:
    """The council report of a scenario the user may read: a button starts it as a background
    job, the status polls, then a download link."""
    return render(
        request, "report_job.html", _report_context(request, db, user, scenario_id), user=user
    )


@router.get("/scenarios/{scenario_id}/report/status", response_class=HTMLResponse)
def report_status(
    request: Request,
    scenario_id: int,
    user: User = Depends(page_user),
    db: Session = Depends(get_db),
) -> Response:
    """The report job's status partial, polled by its page until the PDF is ready."""
    return render(
        request, "report_status.html", _report_context(request, db, user, scenario_id), user=user
    )


@router.post("/scenarios/{scenario_id}/report")
async def start_report(
    request: Request,
    scenario_id: int,
    user: User = Depends(page_user),
    form: FormData = Depends(checked_form),
    db: Session = Depends(get_db),
) -> Response:
    """Queue the report (or find the same one: scenario and its content) and go to its page.
    Everyone who may read the scenario may have its report, as before."""
    row, key, params = _report_key(db, user, scenario_id)
    registry(request.app).submit(
        REPORT_KIND,
        key,
        params,
        title=f"Budgetnotat: {row.name}",
        owner_id=user.id,
        scenario_id=row.id,
    )
    return RedirectResponse(f"/scenarios/{row.id}/report", status_code=303)


@router.get("/scenarios/{scenario_id}/report.pdf")
def scenario_report(
    request: Request,
    scenario_id: int,
    job: int | None = Query(None, description="The report job the download link was made for."),
    user: User = Depends(page_user),
    db: Session = Depends(get_db),
) -> Response:
    """The finished council report of a scenario the user may read, as a PDF download; while
    there is none (for the scenario as it is now), its page with the button and the status.

    A report that is no longer kept (its job removed after the retention, named by ``job`` in
    the download link, or its file gone) answers 410 Gone: its page, saying so, with the button
    that makes it again."""
    row, key, _ = _report_key(db, user, scenario_id)
    queue = registry(request.app)
    current = queue.find(REPORT_KIND, key)
    if current is None or current.state.value != "done":
        if job is not None and current is None and queue.get(job) is None:
            return _report_gone(request, row, user)
        return RedirectResponse(f"/scenarios/{scenario_id}/report", status_code=303)
    path = queue.result_file(current)
    try:
        pdf = path.read_bytes() if path is not None else None
    except FileNotFoundError:  # removed between the look and the read
        pdf = None
    if pdf is None:
        return _report_gone(request, row, user)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="budgetnotat-{scenario_id}.pdf"'},
    )


def _report_gone(request: Request, row: Scenario, user: User) -> Response:
    """The report page with a notice that the asked-for report is no longer kept (410 Gone);
    its button makes it again (a job whose file is gone is queued again by the queue)."""
    _ = gettext_for(language(request))
    days = registry(request.app).retention.days
    gone = _(
        "The council report you asked for is no longer kept: reports are kept for {days} days. "
        "Make it again with the button below."
    ).format(days=days)
    context = {"scenario": row, "job": None, "gone": gone}
    return render(request, "report_job.html", context, user=user, status_code=410)
