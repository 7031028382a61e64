"""A drawn uncertainty fan passes axe: sign in, open the Population page, start a small run, wait
for the fans to be drawn there and for the rule probabilities on the Economy page, and run axe on
the Economy page with its fans and rule table drawn, and on the Population page's fan section
(the rest of that page is checked by test_browser.py). Every violation counts, whatever its
impact."""

from __future__ import annotations

import pytest
from tests.e2e.test_browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def violations(page, selector: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    """Every axe-core violation of WCAG 2.1 A/AA and axe's best practices, of any impact, on the
    page (or inside ``selector``)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": WCAG}
    result = Axe().run(page, context=selector, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
    ]


def test_a_drawn_fan_and_its_rule_table_pass_axe(page, shot, backend) -> None:  # type: ignore[no-untyped-def]
    sign_in(page)
    page.goto("/population")
    section = page.locator("#fans-section")
    section.get_by_role("link", name="Alle usikkerhedskørsler og deres indstillinger").click()
    page.wait_for_url("**/uncertainty")
    page.get_by_label("Forløb").fill("100")  # the smallest run the form takes
    page.get_by_label("Startværdi (seed)").fill("11")
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_url("**/uncertainty/jobs/*")
    page.goto("/population")
    # the section polls its run every 2 s and swaps itself for the drawn fans
    page.wait_for_selector("#fans-section .chart .main-svg", timeout=45_000)
    assert page.locator("#fans-section .chart").count() == 8  # the total and seven age groups
    # each chart's numbers, year by year, in a table under it (closed until asked for)
    assert page.locator("#fans-section table.fan-table").count() == 8
    page.locator("#fans-section details.fan-numbers summary").first.click()
    assert page.locator("#fans-section table.fan-table").first.is_visible()
    shot(page, "fans-population")
    if backend == "sqlite":  # the HTML does not depend on the database
        assert violations(page, "#fans-section") == []

    page.goto("/economy")
    table = page.locator("#fans-section table.breach-table")
    table.wait_for()
    page.wait_for_selector("#fans-section .chart .main-svg")
    caption = table.locator("caption").inner_text()
    assert caption.startswith("Sandsynlighed (%) for at reglen brydes, pr. år")
    header = table.locator("thead th")
    assert header.first.inner_text() == "Regel"
    assert table.locator("tbody th[scope=row]").count() == table.locator("tbody tr").count() > 1
    shot(page, "fans-economy")
    if backend == "sqlite":
        assert violations(page) == []
