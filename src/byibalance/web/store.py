"""Scenarios in the database: who may see and change which, and the form <-> draft mapping."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import xlsxwriter
import yaml
from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from byibalance.errors import AuthError, ErrorLocation, InputError, ScenarioError
from byibalance.finance.scenario import RATE_UNITS, Quantity
from byibalance.messages import N_, Note, note_or_text
from byibalance.scenario import field_problems, scenario_error, scenario_from_yaml_text
from byibalance.web import model
from byibalance.web.db import Role, Scenario, ScenarioShare, User, get_row
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
    scenario = get_row(db, Scenario, scenario_id)
    if scenario is None or not can_read(db, user, scenario):
        raise NotFoundError(
            Note(N_("there is no scenario {id} that you may see"), id=scenario_id),
            fix=Note(N_("choose a scenario from the list")),
            where=ErrorLocation(field="scenario_id"),
        )
    return scenario


def can_read(db: Session, user: User, scenario: Scenario) -> bool:
    """Author, admin, or shared with the user."""
    if user.role_enum is Role.ADMIN or scenario.author_id == user.id:
        return True
    return (
        db.scalar(
            select(ScenarioShare.id).where(
                ScenarioShare.scenario_id == scenario.id, ScenarioShare.user_id == user.id
            )
        )
        is not None
    )


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
            Note(N_("this scenario is shared with you read-only")),
            fix=Note(N_("make a copy to change it")),
        )
    return scenario


def scenario_of(scenario: Scenario) -> model.Scenario:
    """The stored scenario, validated against the current schema.

    Stored as it was written, possibly before the sections were typed: see
    :func:`byibalance.scenario.scenario_from_mapping` (``stored``) for what is read differently.
    """
    try:
        return scenario_from_yaml_text(
            scenario.overrides_yaml, f"scenario {scenario.id}", stored=True
        )
    except ScenarioError as err:  # stored before a check existed (e.g. the ambitions section)
        fix = err.fix or Note(N_("Correct it"))
        if fix.endswith("."):  # its own full stop goes (a plain text then), the sentence adds one
            fix = fix.rstrip(".")
        raise ScenarioError(
            err.problem,
            note_or_text(
                N_(
                    "{fix}. The scenario was stored before this was checked and is kept as it is: "
                    "download its YAML ({url}), correct it and upload it again"
                ),
                {"fix": fix},
                url=f"/scenarios/{scenario.id}/download.yaml",
            ),
            err.where,
        ) from None


def save(
    db: Session, user: User, draft: model.Scenario, scenario: Scenario | None = None
) -> Scenario:
    """Store a validated scenario as a new one of ``user`` or over ``scenario``."""
    if scenario is None:
        require_writer(user)
        scenario = Scenario(author_id=user.id)
        db.add(scenario)
    scenario.name = draft.name
    scenario.description = draft.description
    scenario.overrides_yaml = model.scenario_to_yaml(draft)
    db.commit()
    return scenario


def share(db: Session, user: User, scenario: Scenario, username: str) -> User:
    """Share ``scenario`` read-only with the user called ``username``."""
    if not can_edit(user, scenario):
        raise AuthError("only the author or an administrator shares a scenario")
    other = db.scalar(select(User).where(User.username == username.strip()))
    if other is None:
        raise NotFoundError(
            Note(N_("there is no user '{name}'"), name=username),
            fix=Note(N_("check the username")),
            where=ErrorLocation(field="share_with"),
        )
    exists = db.scalar(
        select(ScenarioShare).where(
            ScenarioShare.scenario_id == scenario.id, ScenarioShare.user_id == other.id
        )
    )
    if exists is None and other.id != scenario.author_id:
        db.add(ScenarioShare(scenario_id=scenario.id, user_id=other.id))
        db.commit()
    return other


# --------------------------------------------------------------------------------------------
# The workbench form: a few overrides edited in place; everything else in the scenario is kept.
# --------------------------------------------------------------------------------------------

DWELLING_TYPES = ("flat", "terraced", "detached", "youth", "elderly")
_FIELD_OF_PATH = {
    "finance.income_tax_rate": "income_tax_rate",
    "population.fertility.multiplier": "fertility_factor",
    "finance.unit_costs": "unit_costs",
    "services.unit_costs": "unit_costs",
    "ambitions.pinned_in": "ambitions_in",
    "ambitions.pinned_out": "ambitions_out",
    "name": "name",
    "description": "description",
}


@dataclass
class FormState:
    """What the form shows: raw values (as typed) and the errors beside each field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # notes (byibalance.messages) mostly


