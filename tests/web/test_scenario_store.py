"""Scenarios in the web store: what users already stored still opens, edits and runs; the typed
sections round-trip through the form and YAML; an upload's error names its line."""

from __future__ import annotations

import io

import openpyxl
import pytest
import yaml
from sqlalchemy import select
from tests.web.conftest import signed_in

from byibalance.errors import ScenarioError
from byibalance.web import store
from byibalance.web.db import Scenario, User

# What the workbench stored before the sections were typed: the old Scenario's
# model_dump(mode="json", exclude_defaults=True) as YAML (year keys as text, unit costs under
# finance, where no computation read them, one of them for an area that does not exist).
OLD_STORED = {
    "name": "Gammel skat",
    "municipality": "165",
    "finance": {
        "income_tax_rate": {"2028": 26.1, "2030": 26.3},
        "unit_costs": {"school_6_16": 90000.0, "dagtilbud": 120000.0},
    },
    "services": {},
    "ambitions": {"pinned_in": ["helhedsplan_galgebakken"]},
}


def _store_old(app, data: dict) -> int:  # type: ignore[no-untyped-def]
    with app.state.sessionmaker() as db:
        author = db.scalar(select(User).where(User.username == "analyst"))
        assert author is not None
        row = Scenario(
            author_id=author.id,
            name=data["name"],
            overrides_yaml=yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
        )
        db.add(row)
        db.commit()
        return row.id


def _stored_yaml(app, sid: int) -> str:  # type: ignore[no-untyped-def]
    with app.state.sessionmaker() as db:
        row = db.get(Scenario, sid)
        assert row is not None
        return row.overrides_yaml


def test_an_old_stored_scenario_loads_typed_and_keeps_every_value(app) -> None:  # type: ignore[no-untyped-def]
    sid = _store_old(app, OLD_STORED)
    with app.state.sessionmaker() as db:
        draft = store.scenario_of(db.get(Scenario, sid))
    assert draft.finance.income_tax_rate == {2028: 26.1, 2030: 26.3}
    assert draft.services.unit_costs == {"school_6_16": 90000.0}  # now reaches the model
    assert draft.finance.unit_costs == {"dagtilbud": 120000.0}  # kept, not dropped
    assert draft.ambitions.pinned_in == ("helhedsplan_galgebakken",)
    state = store.form_from_scenario(draft)
    assert state.values["income_tax_rate"] == "2028: 26.1; 2030: 26.3"
    assert state.values["unit_costs"].splitlines() == [
        "dagtilbud = 120000", "school_6_16 = 90000"]  # fmt: skip
    assert state.values["ambitions_in"] == "helhedsplan_galgebakken"


def test_an_old_stored_scenario_opens_and_its_unknown_area_is_named_on_save(app) -> None:  # type: ignore[no-untyped-def]
    sid = _store_old(app, OLD_STORED)
    before = _stored_yaml(app, sid)
    c, token = signed_in(app, "analyst")
    assert c.get(f"/scenarios/{sid}").status_code == 200
    form = c.get(f"/scenarios/{sid}/edit")
    assert form.status_code == 200
    assert "2028: 26.1; 2030: 26.3" in form.text and "dagtilbud = 120000" in form.text
    fields = {"name": "Gammel skat", "income_tax_rate": "2028: 26.1; 2030: 26.3",
              "ambitions_in": "helhedsplan_galgebakken", "csrf_token": token}  # fmt: skip
    answer = c.post(f"/scenarios/{sid}", data=fields | {
        "unit_costs": "school_6_16 = 90000\ndagtilbud = 120000"})  # fmt: skip
    assert answer.status_code == 422
    assert 'id="err-unit_costs"' in answer.text and "dagtilbud" in answer.text
    assert _stored_yaml(app, sid) == before  # nothing stored on an error
    fixed = c.post(f"/scenarios/{sid}", data=fields | {"unit_costs": "school_6_16 = 90000"})
    assert fixed.status_code == 303
    saved = yaml.safe_load(c.get(f"/scenarios/{sid}/download.yaml").text)
    assert saved["services"] == {"unit_costs": {"school_6_16": 90000.0}}
    assert "unit_costs" not in saved.get("finance", {})
    assert {int(y): r for y, r in saved["finance"]["income_tax_rate"].items()} == {
        2028: 26.1, 2030: 26.3}  # fmt: skip
    assert saved["ambitions"] == {"pinned_in": ["helhedsplan_galgebakken"]}


