"""The uncertainty page: percentile fans of population, service demand and budget, and the chance
of each budget rule being broken, computed as a background job (:mod:`byibalance.web.jobs`).

Analysts and admins start a run (paths 100..5000, an integer seed, a band, and the baseline or a
saved scenario they may read as its base); everyone signed in sees the finished runs (a run on a
scenario only those who may read the scenario). The request answers at once; the page polls the
job's status partial (htmx, every second) until the fans are drawn. The jobs live in the database,
so any web worker serves them. The same (municipality, paths, seed, band, data snapshot in use,
scenario, its years and its content) reuses the run. A run on a scenario covers the scenario's
years (its end, and its start when it gives one), as the scenario's own projection does.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from byibalance import data
from byibalance.batch.prepare import prepare
from byibalance.batch.run import run_local
from byibalance.errors import ByibalanceError, ErrorLocation, ScenarioError
from byibalance.finance import FinanceOverrides
from byibalance.finance.inputs import budget_parameters
from byibalance.messages import N_, Note
from byibalance.population.api import DEFAULT_END, latest_observed_year
from byibalance.population.inputs import last_detailed_year
from byibalance.population.stochastic import run_paths
from byibalance.provenance import Status
from byibalance.scenario import Scenario
from byibalance.services import ServicesOverrides
from byibalance.uncertainty import (
    EconomyPaths,
    breach_probability,
    fans,
    path_projections,
    probability_below,
    propagate,
)
from byibalance.web import store
from byibalance.web.charts import COLOURS
from byibalance.web.db import Role, User
from byibalance.web.deps import checked_form, get_db, page_user, render, settings
from byibalance.web.jobs import Job, JobQueue, Progress
from byibalance.web.security import require_writer

router = APIRouter(include_in_schema=False)

PERCENTILES = (10, 50, 90)  # the default band: 80 % of the paths
BANDS = (50, 80, 90)  # the bands a user may choose (% of paths inside)
MIN_PATHS, MAX_PATHS, DEFAULT_PATHS = 100, 5000, 500
MAX_SEED = 2**31 - 1
CHUNK = 25  # paths per propagation step (one progress tick)
METHOD = "docs/model.md, section “Uncertainty”"

KIND = "fans"


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
    scenario_id: int | None = None
    scenario_name: str = ""


#: The parts of a scenario a stochastic run does not apply (the page and the API name them):
#: none since the paths start from the scenario's population inputs too.
NOT_APPLIED: tuple[str, ...] = ()


def fan_result(data: dict[str, Any]) -> FanResult:
    """A :class:`FanResult` back from its JSON form (``dataclasses.asdict``)."""

    def fan_list(items: list[dict[str, Any]]) -> tuple[Fan, ...]:
        return tuple(
            Fan(f["name"], tuple(f["years"]), tuple(tuple(v) for v in f["values"])) for f in items
        )

    return FanResult(
        municipality=data["municipality"],
        paths=data["paths"],
        seed=data["seed"],
        band=data["band"],
        population=fan_list(data["population"]),
        users=fan_list(data["users"]),
        budget=fan_list(data["budget"]),
        budget_years=tuple(data["budget_years"]),
        breach={k: tuple(v) for k, v in data["breach"].items()},
        liquidity_below_zero=tuple(data["liquidity_below_zero"]),
        scenario_id=data.get("scenario_id"),
        scenario_name=data.get("scenario_name", ""),
    )


def run_fans(params: dict[str, Any], progress: Progress, files: Path) -> dict[str, Any]:
    """The job runner of kind ``fans`` (any worker, in a process of its own): the fans as JSON."""
    raw = params.get("scenario")
    scenario = Scenario.model_validate(raw) if raw else None
    result = compute_fans(
        str(params["municipality"]),
        int(params["paths"]),
        int(params["seed"]),
        progress,
        band=int(params["band"]),
        scenario=scenario,
    )
    out = dataclasses.asdict(result)
    out["scenario_id"] = params.get("scenario_id")
    out["scenario_name"] = str(params.get("scenario_name", ""))
    return out


def content_hash(draft: Scenario) -> str:
    """A short hash of a scenario's content: a changed scenario is a new run."""
    return hashlib.sha256(draft.model_dump_json().encode()).hexdigest()[:16]


def registry(app: FastAPI) -> JobQueue:
    """The app's job queue (in the database, shared by every web worker; see
    :mod:`byibalance.web.jobs`)."""
    jobs: JobQueue = app.state.jobs
    return jobs


