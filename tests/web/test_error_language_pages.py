"""The remaining errors of the pages read in the page's language: the finance model's own checks
of a scenario and of its budget, the population, ambitions, climate, region, uncertainty and
users pages' parameters, and a workbook's row ('række').

Each case is checked on the Danish page (the whole text in Danish, exact) and on the English page
(exactly the English the pages, the CLI and the API showed before these errors became catalogue
messages, written out here so a change of a single English character fails).
"""

from __future__ import annotations

import ast
import builtins
import html
import io
import re
from pathlib import Path

import openpyxl
import pytest
from tests.finance.helpers import synthetic_projection, with_values
from tests.web.conftest import signed_in
from tests.web.test_error_language import LEAD_IN, _upload, field_error, upload_error

from byibalance.errors import ByibalanceError, ScenarioError
from byibalance.finance import compute_budget, explain, finance_overrides
from byibalance.finance.inputs import budget_parameters
from byibalance.services import compute
from byibalance.web.i18n import error_text, request_problems

ROUTES = Path(__file__).parents[2] / "src" / "byibalance" / "web" / "routes"


def _language(c, token: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    answer = c.post("/language", data={"lang": lang, "next": "/", "csrf_token": token})
    assert answer.status_code == 303


def error_page(page: str) -> str:
    """The text of the error page's alert."""
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
    assert match, "no error on the page"
    return html.unescape(match.group(1))


def not_available(page: str) -> str:
    """The text of a section's 'Not available' note (after its bold lead)."""
    match = re.search(r'<p class="missing" role="note"><strong>[^<]*</strong> (.*?)</p>', page,
                      re.S)  # fmt: skip
    assert match, "no 'Not available' note on the page"
    return html.unescape(match.group(1))


# --- uploads: the finance model's checks of a scenario's finance section --------------------

UPLOADS = [
    (  # the land tax's legal range
        b"name: x\nfinance:\n  land_tax_per_mille: 40\n",
        "plan.yaml, linje 3, felt 'finance.land_tax_per_mille': 40,0 promille ligger uden for "
        "0-34, det lovlige interval. Ret værdien (se docs/scenario.md)",
        "plan.yaml, line 3, field 'finance.land_tax_per_mille': 40.0 per mille is outside 0-34, "
        "the legal range. Correct the value (see docs/scenario.md)",
    ),
    (  # a year's tax rate ('[2028] ...' names the year's own path)
        b"name: x\nfinance:\n  income_tax_rate: {2028: 2}\n",
        "plan.yaml, linje 3, felt 'finance.income_tax_rate.2028' (Kommunal indkomstskat), år 2028: "
        "2,0 er ikke en skatteprocent; angiv procent (fx 25.6) eller {value: 0.256, unit: share}. "
        "Ret værdien (se docs/scenario.md)",
        "plan.yaml, line 3, field 'finance.income_tax_rate.2028', year 2028: 2.0 is not a tax "
        "rate; give percent (e.g. 25.6) or {value: 0.256, unit: share}. Correct the value (see "
        "docs/scenario.md)",
    ),
    (  # a year's unit, the units joined by 'or'
        b"name: x\nfinance:\n  income_tax_rate: {2028: {value: 0.26, unit: per_mille}}\n",
        "plan.yaml, linje 3, felt 'finance.income_tax_rate.2028' (Kommunal indkomstskat), år 2028: "
        "enheden 'per_mille' passer ikke til en skatteprocent; brug percent eller share. Ret "
        "værdien (se docs/scenario.md)",
        "plan.yaml, line 3, field 'finance.income_tax_rate.2028', year 2028: unit 'per_mille' is "
        "wrong for a tax rate; use percent or share. Correct the value (see docs/scenario.md)",
    ),
    (
        b"name: x\nfinance:\n  land_tax_per_mille: {value: 9.1, unit: percent}\n",
        "plan.yaml, linje 3, felt 'finance.land_tax_per_mille': enheden 'percent' passer ikke til "
        "grundskyld; brug per_mille. Ret værdien (se docs/scenario.md)",
        "plan.yaml, line 3, field 'finance.land_tax_per_mille': unit 'percent' is wrong for land "
        "tax; use per_mille. Correct the value (see docs/scenario.md)",
    ),
    (
        b"name: x\nfinance:\n  liquidity_target_per_inhabitant: {value: 5, unit: DKK}\n",
        "plan.yaml, linje 3, felt 'finance.liquidity_target_per_inhabitant': enheden 'DKK' passer "
        "ikke til et mål; brug DKK_per_person. Ret værdien (se docs/scenario.md)",
        "plan.yaml, line 3, field 'finance.liquidity_target_per_inhabitant': unit 'DKK' is wrong "
        "for a target; use DKK_per_person. Correct the value (see docs/scenario.md)",
    ),
    (
        b"name: x\nfinance:\n  price_index: {2027: -1.5}\n",
        "plan.yaml, linje 3, felt 'finance.price_index': prisindekset for 2027 er -1,5; det skal "
        "være positivt. Ret værdien (se docs/scenario.md)",
        "plan.yaml, line 3, field 'finance.price_index': the price index for 2027 is -1.5; it must "
        "be positive. Correct the value (see docs/scenario.md)",
    ),
]


@pytest.mark.parametrize(("content", "danish", "english"), UPLOADS)
def test_the_finance_checks_of_an_upload_in_danish_and_english(  # type: ignore[no-untyped-def]
    app, content, danish, english
) -> None:
    c, token = signed_in(app, "analyst")
    assert upload_error(_upload(c, token, "plan.yaml", content).text) == danish
    _language(c, token, "en")
    assert upload_error(_upload(c, token, "plan.yaml", content).text) == english


def test_a_workbooks_line_is_a_row_in_danish(app) -> None:  # type: ignore[no-untyped-def]
    # The municipality's error names no sheet or cell; the file is a workbook, so its line is a
    # row (række) all the same.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Scenario"
    for row in (["field", "value"], ["name", "x"], ["municipality", "999"]):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    c, token = signed_in(app, "analyst")
    assert upload_error(_upload(c, token, "plan.xlsx", out.getvalue()).text) == (
        "plan.xlsx, række 3, felt 'municipality' (Kommune): kommunen '999' er ikke en af de 98 "
        "danske kommuner. Brug koden for en dansk kommune, fx 165 for Albertslund"
    )


# --- the pages' own parameters ----------------------------------------------------------------

PAGES = [
    (
        "/population?year=1990", 400,
        "felt 'year', år 1990: året 1990 ligger uden for fremskrivningen 2024-2040. vælg et år "
        "fra 2024 til 2040",
        "field 'year', year 1990: year 1990 is outside the projection 2024-2040. choose a year "
        "from 2024 to 2040",
    ),
    (
        "/population?year=abc", 422,
        "query.year: Værdien skal være et helt tal; teksten kan ikke læses som et helt tal",
        "query.year: Input should be a valid integer, unable to parse string as an integer",
    ),
    (
        "/region?metric=BAD!", 422,
        "query.metric: Teksten skal passe til mønsteret '^[a-z0-9_]+$'",
        "query.metric: String should match pattern '^[a-z0-9_]+$'",
    ),
    (
        "/ambitions?social=abc", 400,
        "felt 'social': vægten for social 'abc' er ikke et tal. brug et tal på 0 eller mere, fx 1 "
        "eller 2,5",
        "field 'social': the weight of social 'abc' is not a number. use a number of 0 or more, "
        "e.g. 1 or 2,5",
    ),
    (
        "/ambitions?frames=x", 400,
        "felt 'frames': rammernes tilstand 'x' kendes ikke. brug frames=warning (advarsler pr. år) "
        "eller frames=hard (et loft)",
        "field 'frames': the frames' mode 'x' is not known. use frames=warning (reported per "
        "year) or frames=hard (a limit)",
    ),
    (
        "/climate?view=x", 400,
        "felt 'view': ukendt klimaopgørelse 'x'. Brug view=territory eller view=influence "
        "(territory, influence)",
        "field 'view': unknown climate view 'x'. Use view=territory or view=influence (territory, "
        "influence)",
    ),
    (
        "/uncertainty/jobs/999", 404,
        "kørslen findes ikke: den kan være fjernet; start den igen",
        "no such run: it may have been removed; start it again",
    ),
    (
        "/uncertainty/section/nope", 404,
        "ingen vifter på 'nope'; brug population eller economy",
        "no fan section on 'nope'; use population or economy",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("path", "status", "danish", "english"), PAGES)
def test_a_pages_bad_parameter_in_danish_and_english(app, path, status, danish, english) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "viewer")
    answer = c.get(path)
    assert answer.status_code == status
    assert error_page(answer.text) == danish
    _language(c, token, "en")
    assert error_page(c.get(path).text) == english


def test_a_negative_weight_is_not_available_in_danish_and_english(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "viewer")
    path = "/ambitions?social=-1"
    assert not_available(c.get(path).text) == (
        "felt 'weights.social': vægten for social er negativ (-1,0). brug vægte på 0 eller mere"
    )
    _language(c, token, "en")
    assert not_available(c.get(path).text) == (
        "field 'weights.social': the weight of social is negative (-1.0). use weights of 0 or more"
    )


def test_a_scenario_ending_before_its_projection_starts_in_danish_and_english(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    stored = _upload(c, token, "kort.yaml", b"name: Kort\nend: 2024\n")
    assert stored.status_code == 303, stored.text
    page = stored.headers["location"]
    answer = c.get(page)
    assert answer.status_code == 400
    assert error_page(answer.text) == (
        "felt 'end', år 2024: fremskrivningen for 165 ville starte i 2024, ikke før slutåret "
        "2024. Vælg et slutår efter 2024"
    )
    _language(c, token, "en")
    assert error_page(c.get(page).text) == (
        "field 'end', year 2024: the projection of 165 would start in 2024, not before the end "
        "2024. Choose an end year after 2024"
    )


UNCERTAINTY_FORM = [
    ({"paths": "99"}, "paths", "forløb 99 ligger uden for 100..5000; vælg et tal fra 100 til 5000",
     "paths 99 is outside 100..5000; choose a number from 100 to 5000"),
    ({"seed": "x"}, "seed", "startværdi skal være et helt tal fra 0 til 2.147.483.647",
     "seed must be a whole number from 0 to 2147483647"),
    ({"band": "70"}, "band", "båndet 70 tilbydes ikke; vælg et af 50, 80, 90",
     "band 70 is not offered; choose one of 50, 80, 90"),
    ({"scenario": "77"}, "scenario", "scenariet 77 er ikke et, du må læse; vælg et fra listen",
     "scenario 77 is not one you may read; choose one from the list"),
]  # fmt: skip


@pytest.mark.parametrize(("bad", "field", "danish", "english"), UNCERTAINTY_FORM)
def test_the_uncertainty_forms_errors_in_danish_and_english(  # type: ignore[no-untyped-def]
    app, bad, field, danish, english
) -> None:
    c, token = signed_in(app, "analyst")
    form = {"paths": "100", "seed": "0", "band": "80", "csrf_token": token} | bad
    answer = c.post("/uncertainty", data=form)
    assert answer.status_code == 422
    assert field_error(answer.text, field) == danish
    _language(c, token, "en")
    assert field_error(c.post("/uncertainty", data=form).text, field) == english


def test_an_unknown_user_in_danish_and_english(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "admin")
    form = {"role": "viewer", "csrf_token": token}
    answer = c.post("/users/999/role", data=form)
    assert answer.status_code == 422
    assert error_page(answer.text) == "der er ingen bruger 999"
    _language(c, token, "en")
    assert error_page(c.post("/users/999/role", data=form).text) == "there is no user 999"


def test_several_bad_parameters_read_wholly_in_one_language() -> None:
    # as FastAPI reports them; the English is the API's detail joined by '; '
    year = {
        "type": "int_parsing",
        "loc": ("query", "year"),
        "input": "abc",
        "msg": "Input should be a valid integer, unable to parse string as an integer",
    }
    metric = {
        "type": "string_pattern_mismatch",
        "loc": ("query", "metric"),
        "input": "X",
        "msg": "String should match pattern '^[a-z]+$'",
        "ctx": {"pattern": "^[a-z]+$"},
    }
    unknown = {"type": "missing", "loc": ("query", "x"), "msg": "Field required", "input": None}
    english = (
        "query.year: Input should be a valid integer, unable to parse string as an "
        "integer; query.metric: String should match pattern '^[a-z]+$'"
    )
    both = request_problems([year, metric])
    assert str(both) == error_text(both, "en") == english
    assert error_text(both, "da") == (
        "query.year: Værdien skal være et helt tal; teksten kan ikke læses som et helt tal; "
        "query.metric: Teksten skal passe til mønsteret '^[a-z]+$'"
    )
    # a message the catalogue does not know: the whole text in English, never half and half
    three = request_problems([year, metric, unknown])
    assert error_text(three, "da") == LEAD_IN + english + "; query.x: Field required"


# --- the finance model's errors themselves ------------------------------------------------------

PARAMS = budget_parameters("165")


def _raised(call) -> ByibalanceError:  # type: ignore[no-untyped-def]
    with pytest.raises(ByibalanceError) as raised:
        call()
    return raised.value


def _budget_errors() -> list[tuple[ByibalanceError, str, str]]:
    projection = synthetic_projection()
    services = compute(projection, PARAMS)
    budget = compute_budget(projection, services, PARAMS)
    index = {y: 1.0 for y in range(2025, 2041) if y != 2031}
    return [
        (_raised(lambda: budget.year(2050)),
         "felt 'year', år 2050: året 2050 ligger uden for budgettet 2027-2040. vælg et budgetår "
         "inden for perioden",
         "field 'year', year 2050: year 2050 is outside the budget 2027-2040. choose a budget year "
         "inside the horizon"),
        (_raised(lambda: explain(budget, "nonsense", 2027)),
         "felt 'line', år 2027: ukendt budgetlinje 'nonsense'. brug en af: ambitions_operating, ",
         "field 'line', year 2027: unknown budget line 'nonsense'. use one of: "
         "ambitions_operating, "),
        (_raised(lambda: compute_budget(projection, services, PARAMS,
                                        finance_overrides({"price_index": index}))),
         "felt 'finance.price_index.2031', år 2031: prisindekset har ingen værdi for 2031. angiv "
         "et indeks for hvert budgetår 2027-2040",
         "field 'finance.price_index.2031', year 2031: the price index has no value for 2031. give "
         "an index for every budget year 2027-2040"),
        (_raised(lambda: compute_budget(projection, services, PARAMS,
                                        finance_overrides({"price_index": {2027: 1.0}}))),
         "felt 'finance.price_index.2028', år 2028: prisindekset har ingen værdi for 2028 (og 12 "
         "år mere). angiv et indeks for hvert budgetår 2027-2040",
         "field 'finance.price_index.2028', year 2028: the price index has no value for 2028 (and "
         "12 more years). give an index for every budget year 2027-2040"),
        (_raised(lambda: compute_budget(synthetic_projection(start=2030), services, PARAMS)),
         "felt 'budget.budget_year', år 2027: budgetårene 2027-2040 ligger ikke inden for "
         "fremskrivningen 2030-2040. fremskriv befolkningen over hele budgetperioden (til 2040)",
         "field 'budget.budget_year', year 2027: the budget years 2027-2040 are not inside the "
         "projection 2030-2040. project the population over the budget horizon (to 2040)"),
        (_raised(lambda: compute_budget(projection, services, with_values(
            PARAMS, {"revenue.income_tax_rate": "abc"}))),
         "test, felt 'revenue.income_tax_rate', år 2026: 'revenue.income_tax_rate' er 'abc'; der "
         "skal stå et tal. angiv et almindeligt tal i parameterfilen",
         "test, field 'revenue.income_tax_rate', year 2026: 'revenue.income_tax_rate' is 'abc'; a "
         "number is needed. give a plain number in the parameter file"),
    ]  # fmt: skip


def test_the_budgets_errors_read_in_danish_and_keep_their_english() -> None:
    for error, danish, english in _budget_errors():
        assert error_text(error, "en") == str(error)
        assert str(error).startswith(english), str(error)
        assert error_text(error, "da").startswith(danish), error_text(error, "da")
        assert not error_text(error, "da").startswith(LEAD_IN)


def test_the_cli_path_of_the_finance_section_keeps_its_english_and_reads_in_danish() -> None:
    # finance_overrides (the CLI's sustainability and portfolio commands) names the year itself
    with pytest.raises(ScenarioError) as raised:
        finance_overrides({"income_tax_rate": {2028: {"value": 0.26, "unit": "per_mille"}}},
                          "s.yaml")  # fmt: skip
    err = raised.value
    assert str(err) == (
        "s.yaml, field 'finance.income_tax_rate.2028', year 2028: unit 'per_mille' is wrong for a "
        "tax rate; use percent or share. Correct the value (see docs/finance.md, 'Scenario "
        "sections')"
    )
    problem = "unit 'per_mille' is wrong for a tax rate; use percent or share"
    assert err.as_detail()["problem"] == problem
    assert error_text(err, "da") == (
        "s.yaml, felt 'finance.income_tax_rate.2028' (Kommunal indkomstskat), år 2028: enheden "
        "'per_mille' passer ikke til en skatteprocent; brug percent eller share. Ret værdien (se "
        "docs/finance.md, 'Scenario sections')"
    )


# --- no error text left in English in the page routes -------------------------------------------

ERROR_CALLS = re.compile(r"(Error|HTTPException)$")  # byibalance's errors and HTTP errors


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _text(node: ast.expr | None) -> bool:
    """True for a literal text (a string or an f-string): English the catalogue cannot know."""
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant)
                                               and isinstance(node.value, str))  # fmt: skip


