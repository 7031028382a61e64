"""Start the real server (uvicorn, a free localhost port, a fresh SQLite file) and Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from byibalance.web.accounts import add_user
from byibalance.web.db import make_engine, make_sessionmaker, migrate

PASSWORD = "correct horse battery"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


BACKENDS: dict[str, str] = {}  # server address -> database backend, for artefact names


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database(kind: str, folder: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a fresh schema on the test PostgreSQL server."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'e2e.sqlite3'}"
        return
    base = os.environ.get("BYIBALANCE_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("BYIBALANCE_TEST_POSTGRES_URL is not set")
    schema = f"e2e_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def wait_until_up(base: str, seconds: float) -> None:
    """Wait until the server at ``base`` answers its health check, or fail the test."""
    for _ in range(int(seconds * 10)):
        try:
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail(f"the server did not start within {seconds:g} s")


@pytest.fixture(scope="session",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``byibalance serve`` on a free port, as a user starts it; yields its address."""
    folder = tmp_path_factory.mktemp(f"e2e-{request.param}")
    databases = _database(request.param, folder)
    url = next(databases)
    engine = make_engine(url)
    migrate(engine)
    with make_sessionmaker(engine)() as db:
        add_user(db, "analyst", PASSWORD, "analyst")
        add_user(db, "viewer", PASSWORD, "viewer")
        add_user(db, "admin", PASSWORD, "admin")  # the admin-only forms of the Data page
    engine.dispose()
    port = _free_port()
    env = os.environ | {"BYIBALANCE_DATABASE_URL": url, "XDG_DATA_HOME": str(folder),
                        "BYIBALANCE_SECRET_KEY": "e" * 40}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from byibalance.cli import main; main()",
         "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    BACKENDS[base] = request.param
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip() == f"byibalance: open {base}/ in your browser (Ctrl+C stops)"
        wait_until_up(base, seconds=10)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
        for _ in databases:
            pass


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    playwright = pytest.importorskip("playwright.sync_api")
    executable = os.environ.get("BYIBALANCE_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.skip(f"no Chromium at {executable}; set BYIBALANCE_CHROMIUM")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, accept_downloads=True, locale="da-DK")
    # Nothing may come from the network except our own server.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
                  else route.abort())
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def backend(server: str) -> str:
    """The database backend of the running server (for artefact names)."""
    return BACKENDS[server]


@pytest.fixture
def shot(backend: str):  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under test-artifacts/<backend>-<name>.png."""

    def take(page, name: str) -> None:  # type: ignore[no-untyped-def]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{backend}-{name}.png"), full_page=True)

    return take
