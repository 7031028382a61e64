"""The uncertainty page: percentile fans of population, service demand and budget, and the chance
of each budget rule being broken, computed as a background job (:mod:`byibalance.web.jobs`).

Analysts and admins start a run (paths 100..5000, an integer seed); everyone signed in sees the
finished runs. The request answers at once; the page polls the job's status partial (htmx, every
second) until the fans are drawn. The same (municipality, paths, seed) reuses the finished run.
"""

from __future__ import annotations

import atexit
import functools
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from byibalance import data
from byibalance.batch.economy import population_fans
from byibalance.batch.prepare import prepare
from byibalance.finance.inputs import budget_parameters
from byibalance.population.api import DEFAULT_END, latest_observed_year
from byibalance.population.inputs import last_detailed_year
from byibalance.population.stochastic import run_paths
from byibalance.provenance import Status
from byibalance.uncertainty import (
    EconomyPaths,
    breach_probability,
    fans,
    path_projections,
    probability_below,
    propagate,
)
from byibalance.web.charts import COLOURS
from byibalance.web.db import Role, User
from byibalance.web.deps import checked_form, page_user, render, settings
from byibalance.web.jobs import Job, JobRegistry, Progress
from byibalance.web.security import require_writer

router = APIRouter(include_in_schema=False)

PERCENTILES = (10, 50, 90)  # the default band: 80 % of the paths
BANDS = (50, 80, 90)  # the bands a user may choose (% of paths inside)
MIN_PATHS, MAX_PATHS, DEFAULT_PATHS = 100, 5000, 500
MAX_SEED = 2**31 - 1
CHUNK = 25  # paths per propagation step (one progress tick)
METHOD = "docs/model.md, section “Uncertainty”"

_registry_lock = threading.Lock()


@dataclass(frozen=True)
class Fan:
    """One quantity's percentiles per year: ``values[q][i]`` for the run's percentiles
    ``(lower, 50, upper)`` and ``years[i]``."""

    name: str
    years: tuple[int, ...]
    values: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class FanResult:
    """A finished run: fans of population (total, age groups), service users and budget lines
    (mio. DKK), and per budget year the share of paths breaking each rule."""

    municipality: str
    paths: int
    seed: int
    band: int
    population: tuple[Fan, ...]
    users: tuple[Fan, ...]
    budget: tuple[Fan, ...]
    budget_years: tuple[int, ...]
    breach: dict[str, tuple[float, ...]]
    liquidity_below_zero: tuple[float, ...]


def registry(app: FastAPI) -> JobRegistry:
    """The app's job registry (created on first use; each run in a process of its own so the
    pages stay quick while it runs)."""
    with _registry_lock:
        jobs: JobRegistry | None = getattr(app.state, "jobs", None)
        if jobs is None:
            jobs = JobRegistry(workers=1, processes=True)
            atexit.register(jobs.shutdown)  # stop its processes when the server stops
            app.state.jobs = jobs
        return jobs


def _fan(name: str, years: Sequence[int] | np.ndarray, q: np.ndarray, scale: float = 1.0) -> Fan:
    return Fan(name, tuple(int(y) for y in years),
               tuple(tuple(float(v) / scale for v in row) for row in q))


def _merge(parts: Sequence[EconomyPaths]) -> EconomyPaths:
    first = parts[0]

    def cat(attr: str) -> dict[str, np.ndarray]:
        return {k: np.concatenate([getattr(p, attr)[k] for p in parts])
                for k in getattr(first, attr)}

    return EconomyPaths(first.municipality, first.service_years, first.budget_years,
                        cat("users"), cat("expenditure"), cat("budget"), cat("breach"),
                        cat("warning"))


def percentiles_of(band: int) -> tuple[float, float, float]:
    """The percentiles of a band holding ``band`` % of the paths: ``(50 - band/2, 50,
    50 + band/2)``, e.g. 80 → (10, 50, 90)."""
    return (50 - band / 2, 50.0, 50 + band / 2)