def _fan(name: str, years: Sequence[int] | np.ndarray, q: np.ndarray, scale: float = 1.0) -> Fan:
    return Fan(
        name, tuple(int(y) for y in years), tuple(tuple(float(v) / scale for v in row) for row in q)
    )


def _merge(parts: Sequence[EconomyPaths]) -> EconomyPaths:
    first = parts[0]

    def cat(attr: str) -> dict[str, np.ndarray]:
        return {
            k: np.concatenate([getattr(p, attr)[k] for p in parts]) for k in getattr(first, attr)
        }

    return EconomyPaths(
        first.municipality,
        first.service_years,
        first.budget_years,
        cat("users"),
        cat("expenditure"),
        cat("budget"),
        cat("breach"),
        cat("warning"),
    )


def percentiles_of(band: int) -> tuple[float, float, float]:
    """The percentiles of a band holding ``band`` % of the paths: ``(50 - band/2, 50,
    50 + band/2)``, e.g. 80 → (10, 50, 90)."""
    return (50 - band / 2, 50.0, 50 + band / 2)


@dataclass(frozen=True)
class FanYears:
    """The years of a fan run: the paths start from the population of 1 January ``base`` (the
    last detailed year, or an earlier start), the service and budget paths are read from
    ``first`` and every path ends in ``end``."""

    base: int
    first: int
    end: int


def fan_years(code: str, scenario: Scenario | None = None) -> FanYears:
    """The horizon of a fan run, as :func:`byibalance.population.project_many` sets it for the
    scenario's own projection: ``end`` is the scenario's end or 2040 (``DEFAULT_END``); ``first``
    its start or the municipality's latest observed year; ``base`` the last detailed year, or the
    start when that is earlier (the run then uses only the data known then)."""
    start = scenario.start if scenario is not None else None
    end = scenario.end if scenario is not None else None
    last = last_detailed_year()
    base = last if start is None or start >= last else start
    end_year = end if end is not None else max(DEFAULT_END, (start or base) + 1)
    first = start if start is not None else latest_observed_year(code)
    if first >= end_year:
        raise ScenarioError(
            Note(
                N_(
                    "the uncertainty run of {code} would start in {first}, not before the "
                    "scenario's end {end}"
                ),
                code=code,
                first=first,
                end=end_year,
            ),
            Note(N_("Choose an end year after {first} in the scenario"), first=first),
            ErrorLocation(field="end", year=end_year),
        )
    return FanYears(base, first, end_year)


def compute_fans(
    municipality: str,
    paths: int,
    seed: int,
    progress: Progress,
    band: int = 80,
    scenario: Scenario | None = None,
) -> FanResult:
    """Run ``paths`` seeded stochastic paths and summarise them as :class:`FanResult`.

    The population fans are :func:`byibalance.batch.economy.population_fans`; the service and
    budget paths are those of :func:`byibalance.batch.economy.economy_paths` (the same run),
    propagated ``CHUNK`` paths at a time so that progress can be shown. Percentiles are
    ``np.percentile`` over paths; ``P(rule broken in year)`` = share of paths with a breach.

    With a ``scenario``, every path starts from the scenario's population inputs (fertility,
    mortality and migration levers, the housing programme's changes or no housing: as
    ``runner.run(scenario)`` projects it) and runs over the scenario's years (:func:`fan_years`:
    its end, and its start when it gives one; the population fans then begin in the start year),
    and its services and finance overrides are applied to every path's services and budget. The
    draws are the same for the same seed, so a scenario's fan and the baseline's differ by the
    scenario alone (up to 2040 and from the last detailed year: a scenario ending after 2040 or
    starting before draws paths of another length, so other draws).
    """
    pct = percentiles_of(band)
    code = data.municipality(municipality).code
    horizon = fan_years(code, scenario)
    shown_from = scenario.start if scenario is not None and scenario.start is not None else None
    progress(0.02, "population paths")
    overrides = scenario.population if scenario else None
    # a path's draws depend on its length: drawn to 2040 at least and read to the scenario's
    # end, a scenario ending earlier keeps the baseline's draws (the projection is year by year,
    # so its years up to the end do not depend on the years after it)
    inputs = prepare([code], horizon.base, max(horizon.end, DEFAULT_END), overrides=overrides)
    summary = run_local(inputs, paths, seed, pct)
    q = summary.quantiles
    q = q[q["year"] <= horizon.end]
    if shown_from is not None:
        q = q[q["year"] >= shown_from]
    population = []
    for group in dict.fromkeys(q["group"]):
        mine = q[q["group"] == group]
        years = sorted(int(y) for y in mine["year"].unique())
        rows = np.array(
            [mine[mine["percentile"] == p].sort_values("year")["value"].to_numpy() for p in pct]
        )
        population.append(_fan(str(group), years, rows))
    progress(0.15, "service and budget paths")
    result = run_paths(inputs, paths, seed, keep=paths)
    projections = path_projections(result, 0, horizon.first, horizon.end)
    params = budget_parameters(code)
    services = ServicesOverrides.model_validate(scenario.services) if scenario else None
    finance = FinanceOverrides.model_validate(scenario.finance) if scenario else None
    parts = []
    for start in range(0, len(projections), CHUNK):
        parts.append(propagate(projections[start : start + CHUNK], params, services, finance))
        done = min(start + CHUNK, len(projections))
        progress(
            0.2 + 0.75 * done / len(projections),
            f"service and budget paths ({done}/{len(projections)})",
        )
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
            float(p) for p in probability_below(economy, "liquidity_average", 0.0)
        ),
    )