def english_errors(source: str) -> list[int]:
    """The lines of ``source`` that raise an error, or set a form field's error, with a literal
    text (its problem, fix or an HTTP error's detail) instead of a catalogue note."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            call = node.exc
            name = _name(call.func)
            if not ERROR_CALLS.search(name) or hasattr(builtins, name):  # not Python's own
                continue
            http = name.endswith("HTTPException")
            texts = call.args[1:2] if http else call.args[:2]
            texts += [k.value for k in call.keywords if k.arg in ("detail", "problem", "fix")]
            if any(_text(t) for t in texts):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Assign)
            and _text(node.value)
            and any(isinstance(t, ast.Subscript) and _name(t.value) == "errors"
                    for t in node.targets)
        ):  # fmt: skip
            lines.append(node.lineno)
    return lines


def test_the_checker_finds_english_errors() -> None:
    # the checker itself: each way of writing English is found, a note is not
    source = """
raise InputError(f"year {year} is wrong", fix="choose another")
raise InputError(Note(N_("x")), fix="choose another")
raise InputError(Note(N_("x")), fix=Note(N_("y")))
raise StarletteHTTPException(404, "no such thing")
raise StarletteHTTPException(404, Note(N_("no such thing")))
errors["band"] = f"band {band} is not offered"
errors["band"] = Note(N_("band {band} is not offered"), band=band)
raise ValueError(f"an internal check")
"""
    assert english_errors(source) == [2, 3, 5, 7]


def test_no_page_route_raises_an_error_in_english() -> None:
    # The JSON API (api.py) keeps its English on purpose: a client parses it.
    found = {path.name: english_errors(path.read_text()) for path in sorted(ROUTES.glob("*.py"))
             if path.name != "api.py"}  # fmt: skip
    assert len(found) >= 10
    assert {name: lines for name, lines in found.items() if lines} == {}
