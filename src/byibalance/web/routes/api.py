"""The JSON API under ``/api/``: the same data and the same roles as the pages.

Not signed in: 401. A viewer writing: 403. A write without the ``X-CSRF-Token`` header (the token
returned by ``POST /api/session``): 403. Errors carry a structured ``detail``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from byibalance import data
from byibalance.errors import ErrorLocation, InputError
from byibalance.provenance import Status
from byibalance.web import model, store
from byibalance.web.db import Scenario, User
from byibalance.web.deps import api_user, get_db, settings
from byibalance.web.jobs import Job
from byibalance.web.routes import uncertainty
from byibalance.web.security import (
    CSRF_HEADER,
    NotSignedInError,
    authenticate_throttled,
    check_csrf,
    require_writer,
    sign_in,
    sign_out,
)
from byibalance.web.throttle import ThrottledError

router = APIRouter(prefix="/api", tags=["api"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Not allowed for your role, or the CSRF token is missing"},
}


class Credentials(BaseModel):
    """A username and password."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class SessionOut(BaseModel):
    """The signed-in user and the CSRF token to send with writes."""

    username: str
    role: str
    csrf_token: str


class SeriesOut(BaseModel):
    """A series by year with its status and source."""

    key: str
    unit: str
    status: str
    source: str
    years: list[int]
    values: list[float | None]


class CityOut(BaseModel):
    """The model's view of the city under a scenario."""

    municipality: str
    scenario: str
    start_year: int | None
    series: list[SeriesOut]
    missing: dict[str, str]


class ScenarioOut(BaseModel):
    """A stored scenario."""

    id: int
    name: str
    description: str
    author: str
    editable: bool
    updated_at: dt.datetime
    scenario: model.Scenario


def _csrf(request: Request, x_csrf_token: str | None = Header(default=None)) -> None:
    check_csrf(request.session, x_csrf_token)


def _city(view: model.CityView) -> CityOut:
    return CityOut(
        municipality=view.municipality, scenario=view.scenario, start_year=view.start_year,
        series=[SeriesOut(key=s.key, unit=s.unit, status=s.status.value, source=s.source,
                          years=list(s.years), values=list(s.values))
                for s in view.series.values()],
        missing=view.missing,
    )


def _out(user: User, scenario: Scenario) -> ScenarioOut:
    return ScenarioOut(
        id=scenario.id, name=scenario.name, description=scenario.description,
        author=scenario.author.username, editable=store.can_edit(user, scenario),
        updated_at=scenario.updated_at, scenario=store.scenario_of(scenario),
    )


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness: always ``{"status": "ok"}`` while the app runs."""
    return {"status": "ok"}


@router.post("/session", responses={401: {"description": "Wrong username or password"},
                                    429: {"description": "Too many failures; see Retry-After"}})
def open_session(credentials: Credentials, request: Request,
                 db: Session = Depends(get_db)) -> SessionOut:
    """Sign in; the session cookie is set and the CSRF token returned. Throttled per account
    name and client address (429 with Retry-After while locked)."""
    try:
        user = authenticate_throttled(db, settings(request).secret_key, credentials.username,
                                      credentials.password,
                                      request.client.host if request.client else None)
    except ThrottledError as err:
        raise HTTPException(err.http_status, detail={**err.as_detail(),
                                                     "retry_after": err.retry_after()},
                            headers=err.headers()) from None
    if user is None:
        raise NotSignedInError("wrong username or password", fix="check them and try again",
                               where=ErrorLocation(field="username"))
    sign_in(request.session, user)
    return SessionOut(username=user.username, role=user.role, csrf_token=request.session["csrf"])


@router.delete("/session", status_code=204, responses=ERRORS)
def close_session(request: Request, user: User = Depends(api_user),
                  _: None = Depends(_csrf)) -> Response:
    """Sign out."""
    sign_out(request.session)
    return Response(status_code=204)


@router.get("/me", responses=ERRORS)
def me(request: Request, user: User = Depends(api_user)) -> SessionOut:
    """The signed-in user."""
    return SessionOut(username=user.username, role=user.role,
                      csrf_token=request.session.get("csrf", ""))


@router.get("/overview", responses=ERRORS)
def overview(request: Request, user: User = Depends(api_user)) -> CityOut:
    """The baseline: every series with status and source, and what is not available."""
    return _city(model.baseline(settings(request).municipality))


@router.get("/scenarios", responses=ERRORS)
def list_scenarios(user: User = Depends(api_user), db: Session = Depends(get_db)
                   ) -> list[ScenarioOut]:
    """Scenarios the user may read."""
    return [_out(user, s) for s in store.visible_scenarios(db, user)]


@router.post("/scenarios", status_code=201, responses=ERRORS)
def create_scenario(draft: model.Scenario, user: User = Depends(api_user),
                    db: Session = Depends(get_db), _: None = Depends(_csrf)) -> ScenarioOut:
    """Store a new scenario (admin, analyst)."""
    require_writer(user)
    return _out(user, store.save(db, user, draft))


@router.get("/scenarios/{scenario_id}", responses=ERRORS | {404: {"description": "Not found"}})
def get_scenario(scenario_id: int, user: User = Depends(api_user),
                 db: Session = Depends(get_db)) -> ScenarioOut:
    """One scenario."""
    return _out(user, store.readable(db, user, scenario_id))


@router.put("/scenarios/{scenario_id}", responses=ERRORS | {404: {"description": "Not found"}})
def replace_scenario(scenario_id: int, draft: model.Scenario,
                     user: User = Depends(api_user), db: Session = Depends(get_db),
                     _: None = Depends(_csrf)) -> ScenarioOut:
    """Replace a scenario's overrides (author or admin)."""
    scenario = store.editable(db, user, scenario_id)
    return _out(user, store.save(db, user, draft, scenario))


