"""Browser tests of the newer pages: Sustainability, Climate and Capital region pass axe and draw
their charts, and a scenario's council report downloads as a PDF."""

from __future__ import annotations

import pytest
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_browser import serious_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PAGES = ["/sustainability", "/climate", "/region"]


def test_sustainability_climate_and_region_pages_pass_axe(page, shot, backend) -> None:  # type: ignore[no-untyped-def]
    sign_in(page)
    for url in PAGES:
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        if page.locator(".chart").count():
            page.wait_for_selector(".chart .main-svg")  # Plotly drew, from our own server
        shot(page, "page" + url.replace("/", "_"))
        assert serious_violations(page, backend) == [], url
    page.goto("/climate?view=influence")
    assert page.locator("#view").input_value() == "influence"


def test_scenario_council_report_downloads_as_pdf(page, backend) -> None:  # type: ignore[no-untyped-def]
    sign_in(page)
    page.goto("/scenarios/new")
    page.get_by_label("Navn").fill("Notat")
    page.get_by_role("button", name="Gem og beregn").click()
    page.wait_for_selector("h1:has-text('Notat')")
    page.get_by_role("link", name="Budgetnotat (PDF)").click()
    # made as a background job: a button starts it, the status polls, then a download link
    page.get_by_role("button", name="Lav budgetnotat").click()
    link = page.get_by_role("link", name="Hent budgetnotatet (PDF)")
    link.wait_for(timeout=120_000)
    with page.expect_download() as info:
        link.click()
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{backend}-budgetnotat.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