def test_rates_by_year_round_trip_form_yaml_and_upload(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    answer = c.post("/scenarios", data={
        "name": "Skat trinvis", "income_tax_rate": "2027: 25,6; 2029: 26,0",
        "unit_costs": "school_6_16 = 85000", "ambitions_out": "fjernvarme_biomasse",
        "csrf_token": token})  # fmt: skip
    assert answer.status_code == 303, answer.text
    sid = answer.headers["location"].rsplit("/", 1)[1]
    text = c.get(f"/scenarios/{sid}/download.yaml").content
    saved = yaml.safe_load(text)
    assert {int(y): r for y, r in saved["finance"]["income_tax_rate"].items()} == {
        2027: 25.6, 2029: 26.0}  # fmt: skip
    assert saved["services"] == {"unit_costs": {"school_6_16": 85000.0}}
    assert saved["ambitions"] == {"pinned_out": ["fjernvarme_biomasse"]}
    edit = c.get(f"/scenarios/{sid}/edit").text
    assert "2027: 25.6; 2029: 26" in edit
    up = c.post("/scenarios/upload", data={"csrf_token": token},
                files={"file": ("again.yaml", text, "application/yaml")})  # fmt: skip
    assert up.status_code == 303
    new = up.headers["location"].rsplit("/", 1)[1]
    assert c.get(f"/scenarios/{new}/download.yaml").content == text


def test_form_errors_of_the_typed_sections_stand_beside_their_fields(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    c.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})  # the CLI's words
    answer = c.post("/scenarios", data={
        "name": "Forkert", "income_tax_rate": "2027 - 25.6; 2029: 26", "unit_costs": "x = 1",
        "ambitions_in": "a", "ambitions_out": "a", "csrf_token": token})  # fmt: skip
    assert answer.status_code == 422
    html = answer.text
    assert 'id="err-income_tax_rate"' in html and "2028: 26.1" in html
    assert 'id="err-ambitions_out"' in html
    with app.state.sessionmaker() as db:
        assert db.scalar(select(Scenario.id)) is None
    later = c.post("/scenarios", data={
        "name": "Forkert", "income_tax_rate": "2045: 26", "unit_costs": "vuggestue = 1",
        "csrf_token": token})  # fmt: skip
    assert later.status_code == 422
    assert "horizon" in later.text and "vuggestue" in later.text


def test_an_upload_error_names_its_line_and_stores_nothing(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    c.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})  # the CLI's words
    text = b"name: x\nfinance:\n  income_tax_rate:\n    2027: 25.6\n    2028: 0.261\n"
    answer = c.post("/scenarios/upload", data={"csrf_token": token},
                    files={"file": ("plan.yaml", text, "application/yaml")})  # fmt: skip
    assert answer.status_code == 422
    assert "plan.yaml, line 5" in answer.text
    assert "finance.income_tax_rate.2028" in answer.text
    with app.state.sessionmaker() as db:
        assert db.scalar(select(Scenario.id)) is None


