"""Errors of scenario input read in the page's language: on a Danish page the place (linje, felt,
år, ark, celle), the problem and the fix in Danish with Danish numbers; on an English page exactly
the CLI's English; a text the catalogue does not know wholly in English behind a Danish lead-in.

The English expected below is written out as the workbench wrote it before its errors became
catalogue messages, so a change of a single English character fails here.
"""

from __future__ import annotations

import html
import io
import math
import re

import openpyxl
import pytest
from sqlalchemy import select
from tests.web.conftest import signed_in

from byibalance.errors import ScenarioError
from byibalance.scenario import horizon
from byibalance.web.db import Scenario
from byibalance.web.i18n import error_text, python_digits
from byibalance.web.model import scenario_from_yaml

LEAD_IN = "Fejl (på engelsk): "
FIRST, LAST = horizon(None, None)  # the default horizon the year check uses


def _english(c, token: str) -> None:  # type: ignore[no-untyped-def]
    answer = c.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    assert answer.status_code == 303


def field_error(page: str, name: str) -> str:
    """The error text shown beside the form field ``name``."""
    match = re.search(rf'<span class="field-error" id="err-{re.escape(name)}">(.*?)</span>', page,
                      re.S)  # fmt: skip
    assert match, f"no error beside {name}"
    return html.unescape(match.group(1))


def upload_error(page: str) -> str:
    """The error text of a rejected upload on the scenario list."""
    match = re.search(r'<div class="error" role="alert" id="upload-error"><p>[^<]*</p><p>(.*?)</p>',
                      page, re.S)  # fmt: skip
    assert match, "no upload error on the page"
    return html.unescape(match.group(1))


def _upload(c, token: str, name: str, content: bytes):  # type: ignore[no-untyped-def]
    return c.post("/scenarios/upload", data={"csrf_token": token},
                  files={"file": (name, content, "application/octet-stream")})  # fmt: skip


def _stored(app) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    with app.state.sessionmaker() as db:
        return [(s.id, s.name, s.overrides_yaml) for s in db.scalars(select(Scenario))]


# --- the workbench form ---------------------------------------------------------------------

BAD_FORM = {"name": "Dyrere dagtilbud", "unit_costs": "daycare_0_2 = -120000",
            "income_tax_rate": "2200: 26,1"}  # fmt: skip


@pytest.mark.parametrize(
    ("english", "unit_cost", "tax_year", "not_saved"),
    [
        pytest.param(
            False,
            "linje 1: enhedsomkostningen for 'daycare_0_2' er negativ",
            f"finance.income_tax_rate.2200: året 2200 ligger uden for scenariets periode "
            f"{FIRST}-{LAST}. Brug et år fra {FIRST} til {LAST}, eller udvid scenariets start/end",
            "Scenariet blev ikke gemt",
            id="danish",
        ),
        pytest.param(
            True,
            "line 1: the unit cost of 'daycare_0_2' is negative",
            f"finance.income_tax_rate.2200: year 2200 is outside the scenario's horizon "
            f"{FIRST}-{LAST}. Use a year from {FIRST} to {LAST}, or widen the scenario's start/end",
            "The scenario was not saved",
            id="english-unchanged",
        ),
    ],
)
def test_a_bad_unit_cost_and_tax_year_read_in_the_page_language(  # type: ignore[no-untyped-def]
    app, english: bool, unit_cost: str, tax_year: str, not_saved: str
) -> None:
    c, token = signed_in(app, "analyst")
    if english:
        _english(c, token)
    answer = c.post("/scenarios", data={**BAD_FORM, "csrf_token": token})
    assert answer.status_code == 422
    assert field_error(answer.text, "unit_costs") == unit_cost
    assert field_error(answer.text, "income_tax_rate") == tax_year
    assert not_saved in answer.text
    assert 'value="2200: 26,1"' in answer.text  # what was typed stays in the field
    assert _stored(app) == []


