"""Scenarios in the database: who may see and change which, and the form <-> draft mapping."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from byibalance.errors import AuthError, ErrorLocation, InputError
from byibalance.web import model
from byibalance.web.db import Role, Scenario, ScenarioShare, User
from byibalance.web.security import require_writer

HOUSING_ROWS = 5


class NotFoundError(InputError):
    """A scenario or user that does not exist (or that the user may not see)."""

    http_status = 404


def visible_scenarios(db: Session, user: User) -> list[Scenario]:
    """Scenarios the user may read: their own, shared with them, or all for an admin."""
    query = select(Scenario).order_by(Scenario.updated_at.desc())
    if user.role_enum is not Role.ADMIN:
        shared = select(ScenarioShare.scenario_id).where(ScenarioShare.user_id == user.id)
        query = query.where(or_(Scenario.author_id == user.id, Scenario.id.in_(shared)))
    return list(db.scalars(query))


def readable(db: Session, user: User, scenario_id: int) -> Scenario:
    """The scenario if the user may read it; 404 otherwise (existence is not revealed)."""
    scenario = db.get(Scenario, scenario_id)
    if scenario is None or not can_read(db, user, scenario):
        raise NotFoundError(
            f"there is no scenario {scenario_id} that you may see",
            fix="choose a scenario from the list",
            where=ErrorLocation(field="scenario_id"),
        )
    return scenario


def can_read(db: Session, user: User, scenario: Scenario) -> bool:
    """Author, admin, or shared with the user."""
    if user.role_enum is Role.ADMIN or scenario.author_id == user.id:
        return True
    return db.scalar(
        select(ScenarioShare.id).where(
            ScenarioShare.scenario_id == scenario.id, ScenarioShare.user_id == user.id
        )
    ) is not None


def can_edit(user: User, scenario: Scenario) -> bool:
    """Only the author (if not a viewer) or an admin changes a scenario; shares are read-only."""
    return user.role_enum is Role.ADMIN or (
        user.role_enum.can_write and scenario.author_id == user.id
    )


def editable(db: Session, user: User, scenario_id: int) -> Scenario:
    """The scenario if the user may change it; 403 for a read-only share, 404 if invisible."""
    require_writer(user)
    scenario = readable(db, user, scenario_id)
    if not can_edit(user, scenario):
        raise AuthError(
            "this scenario is shared with you read-only",
            fix="make a copy to change it",
        )
    return scenario


def draft_of(scenario: Scenario) -> model.ScenarioDraft:
    """The stored scenario as a validated draft."""
    return model.draft_from_yaml(scenario.overrides_yaml, filename=f"scenario {scenario.id}")


def save(db: Session, user: User, draft: model.ScenarioDraft,
         scenario: Scenario | None = None) -> Scenario:
    """Store a validated draft as a new scenario of ``user`` or over ``scenario``."""
    if scenario is None:
        require_writer(user)
        scenario = Scenario(author_id=user.id)
        db.add(scenario)
    scenario.name = draft.name
    scenario.description = draft.description
    scenario.overrides_yaml = model.draft_to_yaml(draft)
    db.commit()
    return scenario


def share(db: Session, user: User, scenario: Scenario, username: str) -> User:
    """Share ``scenario`` read-only with the user called ``username``."""
    if not can_edit(user, scenario):
        raise AuthError("only the author or an administrator shares a scenario")
    other = db.scalar(select(User).where(User.username == username.strip()))
    if other is None:
        raise NotFoundError(
            f"there is no user '{username}'", fix="check the username",
            where=ErrorLocation(field="share_with"),
        )
    exists = db.scalar(select(ScenarioShare).where(
        ScenarioShare.scenario_id == scenario.id, ScenarioShare.user_id == other.id))
    if exists is None and other.id != scenario.author_id:
        db.add(ScenarioShare(scenario_id=scenario.id, user_id=other.id))
        db.commit()
    return other


# --------------------------------------------------------------------------------------------
# The workbench form
# --------------------------------------------------------------------------------------------


@dataclass
class FormState:
    """What the form shows: raw values (as typed) and the errors beside each field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def form_from_draft(draft: model.ScenarioDraft | None) -> FormState:
    """The form pre-filled from a draft (empty fields keep the baseline)."""
    values: dict[str, str] = {}
    if draft is not None:
        values["name"] = draft.name
        values["description"] = draft.description
        if draft.income_tax_rate is not None:
            values["income_tax_rate"] = _num(draft.income_tax_rate)
        if draft.fertility_factor is not None:
            values["fertility_factor"] = _num(draft.fertility_factor)
        for i, h in enumerate(draft.housing):
            values[f"housing.{i}.project"] = h.project
            values[f"housing.{i}.year"] = str(h.year)
            values[f"housing.{i}.dwellings"] = str(h.dwellings)
        values["unit_costs"] = "\n".join(f"{k} = {_num(v)}" for k, v in draft.unit_costs.items())
        values["ambitions_in"] = ", ".join(draft.ambitions_in)
        values["ambitions_out"] = ", ".join(draft.ambitions_out)
    return FormState(values=values)


