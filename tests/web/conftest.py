"""Fixtures of the web tests: an app on a fresh SQLite file, and on PostgreSQL when available.

PostgreSQL runs when ``BYIBALANCE_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it); each test
gets its own schema, dropped afterwards, so parallel runs never collide.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from byibalance.web.accounts import add_user
from byibalance.web.app import create_app
from byibalance.web.db import Scenario, User
from byibalance.web.settings import Settings

PASSWORD = "correct horse battery"
SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'web.sqlite3'}"
        return
    base = os.environ.get("BYIBALANCE_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("BYIBALANCE_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as err:  # the server is down: say so rather than fail obscurely
        admin.dispose()
        pytest.skip(f"PostgreSQL at BYIBALANCE_TEST_POSTGRES_URL is not reachable: {err}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=db_url, secret_key=SECRET, data_dir=tmp_path)


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    app = create_app(settings)
    with app.state.sessionmaker() as db:
        add_user(db, "admin", PASSWORD, "admin", "Ada Admin")
        # argon2 is slow on purpose; the other accounts reuse the admin's (valid) hash.
        hashed = db.scalar(select(User.password_hash))
        for name, role, full in (
            ("analyst", "analyst", "Ane Analytiker"),
            ("analyst2", "analyst", ""),
            ("viewer", "viewer", "Viggo Byrådsmedlem"),
        ):
            db.add(User(username=name, role=role, full_name=full, password_hash=hashed))
        db.commit()
    yield app
    app.state.jobs.shutdown()  # its background job runner, if a test started one
    app.state.engine.dispose()


@pytest.fixture
def analyst_scenario(app) -> int:  # type: ignore[no-untyped-def]
    """The id of a stored scenario "Notat" (no overrides) that the analyst wrote."""
    with app.state.sessionmaker() as db:
        author = db.scalar(select(User).where(User.username == "analyst"))
        assert author is not None
        scenario = Scenario(name="Notat", overrides_yaml="name: Notat\n", author_id=author.id)
        db.add(scenario)
        db.commit()
        return scenario.id


def new_client(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def client(app) -> TestClient:  # type: ignore[no-untyped-def]
    return new_client(app)


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: TestClient, username: str) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    token = csrf_of(page.text)
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/scenarios").text)


def signed_in(app, username: str) -> tuple[TestClient, str]:  # type: ignore[no-untyped-def]
    c = new_client(app)
    return c, login(c, username)
