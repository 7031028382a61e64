"""Fixtures of the participation tests: the web app on SQLite and (when set) on PostgreSQL, a
citizens' budget in its voting phase with projects and voting codes, and signed-in staff."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from byibalance.web.accounts import add_user
from byibalance.web.app import create_app
from byibalance.web.db import User
from byibalance.web.participation import service
from byibalance.web.participation.models import Phase
from byibalance.web.settings import Settings

PASSWORD = "correct horse battery"
SECRET = "participation-test-secret-0123456789-abcdefghijklmnop"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def postgres_schema_url() -> tuple[str, str, str] | None:
    """(base url, schema, url with search_path) for a fresh schema, or None without PostgreSQL."""
    base = os.environ.get("BYIBALANCE_TEST_POSTGRES_URL")
    if not base:
        return None
    schema = f"pp_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception:  # the server is down
        return None
    finally:
        admin.dispose()
    sep = "&" if "?" in base else "?"
    return base, schema, f"{base}{sep}options=-csearch_path%3D{schema}"


def drop_schema(base: str, schema: str) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pp.sqlite3'}"
        return
    made = postgres_schema_url()
    if made is None:
        pytest.skip("PostgreSQL at BYIBALANCE_TEST_POSTGRES_URL is not set or not reachable")
    base, schema, url = made
    yield url
    drop_schema(base, schema)


@pytest.fixture
def app(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app(Settings(database_url=db_url, secret_key=SECRET, data_dir=tmp_path))
    yield app
    app.state.engine.dispose()


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def client_of(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, follow_redirects=False)


def staff(app, username: str) -> tuple[TestClient, str]:  # type: ignore[no-untyped-def]
    with app.state.sessionmaker() as db:
        if db.scalar(select(User).where(User.username == username)) is None:
            add_user(db, username, PASSWORD, username)
    c = client_of(app)
    token = csrf_of(c.get("/login").text)
    answer = c.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": token, "next": "/"})
    assert answer.status_code == 303, answer.text
    return c, csrf_of(c.get("/participation").text)


def citizen(app) -> tuple[TestClient, str]:  # type: ignore[no-untyped-def]
    c = client_of(app)
    return c, csrf_of(c.get("/deltag").text)


@dataclass
class Voting:
    """A citizens' budget in its voting phase."""

    pid: int
    codes: list[str]


def open_voting(app, *, ballot_type: str = "knapsack", budget: int = 1000,  # type: ignore[no-untyped-def]
                max_length: int | None = None, codes: int = 5, rule: str = "mes",
                costs: tuple[int, ...] = (400, 300, 500, 200), max_points: int | None = None,
                expires_at: dt.datetime | None = None) -> Voting:
    """A budget with projects a..d (``costs``), voting open for a day, and ``codes`` codes."""
    with app.state.sessionmaker() as db:
        process = service.create_budget(db, title="Borgerbudget 2027", description="",
                                        budget=budget, ballot_type=ballot_type,
                                        max_length=max_length, rule=rule, max_points=max_points,
                                        voting_closes=service.now_utc() + dt.timedelta(days=1))
        for code, cost in zip("abcdefgh", costs, strict=False):
            service.add_project(db, process, code=code, title=f"Projekt {code}", cost=cost,
                                ambition_id="groen" if code == "a" else None)
        process.phase = Phase.VOTING.value
        db.commit()
        issued = service.generate_codes(db, process, codes, SECRET, expires_at)
        return Voting(process.id, issued)
