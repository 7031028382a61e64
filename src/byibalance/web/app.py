"""The application factory: ``create_app(settings)`` returns the FastAPI app, ready to serve.

On start-up the database is migrated to the newest schema (Alembic). Errors that byibalance raises
on purpose become a page with the message (or a JSON ``detail`` under ``/api/``), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from byibalance import __version__
from byibalance.errors import ByibalanceError
from byibalance.messages import Note
from byibalance.web import deps
from byibalance.web.db import make_engine, make_sessionmaker, migrate
from byibalance.web.i18n import request_problems
from byibalance.web.jobs import JobQueue
from byibalance.web.participation import routes as participation
from byibalance.web.routes import (
    ambitions,
    api,
    auth,
    climate,
    data,
    economy,
    overview,
    population,
    region,
    scenarios,
    sustainability,
    uncertainty,
    users,
)
from byibalance.web.settings import Settings, load_settings

log = logging.getLogger(__name__)

SESSION_COOKIE = "byibalance_session"

#: The background jobs' kinds and their runners (see byibalance.web.jobs).
JOB_RUNNERS = {
    "fans": "byibalance.web.routes.uncertainty:run_fans",
    "report": "byibalance.web.routes.region:run_report",
    "data_update": "byibalance.web.routes.data:run_update",
}


def plotly_js_path() -> Path:
    """Plotly's own minified bundle inside the installed ``plotly`` package (no CDN)."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(settings: Settings | None = None, *, migrate_db: bool = True) -> FastAPI:
    """Build the web app for ``settings`` (default: from the environment)."""
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    if migrate_db:
        migrate(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.jobs.start()  # run queued jobs (also those queued before a restart)
        yield
        app.state.jobs.shutdown()  # hand a running job back to the queue

    app = FastAPI(
        lifespan=lifespan,
        title="byibalance",
        version=__version__,
        description="By i balance: the city in balance. JSON API of the dashboard and the "
        "scenario workbench. Sign in with POST /api/session; writes need the X-CSRF-Token header.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    # background jobs in the database: this worker runs queued ones (also those queued before a
    # restart or by another worker) from start-up, and hands its running one back on shutdown
    app.state.jobs = JobQueue(app.state.sessionmaker, JOB_RUNNERS, settings.jobs_dir,
                              retention=dt.timedelta(days=settings.job_retention_days))
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.https_only,
    )
    static = resources.files("byibalance.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/static-vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(
            plotly_js_path(), media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.exception_handler(deps.LoginRequiredError)
    async def _login(request: Request, exc: deps.LoginRequiredError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.as_detail()}, status_code=401)
        return RedirectResponse(deps.login_url(request), status_code=303)

    @app.exception_handler(ByibalanceError)
    async def _domain_error(request: Request, exc: ByibalanceError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.as_detail()}, status_code=exc.http_status)
        return deps.render(request, "error.html", {"error": exc}, status_code=exc.http_status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) or exc.status_code == 405:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        # a catalogue message reads in the page's language, any other text as it is
        context = {"error": exc.detail} if isinstance(exc.detail, Note) else {"message": exc.detail}
        return deps.render(request, "error.html", context, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors()
        ]
        if _is_api(request):
            return JSONResponse({"detail": detail}, status_code=422)
        # the same text as the API's, in the page's language where the catalogue has it
        error = request_problems(exc.errors())
        return deps.render(request, "error.html", {"error": error}, status_code=422)

    for module in (auth, overview, population, economy, ambitions, scenarios, users, api,
                   region, uncertainty, sustainability, climate, data):
        app.include_router(module.router)
    app.include_router(participation.router)
    app.include_router(participation.api_router)
    return app