def housing_rows(state: FormState) -> int:
    """How many housing rows the form shows: the filled ones and some empty ones."""
    filled = {int(k.split(".")[1]) for k in state.values if k.startswith("housing.")}
    return max(filled, default=-1) + 1 + HOUSING_ROWS


def _num(value: float) -> str:
    return f"{value:g}"


def _number(raw: str, name: str, errors: dict[str, str], integer: bool = False) -> Any:
    text = raw.strip().replace(",", ".") if not integer else raw.strip()
    if not text:
        return None
    try:
        return int(text) if integer else float(text)
    except ValueError:
        errors[name] = f"'{raw}' is not a {'whole ' if integer else ''}number"
        return None


def draft_from_form(form: Mapping[str, Any]) -> tuple[model.ScenarioDraft | None, FormState]:
    """Parse the submitted form; on errors, None and the errors keyed by field."""
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    errors: dict[str, str] = {}
    data: dict[str, Any] = {
        "name": values.get("name", ""),
        "description": values.get("description", ""),
    }
    for key in ("income_tax_rate", "fertility_factor"):
        number = _number(values.get(key, ""), key, errors)
        if number is not None:
            data[key] = number
    housing = []
    index = sorted({int(k.split(".")[1]) for k in values
                    if k.startswith("housing.") and k.split(".")[1].isdigit()})
    for i in index:
        project = values.get(f"housing.{i}.project", "").strip()
        year_raw = values.get(f"housing.{i}.year", "")
        dw_raw = values.get(f"housing.{i}.dwellings", "")
        if not (project or year_raw.strip() or dw_raw.strip()):
            continue
        year = _number(year_raw, f"housing.{i}.year", errors, integer=True)
        dwellings = _number(dw_raw, f"housing.{i}.dwellings", errors, integer=True)
        housing.append({"project": project, "year": year, "dwellings": dwellings})
    data["housing"] = housing
    costs: dict[str, Any] = {}
    for n, line in enumerate(values.get("unit_costs", "").splitlines(), start=1):
        if not line.strip():
            continue
        area, sep, cost = line.partition("=")
        if not sep:
            errors["unit_costs"] = f"line {n}: write 'service area = DKK per user'"
            continue
        number = _number(cost, "unit_costs", errors)
        if number is not None:
            costs[area.strip()] = number
    data["unit_costs"] = costs
    for key in ("ambitions_in", "ambitions_out"):
        data[key] = [a.strip() for a in values.get(key, "").split(",") if a.strip()]
    state = FormState(values=values, errors=errors)
    if errors:
        # Validate the rest too, so that every field shows its error at once.
        _collect(data, state)
        return None, state
    draft = _collect(data, state)
    return draft, state


def _collect(data: dict[str, Any], state: FormState) -> model.ScenarioDraft | None:
    try:
        return model.ScenarioDraft.model_validate(data)
    except ValidationError as err:
        for fe in model.validation_errors(err):
            key = fe.field
            parts = key.split(".")
            if parts[0] in ("unit_costs", "ambitions_in", "ambitions_out"):
                key = parts[0]
            state.errors.setdefault(key, fe.message)
        return None


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------


def excel_workbook(draft: model.ScenarioDraft, view: model.CityView) -> bytes:
    """The scenario and its results as an Excel workbook (XlsxWriter, in memory).

    Sheets: ``Scenario`` (the overrides), ``Results`` (every series by year, with status and
    source per row), ``Not available`` (each missing section and why).
    """
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    number = book.add_format({"num_format": "#,##0"})
    sheet = book.add_worksheet("Scenario")
    sheet.write_row(0, 0, ["field", "value"], bold)
    rows: list[tuple[str, str]] = [("name", draft.name), ("description", draft.description),
                                   ("municipality", draft.municipality)]
    rows += [(k, str(v)) for k, v in draft.overrides().items()]
    for r, (k, v) in enumerate(rows, start=1):
        sheet.write_string(r, 0, k)
        sheet.write_string(r, 1, v)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 60)
    res = book.add_worksheet("Results")
    years = sorted({y for s in view.series.values() for y in s.years})
    res.write_row(0, 0, ["series", "unit", "status", "source", *years], bold)
    for r, s in enumerate(view.series.values(), start=1):
        res.write_row(r, 0, [s.key, s.unit, s.status.value, s.source])
        for c, y in enumerate(years, start=4):
            value = s.at(y)
            if value is not None:
                res.write_number(r, c, value, number)
    res.set_column(0, 0, 28)
    miss = book.add_worksheet("Not available")
    miss.write_row(0, 0, ["section", "reason"], bold)
    for r, (k, v) in enumerate(view.missing.items(), start=1):
        miss.write_row(r, 0, [k, v])
    book.close()
    return out.getvalue()