def _num(value: float) -> str:
    return f"{value:g}"


def _percent(rate: float | Quantity) -> str:
    """A tax rate as the form shows it: percent (a rate given as a share is converted)."""
    if isinstance(rate, Quantity):
        return _num(rate.value * RATE_UNITS[rate.unit] * 100)
    return _num(rate)


NOT_A_TAX_RATE = N_("{rate:g} is not a tax rate in percent (0-100)")


def _tax_rates(raw: str, errors: dict[str, str]) -> float | dict[int, float] | None:
    """'25.6', or rates by year '2027: 25.6; 2029: 26' (each in force from its year)."""
    if ":" not in raw:
        rate = _number(raw, "income_tax_rate", errors)
        if rate is not None and not 0 < rate < 100:
            errors["income_tax_rate"] = Note(NOT_A_TAX_RATE, rate=rate)
        return rate
    rates: dict[int, float] = {}
    for item in raw.replace("\n", ";").split(";"):
        if not item.strip():
            continue
        year, _, value = item.partition(":")
        scratch: dict[str, str] = {}
        when = _number(year, "income_tax_rate", scratch, integer=True)
        rate = _number(value, "income_tax_rate", scratch)
        if when is None or rate is None:
            errors["income_tax_rate"] = Note(
                N_("'{item}' is not 'year: percent'; write e.g. 2028: 26.1; 2030: 26.5"),
                item=item.strip(),
            )
            return None
        if not 0 < rate < 100:
            errors["income_tax_rate"] = Note(NOT_A_TAX_RATE, rate=rate)
        rates[when] = rate
    return rates or None


def form_from_scenario(scenario: model.Scenario | None) -> FormState:
    """The form pre-filled from a scenario (empty fields keep the baseline)."""
    values: dict[str, str] = {}
    if scenario is None:
        return FormState(values=values)
    values["name"] = scenario.name
    values["description"] = scenario.description
    tax = scenario.finance.income_tax_rate
    if isinstance(tax, dict):
        values["income_tax_rate"] = "; ".join(f"{y}: {_percent(r)}" for y, r in tax.items())
    elif tax is not None:
        values["income_tax_rate"] = _percent(tax)
    if scenario.population.fertility.multiplier != 1.0:
        values["fertility_factor"] = _num(scenario.population.fertility.multiplier)
    row = 0
    for project in scenario.population.housing.add:
        for done in project.completions:
            values[f"housing.{row}.project"] = project.name or project.id
            values[f"housing.{row}.type"] = project.type
            values[f"housing.{row}.year"] = str(done.year)
            values[f"housing.{row}.dwellings"] = _num(done.dwellings)
            row += 1
    # Unit costs of unknown areas that an older form stored under finance are shown too: saving
    # the form moves them to services, where an unknown area is named beside the field.
    costs = {**scenario.finance.unit_costs, **scenario.services.unit_costs}
    if costs:
        values["unit_costs"] = "\n".join(f"{k} = {_num(v)}" for k, v in costs.items())
    for side, pinned in (("in", scenario.ambitions.pinned_in),
                         ("out", scenario.ambitions.pinned_out)):  # fmt: skip
        if pinned:
            values[f"ambitions_{side}"] = ", ".join(pinned)
    return FormState(values=values)


def housing_rows(state: FormState) -> int:
    """How many housing rows the form shows: the filled ones and some empty ones."""
    filled = {
        int(k.split(".")[1])
        for k in state.values
        if k.startswith("housing.") and k.split(".")[1].isdecimal()
    }
    return max(filled, default=-1) + 1 + HOUSING_ROWS


