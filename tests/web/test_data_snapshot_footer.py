"""Every page names the data snapshot in use, and follows ``byibalance data use`` at the next page
view without a restart (the server's caches are keyed on the data generation)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from tests.sources.replay import load_session, replay_transport
from tests.web.conftest import signed_in

from byibalance import data
from byibalance.finance import inputs as finance_inputs
from byibalance.population import inputs
from byibalance.sources import snapshots
from byibalance.sources.statbank import StatBankClient, download_table
from byibalance.web import model

T0 = dt.datetime(2026, 11, 29, 5, 0, 0, tzinfo=dt.UTC)
FOOTER = re.compile(r'<span class="data-snapshot">Data: ([^<]+)</span>')


def higher_fertility(path, request, body):  # type: ignore[no-untyped-def]
    """FOD33 with every recorded rate + 1 per 1,000 (TEST VALUES, not Statistics Denmark's)."""
    if not path.endswith("/data"):
        return 200, body
    lines = body.decode("utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        age, year, rate = line.split(";")
        out.append(f"{age};{year};{float(rate) + 1:.1f}")
    return 200, ("\n".join(out) + "\n").encode("utf-8")


def _forget() -> None:
    data.clear_cache()
    inputs.population_cube.cache_clear()
    finance_inputs.budget_parameters.cache_clear()
    model.clear_cache()


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "data-home"
    monkeypatch.setenv("BYIBALANCE_DATA_HOME", str(folder))
    _forget()
    yield folder
    _forget()


def _figures(page: str) -> list[str]:
    """The numbers of the overview's main content (not the footer)."""
    main = page.split('<footer class="site-footer">')[0]
    return re.findall(r"\d[\d.,]*", re.sub(r"<[^>]+>", " ", main))


def test_every_page_names_the_snapshot_and_follows_a_switch(app, home) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "viewer")
    first = c.get("/").text
    assert FOOTER.findall(first) == ["embedded"]

    client = StatBankClient(
        transport=replay_transport(load_session("fod33_pskat_165_101_constructed"),
                                   higher_fertility),
        sleep=lambda s: None,
    )  # fmt: skip
    download = download_table(client, "FOD33", ["165"], batch_size=1, now=lambda: T0)
    snap = snapshots.write_snapshot([download], home, now=T0)  # "byibalance data update"

    second = c.get("/").text
    assert FOOTER.findall(second) == [snap.name]
    assert _figures(second) != _figures(first)  # the baseline was projected again
    assert FOOTER.findall(c.get("/sustainability").text) == [snap.name]

    snapshots.use("embedded", home)  # "byibalance data use embedded" in another shell
    third = c.get("/").text
    assert FOOTER.findall(third) == ["embedded"]
    assert _figures(third) == _figures(first)


def test_a_broken_pin_is_named_on_the_page_not_a_crash(app, home) -> None:  # type: ignore[no-untyped-def]
    home.mkdir(parents=True)
    (home / "active.yaml").write_text("use: 2026-01-01T000000\n", encoding="utf-8")
    c, _ = signed_in(app, "viewer")
    page = c.get("/login")
    assert page.status_code == 200
    footer = FOOTER.findall(page.text)
    assert footer and "2026-01-01T000000" in footer[0] and "byibalance data use" in footer[0]
