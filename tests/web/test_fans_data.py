"""A fan run belongs to the data it was computed on: after ``byibalance data use`` switches the
snapshot, the same form starts a new run instead of serving the old fans, the result names the
data, and the Population and Economy pages show only a run on the data in use."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.conftest import signed_in
from tests.web.test_fans_pages import GATE, known_fans

from byibalance import data
from byibalance.web.app import JOB_RUNNERS
from byibalance.web.jobs import JobQueue
from byibalance.web.routes import uncertainty


def _start(c, token: str) -> int:  # type: ignore[no-untyped-def]
    answer = c.post(
        "/uncertainty",
        data={"csrf_token": token, "paths": "100", "seed": "2", "band": "80", "scenario": ""},
    )
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def test_two_snapshots_give_two_runs(app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    app.state.jobs.shutdown()
    app.state.jobs = JobQueue(
        app.state.sessionmaker, JOB_RUNNERS, tmp_path, processes=False, poll=0.05
    )  # not started: the runs stay queued
    c, token = signed_in(app, "analyst")
    monkeypatch.setattr(data, "active_snapshot_name", lambda: "2026-11-01T000000")
    first = _start(c, token)
    assert _start(c, token) == first  # the same data: the same run
    monkeypatch.setattr(data, "active_snapshot_name", lambda: "2026-11-29T051500")
    second = _start(c, token)
    assert second != first
    queue = uncertainty.registry(app)
    old, new = queue.get(first), queue.get(second)
    assert old is not None and new is not None
    assert old.params["data"] == "2026-11-01T000000"
    assert new.params["data"] == "2026-11-29T051500"
    assert ":data=2026-11-29T051500" in new.key
    monkeypatch.setattr(data, "active_snapshot_name", lambda: "2026-11-01T000000")
    assert _start(c, token) == first  # switching back finds the earlier run again


@pytest.fixture
def jobs(app, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    GATE.clear()
    monkeypatch.setattr(uncertainty, "compute_fans", known_fans)
    app.state.jobs.shutdown()
    app.state.jobs = JobQueue(
        app.state.sessionmaker, JOB_RUNNERS, tmp_path / "jobs", processes=False, poll=0.05
    )
    app.state.jobs.start()
    yield app.state.jobs
    GATE.set()
    app.state.jobs.shutdown()


def test_the_result_names_its_data_and_pages_skip_other_data(app, jobs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(data, "active_snapshot_name", lambda: "2026-11-01T000000")
    c, token = signed_in(app, "analyst")
    job_id = _start(c, token)
    GATE.set()
    assert jobs.wait(job_id).result
    assert "Datagrundlag: 2026-11-01T000000." in c.get(f"/uncertainty/jobs/{job_id}").text
    with_run = c.get("/population").text
    monkeypatch.setattr(data, "active_snapshot_name", lambda: "2026-11-29T051500")
    without = c.get("/population").text
    assert 'action="/uncertainty/section/population"' not in with_run
    assert 'action="/uncertainty/section/population"' in without  # the old run is not shown
