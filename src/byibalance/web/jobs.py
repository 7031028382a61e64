"""Background jobs of the web app: long runs (stochastic fans, council reports) never block a
request, and every web worker sees them.

A job's life is ``queued`` → ``running`` → ``done`` or ``failed``, with its progress (0 to 1 with
a short stage text) and its result. :class:`JobQueue` keeps it in the database's ``jobs`` table
(:class:`byibalance.web.db.JobRow`), so every worker can submit a job, read its state and
progress and fetch its result:

* **Submit** inserts a ``queued`` row; ``(kind, key)`` is unique, so a second submit of the same
  key (on any worker) returns the existing job, and a failed one is queued again.
* **Claim**: each worker's runner thread takes the oldest queued row with
  ``UPDATE jobs SET state='running', worker_id=... WHERE id=... AND state='queued'`` and runs it
  only if that changed one row (atomic on SQLite and PostgreSQL), in a spawned process of its own
  (its pure-Python loops never hold the server's GIL; its progress comes back through a queue).
* **Progress and heartbeat**: the runner writes the progress to the row and refreshes its
  ``heartbeat_at`` every ``heartbeat`` seconds while the job runs; every write is guarded by
  ``worker_id``, so a worker that lost its job never overwrites another's.
* **A worker that stops**: on a clean shutdown its running job is put back to ``queued`` (another
  worker, or the next start, runs it). A worker that dies (killed, crashed, power cut) leaves its
  job ``running`` with a heartbeat that stops; once it is older than ``stale_after`` seconds any
  runner marks the job **failed** with a message saying so and when. It is not re-queued by
  itself: a job that killed its worker (e.g. out of memory) would otherwise kill the next one too.
  Submitting it again (the same form) queues it again.
* **Results** are JSON in the row (fans); a file (PDF) is written in the queue's result folder
  (the data folder's ``jobs/``) and its name kept in the row, so with workers on several machines
  that folder must be shared storage.
* **Retention**: :meth:`JobQueue.prune` deletes finished jobs older than the retention (30 days
  by default) with their result files, never a queued or running one and never a file outside
  the result folder. Each runner prunes when it starts and then at most once per ``prune_every``
  seconds (an hour); ``byibalance web prune-jobs`` does it by hand.
"""

from __future__ import annotations

import atexit
import datetime as dt
import importlib
import json
import logging
import multiprocessing
import os
import queue as queue_module
import secrets
import socket
import stat
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from byibalance.errors import ByibalanceError
from byibalance.web.db import JobRow, User, get_row
from byibalance.web.settings import DEFAULT_JOB_RETENTION_DAYS

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

    id: Any  # the row id
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
    kind: str = ""
    scenario_id: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def seconds(self) -> float | None:
        """How long the job has run (so far, or in all), in seconds."""
        if self.started is None:
            return None
        return (self.finished_at or time.time()) - self.started


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


# --------------------------------------------------------------------------------------------
# The database queue shared by every web worker.
# --------------------------------------------------------------------------------------------

#: A runner: ``fn(params, progress, files)`` named as ``"package.module:function"`` so that any
#: worker (and its spawned process) can import it; ``files`` is the folder for result files.
Runner = Callable[[dict[str, Any], Progress, Path], Any]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp as aware UTC (SQLite gives it back without its zone)."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _epoch(value: dt.datetime | None) -> float | None:
    aware = _utc(value)
    return aware.timestamp() if aware is not None else None


def resolve(target: str) -> Runner:
    """The runner named ``"package.module:function"``."""
    module, _, name = target.partition(":")
    fn: Runner = getattr(importlib.import_module(module), name)
    return fn


def _call_named_in_child(target: str, params: dict[str, Any], files: str, job_id: str) -> Any:
    return resolve(target)(params, _QueueProgress(job_id), Path(files))


def job_of(row: JobRow, owner: str = "") -> Job:
    """A row as a :class:`Job` for the pages (the result decoded from JSON)."""
    return Job(
        id=row.id,
        key=row.key,
        title=row.title,
        owner=owner,
        state=JobState(row.state),
        progress=float(row.progress),
        stage=row.stage,
        error=row.error,
        result=json.loads(row.result) if row.result else None,
        created=_epoch(row.created_at) or 0.0,
        started=_epoch(row.started_at),
        finished_at=_epoch(row.finished_at),
        kind=row.kind,
        scenario_id=row.scenario_id,
        params=json.loads(row.params or "{}"),
    )


