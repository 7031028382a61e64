"""Kill the server (SIGKILL) in the middle of a voting rush, restart it, and check the ballots.

Every ballot that got a success answer is there, exactly once per code, holding the last answered
choice (or a later one whose answer the kill cut off); and the published count equals a recount of
the ``.pb`` export by the engine's reader. Runs on PostgreSQL (skipped without it).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from byibalance.participation.pabulib import parse_pb
from byibalance.participation.rules import RULES
from byibalance.web.db import make_engine, make_sessionmaker, migrate
from byibalance.web.participation import service
from byibalance.web.participation.models import BallotRow, Phase, Process

from .conftest import SECRET, drop_schema, postgres_schema_url

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(120)]

CHOICES = [["a"], ["b"], ["c"], ["d"], ["a", "b"], ["a", "d"], ["b", "d"], ["c", "d"],
           ["a", "b", "d"], ["b", "c"]]
VOTERS = 200
KILL_AFTER = 100  # successes before the kill


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(url: str, port: int, folder: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {"BYIBALANCE_DATABASE_URL": url, "BYIBALANCE_SECRET_KEY": SECRET,
                        "XDG_DATA_HOME": str(folder)}
    command = [sys.executable, "-c", "from byibalance.cli import main; main()", "serve",
               "--port", str(port), "--workers", "1"]
    proc = subprocess.Popen(command, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("the server did not start within 60 s")


async def _rush(base: str, pid: int, codes: list[str], log: dict[str, list[tuple[list[str], str]]],
                proc: subprocess.Popen[bytes]) -> None:
    """Every voter casts a ballot and changes it; SIGKILL the server after KILL_AFTER successes."""
    successes = 0
    killed = False
    limits = httpx.Limits(max_connections=32)
    sem = asyncio.Semaphore(32)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:
        async def voter(code: str) -> None:
            nonlocal successes, killed
            rng = random.Random(code)
            for _ in range(2):
                choice = rng.choice(CHOICES)
                async with sem:
                    try:
                        answer = await client.post(
                            f"/api/participation/{pid}/ballots",
                            json={"code": code, "projects": choice,
                                  "submission_id": uuid.uuid4().hex})
                        status = "ok" if answer.status_code == 200 else f"http {answer.status_code}"
                    except httpx.HTTPError:
                        status = "unknown"  # cut off: may or may not have been stored
                log[code].append((choice, status))
                if status != "ok":
                    return
                successes += 1
                if successes >= KILL_AFTER and not killed:
                    killed = True
                    os.killpg(proc.pid, signal.SIGKILL)
        await asyncio.gather(*(voter(c) for c in codes))


def test_ballots_survive_a_sigkill_mid_load(tmp_path: Path) -> None:
    made = postgres_schema_url()
    if made is None:
        pytest.skip("PostgreSQL at BYIBALANCE_TEST_POSTGRES_URL is not set or not reachable")
    base_url, schema, url = made
    engine = make_engine(url)
    try:
        migrate(engine)
        sessions = make_sessionmaker(engine)
        with sessions() as db:
            process = service.create_budget(
                db, title="Crash", description="", budget=1000, ballot_type="knapsack",
                voting_closes=service.now_utc().replace(year=2099))
            for code, cost in zip("abcd", (400, 300, 500, 200), strict=True):
                service.add_project(db, process, code=code, title=code, cost=cost)
            process.phase = Phase.VOTING.value
            db.commit()
            pid = process.id
            codes = service.generate_codes(db, process, VOTERS, SECRET)
        port = _free_port()
        proc = _start(url, port, tmp_path)
        log: dict[str, list[tuple[list[str], str]]] = {c: [] for c in codes}
        try:
            # A thread of its own: the browser tests' Playwright session keeps an event loop
            # running in the main thread for the rest of the test run.
            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run,
                            _rush(f"http://127.0.0.1:{port}", pid, codes, log, proc)).result()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        statuses = Counter(s for entries in log.values() for _, s in entries)
        assert statuses["ok"] >= KILL_AFTER and statuses["unknown"] > 0, statuses
        assert set(statuses) <= {"ok", "unknown"}, statuses

        proc = _start(url, port, tmp_path)  # restart: the server comes back and takes ballots
        try:
            late = next(c for c, entries in log.items() if not any(s == "ok" for _, s in entries))
            answer = httpx.post(f"http://127.0.0.1:{port}/api/participation/{pid}/ballots",
                                json={"code": late, "projects": ["d"],
                                      "submission_id": uuid.uuid4().hex}, timeout=10)
            assert answer.status_code == 200, answer.text
            log[late].append((["d"], "ok"))
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

        with sessions() as db:
            process = db.get(Process, pid)
            assert process is not None
            rows = {r.credential: r for r in db.scalars(select(BallotRow)
                                                        .where(BallotRow.process_id == pid))}
            assert db.scalar(select(func.count()).select_from(BallotRow)) == len(rows)
            for code, entries in log.items():
                oks = [i for i, (_, s) in enumerate(entries) if s == "ok"]
                row = rows.get(service.voting.code_credential(service.voting.code_hash(SECRET,
                                                                                      code)))
                if not oks:
                    continue
                assert row is not None, f"a ballot answered with success is missing ({code})"
                allowed = {",".join(entries[oks[-1]][0])} | {
                    ",".join(ch) for ch, s in entries[oks[-1] + 1:] if s == "unknown"}
                assert row.projects in allowed, (code, entries, row.projects)
            summary = service.publish_results(db, process)
            pb = process.pb_export
        assert pb is not None
        election, profile = parse_pb(pb, "export.pb")
        assert profile.num_voters == len(rows) == summary["voters"]
        recount = RULES["mes"](election, profile, options=service.RULE_OPTIONS["mes"])
        assert list(recount.selected) == summary["selected"]
        stored = Counter(p for r in rows.values() for p in r.projects.split(",") if p)
        exported = dict(zip(election.project_ids,
                            profile.approval_counts(len(election.projects)).tolist(), strict=True))
        assert {k: v for k, v in exported.items() if v} == dict(stored)
    finally:
        engine.dispose()
        drop_schema(base_url, schema)
