"""A scenario whose budget cannot be computed (its price index lacks budget years) says why in
the page's language: on a Danish page 'budgettet kunne ikke beregnes: ...' with the finance
model's error in Danish, on an English page, in the JSON API and in the Excel workbook exactly
the English they showed before the reason became a catalogue message (written out here, so a
change of a single English character fails).
"""

from __future__ import annotations

import io

import openpyxl
from tests.web.conftest import signed_in
from tests.web.test_error_language import LEAD_IN, _english, _upload
from tests.web.test_error_language_pages import not_available

from byibalance.errors import FinanceError
from byibalance.messages import Note
from byibalance.web.i18n import error_text
from byibalance.web.model import BUDGET_NOT_COMPUTED, run_scenario, scenario_from_yaml

# A price index for the first budget year only: the finance model refuses the other 13 years.
SHORT_INDEX = b"name: Uden prisindeks\nfinance:\n  price_index: {2027: 1.0}\n"

DANISH = (
    "budgettet kunne ikke beregnes: felt 'finance.price_index.2028', år 2028: prisindekset har "
    "ingen værdi for 2028 (og 12 år mere). angiv et indeks for hvert budgetår 2027-2040"
)
ENGLISH = (
    "the budget could not be computed: field 'finance.price_index.2028', year 2028: the price "
    "index has no value for 2028 (and 12 more years). give an index for every budget year "
    "2027-2040"
)


def test_a_budget_that_cannot_be_computed_reads_in_the_pages_language(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    stored = _upload(c, token, "plan.yaml", SHORT_INDEX)
    assert stored.status_code == 303, stored.text
    page = stored.headers["location"]
    sid = page.rsplit("/", 1)[1]
    answer = c.get(page)
    assert answer.status_code == 200
    assert not_available(answer.text) == DANISH
    compare = c.get(f"/scenarios/compare?a=baseline&b={sid}")
    assert not_available(compare.text) == DANISH
    # the API and the workbook keep their English, whatever the page's language
    assert c.get(f"/api/scenarios/{sid}/result").json()["missing"] == {"budget": ENGLISH}
    workbook = openpyxl.load_workbook(io.BytesIO(c.get(f"/scenarios/{sid}/download.xlsx").content))
    rows = list(workbook["Not available"].iter_rows(values_only=True))
    assert rows == [("section", "reason"), ("budget", ENGLISH)]
    _english(c, token)
    assert not_available(c.get(page).text) == ENGLISH
    assert not_available(c.get(f"/scenarios/compare?a=baseline&b={sid}").text) == ENGLISH
    assert c.get(f"/api/scenarios/{sid}/result").json()["missing"] == {"budget": ENGLISH}


def test_the_views_reason_is_its_english_and_keeps_the_error_without_its_traceback() -> None:
    reason = run_scenario(scenario_from_yaml(SHORT_INDEX.decode())).missing["budget"]
    assert str(reason) == ENGLISH
    assert isinstance(reason, Note) and reason.message == BUDGET_NOT_COMPUTED
    error = reason.args["error"]
    assert isinstance(error, FinanceError)
    assert error.where.field == "finance.price_index.2028" and error.where.year == 2028
    assert error.__traceback__ is None  # the cached view holds no frames of the failed run
    assert error_text(reason, "da") == DANISH
    assert error_text(reason, "en") == ENGLISH


def test_an_error_the_catalogue_cannot_translate_makes_the_whole_reason_english() -> None:
    # never 'budgettet kunne ikke beregnes: ' in Danish before an English error
    error = FinanceError("the budget's ledger is locked", fix="unlock it")
    reason = Note(BUDGET_NOT_COMPUTED, error=error)
    english = "the budget could not be computed: the budget's ledger is locked. unlock it"
    assert str(reason) == error_text(reason, "en") == english
    assert error_text(reason, "da") == LEAD_IN + english
