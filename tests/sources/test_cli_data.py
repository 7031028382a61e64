"""``byibalance data update|list|use|info`` on a recorded session, in a temporary data home."""

from __future__ import annotations

import httpx
import pytest

from byibalance.cli import data as data_cli
from byibalance.sources import snapshots
from byibalance.sources.statbank import StatBankClient

SESSION = "folk1a_165_101_constructed"


@pytest.fixture
def recorded(cli_replays):
    """The CLI's client answers from the FOLK1A recording, without sleeping between retries."""
    cli_replays(SESSION)


def test_update_list_use_info(home, recorded, cli):
    code, out, err = cli(["data", "update", "--municipality", "165"])
    assert code == 0, err
    assert "stored snapshot" in out and "FOLK1A: 1 areas, 2008K1..2020K1" in out
    name = snapshots.list_snapshots(home)[0].name

    code, out, _ = cli(["data", "list"])
    assert code == 0 and name in out and "FOLK1A" in out and "2008K1..2020K1" in out
    assert f"in use (newest): {name}" in out

    code, out, _ = cli(["data", "info"])
    assert code == 0 and "status published" in out and "population_age5.csv: 546 rows" in out
    assert "layout from: real answers printed in public repositories" in out

    code, out, _ = cli(["data", "use", "embedded"])
    assert (code, out.strip()) == (0, "in use: embedded")
    code, out, _ = cli(["data", "list"])
    assert "in use (pinned): embedded" in out
    code, out, _ = cli(["data", "use", name])
    assert (code, out.strip()) == (0, f"in use: {name}")


def test_update_offline_is_one_line_and_writes_nothing(home, monkeypatch, cli):
    def make(progress, retries, timeout):
        def handler(request):
            raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")

        return StatBankClient(
            transport=httpx.MockTransport(handler), retries=retries, sleep=lambda s: None
        )

    monkeypatch.setattr(data_cli, "make_client", make)
    code, _, err = cli(["data", "update", "--retries", "2"])
    assert code == 7
    assert err.count("\n") == 1 and "failed after 3 tries" in err and "network is away" in err
    assert not (home / "snapshots").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["data", "use", "2001-01-01T000000"], 2, "there is no snapshot '2001-01-01T000000'"),
        (["data", "info", "nope"], 2, "there is no snapshot 'nope'"),
        (["data", "update", "--tables", "FOLK9"], 7, "'FOLK9' is not one byibalance downloads"),
        (["data", "update", "--municipality", "999"], 3, "'999' is not one of the 98"),
    ],
)
def test_bad_arguments_get_one_line(home, recorded, cli, args, code, message):
    got, _, err = cli(args)
    assert got == code and message in err and err.count("\n") == 1


def test_progress_bar_draws_on_a_terminal():
    import io

    from rich.console import Console

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    with data_cli._progress_bar(console) as bar:
        report = data_cli._callback(bar)
        report("FOLK1A (1/2)", 50_000, None)
        report("FOLK1A (1/2)", 120_000, 120_000)
        report("FOLK1A (2/2)", 10_000, 80_000)
        bar.refresh()
    text = screen.getvalue()
    assert "FOLK1A (1/2)" in text and "FOLK1A (2/2)" in text and "120.0 kB" in text


def test_list_details_and_info_say_what_the_model_does_with_each_table(home, cli_replays, cli):
    cli_replays("fod33_pskat_165_101_constructed")
    code, out, err = cli(["data", "update", "--municipality", "165", "--tables", "FOD33,PSKAT"])
    assert code == 0, err
    assert "FOD33: 0 areas, 1973..2019" in out and "PSKAT: 1 areas, 2024..2025" in out
    code, out, _ = cli(["data", "list", "--details"])
    assert code == 0
    assert "FOD33 (1973..2019): used: fertility_asfr" in out
    assert "PSKAT (2024..2025): used: tax_rates" in out
    assert "layout from: public DST table catalogue" in out
    code, out, _ = cli(["data", "info"])
    assert "model: used: tax_rates (income and land tax of the budget" in out