def _workbook(rows: list[tuple[object, object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Scenario"
    sheet.append(["field", "value"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_downloaded_workbook_uploads_again_unchanged(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    text = (
        b"name: Alt i et\nend: 2036\npopulation:\n  fertility: {multiplier: 1.1}\n"
        b"services:\n  unit_costs: {school_6_16: 85000}\n  regulation: marginal\n"
        b"  marginal_share: {daycare_0_2: 0.5, daycare_3_5: 0.5, school_6_16: 0.5,"
        b" elderly_65_79: 0.5, elderly_80_plus: 0.5, special_needs: 0.5, other_services: 0.5,"
        b" income_transfers: 0.5}\n"
        b"finance:\n  income_tax_rate: {2027: 25.6, 2029: 26.1}\n  loans:\n"
        b"  - {year: 2028, amount: 50000000.0, purpose: energy_saving, term: 20}\n"
        b"ambitions:\n  pinned_in: [helhedsplan_galgebakken]\n  weights: {social: 2.0}\n"
    )
    up = c.post("/scenarios/upload", data={"csrf_token": token},
                files={"file": ("alt.yaml", text, "application/yaml")})  # fmt: skip
    assert up.status_code == 303, up.text
    sid = up.headers["location"].rsplit("/", 1)[1]
    yaml_text = c.get(f"/scenarios/{sid}/download.yaml").content
    workbook = c.get(f"/scenarios/{sid}/download.xlsx").content
    rows = {r[0]: r[1] for r in openpyxl.load_workbook(io.BytesIO(workbook))["Scenario"]
            .iter_rows(values_only=True)}  # fmt: skip
    assert rows["services.regulation"] == "marginal"
    assert rows["finance.loans"].startswith("[{year: 2028")
    again = c.post("/scenarios/upload", data={"csrf_token": token},
                   files={"file": ("alt.xlsx", workbook, "application/octet-stream")})  # fmt: skip
    assert again.status_code == 303, again.text
    new = again.headers["location"].rsplit("/", 1)[1]
    assert new != sid
    assert c.get(f"/scenarios/{new}/download.yaml").content == yaml_text


EXCEL_CASES = [
    ([("name", "x"), ("finance.income_tax_rate", "{2027: 25.6, 2028: 0.261}")],
     "cell B3", 3, "finance.income_tax_rate.2028", "0.261 is not a tax rate"),
    ([("name", "x"), ("services.unit_cost", "{school_6_16: 1}")],
     "cell A3", 3, "services.unit_cost", "did you mean 'unit_costs'"),
    ([("name", "x"), ("description", "y"), ("finance.price_index", "{2050: 1.2}")],
     "cell B4", 4, "finance.price_index.2050", "outside the scenario's horizon"),
    ([("name", "x"), ("ambitions.support", "{cykelsti: 80}")],
     "cell B3", 3, "ambitions.support.cykelsti", "share from 0 to 1"),
    ([("name", "x"), ("finance.loans", "[{year: 2028, amount: 5")],
     "cell B3", 3, "finance.loans", "not a YAML value"),
    ([("name", "x"), ("tax", "26")], "cell A3", 3, "tax", "unknown field 'tax'"),
    ([("name", "x"), ("end", "soon")], "cell B3", 3, "end", "valid integer"),
]  # fmt: skip


@pytest.mark.parametrize(("rows", "cell", "line", "field", "words"), EXCEL_CASES,
                         ids=[c[3] for c in EXCEL_CASES])  # fmt: skip
def test_a_broken_workbook_names_sheet_row_cell_and_field(
    rows: list[tuple[object, object]], cell: str, line: int, field: str, words: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        store.scenario_from_excel(_workbook(rows), "plan.xlsx")
    err = caught.value
    assert err.where.file == "plan.xlsx" and err.where.line == line
    assert err.where.field == field
    assert f"sheet 'Scenario', {cell}:" in str(err) and words in str(err)
    assert err.fix


def test_a_broken_workbook_upload_stores_nothing(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    c.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})  # the CLI's words
    content = _workbook([("name", "x"), ("finance.income_tax_rate", "{2028: 0.261}")])
    answer = c.post("/scenarios/upload", data={"csrf_token": token},
                    files={"file": ("plan.xlsx", content, "application/octet-stream")})  # fmt: skip
    assert answer.status_code == 422
    assert "plan.xlsx" in answer.text and "cell B3" in answer.text
    not_a_book = c.post(
        "/scenarios/upload",
        data={"csrf_token": token},
        files={"file": ("plan.xlsx", b"name: x", "application/octet-stream")},
    )
    assert not_a_book.status_code == 422 and "not an Excel workbook" in not_a_book.text
    with app.state.sessionmaker() as db:
        assert db.scalar(select(Scenario.id)) is None


def test_a_stored_scenario_the_new_checks_reject_is_kept_and_can_be_corrected(app) -> None:  # type: ignore[no-untyped-def]
    """Uploads did not check the ambitions section before: such a scenario is named, not lost."""
    sid = _store_old(app, {"name": "Gammel", "municipality": "165",
                           "ambitions": {"pinned": ["helhedsplan_galgebakken"]}})  # fmt: skip
    before = _stored_yaml(app, sid)
    c, token = signed_in(app, "analyst")
    c.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})  # the CLI's words
    page = c.get(f"/scenarios/{sid}")
    assert page.status_code == 400
    assert "ambitions.pinned" in page.text and "did you mean" in page.text
    assert f"/scenarios/{sid}/download.yaml" in page.text
    raw = c.get(f"/scenarios/{sid}/download.yaml")
    assert raw.status_code == 200 and raw.text == before  # the stored text, as it is
    fixed = raw.text.replace("pinned:", "pinned_in:")
    up = c.post("/scenarios/upload", data={"csrf_token": token},
                files={"file": ("fixed.yaml", fixed.encode(), "application/yaml")})  # fmt: skip
    assert up.status_code == 303
    assert _stored_yaml(app, sid) == before


def test_model_errors_on_the_form_read_as_the_file_errors_do() -> None:
    draft, state = store.scenario_from_form({
        "name": "x", "housing.0.project": "Ny bydel", "housing.0.type": "flat",
        "housing.0.year": "1800", "housing.0.dwellings": "10", "income_tax_rate": "2027: 0.2",
    }, None, "0165")  # fmt: skip
    assert draft is None
    assert state.errors["income_tax_rate"].startswith(
        "finance.income_tax_rate.2027: 0.2 is not a tax rate")  # fmt: skip
    assert "[2027]" not in state.errors["income_tax_rate"]
    assert state.errors["housing.0.project"].startswith(
        "population.housing.add[0].completions[0].year: ")  # fmt: skip
    assert "at or above 2000" in state.errors["housing.0.project"]
