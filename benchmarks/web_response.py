"""Response time of the web app against the bare computation, side by side in one process.

Run: python benchmarks/web_response.py [--n 100]

Measures, over N requests each (median and 95th percentile, milliseconds):
- the overview page (baseline cached per process, as in production) against the bare baseline
  computation (``byibalance.web.model.compute_city(None, ...)``);
- a scenario run (``GET /scenarios/{id}`` with the cache emptied before each request, so the
  scenario and the baseline are computed afresh) against the bare computation of both.
The ratio says what the web layer (routing, database, session, templates, chart JSON) costs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from byibalance.web import model
from byibalance.web.accounts import add_user
from byibalance.web.app import create_app
from byibalance.web.settings import Settings


def timed(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(ms: list[float]) -> tuple[float, float]:
    ordered = sorted(ms)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    n = parser.parse_args().n
    folder = Path(tempfile.mkdtemp())
    settings = Settings(database_url=f"sqlite:///{folder / 'bench.sqlite3'}",
                        secret_key="b" * 40, data_dir=folder)
    app = create_app(settings)
    with app.state.sessionmaker() as db:
        add_user(db, "bench", "benchmark password", "analyst")
    client = TestClient(app)
    client.post("/api/session", json={"username": "bench", "password": "benchmark password"})
    token = client.get("/api/me").json()["csrf_token"]
    created = client.post("/api/scenarios", headers={"X-CSRF-Token": token}, json={
        "name": "bench", "finance": {"income_tax_rate": 26.1},
        "population": {"fertility": {"multiplier": 1.1}}})
    sid = created.json()["id"]
    scenario = model.parse_scenario(created.json()["scenario"])
    code = settings.municipality

    def page(url: str) -> None:
        answer = client.get(url)
        assert answer.status_code == 200, answer.text[:200]

    client.get("/")  # warm up imports and the baseline cache
    overview = timed(lambda: page("/"), n)
    bare_base = timed(lambda: model.compute_city(None, code), n)

    def scenario_request() -> None:
        model.clear_cache()
        page(f"/scenarios/{sid}")

    run = timed(scenario_request, n)
    bare_run = timed(lambda: (model.compute_city(scenario, code), model.compute_city(None, code)),
                     n)
    rows = [("overview (baseline cached)", overview, bare_base),
            ("scenario run (uncached)", run, bare_run)]
    print(f"{'measure':30} {'median ms':>10} {'p95 ms':>8} {'bare median':>12} {'ratio':>6}")
    for name, web, bare in rows:
        med, p95 = summary(web)
        bmed, _ = summary(bare)
        print(f"{name:30} {med:10.1f} {p95:8.1f} {bmed:12.1f} {med / bmed:6.2f}")


if __name__ == "__main__":
    main()
