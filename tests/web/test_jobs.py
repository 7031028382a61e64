"""The background job registry: lifecycle, reuse of a seeded run, failures as one line."""

from __future__ import annotations

import os
import threading
import time

import pytest

from byibalance.errors import InputError
from byibalance.web.jobs import JobRegistry, JobState, Progress


@pytest.fixture
def jobs():  # type: ignore[no-untyped-def]
    registry = JobRegistry(workers=1)
    yield registry
    registry.shutdown()


def test_queued_running_done_with_progress(jobs: JobRegistry) -> None:
    gate = threading.Event()
    started = threading.Event()

    def work(progress: Progress) -> int:
        started.set()
        progress(0.5, "half way")
        gate.wait(5)
        return 42

    first = jobs.submit("a", work, title="first")
    second = jobs.submit("b", lambda p: 7, title="second")
    assert started.wait(5)
    assert first.state is JobState.RUNNING and first.progress == 0.5 and first.stage == "half way"
    assert second.state is JobState.QUEUED  # one worker: the second waits its turn
    gate.set()
    assert jobs.wait(first.id).state is JobState.DONE
    assert first.result == 42 and first.progress == 1.0 and first.seconds is not None
    assert jobs.wait(second.id).result == 7
    assert [j.id for j in jobs.jobs()] == [second.id, first.id]


def test_same_key_reuses_the_job(jobs: JobRegistry) -> None:
    calls = []
    job = jobs.submit(("165", 100, 1), lambda p: calls.append(1) or "x")
    jobs.wait(job.id)
    again = jobs.submit(("165", 100, 1), lambda p: calls.append(1) or "y")
    assert again is job and again.result == "x" and calls == [1]
    assert jobs.find(("165", 100, 1)) is job


def test_failure_is_one_line_and_can_be_retried(jobs: JobRegistry) -> None:
    def bad(progress: Progress) -> None:
        raise InputError("paths must be positive", fix="choose 100 or more")

    job = jobs.wait(jobs.submit("k", bad).id)
    assert job.state is JobState.FAILED
    assert job.error == "paths must be positive. choose 100 or more"
    crash = jobs.wait(jobs.submit("c", lambda p: 1 / 0).id)
    assert crash.error == "the run failed: ZeroDivisionError: division by zero"
    assert "Traceback" not in crash.error
    retry = jobs.submit("k", lambda p: "ok")  # a failed key is run again
    assert retry.id != job.id and jobs.wait(retry.id).result == "ok"


def test_submit_returns_at_once(jobs: JobRegistry) -> None:
    gate = threading.Event()
    t = time.perf_counter()
    job = jobs.submit("slow", lambda p: gate.wait(5))
    assert time.perf_counter() - t < 0.1
    gate.set()
    jobs.wait(job.id)


def test_old_finished_jobs_are_forgotten() -> None:
    registry = JobRegistry(workers=1, keep=3)
    ids = [registry.wait(registry.submit(i, lambda p: None).id).id for i in range(5)]
    registry.submit("last", lambda p: None)
    kept = {j.id for j in registry.jobs()}
    assert len(kept) <= 4 and ids[0] not in kept
    registry.shutdown()


def _in_child(progress: Progress) -> int:
    progress(0.5, "child")
    return os.getpid()


def _child_fails(progress: Progress) -> None:
    raise InputError("seed must be whole", fix="type 1, not 1.5")


def test_a_job_runs_in_a_process_of_its_own_with_progress() -> None:
    registry = JobRegistry(workers=1, processes=True)
    try:
        job = registry.wait(registry.submit("p", _in_child).id, timeout=60)
        assert job.state is JobState.DONE, job.error
        assert job.result != os.getpid() and job.progress == 1.0
        assert job.stage == "child"
        failed = registry.wait(registry.submit("f", _child_fails).id, timeout=60)
        assert failed.state is JobState.FAILED
        assert failed.error == "seed must be whole. type 1, not 1.5"
    finally:
        registry.shutdown()