def fan_figure(
    fan: Fan,
    title: str,
    y_title: str,
    band: str,
    median: str,
    colour: int = 0,
    height: int = 300,
    percentiles: Sequence[float] = PERCENTILES,
) -> str:
    """A fan chart: the band between the lower and upper percentile filled, the median as a
    line (Plotly figure as JSON). The band's light fill is bounded by thin dotted lines in the
    chart's colour, so its edges stand out from the white background (WCAG 1.4.11 asks 3:1 of a
    graphical object; the colours have 6:1 or more)."""
    c = COLOURS[colour % len(COLOURS)]
    edge = {"width": 1, "color": c, "dash": "dot"}
    x = list(fan.years)
    lo, mid, hi = fan.values
    p_lo, p_mid, p_hi = (f"{p:g} %" for p in percentiles)
    hover = "%{x}: %{y:,.0f}<extra></extra>"
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": list(lo),
            "line": edge,
            "showlegend": False,
            "name": p_lo,
            "hovertemplate": p_lo + ": " + hover,
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": list(hi),
            "fill": "tonexty",
            "fillcolor": c + "33",
            "line": edge,
            "name": band,
            "hovertemplate": p_hi + ": " + hover,
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": list(mid),
            "name": median,
            "line": {"color": c, "width": 2},
            "hovertemplate": p_mid + ": " + hover,
        },
    ]
    layout = {
        "title": {"text": title, "font": {"size": 14}},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
        "height": height,
        "yaxis": {"title": {"text": y_title}, "separatethousands": True},
        "xaxis": {"dtick": 2},
        "legend": {"orientation": "h", "y": -0.2},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "separators": ",.",
    }
    return json.dumps({"data": traces, "layout": layout})


#: The form's number fields, named in an error by their key (``{name:word}``: the page's word).
FORM_FIELDS = {"paths": N_("paths"), "seed": N_("seed"), "band": N_("band")}


def _int(
    form: FormData, name: str, lo: int, hi: int, errors: dict[str, str], values: dict[str, str]
) -> int:
    raw = form.get(name)
    text = raw.strip() if isinstance(raw, str) else ""
    values[name] = text
    try:
        number = int(text)
    except ValueError:
        errors[name] = Note(
            N_("{name:word} must be a whole number from {lo!r} to {hi!r}"),
            name=FORM_FIELDS[name],
            lo=lo,
            hi=hi,
        )
        return 0
    if not lo <= number <= hi:
        errors[name] = Note(
            N_(
                "{name:word} {number!r} is outside {lo!r}..{hi!r}; choose a number from {lo!r} to "
                "{hi!r}"
            ),
            name=FORM_FIELDS[name],
            number=number,
            lo=lo,
            hi=hi,
        )
    return number


def readable_job(db: Session, user: User, job: Job | None) -> Job:
    """The job if the user may see it: a run on a scenario only for those who may read the
    scenario; 404 otherwise (its existence is not revealed)."""
    if job is None:
        raise StarletteHTTPException(
            404, Note(N_("no such run: it may have been removed; start it again"))
        )
    if job.scenario_id is not None:
        store.readable(db, user, job.scenario_id)
    return job


