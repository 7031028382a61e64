"""The data page: the StatBank snapshots, the one in use, and what the model does with each table.

The web side of ``byibalance data list / info / use`` for finance and planning staff: every
signed-in staff member sees the snapshots and their provenance; an administrator pins the data in
use (a snapshot, the embedded data, or the newest snapshot again). A pin takes effect at the next
request in every worker: the data layer's caches follow ``active.yaml``
(:mod:`byibalance.data.generation`).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from byibalance.errors import ByibalanceError, ErrorLocation, InputError
from byibalance.messages import N_, Note
from byibalance.sources import snapshots
from byibalance.web.db import Role, User
from byibalance.web.deps import checked_form, page_user, render
from byibalance.web.jobs import Job, JobQueue, Progress
from byibalance.web.security import require_role

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

NEWEST = "newest"
UPDATE_KIND = "data_update"
STORING = "storing the snapshot"
DEFAULT_MUNICIPALITIES = "165"
NOT_USED = "stored, not used"
UNKNOWN_LAYOUT = "unknown (not downloaded any more)"


@dataclass(frozen=True)
class SnapshotRow:
    """One row of the list of snapshots (the embedded data is the last)."""

    name: str
    created: str
    tables: tuple[str, ...]
    municipalities: int
    all_denmark: bool
    periods: str
    in_use: bool


@dataclass(frozen=True)
class TableRow:
    """One table of the snapshot shown: its provenance and what the model does with it."""

    table: str
    title: str
    status: str
    retrieved: str
    layout_source: str
    model_use: str
    carried_from: str | None
    files: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class EmbeddedFile:
    """One file of the embedded data set, from its manifest."""

    file: str
    title: str
    status: str
    period: str
    rows: int | None


def _areas(codes: set[str]) -> tuple[int, bool]:
    """The number of municipalities among ``codes`` and whether All Denmark (000) is there."""
    return len(codes - {"000"}), "000" in codes


def _snapshot_row(snap: snapshots.Snapshot, in_use: bool) -> SnapshotRow:
    municipalities, all_denmark = _areas({c for t in snap.tables for c in t.codes})
    return SnapshotRow(
        name=snap.name,
        created=snap.created,
        tables=tuple(t.table for t in snap.tables),
        municipalities=municipalities,
        all_denmark=all_denmark,
        periods=", ".join(dict.fromkeys(t.period_range for t in snap.tables)),
        in_use=in_use,
    )


def _embedded_files() -> list[EmbeddedFile]:
    from byibalance import data

    out = []
    for entry in data.manifest().get("files", []):
        rows = entry.get("rows")
        out.append(
            EmbeddedFile(
                file=str(entry.get("file", "")),
                title=str(entry.get("title", "")),
                status=str(entry.get("status", "")),
                period=str(entry.get("period", "")),
                rows=int(rows) if isinstance(rows, int) else None,
            )
        )
    return out


def _embedded_row(files: list[EmbeddedFile], in_use: bool) -> SnapshotRow:
    period = next((f.period for f in files if f.file == "population_age5.csv.gz"), "")
    return SnapshotRow(
        name=snapshots.EMBEDDED,
        created="",
        tables=tuple(f.file for f in files),
        municipalities=98,
        all_denmark=True,
        periods=period,
        in_use=in_use,
    )


def _table_rows(snap: snapshots.Snapshot) -> list[TableRow]:
    from byibalance.sources.statbank import MODEL_USE, TABLES

    rows = []
    for entry in snap.tables:
        spec = TABLES.get(entry.table)
        rows.append(
            TableRow(
                table=entry.table,
                title=entry.title,
                status=entry.status,
                retrieved=entry.retrieved,
                layout_source=spec.layout_source if spec is not None else UNKNOWN_LAYOUT,
                model_use=MODEL_USE.get(entry.table, NOT_USED),
                carried_from=entry.carried_from,
                files=tuple((f.file, f.rows) for f in entry.files),
            )
        )
    return rows


def _unknown_snapshot(name: str) -> Note:
    return Note(N_("there is no snapshot '{name}'; choose one from the list of snapshots"),
                name=name)  # fmt: skip


def _page(
    request: Request,
    user: User,
    shown: str | None = None,
    *,
    error: ByibalanceError | None = None,
    status_code: int = 200,
    form: dict[str, Any] | None = None,
) -> Response:
    """The data page, showing the tables of ``shown`` (default: the data in use)."""
    found = snapshots.list_snapshots()
    pin_error: ByibalanceError | None = None
    try:
        active = snapshots.active_snapshot()
        active_name: str | None = active.name if active is not None else snapshots.EMBEDDED
        pin = snapshots.pinned()
    except ByibalanceError as err:  # a broken pin: say so, and let an admin pin another
        pin_error, active_name, pin = err, None, None
    by_name = {s.name: s for s in found}
    target = shown or active_name
    if target is not None and target != snapshots.EMBEDDED and target not in by_name:
        raise StarletteHTTPException(404, _unknown_snapshot(target))
    files = _embedded_files()
    rows = [_snapshot_row(s, s.name == active_name) for s in reversed(found)]
    rows.append(_embedded_row(files, active_name == snapshots.EMBEDDED))
    context = {
        "rows": rows,
        "active_name": active_name,
        "pinned": pin,
        "pin_error": pin_error,
        "shown": target,
        "tables": _table_rows(by_name[target]) if target in by_name else [],
        "embedded_files": files if target == snapshots.EMBEDDED else [],
        "choices": [*by_name, snapshots.EMBEDDED, NEWEST],
        "error": error,
        "update_tables": _downloadable(),
        "form": form or {"municipalities": DEFAULT_MUNICIPALITIES, "tables": ["FOLK1A"]},
    }
    return render(request, "data.html", context, user=user, status_code=status_code)


@router.get("/data", response_class=HTMLResponse)
def data_page(request: Request, snapshot: str = "", user: User = Depends(page_user)) -> Response:
    """The snapshots, the one in use, and the provenance of the one in use (or ``snapshot``)."""
    return _page(request, user, snapshot.strip() or None)


@router.post("/data/use", response_class=HTMLResponse)
async def use_data(request: Request, user: User = Depends(page_user)) -> Response:
    """Pin the data in use: a snapshot, ``embedded``, or ``newest`` (admins only)."""
    require_role(user, Role.ADMIN)
    form = await checked_form(request)
    name = str(form.get("snapshot", "")).strip()
    known = [s.name for s in snapshots.list_snapshots()]
    if name not in (*known, snapshots.EMBEDDED, NEWEST):
        error = InputError(
            _unknown_snapshot(name),
            Note(
                N_("choose one of {names}"), names=", ".join([*known, snapshots.EMBEDDED, NEWEST])
            ),
            ErrorLocation(field="snapshot"),
        )
        return _page(request, user, error=error, status_code=422)
    snapshots.use(name)
    log.info("user %d pinned the data in use: %s", user.id, name)
    return RedirectResponse("/data", status_code=303)


# -- fresh data: ``byibalance data update`` as a background job ----------------------------------


def _jobs(request: Request) -> JobQueue:
    """The app's job queue (in the database, shared by every web worker)."""
    jobs: JobQueue = request.app.state.jobs
    return jobs


