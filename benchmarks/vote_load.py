"""Load test of citizens' voting: thousands of voters cast and change ballots concurrently.

Starts ``byibalance serve --workers N`` on PostgreSQL (a fresh schema of its own, dropped at the
end), issues voting codes, and drives ``POST /api/participation/{id}/ballots`` from an asyncio
httpx client on loopback: every voter casts a ballot and then changes it. Prints ballots per
second, the latency percentiles and the number of errors, and, side by side in the same process,
the baseline: the same ballots stored by calling the service directly (no HTTP, no server, one
connection), so the ratio shows what the web stack costs. Finally it counts the stored ballots
(one per voter) and checks the result against a recount of the ``.pb`` export.

    python benchmarks/vote_load.py --voters 2000 --workers 2 --concurrency 64
    python benchmarks/vote_load.py --voters 1000 --previous 7afa3a6^

``--previous REV`` first runs the same load against the server of git revision ``REV`` (its
``src`` unpacked with ``git archive`` into a temporary folder and put first on ``PYTHONPATH``),
on a schema of its own, so the previous code path and this one are measured side by side under
the same machine load.

Environment: ``BYIBALANCE_BENCH_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text

from byibalance.participation.pabulib import parse_pb
from byibalance.participation.rules import RULES
from byibalance.web.db import make_engine, make_sessionmaker, migrate
from byibalance.web.participation import service
from byibalance.web.participation.models import BallotRow, Phase, Process

SECRET = "vote-load-benchmark-secret-0123456789-abcdefghijklmn"
COSTS = {"a": 400, "b": 300, "c": 500, "d": 200, "e": 250, "f": 150, "g": 350, "h": 100}


def _choices(rng: random.Random) -> list[str]:
    """A random knapsack ballot within the budget of 1000."""
    picked: list[str] = []
    spent = 0
    for code in rng.sample(list(COSTS), k=rng.randint(1, 4)):
        if spent + COSTS[code] <= 1000:
            picked.append(code)
            spent += COSTS[code]
    return picked


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup(url: str, voters: int, revision: str = "head") -> tuple[int, list[str]]:
    engine = make_engine(url)
    migrate(engine, revision)
    with make_sessionmaker(engine)() as db:
        process = service.create_budget(db, title="Load", description="", budget=1000,
                                        ballot_type="knapsack",
                                        voting_closes=service.now_utc().replace(year=2099))
        for code, cost in COSTS.items():
            service.add_project(db, process, code=code, title=code, cost=cost)
        process.phase = Phase.VOTING.value
        db.commit()
        pid = process.id
        codes = service.generate_codes(db, process, voters, SECRET)
    engine.dispose()
    return pid, codes


def _serve(url: str, port: int, workers: int, folder: str,
           src: str | None = None) -> subprocess.Popen[bytes]:
    env = os.environ | {"BYIBALANCE_DATABASE_URL": url, "BYIBALANCE_SECRET_KEY": SECRET,
                        "XDG_DATA_HOME": folder}
    if src is not None:  # another revision's code first on the path
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen([sys.executable, "-c", "from byibalance.cli import main; main()",
                             "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, start_new_session=True, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            # wait until every worker answers: a few health checks in a row
            if all(httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200
                   for _ in range(workers * 4)):
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("the server did not start within 120 s")


async def _load(base: str, pid: int, codes: list[str], concurrency: int,
                budget_s: float) -> tuple[list[float], int, Counter[str], int, float]:
    """Every voter casts and then changes a ballot. A request cut off at the connection level is
    retried (at most twice) with the same submission id, as the ballot page's client would: the
    server then answers without storing twice. Returns latencies, ballots sent, the reasons of
    requests that finally failed, the retries, and the wall time."""
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    retries = 0
    sem = asyncio.Semaphore(concurrency)
    stop = time.monotonic() + budget_s
    async with httpx.AsyncClient(base_url=base, timeout=30,
                                 limits=httpx.Limits(max_connections=concurrency)) as client:
        async def voter(code: str) -> None:
            nonlocal retries
            rng = random.Random(code)
            for _ in range(2):  # cast, then change
                if time.monotonic() > stop:
                    return
                body = {"code": code, "projects": _choices(rng), "submission_id": uuid.uuid4().hex}
                reason = ""
                async with sem:
                    t0 = time.perf_counter()
                    for attempt in range(3):
                        try:
                            answer = await client.post(f"/api/participation/{pid}/ballots",
                                                       json=body)
                            reason = "" if answer.status_code == 200 else \
                                f"HTTP {answer.status_code}: {answer.text[:120]}"
                            break
                        except httpx.TransportError as err:
                            reason = f"{type(err).__name__}: {err}"
                            retries += attempt < 2
                    latencies.append(time.perf_counter() - t0)
                if reason:
                    failures[reason] += 1
        t0 = time.perf_counter()
        await asyncio.gather(*(voter(c) for c in codes))
        wall = time.perf_counter() - t0
    return latencies, len(latencies), failures, retries, wall


def _baseline(url: str, pid: int, codes: list[str]) -> float:
    """Ballots per second through the service directly (one connection, no HTTP)."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    t0 = time.perf_counter()
    n = 0
    with sessions() as db:
        process = db.get(Process, pid)
        assert process is not None
        for code in codes:
            rng = random.Random(code + "baseline")
            now = service.now_utc()
            credential = service.credential_for_code(db, process, code, SECRET, now)
            service.cast_ballot(db, process, credential, _choices(rng), None, uuid.uuid4().hex,
                                now)
            n += 1
    wall = time.perf_counter() - t0
    engine.dispose()
    return n / wall