def visible_jobs(db: Session, user: User, queue: JobQueue, code: str) -> list[Job]:
    """This municipality's runs the user may see, newest first."""
    mine = {s.id for s in store.visible_scenarios(db, user)}
    return [
        j
        for j in queue.jobs(KIND)
        if j.params.get("municipality") == code and (j.scenario_id is None or j.scenario_id in mine)
    ]


def start_run(
    db: Session,
    user: User,
    queue: JobQueue,
    code: str,
    paths: int,
    seed: int,
    band: int,
    scenario_id: int | None,
) -> Job:
    """Queue a run (or find the same one): keyed by municipality, paths, seed, band, the data
    snapshot in use (so a run made before ``byibalance data use`` is not served after it) and,
    for a scenario, its years (:func:`fan_years`; a run made on the default years before the
    scenario's own were applied is not served), its id and its content hash (the key ends in the
    hash). A scenario whose years leave no year to project is refused here, before anything is
    queued."""
    require_writer(user)
    snapshot = data.active_snapshot_name()
    params: dict[str, Any] = {
        "municipality": code,
        "paths": paths,
        "seed": seed,
        "band": band,
        "data": snapshot,
    }
    key = f"{code}:{paths}:{seed}:{band}:data={snapshot}"
    title = f"{paths} paths, seed {seed}, {band} % band"
    if scenario_id is not None:
        row = store.readable(db, user, scenario_id)
        draft = store.scenario_of(row)
        years = fan_years(code, draft)
        # salted: runs on a scenario made before its population was applied (issue #9) differ
        digest = hashlib.sha256(
            ("fans with the scenario's population\n" + draft.model_dump_json()).encode()
        ).hexdigest()[:16]
        key += f":years={years.first}-{years.end}:scenario={scenario_id}:{digest}"
        title += f", scenario “{row.name}”"
        params |= {
            "scenario_id": scenario_id,
            "scenario_name": row.name,
            "scenario": draft.model_dump(mode="json"),
            "hash": digest,
        }
    return queue.submit(KIND, key, params, title=title, owner_id=user.id, scenario_id=scenario_id)