def _downloadable() -> list[tuple[str, str]]:
    """The StatBank downloads byibalance knows (:data:`statbank.TABLES`): name and title."""
    from byibalance.sources.statbank import TABLES

    return [(name, spec.title) for name, spec in TABLES.items()]


def run_update(params: dict[str, Any], progress: Progress, files: Path) -> dict[str, Any]:
    """The job runner of kind ``data_update`` (any worker, in a process of its own): what
    ``byibalance data update`` does. Downloads each table in ``params["tables"]`` for the area
    codes in ``params["codes"]`` with the CLI's StatBank client, checks them and stores them as a
    new snapshot (all or nothing); returns the snapshot's name and its tables."""
    from byibalance.cli.data import make_client
    from byibalance.sources.statbank import download_table

    codes = [str(c) for c in params["codes"]]
    names = [str(t) for t in params["tables"]]
    client = make_client(None, int(params.get("retries", 4)), float(params.get("timeout", 60.0)))
    steps = len(names) + 1
    downloads = []
    for i, name in enumerate(names):
        progress(i / steps, name)
        downloads.append(download_table(client, name, codes))
    progress(len(names) / steps, STORING)
    snap = snapshots.write_snapshot(downloads)
    return {"snapshot": snap.name, "tables": [t.table for t in snap.tables]}