@router.delete("/scenarios/{scenario_id}", status_code=204,
               responses=ERRORS | {404: {"description": "Not found"}})
def delete_scenario(scenario_id: int, user: User = Depends(api_user),
                    db: Session = Depends(get_db), _: None = Depends(_csrf)) -> Response:
    """Delete a scenario (author or admin)."""
    scenario = store.editable(db, user, scenario_id)
    db.delete(scenario)
    db.commit()
    return Response(status_code=204)


@router.get("/scenarios/{scenario_id}/result",
            responses=ERRORS | {404: {"description": "Not found"}})
def scenario_result(scenario_id: int, user: User = Depends(api_user),
                    db: Session = Depends(get_db)) -> CityOut:
    """Run the scenario (cached) and return its view of the city."""
    return _city(model.run_scenario(store.scenario_of(store.readable(db, user, scenario_id))))


class DifferenceOut(BaseModel):
    """One series in one year: ``a``, ``b`` and ``b - a`` (None where a side is missing)."""

    key: str
    year: int
    a: float | None
    b: float | None
    delta: float | None
    differs: bool


def _side(request: Request, db: Session, user: User, ref: str) -> model.CityView:
    if ref == "baseline":
        return model.baseline(settings(request).municipality)
    if not ref.isdecimal():
        raise InputError(f"'{ref}' is not a scenario", fix="use 'baseline' or a scenario id",
                         where=ErrorLocation(field="a/b"))
    return model.run_scenario(store.scenario_of(store.readable(db, user, int(ref))))


@router.get("/compare", responses=ERRORS | {404: {"description": "Not found"}})
def compare(request: Request, a: str = "baseline", b: str = "baseline",
            only_differences: bool = False, user: User = Depends(api_user),
            db: Session = Depends(get_db)) -> list[DifferenceOut]:
    """Two scenarios (ids, or ``baseline``) series by series and year by year: ``b - a``."""
    diffs = model.compare(_side(request, db, user, a), _side(request, db, user, b))
    return [DifferenceOut(key=d.key, year=d.year, a=d.a, b=d.b, delta=d.delta,
                          differs=d.differs)
            for d in diffs if d.differs or not only_differences]


# --------------------------------------------------------------------------------------------
# Background jobs: stochastic fans (the Usikkerhed page's runs) and their state.
# --------------------------------------------------------------------------------------------


class UncertaintyIn(BaseModel):
    """A stochastic run: paths, seed, band (% of paths inside) and an optional scenario base."""

    paths: int = Field(default=500, ge=100, le=5000)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    band: Literal[50, 80, 90] = 80
    scenario_id: int | None = Field(default=None, ge=1)


class JobOut(BaseModel):
    """A background job's state; ``progress`` runs from 0 to 1."""

    id: int
    kind: str
    title: str
    state: str
    progress: float
    stage: str
    error: str | None
    scenario_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class FanOut(BaseModel):
    """One quantity's percentiles per year: ``lower``, ``median``, ``upper``."""

    name: str
    years: list[int]
    lower: list[float]
    median: list[float]
    upper: list[float]


