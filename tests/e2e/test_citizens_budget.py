"""Browser tests of citizens' participation: a citizen proposes, supports, votes with a code,
changes the ballot and sees the result; staff moderate, review and publish. axe-core finds no
serious or critical violation on the citizens' pages, and a phone-sized viewport works."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.conftest import wait_until_up

from byibalance.web.accounts import add_user
from byibalance.web.db import make_engine, make_sessionmaker, migrate

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}
SCRIPT = "<script>window.pwned=1</script>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The web app on a fresh SQLite file, with an admin and an analyst."""
    folder = tmp_path_factory.mktemp("citizens")
    url = f"sqlite:///{folder / 'citizens.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    with make_sessionmaker(engine)() as db:
        add_user(db, "admin", PASSWORD, "admin")
        add_user(db, "analyst", PASSWORD, "analyst")
    engine.dispose()
    port = _free_port()
    env = os.environ | {"BYIBALANCE_DATABASE_URL": url, "XDG_DATA_HOME": str(folder),
                        "BYIBALANCE_SECRET_KEY": "c" * 40}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "byibalance.web.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, seconds=60)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _context(browser, site: str, **kw):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=site, locale="da-DK", accept_downloads=True, **kw)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site)
                  else route.abort())
    return context


def _sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/")


def _serious(page) -> list[str]:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


def _fits_the_phone(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_citizens_budget_from_proposal_to_result(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    staff_ctx = _context(browser, site)
    citizen_ctx = _context(browser, site, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        staff = staff_ctx.new_page()
        _sign_in(staff, "admin")
        staff.goto("/participation")
        staff.get_by_label("Titel").first.fill("Borgerbudget 2027")
        staff.get_by_label("Budget i kroner").fill("1000000")
        staff.get_by_label("Stemmeform").select_option("knapsack")
        staff.get_by_label("Afstemningen lukker (UTC)").fill("2099-01-01T12:00")
        staff.get_by_role("button", name="Opret").first.click()
        staff.wait_for_url("**/participation/*")
        pid = staff.url.rstrip("/").rsplit("/", 1)[1]

        citizen = citizen_ctx.new_page()
        citizen.goto("/deltag")
        assert _serious(citizen) == []
        citizen.get_by_role("link", name="Borgerbudget 2027").click()
        assert _serious(citizen) == [] and _fits_the_phone(citizen)
        for title, cost in ((f"Bænke ved søen {SCRIPT}", "300000"), ("Cykelstativer", "800000"),
                            ("Køb billige ure", "10")):
            citizen.goto(f"/deltag/{pid}")
            if citizen.get_by_label("Dit navn, som andre ser det").count():
                citizen.get_by_label("Dit navn, som andre ser det").fill("Maja")
            citizen.get_by_label("Titel").fill(title)
            citizen.get_by_label("Beskrivelse").fill("Til glæde for alle")
            citizen.get_by_label("Anslået pris i kroner").fill(cost)
            citizen.get_by_role("button", name="Indsend forslag").click()
            citizen.wait_for_url("**/forslag/*")
        citizen.goto(f"/deltag/{pid}/forslag/1")
        assert citizen.get_by_role("heading", level=1).inner_text() == f"Bænke ved søen {SCRIPT}"
        assert citizen.evaluate("window.pwned") is None
        citizen.get_by_role("button", name="Støt forslaget").click()
        assert "1 støtter" in citizen.locator("#supports").inner_text()
        citizen.get_by_label("Din kommentar").fill("God idé!")
        citizen.get_by_role("button", name="Kommentér").click()
        assert citizen.get_by_text("God idé!").is_visible()
        assert _serious(citizen) == [] and _fits_the_phone(citizen)

        staff.goto(f"/participation/{pid}")
        staff.locator("#proposal-3").get_by_label("Begrundelse for at skjule").fill("Reklame")
        staff.locator("#proposal-3").get_by_role("button", name="Skjul").click()
        for prid in (1, 2):
            staff.locator(f"#proposal-{prid}").get_by_role(
                "button", name="Godkend til stemmesedlen").click()
        staff.get_by_role("button", name="Næste fase").click()
        staff.get_by_role("button", name="Næste fase").click()
        assert "afstemning" in staff.locator("#phase").inner_text()
        staff.get_by_label("Antal stemmekoder").fill("2")
        with staff.expect_download() as download:
            staff.get_by_role("button", name="Dan og hent (CSV)").click()
        codes = [line.split(",")[1] for line in
                 Path(download.value.path()).read_text().strip().splitlines()[1:]]
        assert len(codes) == 2

        citizen.goto(f"/deltag/{pid}")
        assert "Køb billige ure" not in citizen.content()
        citizen.get_by_role("link", name="Stem").click()
        assert _serious(citizen) == []
        citizen.get_by_label("Stemmekode fra dit brev").fill(codes[0].lower())
        citizen.get_by_role("button", name="Videre til stemmesedlen").click()
        citizen.wait_for_url("**/stemmeseddel")
        assert _serious(citizen) == [] and _fits_the_phone(citizen)
        citizen.get_by_label("Bænke ved søen", exact=False).check()
        citizen.get_by_label("Cykelstativer", exact=False).check()
        citizen.get_by_role("button", name="Afgiv stemme").click()
        assert "1000000" in citizen.get_by_role("alert").inner_text()  # over the budget
        citizen.get_by_label("Cykelstativer", exact=False).uncheck()
        citizen.get_by_role("button", name="Afgiv stemme").click()
        assert "Din stemme er gemt." in citizen.locator("#receipt").inner_text()
        citizen.get_by_label("Bænke ved søen", exact=False).uncheck()
        citizen.get_by_label("Cykelstativer", exact=False).check()
        citizen.get_by_role("button", name="Afgiv stemme").click()
        assert "Din stemme er ændret" in citizen.locator("#receipt").inner_text()

        staff.goto(f"/participation/{pid}")
        staff.get_by_role("button", name="Luk afstemningen, optæl og offentliggør").click()
        staff.wait_for_url("**/resultat")

        citizen.goto(f"/deltag/{pid}")
        citizen.get_by_role("link", name="Se resultatet").click()
        assert "1 vælgere" in citizen.content()
        row = citizen.get_by_role("row", name="Cykelstativer")
        assert "fik penge i runde 1" in row.inner_text()
        assert _serious(citizen) == [] and _fits_the_phone(citizen)
        with citizen.expect_download() as pb:
            citizen.get_by_role("link", name="Hent de anonymiserede stemmesedler").click()
        assert "VOTES" in Path(pb.value.path()).read_text()
    finally:
        staff_ctx.close()
        citizen_ctx.close()
