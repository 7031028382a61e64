"""Background jobs of the web app: long runs (stochastic fans) never block a request.

A :class:`JobRegistry` runs submitted functions on a small thread pool (one worker by default:
the runs are CPU-bound and the server has few cores) and keeps every job, its state
(``queued`` → ``running`` → ``done`` or ``failed``), its progress (0 to 1 with a short stage
text) and its result in memory. A job is identified by a random id and by a *key* (e.g.
municipality, paths, seed): submitting a key again returns the existing job unless it failed, so
the same seeded run is computed once.

With ``processes=True`` each job's function runs in a separate (spawned) process, so a run's
pure-Python loops never hold the server's GIL and the pages stay quick while it runs; the
function and its result must then be picklable (a module-level function or a
``functools.partial`` of one), and its progress reaches the server through a queue.

Limitation: the registry lives in one server process. With several workers (``--workers 4``) a
job started on one worker is unknown to the others; serve the fans with one worker, or put a
sticky-session load balancer in front.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue as queue_module
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from byibalance.errors import ByibalanceError

log = logging.getLogger(__name__)

#: A job's function receives ``progress(fraction, stage)`` to report how far it has come.
Progress = Callable[[float, str], None]


class JobState(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        """True once the job is done or failed."""
        return self in (JobState.DONE, JobState.FAILED)


@dataclass
class Job:
    """One background job. ``error`` is a one-line message for the user, never a traceback."""

    id: str
    key: Hashable
    title: str
    owner: str
    state: JobState = JobState.QUEUED
    progress: float = 0.0
    stage: str = ""
    result: Any = None
    error: str | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished_at: float | None = None

    @property
    def seconds(self) -> float | None:
        """How long the job has run (so far, or in all), in seconds."""
        if self.started is None:
            return None
        return (self.finished_at or time.time()) - self.started


class JobRegistry:
    """In-process registry of background jobs on a thread pool of ``workers`` threads (each
    running its job in a process of its own with ``processes=True``)."""

    def __init__(self, workers: int = 1, keep: int = 50, processes: bool = False) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="byibalance-job")
        self._workers = workers
        self._processes = processes
        self._process_pool: ProcessPoolExecutor | None = None
        self._messages: Any = None
        self._jobs: dict[str, Job] = {}
        self._by_key: dict[Hashable, str] = {}
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._keep = keep

    def submit(
        self, key: Hashable, fn: Callable[[Progress], Any], *, title: str = "", owner: str = ""
    ) -> Job:
        """Queue ``fn(progress)`` under ``key``; the existing job if ``key`` is known and has not
        failed (same seeded run → same result, computed once). Returns at once."""
        with self._lock:
            known = self._by_key.get(key)
            if known is not None and self._jobs[known].state is not JobState.FAILED:
                return self._jobs[known]
            job = Job(id=secrets.token_hex(8), key=key, title=title, owner=owner)
            self._jobs[job.id] = job
            self._by_key[key] = job.id
            self._forget_old()
        self._pool.submit(self._run, job, fn)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with ``job_id``, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def find(self, key: Hashable) -> Job | None:
        """The newest job of ``key``, or None."""
        with self._lock:
            known = self._by_key.get(key)
            return self._jobs.get(known) if known is not None else None

    def jobs(self) -> list[Job]:
        """Every kept job, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        """Block until the job has finished (for tests and scripts, never in a request)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if job is None:
                raise KeyError(job_id)
            if job.state.finished or time.monotonic() > deadline:
                return job
            time.sleep(0.02)

    def shutdown(self) -> None:
        """Stop taking jobs; running ones finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._start_lock:
            if self._process_pool is not None:
                self._process_pool.shutdown(wait=False, cancel_futures=True)
                self._process_pool = None

    def _in_process(self, job: Job, fn: Callable[[Progress], Any], progress: Progress) -> Any:
        with self._start_lock:
            if self._process_pool is None:
                context = multiprocessing.get_context("spawn")
                self._messages = context.Queue()
                self._process_pool = ProcessPoolExecutor(
                    self._workers, mp_context=context, initializer=_init_child,
                    initargs=(self._messages, os.getpid()))
            messages = self._messages
            future = self._process_pool.submit(_call_in_child, fn, job.id)

        def drain(timeout: float) -> None:
            try:
                job_id, fraction, stage = messages.get(timeout=timeout)
            except queue_module.Empty:
                return
            if job_id == job.id:  # a late message of an earlier job is dropped
                progress(fraction, stage)

        while not future.done():
            drain(0.2)
        return future.result()

    def _forget_old(self) -> None:
        finished = sorted((j for j in self._jobs.values() if j.state.finished),
                          key=lambda j: j.created)
        for job in finished[: max(0, len(self._jobs) - self._keep)]:
            del self._jobs[job.id]
            if self._by_key.get(job.key) == job.id:
                del self._by_key[job.key]

    def _run(self, job: Job, fn: Callable[[Progress], Any]) -> None:
        def progress(fraction: float, stage: str) -> None:
            job.progress = min(max(float(fraction), 0.0), 1.0)
            job.stage = stage

        job.started = time.time()
        job.state = JobState.RUNNING
        try:
            result = self._in_process(job, fn, progress) if self._processes else fn(progress)
        except ByibalanceError as err:
            job.error = str(err)
            job.state = JobState.FAILED
        except Exception as err:  # the user gets one line; the log keeps the traceback
            log.exception("background job %s (%s) failed", job.id, job.title)
            job.error = f"the run failed: {type(err).__name__}: {err}"
            job.state = JobState.FAILED
        else:
            job.result = result
            job.progress = 1.0
            job.state = JobState.DONE
        finally:
            job.finished_at = time.time()


class _QueueProgress:
    """The ``progress`` of a job in another process: sends ``(job, fraction, stage)`` to the
    server."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id

    def __call__(self, fraction: float, stage: str) -> None:
        if _CHILD_QUEUE is not None:
            _CHILD_QUEUE.put((self.job_id, fraction, stage))


_CHILD_QUEUE: Any = None


def _init_child(messages: Any, parent: int) -> None:
    """In a job process: keep the progress queue, and exit when the server has gone."""
    global _CHILD_QUEUE
    _CHILD_QUEUE = messages

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="byibalance-job-watch").start()


def _call_in_child(fn: Callable[[Progress], Any], job_id: str) -> Any:
    return fn(_QueueProgress(job_id))
