"""Switching the active snapshot takes effect at the next call, without clearing any cache.

One process: project, write a snapshot (from the recorded StatBank sessions, no network, with
test values for a later year), project again, ``use`` embedded, project again. No test here calls
``clear_cache``: the figures must follow the active snapshot through the data generation.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from byibalance import data
from byibalance.data.generation import data_cached, data_generation
from byibalance.finance import inputs as finance_inputs
from byibalance.population import project
from byibalance.sources import snapshots
from byibalance.sources.statbank import StatBankClient, download_table

T0 = dt.datetime(2026, 11, 29, 5, 0, 0, tzinfo=dt.UTC)
SOURCES = Path(__file__).resolve().parents[1] / "sources"
ADDED_MEN_AGED_30 = 10  # test value added to Albertslund's men aged 30 in every FOLK1A quarter


def _replay() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_replay_for_generation", SOURCES / "replay.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


replay = _replay()


def newer_rates(path, request, body):
    """FOD33 2019 = the recorded rates + 1 per 1,000 at every age (so the projection from 2020
    uses them), PSKAT 2026 = 2025's income tax + 0.1 point (TEST VALUES, not Statistics
    Denmark's)."""
    if not path.endswith("/data"):
        return 200, body
    lines = body.decode("utf-8").splitlines()
    out, extra = [lines[0]], []
    for line in lines[1:]:
        fields = line.split(";")
        if request["table"] == "FOD33" and fields[1] == "2019":
            line = f"{fields[0]};2019;{float(fields[2]) + 1:.1f}"
        if request["table"] == "PSKAT" and fields[2] == "2025":
            bump = 0.1 if fields[1] == "KOM" else 0.0
            extra.append(f"{fields[0]};{fields[1]};2026;{float(fields[3]) + bump:.2f}")
        out.append(line)
    return 200, ("\n".join([*out, *extra]) + "\n").encode("utf-8")


def more_men_aged_30(path, request, body):
    """Albertslund with :data:`ADDED_MEN_AGED_30` more men aged 30 (and in the total)."""
    if not path.endswith("/data"):
        return 200, body
    out = []
    for line in body.decode("utf-8").splitlines():
        fields = line.split(";")
        if fields[0] == "165" and fields[1] == "1" and fields[2] in ("30", "IALT"):
            fields[-1] = str(int(fields[-1]) + ADDED_MEN_AGED_30)
        out.append(";".join(fields))
    return 200, ("\n".join(out) + "\n").encode("utf-8")


def fetch(session, table, codes, edit):
    client = StatBankClient(
        transport=replay.replay_transport(replay.load_session(session), edit),
        sleep=lambda s: None,
    )
    return download_table(client, table, list(codes), batch_size=1, now=lambda: T0)


def write(home: Path) -> snapshots.Snapshot:
    rates = "fod33_pskat_165_101_constructed"
    return snapshots.write_snapshot(
        [
            fetch(rates, "FOD33", ("165", "101"), newer_rates),
            fetch(rates, "PSKAT", ("165", "101"), newer_rates),
            fetch("folk1a_165_101_constructed", "FOLK1A", ("165", "101"), more_men_aged_30),
        ],
        home,
        now=T0,
    )


def income_tax(code: str) -> tuple[float, str]:
    value = finance_inputs.budget_parameters(code)["revenue.income_tax_rate"].values[-1]
    return value.value, value.source


def test_figures_follow_the_active_snapshot_without_clearing_a_cache(home):
    before = project("165", start=2020, end=2030)
    assert data.active_snapshot_name() == "embedded"
    asfr = data.fertility_asfr()
    tfr_before = asfr.loc[asfr["year"] == 2019, "rate_per_1000"].sum() / 1000
    assert income_tax("101")[0] == pytest.approx(0.2350)

    snap = write(home)  # the newest snapshot is active without a pin

    assert data.active_snapshot_name() == snap.name
    asfr = data.fertility_asfr()
    tfr_2019 = asfr.loc[asfr["year"] == 2019, "rate_per_1000"].sum() / 1000
    assert tfr_2019 == pytest.approx(tfr_before + 35 / 1000)  # ages 15..49
    value, source = income_tax("101")
    assert value == pytest.approx(0.2360) and snap.name in source
    after = project("165", start=2020, end=2030)
    extra = after.population[0].sum() - before.population[0].sum()
    assert extra == pytest.approx(ADDED_MEN_AGED_30)  # FOLK1A 1 January 2020
    assert any(f"ASFR 2019, snapshot {snap.name}" in str(n) for n in after.notes)
    assert after.components.births[0].sum() > before.components.births[0].sum()

    snapshots.use("embedded", home)

    assert data.active_snapshot_name() == "embedded"
    asfr = data.fertility_asfr()
    assert asfr.loc[asfr["year"] == 2019, "rate_per_1000"].sum() / 1000 == tfr_before
    value, source = income_tax("101")
    assert value == pytest.approx(0.2350) and source.startswith("embedded")
    again = project("165", start=2020, end=2030)
    np.testing.assert_allclose(again.population, before.population, rtol=0, atol=1e-9)

    snapshots.use(snap.name, home)
    assert income_tax("101")[0] == pytest.approx(0.2360)


def test_the_generation_changes_with_the_pin_and_with_a_new_snapshot(home):
    first = data_generation()
    assert data_generation() == first  # stable while nothing changes
    (home / "snapshots" / "2026-11-29T050000").mkdir(parents=True)
    second = data_generation()
    assert second != first
    snapshots.use("embedded", home)
    third = data_generation()
    assert third not in (first, second)
    os.environ["BYIBALANCE_DATA_HOME"] = str(home / "elsewhere")  # restored by monkeypatch
    assert data_generation() != third


def test_a_value_is_computed_once_per_generation(home):
    calls: list[int] = []

    @data_cached
    def reader(x: int) -> int:
        calls.append(x)
        return x * 2

    assert reader(2) == reader(2) == 4
    assert calls == [2]
    snapshots.use("embedded", home)
    assert reader(2) == 4
    assert calls == [2, 2]
    reader.cache_clear()
    assert reader(2) == 4 and calls == [2, 2, 2]


def test_a_value_computed_across_a_switch_is_not_served_for_the_new_snapshot(home):
    started, release = threading.Event(), threading.Event()
    seen: list[str] = []

    @data_cached
    def slow() -> str:
        name = data.active_snapshot_name()
        if not seen:
            started.set()
            release.wait(5)
        seen.append(name)
        return name

    home.mkdir(parents=True)
    (home / "snapshots").mkdir()
    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(slow()))
    worker.start()
    started.wait(5)
    snapshots.use("embedded", home)  # the switch happens while the first call is computing
    release.set()
    worker.join(5)
    assert slow() == "embedded"
    assert len(seen) == 2  # computed again for the new generation, not the in-flight value


def test_a_pin_set_by_the_command_in_another_process_is_seen_at_the_next_call(home):
    write(home)
    assert income_tax("101")[0] == pytest.approx(0.2360)  # cached in this process
    env = {**os.environ, "BYIBALANCE_DATA_HOME": str(home)}
    command = "from byibalance.cli import main; main()"  # byibalance data use embedded
    done = subprocess.run(
        [sys.executable, "-c", command, "data", "use", "embedded"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    value, source = income_tax("101")
    assert value == pytest.approx(0.2350) and source.startswith("embedded")
    assert data.active_snapshot_name() == "embedded"
    before = data_generation()
    (home / "snapshots" / "2026-11-30T000000").mkdir()  # a newer snapshot, but the pin holds
    assert data_generation() == before