def _update_codes(text: str) -> list[str]:
    """The area codes meant by the form's municipalities: codes or names separated by commas,
    ``k29`` (the capital region's 29), or ``all`` (the 98 and All Denmark), as the CLI reads
    them."""
    from byibalance import data

    value = text.strip().lower()
    if value == "all":
        return [data.ALL_DENMARK_CODE, *data.municipality_codes("all")]
    if value == "k29":
        return data.municipality_codes("k29")
    parts = [part.strip() for part in text.split(",") if part.strip()]
    fix = Note(N_("give municipality codes or names separated by commas, k29 or all"))
    if not parts:
        raise InputError(
            Note(N_("no municipality given")), fix, ErrorLocation(field="municipalities")
        )
    codes = set()
    for part in parts:
        try:
            codes.add(data.municipality(part).code)
        except ByibalanceError as err:
            raise InputError(
                Note(N_("'{value}' is not one of the 98 Danish municipalities"), value=part),
                fix,
                ErrorLocation(field="municipalities"),
            ) from err
    return sorted(codes)


def _update_tables(chosen: list[str]) -> list[str]:
    known = [name for name, _title in _downloadable()]
    fix = Note(N_("choose tables from the list"))
    if not chosen:
        raise InputError(Note(N_("no table chosen")), fix, ErrorLocation(field="tables"))
    for name in chosen:
        if name not in known:
            raise InputError(
                Note(N_("there is no StatBank table '{name}' to download"), name=name),
                fix,
                ErrorLocation(field="tables"),
            )
    return [name for name in known if name in chosen]


def _update_form(form: FormData) -> dict[str, Any]:
    return {
        "municipalities": str(form.get("municipalities", "")),
        "tables": [str(t) for t in form.getlist("tables")],
    }


@router.post("/data/update", response_class=HTMLResponse)
async def start_update(request: Request, user: User = Depends(page_user)) -> Response:
    """Queue a download of fresh tables from Statistics Denmark (admins only); its page shows
    the progress."""
    require_role(user, Role.ADMIN)
    form = _update_form(await checked_form(request))
    try:
        codes = _update_codes(form["municipalities"])
        tables = _update_tables(form["tables"])
    except InputError as err:
        return _page(request, user, error=err, status_code=422, form=form)
    job = _jobs(request).submit(
        UPDATE_KIND,
        secrets.token_hex(8),  # every request is a new download
        {"codes": codes, "tables": tables},
        title=f"Data update: {', '.join(tables)}",
        owner_id=user.id,
    )
    log.info("user %d queued a data update (job %s): %s", user.id, job.id, ", ".join(tables))
    return RedirectResponse(f"/data/update/{job.id}", status_code=303)


def _update_job(request: Request, user: User, job_id: int) -> Job:
    require_role(user, Role.ADMIN)
    job = _jobs(request).get(job_id)
    if job is None or job.kind != UPDATE_KIND:
        raise StarletteHTTPException(
            404, Note(N_("no such run: it may have been removed; start it again"))
        )
    return job


@router.get("/data/update/{job_id}", response_class=HTMLResponse)
def update_page(request: Request, job_id: int, user: User = Depends(page_user)) -> Response:
    """A data update's progress, then the snapshot it stored (admins only)."""
    job = _update_job(request, user, job_id)
    return render(request, "data_update_job.html", {"job": job}, user=user)


@router.get("/data/update/{job_id}/status", response_class=HTMLResponse)
def update_status(request: Request, job_id: int, user: User = Depends(page_user)) -> Response:
    """The update's status partial, polled by its page until the snapshot is stored."""
    job = _update_job(request, user, job_id)
    return render(request, "data_update_status.html", {"job": job}, user=user)
