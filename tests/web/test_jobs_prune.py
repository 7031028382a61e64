"""Retention of background jobs: finished jobs older than the retention are removed with their
result files (never a queued or running job, never a file outside the result folder), by each
runner when it starts and then hourly, and by ``byibalance web prune-jobs``; a council report
that is no longer kept answers 410 Gone with its page and the button that makes it again."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from tests.web.conftest import signed_in
from typer.testing import CliRunner

from byibalance.cli import app as cli
from byibalance.web.app import JOB_RUNNERS
from byibalance.web.db import JobRow, make_engine, make_sessionmaker, migrate
from byibalance.web.jobs import JobQueue, JobState, Progress, Pruned

RUNNERS = JOB_RUNNERS | {"report": "tests.web.test_jobs_prune:small_report"}
NOW = dt.datetime.now(dt.UTC)
DAY = 86400.0
PDF = b"%PDF-1.4\n" + b"x" * 1491  # 1500 bytes


def small_report(params: dict[str, Any], progress: Progress, files: Path) -> dict[str, Any]:
    """The report runner's contract (a PDF named by scenario and content in ``files``) without
    rendering a real report, which takes seconds; the real one is tested in test_jobs_db."""
    progress(0.5, "PDF")
    name = f"report-{int(params['scenario_id'])}-{params['hash']}.pdf"
    (files / name).write_bytes(PDF)
    return {"file": name, "bytes": len(PDF)}


def add_job(
    sessions: Any,
    key: str,
    state: JobState,
    days_ago: float,
    file: str | None = None,
    kind: str = "report",
) -> int:
    """A job row that was created (and, if finished, finished) ``days_ago`` days ago."""
    when = NOW - dt.timedelta(days=days_ago)
    finished = state in (JobState.DONE, JobState.FAILED)
    with sessions() as db:
        row = JobRow(
            kind=kind,
            key=key,
            title=key,
            params="{}",
            state=state.value,
            created_at=when,
            started_at=None if state is JobState.QUEUED else when,
            finished_at=when if finished else None,
            heartbeat_at=NOW if state is JobState.RUNNING else None,
            error="it broke" if state is JobState.FAILED else None,
            result=json.dumps({"file": file, "bytes": 1500}) if file else None,
        )
        db.add(row)
        db.commit()
        return row.id


def write_file(folder: Path, name: str, days_ago: float, content: bytes = PDF) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    stamp = time.time() - days_ago * DAY
    os.utime(path, (stamp, stamp))
    return path


def keys(sessions: Any) -> set[str]:
    with sessions() as db:
        return set(db.scalars(select(JobRow.key)))


def some_jobs(sessions: Any, folder: Path) -> dict[str, Path]:
    """Old and recent jobs in every state, and their files."""
    add_job(sessions, "old-done", JobState.DONE, 40, "report-1-old.pdf")
    add_job(sessions, "old-failed", JobState.FAILED, 31)
    add_job(sessions, "recent-done", JobState.DONE, 5, "report-1-new.pdf")
    # of a kind other workers run, so that a runner started here leaves them be
    add_job(sessions, "old-queued", JobState.QUEUED, 40, kind="elsewhere")
    add_job(sessions, "old-running", JobState.RUNNING, 40, kind="elsewhere")
    return {
        "old": write_file(folder, "report-1-old.pdf", 40),
        "recent": write_file(folder, "report-1-new.pdf", 5),
        "other": write_file(folder, "notes.txt", 400, b"not a job's"),
    }


@pytest.fixture
def jobs(app, tmp_path: Path) -> JobQueue:  # type: ignore[no-untyped-def]
    """The app's queue in threads, not started (the fixture ``app`` shuts it down)."""
    app.state.jobs.shutdown()
    app.state.jobs = JobQueue(
        app.state.sessionmaker,
        RUNNERS,
        tmp_path / "jobs",
        processes=False,
        poll=0.05,
        heartbeat=0.05,
    )
    return app.state.jobs


