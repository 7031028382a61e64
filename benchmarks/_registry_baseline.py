"""The previous in-memory job queue, kept only as the baseline of ``web_fans_jobs.py``.

A :class:`JobRegistry` runs submitted functions on a small thread pool (one worker by default)
and keeps every job, its state, progress and result in memory; a key submitted again returns
the existing job unless it failed. With ``processes=True`` each job's function runs in a
spawned process of its own (it must then be picklable) and its progress reaches the server
through a queue. It lives in one server process only, which is why the web app replaced it by
the database queue (:class:`byibalance.web.jobs.JobQueue`); the benchmark measures what that
change costs per job against this.
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
from typing import Any

from byibalance.errors import ByibalanceError
from byibalance.web.jobs import Job, JobState, Progress

log = logging.getLogger(__name__)

_CHILD_QUEUE: Any = None


class _QueueProgress:
    """The ``progress`` of a job in another process: sends ``(job, fraction, stage)`` back."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id

    def __call__(self, fraction: float, stage: str) -> None:
        if _CHILD_QUEUE is not None:
            _CHILD_QUEUE.put((self.job_id, fraction, stage))


def _init_child(messages: Any, parent: int) -> None:
    """In a job process: keep the progress queue, and exit when the parent has gone."""
    global _CHILD_QUEUE
    _CHILD_QUEUE = messages

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="registry-job-watch").start()


def _call_in_child(fn: Callable[[Progress], Any], job_id: str) -> Any:
    return fn(_QueueProgress(job_id))


class JobRegistry:
    """In-process registry of background jobs on a thread pool of ``workers`` threads (each
    running its job in a process of its own with ``processes=True``)."""

    def __init__(self, workers: int = 1, keep: int = 50, processes: bool = False) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="registry-job")
        self._workers = workers
        self._processes = processes
        self._process_pool: ProcessPoolExecutor | None = None
        self._messages: Any = None
        self._jobs: dict[str, Job] = {}
        self._by_key: dict[Hashable, str] = {}
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._keep = keep

    def submit(self, key: Hashable, fn: Callable[[Progress], Any], *, title: str = "") -> Job:
        """Queue ``fn(progress)`` under ``key``; the existing job if ``key`` is known and has not
        failed. Returns at once."""
        with self._lock:
            known = self._by_key.get(key)
            if known is not None and self._jobs[known].state is not JobState.FAILED:
                return self._jobs[known]
            job = Job(id=secrets.token_hex(8), key=key, title=title, owner="")
            self._jobs[job.id] = job
            self._by_key[key] = job.id
            self._forget_old()
        self._pool.submit(self._run, job, fn)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with ``job_id``, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        """Block until the job has finished or ``timeout`` seconds have passed."""
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
                    self._workers,
                    mp_context=context,
                    initializer=_init_child,
                    initargs=(self._messages, os.getpid()),
                )
            messages = self._messages
            future = self._process_pool.submit(_call_in_child, fn, job.id)
        while not future.done():
            try:
                job_id, fraction, stage = messages.get(timeout=0.2)
            except queue_module.Empty:
                continue
            if job_id == job.id:  # a late message of an earlier job is dropped
                progress(fraction, stage)
        return future.result()

    def _forget_old(self) -> None:
        finished = sorted(
            (j for j in self._jobs.values() if j.state.finished), key=lambda j: j.created
        )
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
        except Exception as err:
            log.exception("background job %s (%s) failed", job.id, job.title)
            job.error = f"the run failed: {type(err).__name__}: {err}"
            job.state = JobState.FAILED
        else:
            job.result = result
            job.progress = 1.0
            job.state = JobState.DONE
        finally:
            job.finished_at = time.time()