def compute_fans(
    municipality: str, paths: int, seed: int, progress: Progress, band: int = 80
) -> FanResult:
    """Run ``paths`` seeded stochastic paths and summarise them as :class:`FanResult`.

    The population fans are :func:`byibalance.batch.economy.population_fans`; the service and
    budget paths are those of :func:`byibalance.batch.economy.economy_paths` (the same run),
    propagated ``CHUNK`` paths at a time so that progress can be shown. Percentiles are
    ``np.percentile`` over paths; ``P(rule broken in year)`` = share of paths with a breach.
    """
    pct = percentiles_of(band)
    code = data.municipality(municipality).code
    progress(0.02, "population paths")
    summary = population_fans(code, paths=paths, seed=seed, percentiles=pct)
    q = summary.quantiles
    population = []
    for group in dict.fromkeys(q["group"]):
        mine = q[q["group"] == group]
        years = sorted(int(y) for y in mine["year"].unique())
        rows = np.array([mine[mine["percentile"] == p].sort_values("year")["value"].to_numpy()
                         for p in pct])
        population.append(_fan(str(group), years, rows))
    progress(0.15, "service and budget paths")
    inputs = prepare([code], last_detailed_year(), DEFAULT_END)
    result = run_paths(inputs, paths, seed, keep=paths)
    projections = path_projections(result, 0, latest_observed_year(code))
    params = budget_parameters(code)
    parts = []
    for start in range(0, len(projections), CHUNK):
        parts.append(propagate(projections[start:start + CHUNK], params))
        done = min(start + CHUNK, len(projections))
        progress(0.2 + 0.75 * done / len(projections),
                 f"service and budget paths ({done}/{len(projections)})")
    economy = _merge(parts)
    users = fans(economy.users, pct)
    budget = fans(economy.budget, pct)
    return FanResult(
        municipality=code,
        paths=paths,
        seed=seed,
        band=band,
        population=tuple(population),
        users=tuple(_fan(a, economy.service_years, v) for a, v in users.items()),
        budget=tuple(_fan(b, economy.budget_years, v, 1e6) for b, v in budget.items()),
        budget_years=tuple(int(y) for y in economy.budget_years),
        breach={r: tuple(float(p) for p in v) for r, v in breach_probability(economy).items()},
        liquidity_below_zero=tuple(
            float(p) for p in probability_below(economy, "liquidity_average", 0.0)),
    )


def fan_figure(fan: Fan, title: str, y_title: str, band: str, median: str, colour: int = 0,
               height: int = 300, percentiles: Sequence[float] = PERCENTILES) -> str:
    """A fan chart: the band between the lower and upper percentile filled, the median as a
    line (Plotly figure as JSON)."""
    c = COLOURS[colour % len(COLOURS)]
    x = list(fan.years)
    lo, mid, hi = fan.values
    p_lo, p_mid, p_hi = (f"{p:g} %" for p in percentiles)
    hover = "%{x}: %{y:,.0f}<extra></extra>"
    traces = [
        {"type": "scatter", "mode": "lines", "x": x, "y": list(lo), "line": {"width": 0},
         "showlegend": False, "name": p_lo, "hovertemplate": p_lo + ": " + hover},
        {"type": "scatter", "mode": "lines", "x": x, "y": list(hi), "fill": "tonexty",
         "fillcolor": c + "33", "line": {"width": 0}, "name": band,
         "hovertemplate": p_hi + ": " + hover},
        {"type": "scatter", "mode": "lines", "x": x, "y": list(mid), "name": median,
         "line": {"color": c, "width": 2}, "hovertemplate": p_mid + ": " + hover},
    ]
    layout = {
        "title": {"text": title, "font": {"size": 14}},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 40}, "height": height,
        "yaxis": {"title": {"text": y_title}, "separatethousands": True},
        "xaxis": {"dtick": 2}, "legend": {"orientation": "h", "y": -0.2},
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "separators": ",.",
    }
    return json.dumps({"data": traces, "layout": layout})


