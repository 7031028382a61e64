"""Browser tests: sign in, every page, a tax-rate scenario, compare, Excel; axe on every page."""

from __future__ import annotations

import pytest
from tests.e2e.conftest import ARTIFACTS, PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PAGES = ["/", "/population", "/economy", "/ambitions", "/scenarios", "/scenarios/new", "/data"]


def sign_in(page, username: str = "analyst") -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/")


def serious_violations(page, backend: str = "sqlite") -> list[str]:  # type: ignore[no-untyped-def]
    """Serious or critical WCAG 2.1 A/AA violations (axe-core, shipped with the package).

    The pages' HTML does not depend on the database, so axe runs on the SQLite server only;
    the PostgreSQL run repeats the same flows without it, to stay inside the CI time budget.
    """
    if backend != "sqlite":
        return []
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"] if v["impact"] in ("serious", "critical")
    ]


def test_every_page_opens_draws_its_charts_and_passes_axe(page, shot, backend) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    assert serious_violations(page, backend) == []
    sign_in(page)
    for url in PAGES:
        page.goto(url)
        assert page.locator("h1").count() == 1
        if page.locator(".chart").count():
            page.wait_for_selector(".chart .main-svg")  # Plotly drew, from our own server
        shot(page, "page" + url.replace("/", "_"))
        assert serious_violations(page, backend) == [], url


def test_tax_rate_scenario_compare_and_excel(page, shot, backend) -> None:  # type: ignore[no-untyped-def]
    sign_in(page)
    page.goto("/scenarios/new")
    page.get_by_label("Navn").fill("Skat 26,1")
    page.get_by_label("Kommunal indkomstskat (procent)").fill("26,1")
    page.get_by_label("Fertilitetsfaktor").fill("1,1")
    page.get_by_role("button", name="Gem og beregn").click()
    page.wait_for_selector("h1:has-text('Skat 26,1')")
    assert "26.1" in page.locator(".overrides").inner_text()
    page.wait_for_selector("#chart-scen-budget .main-svg")  # the budget against the baseline
    assert serious_violations(page, backend) == []
    shot(page, "scenario")
    page.get_by_role("link", name="Sammenlign med basis").click()
    page.wait_for_selector("table.compare")
    assert page.locator("td.differs").count() > 0
    budget_row = page.locator("table.compare tr", has=page.locator("th", has_text="driftsresultat"))
    assert budget_row.locator("td.differs").count() > 0  # the tax rate changed the budget
    tax_row = page.locator("table.compare tr", has=page.locator("th", has_text="skatteprocent"))
    assert "26,10 %" in tax_row.locator("td.differs").first.inner_text()
    assert serious_violations(page, backend) == []
    shot(page, "compare")
    page.go_back()
    with page.expect_download() as info:
        page.get_by_role("link", name="Hent Excel").click()
    path = ARTIFACTS / f"{backend}-scenario.xlsx"
    ARTIFACTS.mkdir(exist_ok=True)
    info.value.save_as(path)
    import openpyxl

    book = openpyxl.load_workbook(path)
    fields = {r[0]: r[1] for r in book["Scenario"].iter_rows(values_only=True)}
    # One row per field (docs/scenario.md): the tax rate sits in its own row, as YAML.
    assert fields["name"] == "Skat 26,1" and "26.1" in str(fields["finance.income_tax_rate"])


def test_form_error_is_shown_beside_the_field(page, shot, backend) -> None:  # type: ignore[no-untyped-def]
    sign_in(page)
    page.goto("/scenarios/new")
    page.get_by_label("Navn").fill("Forkert")
    page.get_by_label("Kommunal indkomstskat (procent)").fill("abc")
    page.get_by_role("button", name="Gem og beregn").click()
    # the Danish page says it in Danish (tests/web/test_error_language.py has the English)
    assert page.locator("#err-income_tax_rate").inner_text() == "'abc' er ikke et tal"
    assert serious_violations(page, backend) == []
    shot(page, "form-error")


def test_viewer_sees_no_new_scenario_button(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "viewer")
    page.goto("/scenarios")
    assert page.get_by_role("link", name="Nyt scenarie ud fra basis").count() == 0


def test_choosing_a_year_redraws_the_pyramid_in_place(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page)
    page.goto("/population")
    page.wait_for_selector("#chart-pyramid .main-svg")
    page.evaluate("window.notReloaded = true")
    page.select_option("#year", "2035")
    page.wait_for_selector("#h-pyr:has-text('2035')")
    page.wait_for_selector("#chart-pyramid .main-svg")
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the section only
    assert page.url.endswith("/population?year=2035")


def test_the_data_pages_admin_forms_pass_axe(page, shot, backend) -> None:  # type: ignore[no-untyped-def]
    """The pin and download forms (administrators only), and a refused download's message."""
    sign_in(page, "admin")
    page.goto("/data")
    assert page.locator("form[action='/data/use'] select").count() == 1
    assert page.locator("form[action='/data/update'] input[type=checkbox]").count() > 1
    shot(page, "page_data_admin")
    assert serious_violations(page, backend) == [], "/data (admin)"
    page.locator("#update-municipalities").fill("Atlantis")
    page.get_by_role("button", name="Hent").click()
    page.wait_for_selector("p.error")
    assert "'Atlantis' er ikke en af de 98 danske kommuner" in page.locator("p.error").inner_text()
    assert serious_violations(page, backend) == [], "/data/update (refused)"