def project_id(name: str) -> str:
    """A project id (``[a-z0-9_]+``) from its name: 'Rådhussøen' -> 'raadhussoeen'."""
    text = name.lower()
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e"), ("ü", "u"), ("ö", "oe")):
        text = text.replace(a, b)
    slug = "".join(c if c.isascii() and c.isalnum() else "_" for c in text).strip("_")
    while "__" in slug:
        slug = slug.replace("__", "_")
    return slug


def _number(raw: str, name: str, errors: dict[str, str], integer: bool = False) -> Any:
    text = raw.strip().replace(",", ".")
    if not text:
        return None
    try:
        return int(text) if integer else float(text)
    except ValueError:
        template = N_("'{raw}' is not a whole number") if integer else N_("'{raw}' is not a number")
        errors[name] = Note(template, raw=raw)
        return None


def _housing(values: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    projects: dict[str, dict[str, Any]] = {}
    rows = sorted(
        {
            int(k.split(".")[1])
            for k in values
            if k.startswith("housing.") and k.split(".")[1].isdecimal()
        }
    )
    for i in rows:
        name = values.get(f"housing.{i}.project", "").strip()
        year = _number(values.get(f"housing.{i}.year", ""), f"housing.{i}.year", errors, True)
        dwellings = _number(
            values.get(f"housing.{i}.dwellings", ""), f"housing.{i}.dwellings", errors
        )
        kind = values.get(f"housing.{i}.type", "flat") or "flat"
        if not name and year is None and dwellings is None:
            continue
        if not project_id(name):
            errors[f"housing.{i}.project"] = Note(
                N_("give the project a name with letters or digits")
            )
            continue
        if year is None:
            errors.setdefault(f"housing.{i}.year",
                              Note(N_("give the year the dwellings are completed")))  # fmt: skip
            continue
        if dwellings is None or dwellings < 0:
            errors.setdefault(f"housing.{i}.dwellings",
                              Note(N_("give the number of dwellings, 0 or more")))  # fmt: skip
            continue
        if kind not in DWELLING_TYPES:
            errors[f"housing.{i}.type"] = Note(N_("choose one of {types}"),
                                               types=", ".join(DWELLING_TYPES))  # fmt: skip
            continue
        entry = projects.setdefault(
            project_id(name),
            {"id": project_id(name), "name": name, "type": kind, "completions": [], "_row": i},
        )
        entry["completions"].append({"year": year, "dwellings": dwellings})
    return list(projects.values())


def scenario_from_form(
    form: Mapping[str, Any], base: model.Scenario | None, municipality: str
) -> tuple[model.Scenario | None, FormState]:
    """Apply the submitted form to ``base`` (or the baseline); on errors, None and the errors.

    Only the fields on the form change; every other override of ``base`` is kept.
    """
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    errors: dict[str, str] = {}
    data: dict[str, Any] = (
        model.scenario_mapping(base)
        if base is not None
        else {"municipality": municipality.lstrip("0") or "0"}
    )
    data["name"] = values.get("name", "").strip()
    data["description"] = values.get("description", "").strip()
    if not data["name"]:
        errors["name"] = Note(N_("give the scenario a name"))
    finance = dict(data.get("finance", {}))
    tax = _tax_rates(values.get("income_tax_rate", ""), errors)
    finance.pop("income_tax_rate", None)
    if tax is not None:
        finance["income_tax_rate"] = tax
    data["finance"] = finance
    population = dict(data.get("population", {}))
    fertility = dict(population.get("fertility", {}))
    factor = _number(values.get("fertility_factor", ""), "fertility_factor", errors)
    fertility.pop("multiplier", None)
    if factor is not None:
        fertility["multiplier"] = factor
    population["fertility"] = fertility
    housing = dict(population.get("housing", {}))
    added = _housing(values, errors)
    rows = [p.pop("_row") for p in added]
    housing["add"] = added
    population["housing"] = housing
    data["population"] = population
    services = dict(data.get("services", {}))
    costs: dict[str, float] = {}
    for n, line in enumerate(values.get("unit_costs", "").splitlines(), start=1):
        if not line.strip():
            continue
        area, sep, cost = line.partition("=")
        number = _number(cost, "unit_costs", errors) if sep else None
        if not sep or not area.strip():
            errors["unit_costs"] = Note(
                N_("line {n}: write 'service area = DKK per user per year'"), n=n
            )
        elif number is not None and number < 0:
            errors["unit_costs"] = Note(
                N_("line {n}: the unit cost of '{area}' is negative"), n=n, area=area.strip()
            )
        elif number is not None:
            costs[area.strip()] = number
    # Unit costs belong to the services model (finance.unit_costs, where the form wrote them
    # before the sections were typed, reached no computation).
    services.pop("unit_costs", None)
    if costs:
        services["unit_costs"] = costs
    data["services"] = services
    finance = dict(data.get("finance", {}))
    finance.pop("unit_costs", None)
    data["finance"] = finance
    ambitions = dict(data.get("ambitions", {}))
    for side in ("in", "out"):
        pinned = [a.strip() for a in values.get(f"ambitions_{side}", "").split(",") if a.strip()]
        ambitions.pop(f"pinned_{side}", None)
        if pinned:
            ambitions[f"pinned_{side}"] = pinned
    both = set(ambitions.get("pinned_in", [])) & set(ambitions.get("pinned_out", []))
    if both:
        errors["ambitions_out"] = Note(
            N_("pinned both in and out: {ids}"), ids=", ".join(sorted(both))
        )
    data["ambitions"] = ambitions
    state = FormState(values=values, errors=errors)
    for path, message, fix in field_problems(data):
        key: str | None = next(
            (
                v
                for k, v in _FIELD_OF_PATH.items()
                if path == k or path.startswith((k + ".", k + "["))
            ),
            None,
        )
        project = re.match(r"population\.housing\.add\[(\d+)\]", path)
        if key is None and path.startswith("population.housing.add"):
            key = f"housing.{rows[int(project.group(1))]}.project" if project else "housing"
        prose = {"message": message, "fix": fix}
        state.errors.setdefault(key or "form", note_or_text(
            N_("{path}: {message}. {fix}"), prose, path=path
        ) if path else note_or_text(N_("scenario: {message}. {fix}"), prose))  # fmt: skip
    if state.errors:
        return None, state
    return model.parse_scenario(data), state


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------


def excel_workbook(draft: model.Scenario, view: model.CityView) -> bytes:
    """The scenario and its results as an Excel workbook (XlsxWriter, in memory).

    Sheets: ``Scenario`` (the overrides), ``Results`` (every series by year, with status and
    source per row), ``Not available`` (each missing section and why).
    """
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    number = book.add_format({"num_format": "#,##0"})
    sheet = book.add_worksheet(SCENARIO_SHEET)
    sheet.write_row(0, 0, ["field", "value"], bold)
    for r, (k, v) in enumerate(scenario_rows(draft), start=1):
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


# The Scenario sheet: one row per field, 'section.key' with the value as YAML (flow style), so a
# downloaded workbook uploads again unchanged, and an error names the sheet, row and cell.
SCENARIO_SHEET = "Scenario"
_TEXT_FIELDS = ("name", "description", "municipality")
_YEAR_FIELDS = ("start", "end")
_SECTIONS = ("population", "services", "finance", "ambitions")


def _flow(value: object) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False,
                          width=1_000_000)  # fmt: skip
    return text.removesuffix("\n").removesuffix("\n...").strip()


