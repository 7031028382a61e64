"""The capital-region web page: signed-in users see the 29 with their municipality highlighted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from byibalance.scenario import Scenario
from byibalance.web import store
from byibalance.web.accounts import add_user
from byibalance.web.app import create_app
from byibalance.web.db import User
from byibalance.web.settings import Settings

SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", secret_key=SECRET,
                        data_dir=tmp_path)  # fmt: skip
    app = create_app(settings)
    with app.state.sessionmaker() as db:
        add_user(db, "viewer", "correct horse battery", "analyst", "Viggo")
        author = db.scalar(select(User))
        assert author is not None
        store.save(
            db, author, Scenario(name="skat 2028", finance={"income_tax_rate": {2028: 26.1}})
        )
    c = TestClient(app, follow_redirects=False)
    page = c.get("/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    answer = c.post("/login", data={"username": "viewer", "password": "correct horse battery",
                                    "csrf_token": token, "next": "/"})  # fmt: skip
    assert answer.status_code == 303
    return c


def test_region_page_lists_the_29_and_highlights(client: TestClient) -> None:
    page = client.get("/region?metric=old_ratio")
    assert page.status_code == 200
    text = page.text
    assert text.count('<th scope="row">') == 29
    assert 'class="highlight" aria-current="true"><th scope="row"><strong>Albertslund' in text
    assert "<svg" in text and "Ældre 65+" in text
    assert 'href="/region"' in text


def test_region_page_unknown_metric_falls_back_and_needs_login(client: TestClient,
                                                               tmp_path: Path) -> None:  # fmt: skip
    assert client.get("/region?metric=nonsense").status_code == 200
    anonymous = TestClient(client.app, follow_redirects=False)
    assert anonymous.get("/region").status_code in (302, 303, 401)


@pytest.mark.slow
def test_scenario_report_button_downloads_the_pdf(client: TestClient) -> None:
    page = client.get("/scenarios/1")
    assert page.status_code == 200 and 'href="/scenarios/1/report"' in page.text
    # the report is a background job: the PDF is served once it is made
    assert client.get("/scenarios/1/report.pdf").status_code == 303
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert client.post("/scenarios/1/report", data={"csrf_token": token}).status_code == 303
    jobs = client.app.state.jobs  # type: ignore[attr-defined]
    jobs.start()  # as the app's start-up does
    jobs.wait(jobs.jobs("report")[0].id, timeout=180)
    pdf = client.get("/scenarios/1/report.pdf")
    assert pdf.status_code == 200, pdf.text[:300]
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/scenarios/999/report.pdf").status_code == 404


def test_sustainability_page_four_dimensions_missing_shown(client: TestClient) -> None:
    page = client.get("/sustainability")
    assert page.status_code == 200
    for title in ("Socialt", "Økonomisk", "Klima", "Miljø"):
        assert f">{title}</h2>" in page.text
    assert 'class="missing">mangler' in page.text
    assert 'href="/sustainability"' in page.text
