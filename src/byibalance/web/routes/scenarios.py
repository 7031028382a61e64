"""The scenario workbench: create from the baseline, edit, run, compare, download, upload."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from byibalance.errors import ByibalanceError, ErrorLocation, InputError, ScenarioError
from byibalance.messages import N_, Note
from byibalance.web import model, store
from byibalance.web.db import User
from byibalance.web.deps import checked_form, get_db, page_user, render, settings
from byibalance.web.security import require_writer

router = APIRouter(include_in_schema=False)

MAX_UPLOAD_BYTES = 256 * 1024
UPLOAD_KINDS = (".yaml", ".yml", ".xlsx")


def _view_of(request: Request, db: Session, user: User, ref: str) -> tuple[str, model.CityView]:
    """A compare side: 'baseline' or a scenario id the user may read."""
    if ref == "baseline":
        return "baseline", model.baseline(settings(request).municipality)
    if not ref.isdecimal():
        raise InputError(Note(N_("'{ref}' is not a scenario"), ref=ref),
                         fix=Note(N_("choose 'baseline' or a scenario id")),
                         where=ErrorLocation(field="a/b"))
    scenario = store.readable(db, user, int(ref))
    return scenario.name, model.run_scenario(store.scenario_of(scenario))


@router.get("/scenarios", response_class=HTMLResponse)
def list_scenarios(request: Request, user: User = Depends(page_user),
                   db: Session = Depends(get_db)) -> Response:
    """The user's scenarios and those shared with them."""
    items = store.visible_scenarios(db, user)
    return render(request, "scenarios/list.html",
                  {"scenarios": items, "can_edit": {s.id: store.can_edit(user, s) for s in items}},
                  user=user)


@router.get("/scenarios/new", response_class=HTMLResponse)
def new_scenario(request: Request, user: User = Depends(page_user)) -> Response:
    """An empty form: every field left empty keeps the baseline."""
    require_writer(user)
    state = store.FormState()
    return render(request, "scenarios/form.html",
                  {"state": state, "rows": store.housing_rows(state), "scenario": None,
                   "types": store.DWELLING_TYPES}, user=user)


@router.post("/scenarios", response_class=HTMLResponse)
async def create_scenario(request: Request, user: User = Depends(page_user),
                          db: Session = Depends(get_db)) -> Response:
    """Save a new scenario from the form, or show the form again with the errors."""
    require_writer(user)
    form = await checked_form(request)
    draft, state = store.scenario_from_form(form, None, settings(request).municipality)
    if draft is None:
        return render(request, "scenarios/form.html",
                      {"state": state, "rows": store.housing_rows(state), "scenario": None,
                       "types": store.DWELLING_TYPES}, user=user, status_code=422)
    scenario = store.save(db, user, draft)
    return RedirectResponse(f"/scenarios/{scenario.id}", status_code=303)