def test_prune_removes_old_finished_jobs_and_their_files_only(jobs: JobQueue) -> None:
    files = some_jobs(jobs._sessions, jobs.files)
    assert jobs.retention == dt.timedelta(days=30)
    pruned = jobs.prune()
    assert pruned == Pruned(rows=2, files=1, bytes=1500, refused=0)
    assert keys(jobs._sessions) == {"recent-done", "old-queued", "old-running"}
    assert not files["old"].exists()
    assert files["recent"].exists() and files["other"].exists()  # no job names notes.txt
    assert jobs.prune() == Pruned()  # nothing left to remove
    shorter = jobs.prune(dt.timedelta(days=3))
    assert shorter == Pruned(rows=1, files=1, bytes=1500)
    assert keys(jobs._sessions) == {"old-queued", "old-running"}  # unfinished: never
    with pytest.raises(ValueError, match="negative"):
        jobs.prune(dt.timedelta(days=-1))


def test_a_dry_run_removes_nothing_and_counts_what_would_go(jobs: JobQueue) -> None:
    files = some_jobs(jobs._sessions, jobs.files)
    before = keys(jobs._sessions)
    dry = jobs.prune(dry_run=True)
    assert dry == Pruned(rows=2, files=1, bytes=1500, refused=0, dry_run=True)
    assert keys(jobs._sessions) == before and files["old"].exists()
    real = jobs.prune()
    assert (real.rows, real.files, real.bytes) == (dry.rows, dry.files, dry.bytes)


def test_a_file_written_after_the_cutoff_is_kept(jobs: JobQueue) -> None:
    # an old job's name, but the file is new: a newer run of the same key wrote it
    add_job(jobs._sessions, "old-done", JobState.DONE, 40, "report-2-same.pdf")
    newer = write_file(jobs.files, "report-2-same.pdf", 0.01)
    assert jobs.prune() == Pruned(rows=1, files=0, bytes=0)
    assert newer.exists()


def test_a_result_naming_a_file_outside_the_folder_is_never_deleted(
    jobs: JobQueue, tmp_path: Path
) -> None:
    outside = write_file(tmp_path, "budget-2027.pdf", 100)
    write_file(jobs.files, "placeholder.pdf", 0)
    (jobs.files / "link.pdf").symlink_to(outside)
    for i, name in enumerate(["../budget-2027.pdf", str(outside), "link.pdf", "..", ""]):
        add_job(jobs._sessions, f"crafted-{i}", JobState.DONE, 60, name or None)
    with jobs._sessions() as db:  # a result that is not even JSON
        db.execute(update(JobRow).where(JobRow.key == "crafted-4").values(result="{not json"))
        db.commit()
    pruned = jobs.prune()
    assert pruned == Pruned(rows=5, files=0, bytes=0, refused=4)
    assert outside.read_bytes() == PDF and (jobs.files / "link.pdf").is_symlink()
    assert jobs.files.is_dir() and (jobs.files / "placeholder.pdf").exists()
    assert keys(jobs._sessions) == set()
    # the download refuses the same names
    job = jobs.get(add_job(jobs._sessions, "crafted-x", JobState.DONE, 0, "link.pdf"))
    assert job is not None and jobs.result_file(job) is None


def counted(queue: JobQueue) -> list[Pruned]:
    """The results of ``queue``'s prunes from now on, one per prune when it has finished."""
    done: list[Pruned] = []
    prune = queue.prune

    def counting(*args: Any, **kw: Any) -> Pruned:
        done.append(prune(*args, **kw))
        return done[-1]

    queue.prune = counting  # type: ignore[method-assign]
    return done