def scenario_rows(draft: model.Scenario) -> list[tuple[str, str]]:
    """The Scenario sheet's rows: (field, value), values of sections written as YAML."""
    data = model.scenario_mapping(draft)
    rows = [("name", draft.name), ("description", draft.description),
            ("municipality", draft.municipality)]  # fmt: skip
    rows += [(key, str(data[key])) for key in _YEAR_FIELDS if key in data]
    for section in _SECTIONS:
        rows += [(f"{section}.{k}", _flow(v)) for k, v in data.get(section, {}).items()]
    return rows


def _sheet_error(
    problem: str, fix: str, filename: str, row: int, column: str, field: str | None = None
) -> ScenarioError:
    return ScenarioError(
        note_or_text(N_("sheet '{sheet}', cell {cell}: {problem}"), {"problem": problem},
                     sheet=SCENARIO_SHEET, cell=f"{column}{row}"),
        fix, ErrorLocation(file=filename, line=row, field=field),
    )  # fmt: skip


def scenario_from_excel(content: bytes, filename: str) -> model.Scenario:
    """Read a scenario from a workbook's Scenario sheet (as :func:`excel_workbook` writes it).

    Errors name the sheet, the row (``line``) and the cell, the field path and the fix.
    """
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a file that is no workbook
        raise ScenarioError(
            Note(N_("the file is not an Excel workbook ({kind})"), kind=type(err).__name__),
            Note(N_("upload the .xlsx the workbench downloads, or a .yaml scenario")),
            ErrorLocation(file=filename),
        ) from None
    if SCENARIO_SHEET not in book.sheetnames:
        raise ScenarioError(
            Note(N_("the workbook has no sheet '{sheet}'"), sheet=SCENARIO_SHEET),
            Note(N_("start from a workbook downloaded from the workbench")),
            ErrorLocation(file=filename),
        )
    data: dict[str, Any] = {}
    rows: dict[tuple[str, ...], int] = {}
    for r, cells in enumerate(book[SCENARIO_SHEET].iter_rows(values_only=True), start=1):
        key, value = (*cells, None, None)[:2]
        if r == 1 or key is None or not str(key).strip():
            continue
        key = str(key).strip()
        section, _, sub = key.partition(".")
        if key in _TEXT_FIELDS:
            data[key] = "" if value is None else str(value)
        elif key in _YEAR_FIELDS and value not in (None, ""):
            data[key] = value if isinstance(value, int) else str(value).strip()
        elif section in _SECTIONS and sub and "." not in sub:
            try:
                parsed = yaml.safe_load(value) if isinstance(value, str) else value
            except yaml.YAMLError as err:
                raise _sheet_error(
                    Note(N_("not a YAML value ({problem})"),
                         problem=str(getattr(err, "problem", None) or err)),
                    Note(N_("write a number, a list [a, b] or a mapping {{2028: 26.1}}")),
                    filename, r, "B", key,
                ) from None  # fmt: skip
            data.setdefault(section, {})[sub] = parsed
        elif key not in _YEAR_FIELDS:
            raise _sheet_error(
                Note(N_("unknown field '{key}'"), key=key),
                Note(N_("use {fields} or section.key with a section of {sections} (see {docs})"),
                     fields=", ".join(_TEXT_FIELDS + _YEAR_FIELDS),
                     sections=", ".join(_SECTIONS), docs="docs/scenario.md"),
                filename, r, "A", key,
            )  # fmt: skip
        rows[tuple(key.split("."))] = r
    if not data.get("name"):
        raise ScenarioError(
            Note(N_("the sheet '{sheet}' gives the scenario no name"), sheet=SCENARIO_SHEET),
            Note(N_("add a row 'name' with the scenario's name")),
            ErrorLocation(file=filename, field="name"),
        )  # fmt: skip

    def row_of(path: Sequence[int | str]) -> int | None:
        parts = tuple(str(p) for p in path)
        return next((rows[parts[:n]] for n in (2, 1) if parts[:n] in rows), None)

    try:
        draft = model.Scenario.model_validate(data)
    except ValidationError as err:
        found = scenario_error(err, data, filename, row_of)
    else:
        where = ErrorLocation(file=filename, line=rows.get(("municipality",)))
        return model.known_municipality(draft, where)
    row = found.where.line
    if row is None:
        raise found
    depth = len(str(found.where.field or "").replace("[", ".").split("."))
    unknown = found.problem.startswith("unknown key") and depth <= 2
    raise _sheet_error(found.problem, found.fix or "", filename, row, "A" if unknown else "B",
                       found.where.field)  # fmt: skip