def _page(
    request: Request,
    user: User,
    db: Session,
    errors: Mapping[str, str | ByibalanceError] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The page with the form; each error beside its field, shown in the page's language."""
    code = data.municipality(settings(request).municipality).code
    jobs = visible_jobs(db, user, registry(request.app), code)
    return render(
        request,
        "uncertainty.html",
        {
            "jobs": jobs,
            "errors": errors or {},
            "values": values
            or {"paths": str(DEFAULT_PATHS), "seed": "0", "band": "80", "scenario": ""},
            "bands": BANDS,
            "scenarios": store.visible_scenarios(db, user),
            "limits": (MIN_PATHS, MAX_PATHS),
            "can_start": user.role_enum in (Role.ADMIN, Role.ANALYST),
        },
        user=user,
        status_code=status_code,
    )


@router.get("/uncertainty", response_class=HTMLResponse)
def uncertainty(
    request: Request, user: User = Depends(page_user), db: Session = Depends(get_db)
) -> Response:
    """The form to start a run (staff who may write) and the runs of this municipality."""
    return _page(request, user, db)


@router.post("/uncertainty", response_class=HTMLResponse)
async def start(
    request: Request,
    user: User = Depends(page_user),
    form: FormData = Depends(checked_form),
    db: Session = Depends(get_db),
) -> Response:
    """Validate paths, seed, band and base, queue the run (or find the same one) and go to its
    page."""
    require_writer(user)
    errors: dict[str, str] = {}  # each a catalogue note, shown in the page's language
    values: dict[str, str] = {}
    paths = _int(form, "paths", MIN_PATHS, MAX_PATHS, errors, values)
    seed = _int(form, "seed", 0, MAX_SEED, errors, values)
    band = 80  # the documented default when the form leaves the band out
    if form.get("band") is not None:
        band = _int(form, "band", min(BANDS), max(BANDS), errors, values)
    if "band" not in errors and band not in BANDS:
        errors["band"] = Note(
            N_("band {band} is not offered; choose one of {bands}"),
            band=band,
            bands=", ".join(map(str, BANDS)),
        )
    raw = form.get("scenario")
    base = raw.strip() if isinstance(raw, str) else ""
    values["scenario"] = base
    scenario_id: int | None = None
    if base:
        readable_ids = {s.id for s in store.visible_scenarios(db, user)}
        if not base.isdecimal() or int(base) not in readable_ids:
            errors["scenario"] = Note(
                N_("scenario {base} is not one you may read; choose one from the list"), base=base
            )
        else:
            scenario_id = int(base)
    if errors:
        return _page(request, user, db, errors, values, status_code=422)
    code = data.municipality(settings(request).municipality).code
    try:
        job = start_run(db, user, registry(request.app), code, paths, seed, band, scenario_id)
    except ScenarioError as err:  # the scenario's years leave nothing to project
        return _page(request, user, db, {"scenario": err}, values, status_code=422)
    return RedirectResponse(f"/uncertainty/jobs/{job.id}", status_code=303)


def _job(request: Request, db: Session, user: User, job_id: str) -> Job:
    found = registry(request.app).get(int(job_id)) if job_id.isdecimal() else None
    return readable_job(db, user, found)


def _context(job: Job) -> dict[str, Any]:
    result = fan_result(job.result) if job.state.value == "done" and job.result else None
    return {
        "job": job,
        "result": result,
        "fan_figure": fan_figure,
        "percentiles_of": percentiles_of,
        "status": Status.ESTIMATE,
        "method": METHOD,
        "not_applied": NOT_APPLIED,
    }


@router.get("/uncertainty/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request, job_id: str, user: User = Depends(page_user), db: Session = Depends(get_db)
) -> Response:
    """A run's page: its progress while it runs, its fans and probabilities when done."""
    return render(
        request, "uncertainty_job.html", _context(_job(request, db, user, job_id)), user=user
    )


@router.get("/uncertainty/jobs/{job_id}/status", response_class=HTMLResponse)
def job_status(
    request: Request, job_id: str, user: User = Depends(page_user), db: Session = Depends(get_db)
) -> Response:
    """The status partial polled by the page (stops polling once the job has finished)."""
    return render(
        request, "uncertainty_status.html", _context(_job(request, db, user, job_id)), user=user
    )


#: The pages that show a fan section (issue #9), by their path.
SECTION_PAGES = ("population", "economy")


def section_context(request: Request, db: Session, user: User) -> dict[str, Any]:
    """What the fan section of the Population and Economy pages shows: the newest finished run
    on the baseline (those pages show the baseline), else the newest run still being computed,
    else nothing and, for analysts and admins, a button that starts the default run (the same
    job as the /uncertainty form's defaults, so the run is shared). Nothing is computed here."""
    code = data.municipality(settings(request).municipality).code
    snapshot = data.active_snapshot_name()
    runs = [
        j
        for j in visible_jobs(db, user, registry(request.app), code)
        if j.scenario_id is None and j.params.get("data", snapshot) == snapshot
    ]
    done = next((j for j in runs if j.state.value == "done" and j.result), None)
    pending = next((j for j in runs if not j.state.finished), None)
    return {
        "fan": {
            "result": fan_result(done.result) if done is not None else None,
            "job": done,
            "pending": pending,
            "can_start": user.role_enum in (Role.ADMIN, Role.ANALYST),
            "paths": DEFAULT_PATHS,
            "seed": 0,
        },
        "fan_figure": fan_figure,
        "percentiles_of": percentiles_of,
    }


def _section_page(part: str) -> str:
    if part not in SECTION_PAGES:
        raise StarletteHTTPException(
            404, Note(N_("no fan section on '{part}'; use population or economy"), part=part)
        )
    return part


@router.get("/uncertainty/section/{part}", response_class=HTMLResponse)
def section(
    request: Request, part: str, user: User = Depends(page_user), db: Session = Depends(get_db)
) -> Response:
    """The fan section alone, polled by the page while its run is computed."""
    return render(
        request,
        "_fans_section.html",
        {"part": _section_page(part), **section_context(request, db, user)},
        user=user,
    )


@router.post("/uncertainty/section/{part}", response_class=HTMLResponse)
async def start_section(
    request: Request,
    part: str,
    user: User = Depends(page_user),
    form: FormData = Depends(checked_form),
    db: Session = Depends(get_db),
) -> Response:
    """Start the default baseline run (or find the same one) and go back to the page."""
    page = _section_page(part)
    require_writer(user)
    code = data.municipality(settings(request).municipality).code
    start_run(db, user, registry(request.app), code, DEFAULT_PATHS, 0, 80, None)
    return RedirectResponse(f"/{page}#fans-section", status_code=303)