def wait_for(check: Any, what: str) -> None:
    deadline = time.monotonic() + 20
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_each_runner_prunes_when_it_starts_and_then_at_most_hourly(jobs: JobQueue) -> None:
    some_jobs(jobs._sessions, jobs.files)
    prunes = counted(jobs)
    jobs.start()
    wait_for(lambda: prunes, "the runner did not prune when it started")
    assert prunes == [Pruned(rows=2, files=1, bytes=1500)]
    assert keys(jobs._sessions) == {"recent-done", "old-queued", "old-running"}
    add_job(jobs._sessions, "old-again", JobState.DONE, 45)
    time.sleep(0.6)  # a dozen polls of the runner: not one more prune within the hour
    assert len(prunes) == 1 and "old-again" in keys(jobs._sessions)
    jobs.shutdown()
    often = JobQueue(
        jobs._sessions, RUNNERS, jobs.files, processes=False, poll=0.05, prune_every=0.2
    )
    again = counted(often)
    try:
        often.start()
        wait_for(lambda: again, "the runner did not prune when it started")
        add_job(jobs._sessions, "old-later", JobState.DONE, 45)
        wait_for(
            lambda: "old-later" not in keys(jobs._sessions),
            "the runner did not prune again when due",
        )
        assert len(again) >= 2
    finally:
        often.shutdown()


def test_a_queue_refuses_a_retention_that_is_not_positive(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="positive"):
        JobQueue(app.state.sessionmaker, RUNNERS, tmp_path, retention=dt.timedelta(0))


def _report_link(app, sid: int, jobs: JobQueue):  # type: ignore[no-untyped-def]
    """A signed-in analyst and the download link of the finished report of their scenario."""
    c, token = signed_in(app, "analyst")
    jobs.start()
    assert c.post(f"/scenarios/{sid}/report", data={"csrf_token": token}).status_code == 303
    job = jobs.wait(jobs.jobs("report")[0].id, timeout=60)
    assert job.state is JobState.DONE, job.error
    status = c.get(f"/scenarios/{sid}/report/status").text
    link = re.search(r'href="(/scenarios/\d+/report\.pdf\?job=\d+)"', status)
    assert link is not None, status
    assert link.group(1) == f"/scenarios/{sid}/report.pdf?job={job.id}"
    return c, token, sid, job, link.group(1)


def test_the_download_of_a_pruned_report_is_gone_with_a_clear_message(  # type: ignore[no-untyped-def]
    app, analyst_scenario: int, jobs: JobQueue
) -> None:
    c, token, sid, job, link = _report_link(app, analyst_scenario, jobs)
    pdf = c.get(link)
    assert pdf.status_code == 200 and pdf.content == PDF
    assert pdf.headers["content-disposition"] == f'attachment; filename="budgetnotat-{sid}.pdf"'
    path = jobs.result_file(job)
    assert path is not None
    with jobs._sessions() as db:  # the report was made 31 days ago
        db.execute(
            update(JobRow)
            .where(JobRow.id == job.id)
            .values(finished_at=NOW - dt.timedelta(days=31))
        )
        db.commit()
    os.utime(path, (time.time() - 31 * DAY,) * 2)
    assert jobs.prune() == Pruned(rows=1, files=1, bytes=len(PDF))
    gone = c.get(link)
    assert gone.status_code == 410
    assert "Budgetnotatet, du bad om, gemmes ikke længere: budgetnotater gemmes i 30 dage." in (
        gone.text
    )
    assert f'action="/scenarios/{sid}/report"' in gone.text  # the button that makes it again
    assert "Traceback" not in gone.text
    c.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    english = c.get(link)
    assert english.status_code == 410 and (
        "The council report you asked for is no longer kept: reports are kept for 30 days. "
        "Make it again with the button below." in english.text
    )
    # without the job in the link (never made, as far as anyone can tell): its page, as before
    plain = c.get(f"/scenarios/{sid}/report.pdf")
    assert plain.status_code == 303 and plain.headers["location"] == f"/scenarios/{sid}/report"