class UncertaintyOut(BaseModel):
    """A finished run: fans (population: persons; users; budget: mio. DKK) and, per budget
    year, the share of paths breaking each rule. All are estimates."""

    job_id: int
    municipality: str
    paths: int
    seed: int
    band: int
    percentiles: list[float]
    status: str
    scenario_id: int | None
    not_applied: list[str]
    population: list[FanOut]
    users: list[FanOut]
    budget: list[FanOut]
    budget_years: list[int]
    breach_probability: dict[str, list[float]]
    liquidity_below_zero: list[float]


def _job_out(job: Job) -> JobOut:
    def when(value: float | None) -> dt.datetime | None:
        return dt.datetime.fromtimestamp(value, dt.UTC) if value is not None else None

    return JobOut(id=job.id, kind=job.kind, title=job.title, state=job.state.value,
                  progress=job.progress, stage=job.stage, error=job.error,
                  scenario_id=job.scenario_id, created_at=when(job.created) or dt.datetime.now(
                      dt.UTC), started_at=when(job.started), finished_at=when(job.finished_at))


def _readable_job(request: Request, db: Session, user: User, job_id: int) -> Job:
    found = uncertainty.registry(request.app).get(job_id)  # get_row: any id, never a 500
    if found is None:
        raise store.NotFoundError(f"there is no job {job_id}", fix="start the run again",
                                  where=ErrorLocation(field="job_id"))
    return uncertainty.readable_job(db, user, found)


JOB_ERRORS = ERRORS | {404: {"description": "Not found"}}


@router.post("/uncertainty", status_code=202, responses=JOB_ERRORS)
def start_uncertainty(run: UncertaintyIn, request: Request, user: User = Depends(api_user),
                      db: Session = Depends(get_db), _: None = Depends(_csrf)) -> JobOut:
    """Start a stochastic run (admin, analyst), or find the same one; answers at once. Poll
    ``GET /api/jobs/{id}``, then fetch ``GET /api/uncertainty/{id}``."""
    require_writer(user)
    code = data.municipality(settings(request).municipality).code
    job = uncertainty.start_run(db, user, uncertainty.registry(request.app), code, run.paths,
                                run.seed, run.band, run.scenario_id)
    return _job_out(job)


@router.get("/jobs/{job_id}", responses=JOB_ERRORS)
def get_job(job_id: int, request: Request, user: User = Depends(api_user),
            db: Session = Depends(get_db)) -> JobOut:
    """A background job's state and progress (any web worker answers)."""
    return _job_out(_readable_job(request, db, user, job_id))


@router.get("/uncertainty/{job_id}",
            responses=JOB_ERRORS | {409: {"description": "The run has not finished"}})
def uncertainty_result(job_id: int, request: Request, user: User = Depends(api_user),
                       db: Session = Depends(get_db)) -> UncertaintyOut:
    """A finished run's percentiles and rule breach probabilities."""
    job = _readable_job(request, db, user, job_id)
    if job.kind != uncertainty.KIND:
        raise store.NotFoundError(f"job {job_id} is not a stochastic run",
                                  fix="use GET /api/jobs/{id} for its state",
                                  where=ErrorLocation(field="job_id"))
    if job.state.value != "done" or not job.result:
        raise JobNotFinishedError(
            f"run {job_id} is {job.state.value}" + (f": {job.error}" if job.error else ""),
            fix="poll GET /api/jobs/{id} until its state is done"
            if not job.state.finished else "start the run again",
            where=ErrorLocation(field="job_id"))
    r = uncertainty.fan_result(job.result)

    def fans_out(items: tuple[uncertainty.Fan, ...]) -> list[FanOut]:
        return [FanOut(name=f.name, years=list(f.years), lower=list(f.values[0]),
                       median=list(f.values[1]), upper=list(f.values[2])) for f in items]

    return UncertaintyOut(
        job_id=job.id, municipality=r.municipality, paths=r.paths, seed=r.seed, band=r.band,
        percentiles=list(uncertainty.percentiles_of(r.band)), status=Status.ESTIMATE.value,
        scenario_id=r.scenario_id,
        not_applied=list(uncertainty.NOT_APPLIED) if r.scenario_id else [],
        population=fans_out(r.population), users=fans_out(r.users), budget=fans_out(r.budget),
        budget_years=list(r.budget_years),
        breach_probability={k: list(v) for k, v in r.breach.items()},
        liquidity_below_zero=list(r.liquidity_below_zero),
    )


class JobNotFinishedError(InputError):
    """A result asked for before its job has finished."""

    http_status = 409


__all__ = ["CSRF_HEADER", "router"]