@router.post("/scenarios/upload", response_class=HTMLResponse)
async def upload_scenario(request: Request, user: User = Depends(page_user),
                          db: Session = Depends(get_db)) -> Response:
    """Store an uploaded scenario (YAML, or the workbench's Excel workbook); an invalid file shows
    its errors (line or sheet and cell, field, fix) and stores nothing."""
    require_writer(user)
    form = await checked_form(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InputError(Note(N_("no file was chosen")),
                         fix=Note(N_("choose a .yaml file to upload")),
                         where=ErrorLocation(field="file"))
    raw = await upload.read(MAX_UPLOAD_BYTES + 1)
    try:
        if len(raw) > MAX_UPLOAD_BYTES:
            raise InputError(Note(N_("the file is larger than {kib} KiB"),
                                  kib=MAX_UPLOAD_BYTES // 1024),
                             fix=Note(N_("upload a scenario file, not a data set")),
                             where=ErrorLocation(file=upload.filename))
        if not upload.filename.lower().endswith(UPLOAD_KINDS):
            raise InputError(Note(N_("'{name}' is not a scenario file ({kinds})"),
                                  name=upload.filename, kinds=", ".join(UPLOAD_KINDS)),
                             fix=Note(N_("upload the scenario's YAML file or the Excel workbook "
                                         "the workbench downloads")),
                             where=ErrorLocation(file=upload.filename, field="file"))
        if upload.filename.lower().endswith(".xlsx"):  # a workbook the workbench downloaded
            draft = store.scenario_from_excel(raw, upload.filename)
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise InputError(Note(N_("the file is not UTF-8 text")),
                                 fix=Note(N_("save it as UTF-8 YAML")),
                                 where=ErrorLocation(file=upload.filename)) from err
            draft = model.scenario_from_yaml(text, filename=upload.filename)
    except ByibalanceError as err:
        items = store.visible_scenarios(db, user)
        return render(request, "scenarios/list.html",
                      {"scenarios": items, "upload_error": err,
                       "can_edit": {s.id: store.can_edit(user, s) for s in items}},
                      user=user, status_code=422)
    scenario = store.save(db, user, draft)
    return RedirectResponse(f"/scenarios/{scenario.id}", status_code=303)


@router.get("/scenarios/compare", response_class=HTMLResponse)
def compare(request: Request, a: str = Query("baseline"), b: str = Query("baseline"),
            user: User = Depends(page_user), db: Session = Depends(get_db)) -> Response:
    """Two scenarios side by side; the differences highlighted."""
    name_a, view_a = _view_of(request, db, user, a)
    name_b, view_b = _view_of(request, db, user, b)
    diffs = model.compare(view_a, view_b)
    keys = sorted({d.key for d in diffs})
    years = sorted({d.year for d in diffs})
    table = {(d.key, d.year): d for d in diffs}
    return render(request, "scenarios/compare.html", {
        "a": a, "b": b, "name_a": name_a, "name_b": name_b, "view_a": view_a, "view_b": view_b,
        "keys": keys, "years": years, "table": table,
        "choices": store.visible_scenarios(db, user),
    }, user=user)


@router.get("/scenarios/{scenario_id}", response_class=HTMLResponse)
def show_scenario(request: Request, scenario_id: int, user: User = Depends(page_user),
                  db: Session = Depends(get_db)) -> Response:
    """The scenario's overrides and its results (run on demand, cached)."""
    scenario = store.readable(db, user, scenario_id)
    draft = store.scenario_of(scenario)
    view = model.run_scenario(draft)
    base = model.baseline(draft.municipality.zfill(4))
    return render(request, "scenarios/show.html", {
        "scenario": scenario, "draft": draft, "view": view, "base": base,
        "overrides": model.overrides_of(draft),
        "can_edit": store.can_edit(user, scenario),
    }, user=user)


@router.get("/scenarios/{scenario_id}/edit", response_class=HTMLResponse)
def edit_scenario(request: Request, scenario_id: int, user: User = Depends(page_user),
                  db: Session = Depends(get_db)) -> Response:
    """The form pre-filled with the scenario's overrides."""
    scenario = store.editable(db, user, scenario_id)
    state = store.form_from_scenario(store.scenario_of(scenario))
    return render(request, "scenarios/form.html",
                  {"state": state, "rows": store.housing_rows(state), "scenario": scenario,
                   "types": store.DWELLING_TYPES}, user=user)


@router.post("/scenarios/{scenario_id}", response_class=HTMLResponse)
async def update_scenario(request: Request, scenario_id: int, user: User = Depends(page_user),
                          db: Session = Depends(get_db)) -> Response:
    """Save the edited overrides, or show the errors beside the fields."""
    scenario = store.editable(db, user, scenario_id)
    form = await checked_form(request)
    old = store.scenario_of(scenario)
    draft, state = store.scenario_from_form(form, old, old.municipality)
    if draft is None:
        return render(request, "scenarios/form.html",
                      {"state": state, "rows": store.housing_rows(state), "scenario": scenario,
                       "types": store.DWELLING_TYPES}, user=user, status_code=422)
    store.save(db, user, draft, scenario)
    return RedirectResponse(f"/scenarios/{scenario.id}", status_code=303)


@router.post("/scenarios/{scenario_id}/delete")
async def delete_scenario(request: Request, scenario_id: int, user: User = Depends(page_user),
                          db: Session = Depends(get_db)) -> Response:
    """Delete a scenario (author or admin)."""
    scenario = store.editable(db, user, scenario_id)
    await checked_form(request)
    db.delete(scenario)
    db.commit()
    return RedirectResponse("/scenarios", status_code=303)


@router.post("/scenarios/{scenario_id}/share")
async def share_scenario(request: Request, scenario_id: int, user: User = Depends(page_user),
                         db: Session = Depends(get_db)) -> Response:
    """Share the scenario read-only with another user."""
    scenario = store.editable(db, user, scenario_id)
    form = await checked_form(request)
    store.share(db, user, scenario, str(form.get("share_with", "")))
    return RedirectResponse(f"/scenarios/{scenario.id}", status_code=303)


@router.get("/scenarios/{scenario_id}/download.yaml")
def download_yaml(scenario_id: int, user: User = Depends(page_user),
                  db: Session = Depends(get_db)) -> Response:
    """The scenario as a YAML file."""
    scenario = store.readable(db, user, scenario_id)
    try:
        text = model.scenario_to_yaml(store.scenario_of(scenario))
    except ScenarioError:  # stored before a check existed: the author gets the text to correct
        text = scenario.overrides_yaml
    return Response(text, media_type="application/yaml", headers={
        "Content-Disposition": f'attachment; filename="scenario-{scenario.id}.yaml"'})


@router.get("/scenarios/{scenario_id}/download.xlsx")
def download_excel(scenario_id: int, user: User = Depends(page_user),
                   db: Session = Depends(get_db)) -> Response:
    """The scenario and its results as an Excel workbook."""
    scenario = store.readable(db, user, scenario_id)
    draft = store.scenario_of(scenario)
    data = store.excel_workbook(draft, model.run_scenario(draft))
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="scenario-{scenario.id}.xlsx"'},
    )