class JobQueue:
    """Background jobs in the database, shared by every web worker (see the module's text).

    ``runners`` maps a job kind to its runner's name (``"module:function"``). :meth:`start`
    starts this worker's runner (the app does on start-up); ``run=False`` makes a queue that
    only submits and reads (its jobs are run by other workers).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        runners: Mapping[str, str],
        files: Path,
        *,
        run: bool = True,
        processes: bool = True,
        poll: float = 0.5,
        heartbeat: float = 2.0,
        stale_after: float = 60.0,
        worker_id: str | None = None,
        retention: dt.timedelta = dt.timedelta(days=DEFAULT_JOB_RETENTION_DAYS),
        prune_every: float = 3600.0,
    ) -> None:
        if retention <= dt.timedelta(0):
            raise ValueError(f"the retention of finished jobs must be positive, not {retention}")
        self._sessions = sessions
        self.runners = dict(runners)
        self.files = Path(files)
        self.run = run
        self._processes = processes
        self.poll = poll
        self.heartbeat = heartbeat
        self.stale_after = stale_after
        host = socket.gethostname()[:32]
        self.worker_id = worker_id or f"{host}:{os.getpid()}:{secrets.token_hex(4)}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._process_pool: ProcessPoolExecutor | None = None
        self._messages: Any = None
        self.retention = retention
        self.prune_every = prune_every
        self._pruned_at: float | None = None  # time.monotonic() of this runner's last prune

    # -- submitting and reading (any worker) ---------------------------------------------------

    def submit(
        self,
        kind: str,
        key: str,
        params: Mapping[str, Any],
        *,
        title: str = "",
        owner_id: int | None = None,
        scenario_id: int | None = None,
    ) -> Job:
        """Queue a job of ``kind`` under ``key``; the existing job if the key is known and has
        not failed (computed once); a failed one, or a done one whose result file is gone, is
        queued again. Returns at once."""
        if kind not in self.runners:
            raise ValueError(f"no runner for jobs of kind {kind!r}")
        with self._sessions() as db:
            row = self._by_key(db, kind, key)
            if row is None:
                row = JobRow(
                    kind=kind,
                    key=key,
                    title=title[:200],
                    owner_id=owner_id,
                    scenario_id=scenario_id,
                    params=json.dumps(dict(params)),
                    state=JobState.QUEUED.value,
                    created_at=_now(),
                )
                db.add(row)
                try:
                    db.commit()
                except IntegrityError:  # another worker submitted the same key just now
                    db.rollback()
                    row = self._by_key(db, kind, key)
                    assert row is not None
            elif row.state == JobState.FAILED.value or self._lost_file(row):
                db.execute(
                    update(JobRow)
                    .where(JobRow.id == row.id, JobRow.state == row.state)
                    .values(
                        state=JobState.QUEUED.value,
                        progress=0.0,
                        stage="",
                        error=None,
                        result=None,
                        started_at=None,
                        finished_at=None,
                        worker_id=None,
                        heartbeat_at=None,
                        created_at=_now(),
                        owner_id=owner_id,
                        title=title[:200],
                        params=json.dumps(dict(params)),
                    )
                )
                db.commit()
                db.refresh(row)
            job = self._job(db, row)
        self._wake.set()  # this worker's runner, if started, looks at once
        return job

    def _lost_file(self, row: JobRow) -> bool:
        """True for a done job whose result file is no longer there (removed by hand, or a
        worker on a machine that does not share the result folder): it is made again."""
        if row.state != JobState.DONE.value:
            return False
        name = _file_name(row.result)
        if name is None:
            return False
        path = self._inside(name)
        return path is None or not path.is_file()

    @staticmethod
    def _by_key(db: Session, kind: str, key: str) -> JobRow | None:
        return db.scalar(select(JobRow).where(JobRow.kind == kind, JobRow.key == key))

    @staticmethod
    def _job(db: Session, row: JobRow) -> Job:
        owner = db.get(User, row.owner_id) if row.owner_id is not None else None
        return job_of(row, owner.username if owner is not None else "")

    def get(self, job_id: int) -> Job | None:
        """The job with this id, or None (also for an id no database column can hold)."""
        with self._sessions() as db:
            row = get_row(db, JobRow, job_id)
            return self._job(db, row) if row is not None else None

    def find(self, kind: str, key: str) -> Job | None:
        """The job of ``kind`` and ``key``, or None."""
        with self._sessions() as db:
            row = self._by_key(db, kind, key)
            return self._job(db, row) if row is not None else None

    def jobs(self, kind: str | None = None, limit: int = 50) -> list[Job]:
        """The newest jobs (of ``kind``), newest first."""
        with self._sessions() as db:
            query = select(JobRow, User.username).outerjoin(User, JobRow.owner_id == User.id)
            if kind is not None:
                query = query.where(JobRow.kind == kind)
            rows = db.execute(query.order_by(JobRow.id.desc()).limit(limit)).all()
            return [job_of(row, name or "") for row, name in rows]

    def result_file(self, job: Job) -> Path | None:
        """The file a finished job wrote (its result names it), or None (also once it has been
        pruned, and for a name that would lead out of the result folder)."""
        name = job.result.get("file") if isinstance(job.result, dict) else None
        path = self._inside(name) if isinstance(name, str) else None
        return path if path is not None and path.is_file() else None

    def _inside(self, name: str) -> Path | None:
        """The result file ``name`` in the result folder, resolved (symbolic links followed);
        None unless it is a plain, visible file name directly in that folder (``../x``, an
        absolute path, a link that leads out, a hidden part file are all refused)."""
        folder = self.files.resolve()
        if not name or name.startswith(".") or "/" in name or "\\" in name:
            return None
        path = (folder / name).resolve()
        return path if path.parent == folder else None

    def wait(self, job_id: int, timeout: float = 60.0) -> Job:
        """Block until the job has finished (for tests and scripts, never in a request)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if job is None:
                raise KeyError(job_id)
            if job.state.finished or time.monotonic() > deadline:
                return job
            time.sleep(0.02)

    def fail_stale(self) -> int:
        """Mark running jobs whose worker stopped sending its heartbeat as failed; how many."""
        now = _now()
        cutoff = now - dt.timedelta(seconds=self.stale_after)
        with self._sessions() as db:
            stale = db.execute(
                select(JobRow.id, JobRow.heartbeat_at).where(
                    JobRow.state == JobState.RUNNING.value, JobRow.heartbeat_at < cutoff
                )
            ).all()
            count = 0
            for job_id, beat in stale:
                seen = _utc(beat)
                when = seen.strftime("%Y-%m-%d %H:%M:%S UTC") if seen else "never"
                count += db.execute(
                    update(JobRow)
                    .where(
                        JobRow.id == job_id,
                        JobRow.state == JobState.RUNNING.value,
                        JobRow.heartbeat_at < cutoff,
                    )
                    .values(
                        state=JobState.FAILED.value,
                        finished_at=now,
                        error=f"the server process running this job stopped (last sign of life "
                        f"{when}); start it again",
                    )
                ).rowcount  # type: ignore[attr-defined]
            db.commit()
        if count:
            log.warning("marked %d background job(s) of stopped workers as failed", count)
        return count

    # -- retention (any worker, and the CLI) ---------------------------------------------------

    def prune(self, older_than: dt.timedelta | None = None, *, dry_run: bool = False) -> Pruned:
        """Delete the finished (done or failed) jobs that finished more than ``older_than`` ago
        (default: the queue's retention) and the result files they name; what was removed.

        Never a queued or running job (the delete itself checks the state, so a failed job
        queued again meanwhile stays), and never a file outside the result folder (a name that
        leads out is counted in ``refused`` and left alone). A file changed after the cutoff is
        kept: it was written by a newer run of the same key. With ``dry_run`` nothing is
        deleted and the counts say what would be.
        """
        age = self.retention if older_than is None else older_than
        if age < dt.timedelta(0):
            raise ValueError(f"older_than must not be negative, not {age}")
        cutoff = _now() - age
        old = and_(
            JobRow.state.in_((JobState.DONE.value, JobState.FAILED.value)),
            or_(
                JobRow.finished_at < cutoff,
                and_(JobRow.finished_at.is_(None), JobRow.created_at < cutoff),
            ),
        )
        rows = files = size = refused = 0
        for results in self._old_results(old, dry_run):
            rows += len(results)
            for result in results:
                name = _file_name(result)
                if name is None:
                    continue
                path = self._inside(name)
                if path is None:
                    log.warning(
                        "a finished job names the result file %r outside %s; it is left alone",
                        name,
                        self.files,
                    )
                    refused += 1
                    continue
                removed = _remove_file(path, cutoff.timestamp(), dry_run)
                if removed is not None:
                    files += 1
                    size += removed
        if rows and not dry_run:
            log.info(
                "removed %d finished background job(s) older than %s and %d file(s), %d bytes",
                rows,
                age,
                files,
                size,
            )
        return Pruned(rows=rows, files=files, bytes=size, refused=refused, dry_run=dry_run)

    def _old_results(self, old: Any, dry_run: bool, batch: int = 500) -> Iterator[list[Any]]:
        """The ``result`` texts of the jobs matching ``old``, a batch at a time, each batch
        deleted first unless ``dry_run`` (only the rows the delete really removed are given)."""
        after = 0
        while True:
            with self._sessions() as db:
                found = db.execute(
                    select(JobRow.id, JobRow.result)
                    .where(old, JobRow.id > after)
                    .order_by(JobRow.id)
                    .limit(batch)
                ).all()
                if not found:
                    return
                after = found[-1][0]
                if dry_run:
                    gone = [result for _, result in found]
                else:
                    gone = list(
                        db.execute(
                            delete(JobRow)
                            .where(JobRow.id.in_([i for i, _ in found]), old)
                            .returning(JobRow.result),
                            execution_options={"synchronize_session": False},
                        ).scalars()
                    )
                    db.commit()
            yield gone  # the files are handled outside the transaction
            if len(found) < batch:  # that was the last batch
                return

    # -- running (workers with run=True) -------------------------------------------------------

    def start(self) -> None:
        """Start this worker's runner thread (once; not for a queue made with ``run=False``)."""
        if not self.run:
            return
        with self._start_lock:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(
                    target=self._loop, daemon=True, name="byibalance-job-runner"
                )
                self._thread.start()
                atexit.register(self.shutdown)  # hand the running job back, end its process

    def shutdown(self) -> None:
        """Stop claiming jobs; a running one is put back to ``queued`` for another worker."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        with self._start_lock:
            if self._process_pool is not None:
                _stop_pool(self._process_pool)
                self._process_pool = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._prune_when_due()
            try:
                self.fail_stale()
                claimed = self._claim()
                if claimed is not None:
                    self._execute(*claimed)
                    continue
            except Exception:  # the database went away for a moment: log, wait, try again
                log.exception("the background job runner hit an error; retrying")
            self._wake.wait(self.poll)
            self._wake.clear()

    def _prune_when_due(self) -> None:
        """Prune when this runner starts and then at most once per ``prune_every`` seconds (a
        clock comparison on every other turn of the loop). A failed prune waits for the next
        turn of the hour rather than retrying at every poll."""
        now = time.monotonic()
        if self._pruned_at is not None and now - self._pruned_at < self.prune_every:
            return
        self._pruned_at = now
        try:
            self.prune()
        except Exception:  # the runner goes on running jobs; the old ones wait an hour
            log.exception(
                "removing old background jobs failed; trying again in %.0f s", self.prune_every
            )

    def _claim(self) -> tuple[int, str, dict[str, Any]] | None:
        with self._sessions() as db:
            candidates = db.execute(
                select(JobRow.id, JobRow.kind, JobRow.params)
                .where(JobRow.state == JobState.QUEUED.value)
                .order_by(JobRow.id)
                .limit(5)
            ).all()
            for job_id, kind, params in candidates:
                if kind not in self.runners:
                    continue
                now = _now()
                changed = db.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, JobRow.state == JobState.QUEUED.value)
                    .values(
                        state=JobState.RUNNING.value,
                        worker_id=self.worker_id,
                        started_at=now,
                        heartbeat_at=now,
                        progress=0.0,
                        stage="",
                    )
                ).rowcount  # type: ignore[attr-defined]
                db.commit()
                if changed == 1:
                    return job_id, kind, json.loads(params or "{}")
        return None

    def _mine(self, job_id: int) -> Any:
        return update(JobRow).where(
            JobRow.id == job_id,
            JobRow.worker_id == self.worker_id,
            JobRow.state == JobState.RUNNING.value,
        )

    def _write(self, job_id: int, **values: Any) -> None:
        with self._sessions() as db:
            db.execute(self._mine(job_id).values(**values))
            db.commit()

    def _execute(self, job_id: int, kind: str, params: dict[str, Any]) -> None:
        self.files.mkdir(parents=True, exist_ok=True)
        target = self.runners[kind]
        state = _Tick()

        def progress(fraction: float, stage: str) -> None:
            state.progress = min(max(float(fraction), 0.0), 1.0)
            state.stage = str(stage)[:200]
            state.dirty = True

        def beat(force: bool = False) -> None:
            now = time.monotonic()
            since = now - state.written
            if force or since >= self.heartbeat or (state.dirty and since >= 0.2):
                self._write(job_id, progress=state.progress, stage=state.stage, heartbeat_at=_now())
                state.written, state.dirty = now, False

        try:
            if self._processes:
                result = self._in_process(job_id, target, params, progress, beat)
            else:
                result = self._in_thread(target, params, progress, beat)
        except _Requeued:
            return
        except ByibalanceError as err:
            self._write(job_id, state=JobState.FAILED.value, error=str(err), finished_at=_now())
        except Exception as err:  # the user gets one line; the log keeps the traceback
            log.exception("background job %s (%s) failed", job_id, kind)
            self._write(
                job_id,
                state=JobState.FAILED.value,
                finished_at=_now(),
                error=f"the run failed: {type(err).__name__}: {err}",
            )
        else:
            self._write(
                job_id,
                state=JobState.DONE.value,
                progress=1.0,
                stage=state.stage,
                result=json.dumps(result),
                finished_at=_now(),
                heartbeat_at=_now(),
            )

    def _in_thread(
        self, target: str, params: dict[str, Any], progress: Progress, beat: Callable[..., None]
    ) -> Any:
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["result"] = resolve(target)(params, progress, self.files)
            except BaseException as err:  # handed to the runner thread below
                box["error"] = err

        thread = threading.Thread(target=work, daemon=True, name="byibalance-job")
        thread.start()
        while thread.is_alive():
            thread.join(0.1)
            beat()
        if "error" in box:
            raise box["error"]
        return box["result"]

    def _in_process(
        self,
        job_id: int,
        target: str,
        params: dict[str, Any],
        progress: Progress,
        beat: Callable[..., None],
    ) -> Any:
        with self._start_lock:
            if self._stop.is_set():
                raise _Requeued
            if self._process_pool is None:
                context = multiprocessing.get_context("spawn")
                self._messages = context.Queue()
                self._process_pool = ProcessPoolExecutor(
                    1,
                    mp_context=context,
                    initializer=_init_child,
                    initargs=(self._messages, os.getpid()),
                )
            messages = self._messages
            tag = f"{self.worker_id}:{job_id}"
            future = self._process_pool.submit(
                _call_named_in_child, target, params, str(self.files), tag
            )
        while not future.done():
            if self._stop.is_set():  # a clean shutdown: another worker takes the job over
                self._write(
                    job_id,
                    state=JobState.QUEUED.value,
                    worker_id=None,
                    started_at=None,
                    heartbeat_at=None,
                    progress=0.0,
                    stage="",
                )
                raise _Requeued
            try:
                tagged, fraction, stage = messages.get(timeout=0.1)
            except queue_module.Empty:
                pass
            else:
                if tagged == tag:  # a late message of an earlier job is dropped
                    progress(fraction, stage)
            beat()
        timeout = 0.05  # the child's last messages may trail its result a little
        while True:
            try:
                tagged, fraction, stage = messages.get(timeout=timeout)
            except queue_module.Empty:
                break
            if tagged == tag:
                progress(fraction, stage)
            timeout = 0.01
        return future.result()


@dataclass(frozen=True)
class Pruned:
    """What :meth:`JobQueue.prune` removed, or would remove on a dry run: job rows, result files
    and their bytes, and result names refused because they lead out of the result folder."""

    rows: int = 0
    files: int = 0
    bytes: int = 0
    refused: int = 0
    dry_run: bool = False


def _file_name(result: str | None) -> str | None:
    """The result file a job's stored result names, or None (no file, or not a JSON object)."""
    try:
        value = json.loads(result) if result else None
    except ValueError:
        return None
    name = value.get("file") if isinstance(value, dict) else None
    return name if isinstance(name, str) else None


def _remove_file(path: Path, cutoff: float, dry_run: bool) -> int | None:
    """Delete the regular file ``path`` unless it changed after ``cutoff`` (a Unix time); its
    size, or None when nothing was (or would be) deleted (gone already, not a file, newer)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_mtime > cutoff:
        return None
    if not dry_run:
        try:
            path.unlink()
        except FileNotFoundError:  # another worker pruned it a moment ago
            return None
    return info.st_size


@dataclass
class _Tick:
    """A running job's latest progress and when it was last written to its row."""

    progress: float = 0.0
    stage: str = ""
    written: float = 0.0
    dirty: bool = False


class _Requeued(Exception):
    """The worker stops: its job went back to the queue."""


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Shut a process pool down without waiting for its running job (its process is ended)."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