def test_a_report_whose_file_is_gone_answers_gone_and_is_made_again(  # type: ignore[no-untyped-def]
    app, analyst_scenario: int, jobs: JobQueue
) -> None:
    c, token, sid, job, link = _report_link(app, analyst_scenario, jobs)
    path = jobs.result_file(job)
    assert path is not None
    path.unlink()  # e.g. a worker on a machine that does not share the result folder
    for url in (link, f"/scenarios/{sid}/report.pdf"):
        gone = c.get(url)
        assert gone.status_code == 410, url
        assert "gemmes ikke længere" in gone.text and "Lav budgetnotat" in gone.text
    again = c.post(f"/scenarios/{sid}/report", data={"csrf_token": token})
    assert again.status_code == 303
    remade = jobs.wait(job.id, timeout=60)  # the same job, queued again and run
    assert remade.state is JobState.DONE and remade.id == job.id
    assert c.get(link).content == PDF


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "BYIBALANCE_DATA_HOME": str(tmp_path / "data"),
        "BYIBALANCE_SECRET_KEY": "s" * 40,
        "BYIBALANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }


def test_the_cli_prunes_and_says_how_much(env: dict[str, str], tmp_path: Path) -> None:
    engine = make_engine(env["BYIBALANCE_DATABASE_URL"])
    try:
        migrate(engine)
        sessions = make_sessionmaker(engine)
        folder = tmp_path / "data" / "jobs"
        files = some_jobs(sessions, folder)
        runner = CliRunner()
        dry = runner.invoke(cli, ["web", "prune-jobs", "--dry-run"], env=env)
        assert dry.exit_code == 0, dry.output
        assert dry.output.strip() == (
            f"would remove 2 finished job(s) older than 30 day(s) and 1 result file(s), "
            f"1.5 kB (1500 bytes), from {folder} (dry run: nothing was removed)"
        )
        assert len(keys(sessions)) == 5 and files["old"].exists()
        done = runner.invoke(cli, ["web", "prune-jobs"], env=env)
        assert done.output.strip() == (
            f"removed 2 finished job(s) older than 30 day(s) and 1 result file(s), "
            f"1.5 kB (1500 bytes), from {folder}"
        )
        assert not files["old"].exists()
        shorter = runner.invoke(cli, ["web", "prune-jobs", "--older-than-days", "3"], env=env)
        assert shorter.output.startswith("removed 1 finished job(s) older than 3 day(s) and 1")
        assert keys(sessions) == {"old-queued", "old-running"}
        bad = runner.invoke(
            cli, ["web", "prune-jobs"], env=env | {"BYIBALANCE_JOB_RETENTION_DAYS": "a month"}
        )
        assert bad.exit_code != 0
        assert "BYIBALANCE_JOB_RETENTION_DAYS 'a month' is not a number of days" in str(
            bad.exception
        )
        negative = runner.invoke(cli, ["web", "prune-jobs", "--older-than-days", "-1"], env=env)
        assert negative.exit_code == 2  # refused by the option itself, before any work
    finally:
        engine.dispose()


def test_the_retention_setting(tmp_path: Path) -> None:
    from byibalance.errors import InputError
    from byibalance.web.settings import load_settings

    base = {"BYIBALANCE_DATA_HOME": str(tmp_path), "BYIBALANCE_SECRET_KEY": "k" * 40}
    assert load_settings(base).job_retention_days == 30
    assert load_settings(base | {"BYIBALANCE_JOB_RETENTION_DAYS": " 90 "}).job_retention_days == 90
    assert load_settings(base).jobs_dir == tmp_path / "jobs"
    for text in ("0", "-3", "7.5", "３０", "100000"):
        with pytest.raises(InputError, match="BYIBALANCE_JOB_RETENTION_DAYS") as err:
            load_settings(base | {"BYIBALANCE_JOB_RETENTION_DAYS": text})
        assert "whole number of days" in str(err.value)
