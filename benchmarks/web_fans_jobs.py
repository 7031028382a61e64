"""How quickly the web app answers while a fan run computes, and how long a job takes from
submit to done over the database queue against the previous in-memory queue, side by side.

Run: python benchmarks/web_fans_jobs.py [--paths 1000] [--repeat 20]

1. **Pages during a run.** For each way of running the job (``threads``: in the server process;
   ``processes``: a spawned process of its own, what the app does), both over the database job
   queue the app uses, starts a run of PATHS paths for Albertslund with ``POST /uncertainty`` and,
   until it is done, requests its status partial every 0.2 s. Prints the POST time, the status
   requests' median and maximum (milliseconds) against the same request on an idle server (the
   baseline), their ratio, and the run's own time.
2. **Submit → done latency** of a job that does nothing (so the figure is the queue's own cost),
   REPEAT times each, all in spawned processes as the app runs them: the previous in-memory
   ``JobRegistry`` (the baseline, kept in ``_registry_baseline.py`` beside this script), the
   database ``JobQueue`` submitted and run by the same worker, and submitted on one worker and
   run by another (which finds it by polling, every 0.5 s by default). SQLite file in a
   temporary folder. Prints median and maximum and the ratio of the medians against the
   in-memory queue.
3. **Retention** (``--prune ROWS``; only this part with ``--prune-only``): a jobs table of ROWS
   finished jobs of the last 30 days and ROWS older ones, each report with a 100 kB file. Times
   the runner's poll for a queued job (the baseline: it runs every 0.5 s), the hourly prune when
   there is nothing to remove, and the prune that removes the ROWS old jobs and their files;
   medians (the removing prune once per fresh table), and their ratio to the poll.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from _registry_baseline import JobRegistry
from byibalance.web.accounts import add_user
from byibalance.web.app import JOB_RUNNERS, create_app
from byibalance.web.db import JobRow
from byibalance.web.jobs import JobQueue, Progress
from byibalance.web.routes import uncertainty
from byibalance.web.settings import Settings

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
RUNNERS = JOB_RUNNERS | {"noop": "web_fans_jobs:noop"}


def noop(params: dict[str, Any], progress: Progress, files: Path) -> dict[str, int]:
    """A job of the database queue that does nothing."""
    return {"n": int(params["n"])}


def noop_registry(progress: Progress) -> int:
    """A job of the in-memory registry that does nothing."""
    return 1


def settings() -> Settings:
    folder = Path(tempfile.mkdtemp())
    return Settings(
        database_url=f"sqlite:///{folder / 'b.sqlite3'}",
        secret_key="benchmark-secret-key-0123456789-abcdefghijklmnop",
        data_dir=folder,
    )


def client(processes: bool) -> tuple[TestClient, str]:
    app = create_app(settings())
    app.state.jobs = JobQueue(
        app.state.sessionmaker, RUNNERS, app.state.settings.data_dir, processes=processes
    )
    app.state.jobs.start()
    with app.state.sessionmaker() as db:
        add_user(db, "analyst", "benchmark password", "analyst", "")
    c = TestClient(app, follow_redirects=False)
    token = TOKEN.search(c.get("/login").text).group(1)  # type: ignore[union-attr]
    c.post(
        "/login",
        data={
            "username": "analyst",
            "password": "benchmark password",
            "csrf_token": token,
            "next": "/",
        },
    )
    token = TOKEN.search(c.get("/uncertainty").text).group(1)  # type: ignore[union-attr]
    return c, token


def ms(c: TestClient, url: str) -> float:
    t = time.perf_counter()
    c.get(url)
    return (time.perf_counter() - t) * 1000


def measure(processes: bool, paths: int) -> None:
    c, token = client(processes)
    # warm the process pool and the caches with a tiny run first, so both modes start equal
    warm = c.post("/uncertainty", data={"csrf_token": token, "paths": "100", "seed": "999"})
    warm_id = int(warm.headers["location"].rsplit("/", 1)[1])
    jobs = uncertainty.registry(c.app)  # type: ignore[arg-type]
    jobs.wait(warm_id, 600)
    url = f"/uncertainty/jobs/{warm_id}/status"
    idle = [ms(c, url) for _ in range(20)]
    t = time.perf_counter()
    answer = c.post("/uncertainty", data={"csrf_token": token, "paths": str(paths), "seed": "1"})
    post_ms = (time.perf_counter() - t) * 1000
    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    busy = []
    while not jobs.get(job_id).state.finished:  # type: ignore[union-attr]
        busy.append(ms(c, f"/uncertainty/jobs/{job_id}/status"))
        time.sleep(0.2)
    job = jobs.get(job_id)
    assert job is not None and job.state.value == "done", job and job.error
    base = statistics.median(idle)
    mid, top = statistics.median(busy), max(busy)
    print(
        f"{'processes' if processes else 'threads':>9}: POST {post_ms:6.1f} ms | status idle "
        f"median {base:5.1f} ms | during run median {mid:6.1f} ms, max {top:7.1f} ms "
        f"({len(busy)} requests) | ratio median {mid / base:5.1f}x, max {top / base:6.1f}x | "
        f"run {job.seconds:5.1f} s"
    )
    jobs.shutdown()


def latency(repeat: int) -> None:
    """Submit → done of a job that does nothing: in-memory against the database queue."""
    rows: dict[str, list[float]] = {}

    registry = JobRegistry(workers=1, processes=True)
    registry.wait(registry.submit("warm", noop_registry).id, 120)
    times = []
    for i in range(repeat):
        t = time.perf_counter()
        done = registry.wait(registry.submit(i, noop_registry).id, 60)
        times.append((time.perf_counter() - t) * 1000)
        if done.result != 1:  # a baseline that did not run its job would flatter nothing
            raise SystemExit(f"the in-memory baseline's job {i} is {done.state}: {done.error}")
    rows["in-memory JobRegistry (previous)"] = times
    registry.shutdown()

    app = create_app(settings())
    other = create_app(app.state.settings)  # a second worker on the same database
    try:
        same = JobQueue(app.state.sessionmaker, RUNNERS, app.state.settings.data_dir)
        same.start()
        same.wait(same.submit("noop", "warm", {"n": 0}).id, 120)
        times = []
        for i in range(repeat):
            t = time.perf_counter()
            same.wait(same.submit("noop", f"same-{i}", {"n": i}).id, 60)
            times.append((time.perf_counter() - t) * 1000)
        rows["database JobQueue, same worker"] = times
        front = JobQueue(other.state.sessionmaker, RUNNERS, app.state.settings.data_dir, run=False)
        times = []
        for i in range(repeat):
            time.sleep(0.137 * (i % 4))  # submits land at different points of the poll
            t = time.perf_counter()
            front.wait(front.submit("noop", f"other-{i}", {"n": i}).id, 60)
            times.append((time.perf_counter() - t) * 1000)
        rows["database JobQueue, other worker"] = times
        same.shutdown()
    finally:
        app.state.engine.dispose()
        other.state.engine.dispose()

    base = statistics.median(rows["in-memory JobRegistry (previous)"])
    for name, values in rows.items():
        mid = statistics.median(values)
        print(
            f"{name:>34}: submit→done median {mid:6.1f} ms, max {max(values):6.1f} ms "
            f"({len(values)} jobs) | ratio of medians {mid / base:5.2f}x"
        )


def old_and_new_jobs(app: Any, files: Path, rows: int) -> None:
    """``rows`` jobs finished within 30 days and ``rows`` older ones, each with a 100 kB file."""
    now = dt.datetime.now(dt.UTC)
    files.mkdir(parents=True, exist_ok=True)
    pdf = b"%PDF-1.4\n" + b"x" * 99_991
    with app.state.sessionmaker() as db:
        for i in range(2 * rows):
            days = 1 + i % 29 if i < rows else 31 + i % 300
            when = now - dt.timedelta(days=days)
            name = f"report-{i}-bench.pdf"
            (files / name).write_bytes(pdf)
            os.utime(files / name, (when.timestamp(), when.timestamp()))
            db.add(
                JobRow(
                    kind="report",
                    key=f"k{i}",
                    title="",
                    params="{}",
                    state="done",
                    created_at=when,
                    started_at=when,
                    finished_at=when,
                    result=json.dumps({"file": name, "bytes": len(pdf)}),
                )
            )
        db.commit()


def prune_cost(rows: int, repeat: int) -> None:
    """The retention's cost against the runner's poll for a queued job, on the same table."""
    polls, idle, removing = [], [], []
    for _ in range(max(3, repeat // 4)):
        app = create_app(settings())
        try:
            files = app.state.settings.jobs_dir
            queue = JobQueue(app.state.sessionmaker, RUNNERS, files, run=False)
            old_and_new_jobs(app, files, rows)
            for _ in range(repeat):
                t = time.perf_counter()
                queue._claim()  # what every runner does every 0.5 s (finds none: none queued)
                polls.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            pruned = queue.prune()
            removing.append((time.perf_counter() - t) * 1000)
            if (pruned.rows, pruned.files) != (rows, rows):
                raise SystemExit(f"the prune removed {pruned}, not {rows} jobs and files")
            for _ in range(repeat):
                t = time.perf_counter()
                queue.prune()
                idle.append((time.perf_counter() - t) * 1000)
        finally:
            app.state.engine.dispose()
    base = statistics.median(polls)
    print(f"retention: {rows} jobs of the last 30 days and {rows} older ones, 100 kB per file")
    for name, values in (
        ("poll for a queued job (baseline)", polls),
        ("hourly prune, nothing to remove", idle),
        (f"prune removing {rows} jobs + files", removing),
    ):
        mid = statistics.median(values)
        print(
            f"{name:>36}: median {mid:8.2f} ms, max {max(values):8.2f} ms "
            f"({len(values)} runs) | ratio of medians {mid / base:7.1f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-pages", action="store_true", help="only the latency figures")
    parser.add_argument("--prune", type=int, default=1000, help="old (and new) jobs to prune")
    parser.add_argument("--prune-only", action="store_true", help="only the retention figures")
    args = parser.parse_args()
    if args.prune_only:
        prune_cost(args.prune, args.repeat)
        return
    if not args.skip_pages:
        for processes in (False, True):
            measure(processes, args.paths)
    latency(args.repeat)
    prune_cost(args.prune, args.repeat)


if __name__ == "__main__":
    main()