def _previous_src(revision: str, folder: str) -> tuple[str, str]:
    """Unpack ``src`` of git ``revision`` into ``folder``; its path and its newest migration."""
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(["git", "-C", str(root), "archive", revision, "src"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    versions = Path(folder, "src", "byibalance", "migrations", "versions")
    newest = sorted(p.stem for p in versions.glob("0*.py"))[-1]
    return str(Path(folder, "src")), newest.split("_", 1)[0] if newest.startswith("0001") \
        else newest


def _run(base: str, args: argparse.Namespace, label: str, src: str | None = None,
         revision: str = "head") -> float:
    """One load run on a fresh schema; prints its figures and returns ballots per second."""
    schema = f"bench_vote_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    folder = tempfile.mkdtemp(prefix="vote_load_")
    proc = None
    try:
        pid, codes = _setup(url, args.voters, revision)
        port = _free_port()
        proc = _serve(url, port, args.workers, folder, src)
        latencies, sent, failures, retries, wall = asyncio.run(
            _load(f"http://127.0.0.1:{port}", pid, codes, args.concurrency, args.time_budget))
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        proc = None
        q = statistics.quantiles(latencies, n=100)
        rate = sent / wall
        base_rate = _baseline(url, pid, codes[: args.baseline_voters])
        engine = make_engine(url)
        with make_sessionmaker(engine)() as db:
            stored = db.scalar(select(func.count()).select_from(BallotRow)) or 0
            process = db.get(Process, pid)
            assert process is not None
            summary = service.publish_results(db, process)
            election, profile = parse_pb(process.pb_export or "", "export.pb")
        engine.dispose()
        recount = RULES["mes"](election, profile, options=service.RULE_OPTIONS["mes"])
        print(f"[{label}] voters {args.voters}, workers {args.workers}, "
              f"concurrency {args.concurrency}, load average {os.getloadavg()[0]:.1f}")
        errors = sum(failures.values())
        print(f"ballots sent {sent} (cast + change) in {wall:.1f} s: {rate:.0f} ballots/s, "
              f"errors {errors}, connection-level retries with the same submission id {retries}")
        for reason, n in failures.most_common(5):
            print(f"  failed {n}x: {reason}")
        print(f"latency p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, "
              f"p99 {q[98] * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
        print(f"baseline (service called directly, 1 connection): {base_rate:.0f} ballots/s; "
              f"HTTP server / baseline = {rate / base_rate:.2f}")
        print(f"stored ballots {stored} (one per voter: {stored == len(codes)}); recount of the "
              f".pb export equals the published result: "
              f"{list(recount.selected) == summary['selected']}")
        if errors or stored != len(codes) or list(recount.selected) != summary["selected"]:
            raise SystemExit(1)
        return rate
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGKILL)
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    """Run the load test (and, with ``--previous``, the previous revision's first)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--time-budget", type=float, default=300.0,
                        help="stop sending new ballots after this many seconds")
    parser.add_argument("--baseline-voters", type=int, default=500)
    parser.add_argument("--previous", metavar="REV",
                        help="also run the server of git revision REV first, side by side")
    args = parser.parse_args()
    base = os.environ.get("BYIBALANCE_BENCH_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    previous = None
    if args.previous:
        with tempfile.TemporaryDirectory(prefix="vote_load_prev_") as folder:
            src, revision = _previous_src(args.previous, folder)
            previous = _run(base, args, f"previous {args.previous}", src, revision)
    rate = _run(base, args, "this tree")
    if previous is not None:
        print(f"this tree / previous = {rate / previous:.2f} (ballots/s, same load, same machine)")


if __name__ == "__main__":
    main()