def _int(form: FormData, name: str, lo: int, hi: int, errors: dict[str, str],
         values: dict[str, str]) -> int:
    raw = form.get(name)
    text = raw.strip() if isinstance(raw, str) else ""
    values[name] = text
    try:
        number = int(text)
    except ValueError:
        errors[name] = f"{name} must be a whole number from {lo} to {hi}"
        return 0
    if not lo <= number <= hi:
        errors[name] = f"{name} {number} is outside {lo}..{hi}; choose a number from {lo} to {hi}"
    return number


def _page(request: Request, user: User, errors: dict[str, str] | None = None,
          values: dict[str, str] | None = None, status_code: int = 200) -> Response:
    code = settings(request).municipality
    jobs = [j for j in registry(request.app).jobs()
            if isinstance(j.key, tuple) and j.key[0] == code]
    return render(request, "uncertainty.html", {
        "jobs": jobs, "errors": errors or {},
        "values": values or {"paths": str(DEFAULT_PATHS), "seed": "0", "band": "80"},
        "bands": BANDS,
        "limits": (MIN_PATHS, MAX_PATHS), "can_start": user.role_enum in (Role.ADMIN,
                                                                          Role.ANALYST),
    }, user=user, status_code=status_code)


@router.get("/uncertainty", response_class=HTMLResponse)
def uncertainty(request: Request, user: User = Depends(page_user)) -> Response:
    """The form to start a run (staff who may write) and the runs of this municipality."""
    return _page(request, user)


@router.post("/uncertainty", response_class=HTMLResponse)
async def start(request: Request, user: User = Depends(page_user),
                form: FormData = Depends(checked_form)) -> Response:
    """Validate paths and seed, queue the run (or find the same one) and go to its page."""
    require_writer(user)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    paths = _int(form, "paths", MIN_PATHS, MAX_PATHS, errors, values)
    seed = _int(form, "seed", 0, MAX_SEED, errors, values)
    band = 80  # the documented default when the form leaves the band out
    if form.get("band") is not None:
        band = _int(form, "band", min(BANDS), max(BANDS), errors, values)
    if "band" not in errors and band not in BANDS:
        errors["band"] = f"band {band} is not offered; choose one of {', '.join(map(str, BANDS))}"
    if errors:
        return _page(request, user, errors, values, status_code=422)
    code = str(settings(request).municipality)

    # a partial of a module-level function is picklable: the run goes to a process of its own
    run = functools.partial(compute_fans, code, paths, seed, band=band)
    job = registry(request.app).submit(
        (code, paths, seed, band), run, title=f"{paths} paths, seed {seed}, {band} % band",
        owner=user.username)
    return RedirectResponse(f"/uncertainty/jobs/{job.id}", status_code=303)


def _job(request: Request, job_id: str) -> Job:
    job = registry(request.app).get(job_id)
    if job is None:
        raise StarletteHTTPException(404, "no such run: it may have been removed or started "
                                          "on another server process; start it again")
    return job


def _context(job: Job) -> dict[str, Any]:
    return {"job": job, "result": job.result, "fan_figure": fan_figure,
            "percentiles_of": percentiles_of, "status": Status.ESTIMATE,
            "method": METHOD}


@router.get("/uncertainty/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, user: User = Depends(page_user)) -> Response:
    """A run's page: its progress while it runs, its fans and probabilities when done."""
    return render(request, "uncertainty_job.html", _context(_job(request, job_id)), user=user)


@router.get("/uncertainty/jobs/{job_id}/status", response_class=HTMLResponse)
def job_status(request: Request, job_id: str, user: User = Depends(page_user)) -> Response:
    """The status partial polled by the page (stops polling once the job has finished)."""
    return render(request, "uncertainty_status.html", _context(_job(request, job_id)), user=user)
