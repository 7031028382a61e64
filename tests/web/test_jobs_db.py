"""Background jobs in the database: two app instances (two web workers) on one database share
the jobs; a job whose worker died is failed; dedup by key; roles; the council report as a job;
the migration up and down. On SQLite and on PostgreSQL (``BYIBALANCE_TEST_POSTGRES_URL``)."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, update
from tests.web.conftest import new_client, signed_in

from byibalance.web import app as app_module
from byibalance.web.app import JOB_RUNNERS, create_app
from byibalance.web.db import JobRow, Scenario, User, downgrade, make_engine, migrate
from byibalance.web.jobs import JobQueue, JobState, Progress
from byibalance.web.routes import uncertainty

GATE = threading.Event()
RUNNERS = JOB_RUNNERS | {
    "test": "tests.web.test_jobs_db:gated",
    "sleep": "tests.web.test_jobs_db:sleeps",
    "pid": "tests.web.test_jobs_db:child_pid",
}
TAX_26 = "name: Skat op\nfinance:\n  income_tax_rate: 26.0\n"


def gated(params: dict[str, Any], progress: Progress, files: Path) -> dict[str, Any]:
    """Waits until the file ``go`` exists in ``files`` (the runner may be imported afresh by
    name, so a gate of this module's objects would not be shared)."""
    progress(0.25, "waiting")
    deadline = time.monotonic() + 20
    while not (files / "go").exists():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return {"double": 2 * params["n"]}


def sleeps(params: dict[str, Any], progress: Progress, files: Path) -> None:
    progress(0.5, "sleeping")
    time.sleep(60)


def child_pid(params: dict[str, Any], progress: Progress, files: Path) -> dict[str, Any]:
    progress(0.5, "child")
    (files / "pid.txt").write_text(str(os.getpid()))
    return {"pid": os.getpid()}


def small_fans(
    code: str, paths: int, seed: int, progress: Progress, band: int = 80, scenario: object = None
) -> uncertainty.FanResult:
    """A stand-in run with known numbers: it waits for GATE after 40 %."""
    progress(0.4, "population paths")
    assert GATE.wait(20)
    fan = uncertainty.Fan("total", (2025, 2026), ((1.0, 2.0), (2.0, 3.0), (3.0, 5.0)))
    return uncertainty.FanResult(
        code,
        paths,
        seed,
        band,
        (fan,),
        (),
        (fan,),
        (2025, 2026),
        {"kassekreditreglen": (0.0, 0.25)},
        (0.1, 0.5),
    )


def queue(app, tmp_path: Path, **kw: Any) -> JobQueue:  # type: ignore[no-untyped-def]
    """Replace the app's queue by one in threads (stand-ins of this process run in it); the
    fixture ``app`` shuts it down after the test."""
    app.state.jobs.shutdown()
    options = {"processes": False, "poll": 0.05, "heartbeat": 0.05} | kw
    app.state.jobs = JobQueue(app.state.sessionmaker, RUNNERS, tmp_path / "jobs", **options)
    return app.state.jobs


def running(app, tmp_path: Path, **kw: Any) -> JobQueue:  # type: ignore[no-untyped-def]
    """:func:`queue` with its runner started (as the app's start-up does)."""
    jobs = queue(app, tmp_path, **kw)
    jobs.start()
    return jobs


def wait_for(check, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out")


@pytest.fixture(autouse=True)
def _gate() -> None:
    GATE.clear()


def test_a_job_submitted_on_one_worker_runs_on_the_other(
    app, settings, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(uncertainty, "compute_fans", small_fans)
    other = create_app(settings)  # a second web worker on the same database
    try:
        front = queue(app, tmp_path, run=False)  # only submits and reads
        back = queue(other, tmp_path)
        a, token = signed_in(app, "analyst")
        answer = a.post(
            "/api/uncertainty",
            json={"paths": 300, "seed": 3, "band": 50},
            headers={"X-CSRF-Token": token},
        )
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["id"]
        time.sleep(0.3)
        assert a.get(f"/api/jobs/{job_id}").json()["state"] == "queued"  # nobody runs it here
        b, _ = signed_in(other, "viewer")
        assert b.get(f"/api/jobs/{job_id}").json()["state"] == "queued"
        back.start()
        seen = wait_for(lambda: (j := a.get(f"/api/jobs/{job_id}").json())["progress"] >= 0.4 and j)
        assert seen["state"] == "running" and seen["stage"] == "population paths"
        with other.state.sessionmaker() as db:
            assert db.get(JobRow, job_id).worker_id == back.worker_id  # type: ignore[union-attr]
        assert a.get(f"/api/uncertainty/{job_id}").status_code == 409
        GATE.set()
        wait_for(lambda: a.get(f"/api/jobs/{job_id}").json()["state"] == "done")
        assert front.get(job_id).progress == 1.0  # type: ignore[union-attr]
        result = b.get(f"/api/uncertainty/{job_id}").json()
        assert result["percentiles"] == [25.0, 50.0, 75.0] and result["status"] == "estimate"
        assert result["population"][0] == {
            "name": "total",
            "years": [2025, 2026],
            "lower": [1.0, 2.0],
            "median": [2.0, 3.0],
            "upper": [3.0, 5.0],
        }
        assert result["breach_probability"] == {"kassekreditreglen": [0.0, 0.25]}
        assert result["liquidity_below_zero"] == [0.1, 0.5]
        # the page on the first worker draws the run the second one computed
        page = a.get(f"/uncertainty/jobs/{job_id}")
        assert page.status_code == 200 and "hx-trigger" not in page.text
        assert page.text.count('class="chart"') == 2
    finally:
        other.state.jobs.shutdown()
        other.state.engine.dispose()


def test_same_key_is_one_job_across_workers(app, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = create_app(settings)
    try:
        one = queue(app, tmp_path, run=False)
        two = queue(other, tmp_path, run=False)
        ids: list[int] = []
        lock = threading.Lock()

        def submit(q: JobQueue) -> None:
            job = q.submit("test", "k", {"n": 1})
            with lock:
                ids.append(job.id)

        threads = [threading.Thread(target=submit, args=(q,)) for q in (one, two) * 4]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(ids)) == 1 and len(ids) == 8
        assert one.submit("test", "other", {"n": 1}).id != ids[0]
        assert one.submit("pid", "k", {}).id != ids[0]  # the key is unique per kind
        with app.state.sessionmaker() as db:
            assert db.scalar(select(func.count()).select_from(JobRow)) == 3
    finally:
        other.state.engine.dispose()


def test_a_job_of_a_dead_worker_is_failed_and_can_be_run_again(app, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dead = queue(app, tmp_path, run=False)
    job = dead.submit("test", "k", {"n": 21})
    assert dead._claim() is not None  # claimed, then the worker died: no more heartbeats
    fresh = dead.submit("test", "fresh", {"n": 1})
    assert dead._claim() is not None  # a live worker's job: heartbeat just now
    old = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=120)
    with app.state.sessionmaker() as db:
        db.execute(update(JobRow).where(JobRow.id == job.id).values(heartbeat_at=old))
        db.commit()
    other = create_app(settings)
    try:
        survivor = queue(other, tmp_path, stale_after=60.0)  # its runner would race us
        assert survivor.fail_stale() == 1
        failed = survivor.get(job.id)
        assert failed is not None and failed.state is JobState.FAILED
        assert failed.error is not None and failed.error.startswith(
            f"the server process running this job stopped (last sign of life {old:%Y-%m-%d %H:%M}"
        )
        assert failed.error.endswith("start it again")
        assert survivor.get(fresh.id).state is JobState.RUNNING  # type: ignore[union-attr]
        # the dead worker's late result never overwrites the failure
        dead._write(job.id, state="done", result="{}")
        assert survivor.get(job.id).state is JobState.FAILED  # type: ignore[union-attr]
        (tmp_path / "jobs").mkdir(exist_ok=True)
        (tmp_path / "jobs" / "go").touch()
        again = survivor.submit("test", "k", {"n": 21})  # the same form again: queued again
        assert again.id == job.id and again.state is JobState.QUEUED and again.error is None
        survivor.start()
        done = survivor.wait(job.id, timeout=20)
        assert done.state is JobState.DONE and done.result == {"double": 42}
    finally:
        other.state.jobs.shutdown()
        other.state.engine.dispose()


def test_a_queued_job_survives_a_restart(app, settings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = queue(app, tmp_path, run=False).submit("test", "r", {"n": 5})
    app.state.jobs.shutdown()  # the server stops before any worker ran the job
    monkeypatch.setattr(app_module, "JOB_RUNNERS", RUNNERS)
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "go").touch()
    restarted = create_app(settings)
    try:
        with TestClient(restarted):  # its start-up starts the runner, which finds the job
            done = restarted.state.jobs.wait(before.id, timeout=120)
        assert done.state is JobState.DONE, done.error
        assert done.result == {"double": 10}
    finally:
        restarted.state.engine.dispose()


def test_jobs_run_in_a_process_and_a_clean_stop_requeues(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    jobs = running(app, tmp_path, processes=True)
    job = jobs.wait(jobs.submit("pid", "p", {}).id, timeout=120)
    assert job.state is JobState.DONE, job.error
    assert job.result["pid"] != os.getpid() and job.stage == "child"
    assert (tmp_path / "jobs" / "pid.txt").read_text() == str(job.result["pid"])
    slow = jobs.submit("sleep", "s", {})
    wait_for(lambda: jobs.get(slow.id).progress == 0.5)  # type: ignore[union-attr]
    jobs.shutdown()
    back = jobs.get(slow.id)
    assert back is not None and back.state is JobState.QUEUED and back.progress == 0.0


def test_roles_and_ids_of_the_jobs_api(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    queue(app, tmp_path, run=False)
    anonymous = new_client(app)
    assert anonymous.post("/api/uncertainty", json={"paths": 100}).status_code == 401
    assert anonymous.get("/api/jobs/1").status_code == 401
    viewer, vtoken = signed_in(app, "viewer")
    assert (
        viewer.post(
            "/api/uncertainty", json={"paths": 100}, headers={"X-CSRF-Token": vtoken}
        ).status_code
        == 403
    )
    analyst, token = signed_in(app, "analyst")
    assert analyst.post("/api/uncertainty", json={"paths": 100}).status_code == 403  # no CSRF
    assert (
        analyst.post(
            "/api/uncertainty", json={"paths": 99}, headers={"X-CSRF-Token": token}
        ).status_code
        == 422
    )
    assert (
        analyst.post(
            "/api/uncertainty", json={"paths": 100, "band": 60}, headers={"X-CSRF-Token": token}
        ).status_code
        == 422
    )
    baseline = analyst.post(
        "/api/uncertainty", json={"paths": 100, "seed": 1}, headers={"X-CSRF-Token": token}
    ).json()
    assert viewer.get(f"/api/jobs/{baseline['id']}").json()["state"] == "queued"
    for bad in ("0", "99999", "2147483648", "99999999999999999999999"):
        answer = viewer.get(f"/api/jobs/{bad}")
        assert answer.status_code == 404, (bad, answer.text)
        assert viewer.get(f"/api/uncertainty/{bad}").status_code == 404
    # a run on a scenario: only those who may read the scenario see it
    with app.state.sessionmaker() as db:
        author = db.scalar(select(User).where(User.username == "analyst"))
        assert author is not None
        db.add(Scenario(name="Skat op", overrides_yaml=TAX_26, author_id=author.id))
        db.commit()
        sid = db.scalar(select(Scenario.id))
    on = analyst.post(
        "/api/uncertainty", json={"paths": 100, "scenario_id": sid}, headers={"X-CSRF-Token": token}
    )
    assert on.status_code == 202 and on.json()["scenario_id"] == sid
    other, otoken = signed_in(app, "analyst2")
    assert other.get(f"/api/jobs/{on.json()['id']}").status_code == 404
    assert other.get(f"/uncertainty/jobs/{on.json()['id']}").status_code == 404
    assert f"/uncertainty/jobs/{on.json()['id']}" not in other.get("/uncertainty").text
    assert (
        other.post(
            "/api/uncertainty",
            json={"paths": 100, "scenario_id": sid},
            headers={"X-CSRF-Token": otoken},
        ).status_code
        == 404
    )
    admin, _ = signed_in(app, "admin")
    assert admin.get(f"/api/jobs/{on.json()['id']}").status_code == 200


def test_a_scenario_run_is_keyed_by_its_content(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    jobs = queue(app, tmp_path, run=False)
    c, token = signed_in(app, "analyst")
    with app.state.sessionmaker() as db:
        author = db.scalar(select(User).where(User.username == "analyst"))
        db.add(Scenario(name="Skat op", overrides_yaml=TAX_26, author_id=author.id))  # type: ignore[union-attr]
        db.commit()
        sid = db.scalar(select(Scenario.id))

    def start(scenario: str) -> int:
        answer = c.post(
            "/uncertainty",
            data={
                "csrf_token": token,
                "paths": "100",
                "seed": "2",
                "band": "80",
                "scenario": scenario,
            },
        )
        assert answer.status_code == 303, answer.text
        return int(answer.headers["location"].rsplit("/", 1)[1])

    base, first = start(""), start(str(sid))
    assert base != first and start(str(sid)) == first
    job = jobs.get(first)
    assert job is not None and job.params["scenario"]["finance"]["income_tax_rate"] == 26.0
    assert job.key.endswith(f":scenario={sid}:{job.params['hash']}")
    with app.state.sessionmaker() as db:
        db.execute(update(Scenario).values(overrides_yaml=TAX_26.replace("26", "27")))
        db.commit()
    assert start(str(sid)) not in (base, first)  # changed content: a new run
    bad = c.post(
        "/uncertainty",
        data={
            "csrf_token": token,
            "paths": "100",
            "seed": "2",
            "band": "80",
            "scenario": "99999999999",
        },
    )
    assert bad.status_code == 422 and 'id="err-scenario"' in bad.text


def test_a_scenario_changes_the_budget_fans_not_the_population() -> None:
    base = uncertainty.run_fans(
        {"municipality": "165", "paths": 100, "seed": 4, "band": 80}, lambda f, s: None, Path(".")
    )
    draft = {"name": "Skat op", "municipality": "165", "finance": {"income_tax_rate": 27.0}}
    taxed = uncertainty.run_fans(
        {
            "municipality": "165",
            "paths": 100,
            "seed": 4,
            "band": 80,
            "scenario": draft,
            "scenario_id": 1,
            "scenario_name": "Skat op",
        },
        lambda f, s: None,
        Path("."),
    )
    assert taxed["population"] == base["population"]
    median = {r["name"]: r["values"][1] for r in base["budget"]}
    higher = {r["name"]: r["values"][1] for r in taxed["budget"]}
    # a higher tax rate (Albertslund levies 25.6 %) leaves more cash every year after the first
    assert all(
        h >= m
        for h, m in zip(
            higher["liquidity_average"][1:], median["liquidity_average"][1:], strict=True
        )
    )
    assert higher["liquidity_average"][-1] > median["liquidity_average"][-1]
    assert uncertainty.fan_result(taxed).scenario_name == "Skat op"


@pytest.mark.slow
def test_the_council_report_is_a_job_with_a_download(app, tmp_path, analyst_scenario) -> None:  # type: ignore[no-untyped-def]
    jobs = running(app, tmp_path)
    c, token = signed_in(app, "analyst")
    sid = analyst_scenario
    early = c.get(f"/scenarios/{sid}/report.pdf")
    assert early.status_code == 303 and early.headers["location"] == f"/scenarios/{sid}/report"
    page = c.get(f"/scenarios/{sid}/report")
    assert f'action="/scenarios/{sid}/report"' in page.text
    assert c.post(f"/scenarios/{sid}/report", data={}).status_code in (400, 403)  # no CSRF
    started = c.post(f"/scenarios/{sid}/report", data={"csrf_token": token})
    assert started.status_code == 303
    status = c.get(f"/scenarios/{sid}/report/status").text
    assert 'hx-trigger="every 1s"' in status or "report.pdf" in status
    job = jobs.find("report", f"{sid}:{jobs.jobs('report')[0].params['hash']}")
    assert job is not None
    assert jobs.wait(job.id, timeout=180).state is JobState.DONE
    done = c.get(f"/scenarios/{sid}/report/status").text
    assert f'href="/scenarios/{sid}/report.pdf?job={job.id}"' in done and "hx-trigger" not in done
    pdf = c.get(f"/scenarios/{sid}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    other, _ = signed_in(app, "analyst2")  # not shared with them: nothing to see or start
    assert other.get(f"/scenarios/{sid}/report.pdf").status_code == 404
    assert other.get(f"/scenarios/{sid}/report").status_code == 404


def test_the_jobs_migration_up_and_down(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine)
        columns = {c["name"] for c in inspect(engine).get_columns("jobs")}
        assert {
            "id",
            "kind",
            "key",
            "owner_id",
            "state",
            "progress",
            "stage",
            "error",
            "result",
            "created_at",
            "started_at",
            "finished_at",
            "worker_id",
            "heartbeat_at",
        } <= columns
        uniques = inspect(engine).get_unique_constraints("jobs")
        assert any(set(u["column_names"]) == {"kind", "key"} for u in uniques)
        downgrade(engine, "0002_participation")
        tables = set(inspect(engine).get_table_names())
        assert "jobs" not in tables and "users" in tables
        migrate(engine)
        assert "jobs" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_each_queued_job_is_claimed_by_exactly_one_worker(app, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    others = [create_app(settings) for _ in range(2)]
    try:
        queues = [
            JobQueue(a.state.sessionmaker, RUNNERS, tmp_path, run=False) for a in (app, *others)
        ]
        ids = {queues[0].submit("test", f"j{i}", {"n": i}).id for i in range(12)}
        claims: dict[str, list[int]] = {q.worker_id: [] for q in queues}
        start = threading.Barrier(len(queues) * 2)

        def claim(q: JobQueue) -> None:
            start.wait()
            while (got := q._claim()) is not None:
                claims[q.worker_id].append(got[0])

        threads = [threading.Thread(target=claim, args=(q,)) for q in queues * 2]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        claimed = [job_id for mine in claims.values() for job_id in mine]
        assert sorted(claimed) == sorted(ids)  # every job once, none twice
        with app.state.sessionmaker() as db:
            rows = db.scalars(select(JobRow)).all()
            assert {r.state for r in rows} == {"running"}
            for worker, mine in claims.items():
                assert {r.id for r in rows if r.worker_id == worker} == set(mine)
    finally:
        for a in others:
            a.state.engine.dispose()
