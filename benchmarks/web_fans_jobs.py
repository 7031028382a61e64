"""How quickly the web app answers while a fan run computes, side by side in one process.

Run: python benchmarks/web_fans_jobs.py [--paths 1000]

For each way of running the job (``threads``: in the server process, as a plain thread pool would;
``processes``: a spawned process of its own, what the app does), starts a run of PATHS paths for
Albertslund with ``POST /uncertainty`` and, until it is done, requests its status partial every
0.2 s. Prints the POST time, the status requests' median and maximum (milliseconds) against the
same request on an idle server (the baseline), their ratio, and the run's own time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from byibalance.web.accounts import add_user
from byibalance.web.app import create_app
from byibalance.web.jobs import JobRegistry
from byibalance.web.routes import uncertainty
from byibalance.web.settings import Settings

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def client(processes: bool) -> tuple[TestClient, str]:
    folder = Path(tempfile.mkdtemp())
    app = create_app(Settings(database_url=f"sqlite:///{folder / 'b.sqlite3'}",
                              secret_key="benchmark-secret-key-0123456789-abcdefghijklmnop",
                              data_dir=folder))
    app.state.jobs = JobRegistry(workers=1, processes=processes)
    with app.state.sessionmaker() as db:
        add_user(db, "analyst", "benchmark password", "analyst", "")
    c = TestClient(app, follow_redirects=False)
    token = TOKEN.search(c.get("/login").text).group(1)  # type: ignore[union-attr]
    c.post("/login", data={"username": "analyst", "password": "benchmark password",
                           "csrf_token": token, "next": "/"})
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
    warm_id = warm.headers["location"].rsplit("/", 1)[1]
    registry = uncertainty.registry(c.app)  # type: ignore[arg-type]
    registry.wait(warm_id, 600)
    url = f"/uncertainty/jobs/{warm_id}/status"
    idle = [ms(c, url) for _ in range(20)]
    t = time.perf_counter()
    answer = c.post("/uncertainty", data={"csrf_token": token, "paths": str(paths), "seed": "1"})
    post_ms = (time.perf_counter() - t) * 1000
    job_id = answer.headers["location"].rsplit("/", 1)[1]
    busy = []
    while not registry.get(job_id).state.finished:  # type: ignore[union-attr]
        busy.append(ms(c, f"/uncertainty/jobs/{job_id}/status"))
        time.sleep(0.2)
    job = registry.get(job_id)
    assert job is not None and job.state.value == "done", job and job.error
    base = statistics.median(idle)
    mid, top = statistics.median(busy), max(busy)
    print(f"{'processes' if processes else 'threads':>9}: POST {post_ms:6.1f} ms | status idle "
          f"median {base:5.1f} ms | during run median {mid:6.1f} ms, max {top:7.1f} ms "
          f"({len(busy)} requests) | ratio median {mid / base:5.1f}x, max {top / base:6.1f}x | "
          f"run {job.seconds:5.1f} s")
    registry.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paths", type=int, default=1000)
    args = parser.parse_args()
    for processes in (False, True):
        measure(processes, args.paths)


if __name__ == "__main__":
    main()