def test_an_unknown_service_area_on_the_form_is_named_in_danish(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    answer = c.post("/scenarios", data={"name": "x", "unit_costs": "dagtilbud = 120000",
                                        "csrf_token": token})  # fmt: skip
    assert answer.status_code == 422
    text = field_error(answer.text, "unit_costs")
    assert text.startswith(
        "services.unit_costs.dagtilbud: ukendt serviceområde 'dagtilbud'; brug et af: daycare_0_2"
    ), text
    assert text.endswith(". Ret værdien (se docs/scenario.md)")


def test_a_rejected_edit_keeps_the_stored_scenario_as_it_was(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    form = {"name": "Skat", "income_tax_rate": "26,1", "unit_costs": "school_6_16 = 90000"}
    made = c.post("/scenarios", data={**form, "csrf_token": token})
    assert made.status_code == 303, made.text
    sid = int(made.headers["location"].rsplit("/", 1)[1])
    before = _stored(app)
    answer = c.post(f"/scenarios/{sid}", data={**BAD_FORM, "csrf_token": token})
    assert answer.status_code == 422
    assert field_error(answer.text, "unit_costs").startswith("linje 1: enhedsomkostningen")
    assert _stored(app) == before  # name, tax rate and unit cost as they were
    assert "26.1" in before[0][2] and "90000" in before[0][2]


# --- uploaded files ---------------------------------------------------------------------------

MISSPELT = b"name: Skat\nfinance:\n  income_tax_rat: 26.1\n"
KEYS = ("income_tax_rate, land_tax_per_mille, liquidity_target_per_inhabitant, loans, "
        "opening_liquidity, price_index, unit_costs")  # fmt: skip


def test_a_misspelt_key_in_an_upload_reads_in_danish_with_its_line(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    answer = _upload(c, token, "plan.yaml", MISSPELT)
    assert answer.status_code == 422
    assert upload_error(answer.text) == (
        "plan.yaml, linje 3, felt 'finance.income_tax_rat': ukendt felt 'income_tax_rat'. Fjern "
        f"feltet, eller ret stavningen: mente du 'income_tax_rate'? felterne her er {KEYS}"
    )
    _english(c, token)
    answer = _upload(c, token, "plan.yaml", MISSPELT)
    assert upload_error(answer.text) == (
        "plan.yaml, line 3, field 'finance.income_tax_rat': unknown key 'income_tax_rat'. Remove "
        f"the key or correct its spelling: did you mean 'income_tax_rate'? the keys here are {KEYS}"
    )
    assert _stored(app) == []


def test_an_error_without_danish_reads_wholly_in_english_behind_a_danish_lead_in(app) -> None:  # type: ignore[no-untyped-def]
    # The housing plan's check of a moved project is the population model's own English sentence
    # (the land tax's range check, the example here before, reads in Danish now).
    content = b"name: x\npopulation:\n  housing:\n    move: {P1: 1990}\n"
    english = ("plan.yaml, line 3, field 'population.housing': move of 'P1' to 1990 is outside "
               "2000-2100. Correct the value (see docs/scenario.md)")  # fmt: skip
    c, token = signed_in(app, "analyst")
    assert upload_error(_upload(c, token, "plan.yaml", content).text) == LEAD_IN + english
    _english(c, token)
    assert upload_error(_upload(c, token, "plan.yaml", content).text) == english


def test_numbers_in_danish_errors_have_danish_separators(app) -> None:  # type: ignore[no-untyped-def]
    content = b"name: x\nservices:\n  unit_costs: {daycare_0_2: -85000.5}\n"
    c, token = signed_in(app, "analyst")
    danish = upload_error(_upload(c, token, "plan.yaml", content).text)
    assert danish == (
        "plan.yaml, linje 3, felt 'services.unit_costs.daycare_0_2' (Enhedsomkostninger): "
        "'daycare_0_2' er -85.000,5; den kan ikke være negativ. Ret værdien (se docs/scenario.md)"
    )
    _english(c, token)
    assert upload_error(_upload(c, token, "plan.yaml", content).text) == (
        "plan.yaml, line 3, field 'services.unit_costs.daycare_0_2': 'daycare_0_2' is -85000.5; "
        "it cannot be negative. Correct the value (see docs/scenario.md)"
    )


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


def test_a_workbook_error_names_sheet_and_cell_in_danish(app) -> None:  # type: ignore[no-untyped-def]
    content = _workbook([("name", "x"), ("finance.income_tax_rate", "{2200: 26.1}")])
    c, token = signed_in(app, "analyst")
    danish = upload_error(_upload(c, token, "plan.xlsx", content).text)
    assert danish == (
        "plan.xlsx, række 3, felt 'finance.income_tax_rate.2200' (Kommunal indkomstskat): "
        f"ark 'Scenario', celle B3: året 2200 ligger uden for scenariets periode {FIRST}-{LAST}. "
        f"Brug et år fra {FIRST} til {LAST}, eller udvid scenariets start/end"
    )
    _english(c, token)
    assert upload_error(_upload(c, token, "plan.xlsx", content).text) == (
        "plan.xlsx, line 3, field 'finance.income_tax_rate.2200': sheet 'Scenario', "
        f"cell B3: year 2200 is outside the scenario's horizon {FIRST}-{LAST}. Use a year from "
        f"{FIRST} to {LAST}, or widen the scenario's start/end"
    )
    assert _stored(app) == []


def test_a_wrong_kind_of_file_a_large_file_and_an_unknown_municipality_in_danish(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    wrong = upload_error(_upload(c, token, "budget.pdf", b"%PDF-1.4").text)
    assert wrong == (
        "budget.pdf, felt 'file': 'budget.pdf' er ikke en scenariefil (.yaml, .yml, .xlsx). upload "
        "scenariets YAML-fil eller den Excel-projektmappe, som scenarieværkstedet henter"
    )
    large = upload_error(_upload(c, token, "big.yaml", b"#" * (300 * 1024)).text)
    assert large == "big.yaml: filen er større end 256 KiB. upload en scenariefil, ikke et datasæt"
    unknown = upload_error(_upload(c, token, "k.yaml", b"name: x\nmunicipality: '999'\n").text)
    assert unknown == (
        "k.yaml, linje 2, felt 'municipality' (Kommune): kommunen '999' er ikke en af de 98 danske "
        "kommuner. Brug koden for en dansk kommune, fx 165 for Albertslund"
    )
    assert _stored(app) == []


def test_the_api_keeps_its_english_detail(app) -> None:  # type: ignore[no-untyped-def]
    # The JSON API has no language of its own (no session language, no Accept-Language): its
    # detail stays the English a client parses, also for a user whose pages are Danish.
    c, _ = signed_in(app, "analyst")
    answer = c.get("/api/scenarios/999")
    assert answer.status_code == 404
    detail = answer.json()["detail"]
    assert detail["problem"] == "there is no scenario 999 that you may see"
    assert detail["message"] == (
        "field 'scenario_id': there is no scenario 999 that you may see. choose a scenario from "
        "the list"
    )


# --- the errors themselves --------------------------------------------------------------------

COMMON = [
    MISSPELT.decode(),
    "name: x\nservices:\n  unit_costs: {dagtilbud: 5}\n",
    "name: x\nfinance:\n  income_tax_rate: {2200: 26}\n",
    "name: x\nstart: 1900\n",
    "name: x\nend: abc\n",
    "name: x\nservices:\n  regulation: partial\n",
    "name: x\npopulation:\n  fertility: {multiplier: -1}\n",
    "name: x\npopulation:\n  migration: {in_scale: abc}\n",
    "name: x\nambitions:\n  support: {a: 2}\n",
    "name: x\nambitions: {pinned_in: [a], pinned_out: [a]}\n",
    "name: x\nfinance:\n  loans: [{year: 2028, amount: 5}]\n",
    "name: x\nservices:\n  regulation: marginal\n",
    "name: x\nstart: 1900\nend: 1800\nfinance: {income_tax_rat: 2}\n",
    "name: [x\n",
    "- just\n- a list\n",
]
ENGLISH_WORDS = ("line ", "field '", "year ", "Input should", "unknown key", " is not ", "Use ",
                 "Write ", "Remove ", "(got", "missing", "elsewhere")  # fmt: skip


@pytest.mark.parametrize("text", COMMON)
def test_common_scenario_errors_read_wholly_in_danish_and_keep_the_clis_english(text: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        scenario_from_yaml(text, "plan.yaml")
    err = raised.value
    assert error_text(err, "en") == str(err)
    danish = error_text(err, "da")
    assert not danish.startswith(LEAD_IN), danish
    assert [w for w in ENGLISH_WORDS if w in danish] == [], danish
    assert danish.startswith("plan.yaml")


def test_python_digits_in_danish() -> None:
    assert [python_digits(v, "da") for v in (2027, 12345, -85000.5, 0.261, -1, 1e-05)] == [
        "2027", "12.345", "-85.000,5", "0,261", "-1", "1e-05"]  # fmt: skip
    assert python_digits(-85000.5, "en") == "-85000.5"
    assert python_digits(math.nan, "da") == "nan"
