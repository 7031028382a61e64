"""A fan run on a scenario is keyed by the scenario's years: the same scenario with another end
year is another run, the key names the years, the baseline's key is as before, and a scenario
whose end leaves no year to project is refused beside the scenario field, before anything is
queued."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import signed_in

from byibalance import data
from byibalance.web.app import JOB_RUNNERS
from byibalance.web.jobs import JobQueue
from byibalance.web.routes import uncertainty


def _scenario(c, token: str, **fields: object) -> int:  # type: ignore[no-untyped-def]
    answer = c.post(
        "/api/scenarios",
        json={"name": "Kort horisont", "population": {"fertility": {"multiplier": 1.1}}} | fields,
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code in (200, 201), answer.text
    return int(answer.json()["id"])


def _start(c, token: str, scenario: str = ""):  # type: ignore[no-untyped-def]
    return c.post(
        "/uncertainty",
        data={"csrf_token": token, "paths": "100", "seed": "3", "band": "80", "scenario": scenario},
    )


def _job_id(answer) -> int:  # type: ignore[no-untyped-def]
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def test_another_end_year_is_another_run_and_the_key_names_the_years(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app.state.jobs.shutdown()
    app.state.jobs = JobQueue(
        app.state.sessionmaker, JOB_RUNNERS, tmp_path, processes=False, poll=0.05
    )  # not started: the runs stay queued
    c, token = signed_in(app, "analyst")
    sid = _scenario(c, token, end=2035)
    first = _job_id(_start(c, token, str(sid)))
    assert _job_id(_start(c, token, str(sid))) == first  # the same scenario: the same run
    queue = uncertainty.registry(app)
    job = queue.get(first)
    assert job is not None
    assert f":years=2024-2035:scenario={sid}:" in job.key
    assert job.params["scenario"]["end"] == 2035
    # the same content apart from the end year
    other = _scenario(c, token, end=2040)
    longer = queue.get(_job_id(_start(c, token, str(other))))
    assert longer is not None and longer.id != first
    assert f":years=2024-2040:scenario={other}:" in longer.key
    later = _scenario(c, token, start=2026, end=2035)
    assert ":years=2026-2035:" in queue.get(_job_id(_start(c, token, str(later)))).key  # type: ignore[union-attr]
    # the baseline's key is the one it had, so its finished runs are still found
    base = queue.get(_job_id(_start(c, token)))
    assert base is not None
    assert (
        base.key == f"{data.municipality('165').code}:100:3:80:data={data.active_snapshot_name()}"
    )


def test_an_end_before_the_first_year_is_named_beside_the_scenario(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app.state.jobs.shutdown()
    app.state.jobs = JobQueue(
        app.state.sessionmaker, JOB_RUNNERS, tmp_path, processes=False, poll=0.05
    )
    c, token = signed_in(app, "analyst")
    # the English page (the Danish texts: tests/web/test_error_language_pages.py)
    c.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    sid = _scenario(c, token, end=2023)
    answer = _start(c, token, str(sid))
    assert answer.status_code == 422
    assert 'id="err-scenario"' in answer.text
    assert "would start in 2024, not before the scenario&#39;s end 2023" in answer.text
    assert "Choose an end year after 2024 in the scenario" in answer.text
    assert uncertainty.registry(app).jobs() == []
    api = c.post(
        "/api/uncertainty",
        json={"paths": 100, "scenario_id": sid},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 400
    detail = api.json()["detail"]
    assert detail["field"] == "end" and detail["year"] == 2023
    assert uncertainty.registry(app).jobs() == []
