"""FOD33 (fertility) and PSKAT (tax rates) from a snapshot reach the model: a recorded session
gives the embedded figures where they overlap, a damaged answer leaves the previous snapshot in
use, and pinning an older snapshot changes which year the model uses."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from byibalance import data
from byibalance.errors import SourceError
from byibalance.finance import inputs as finance_inputs
from byibalance.population import inputs, project
from byibalance.sources import snapshots
from byibalance.sources.statbank import StatBankClient, download_table

from .replay import load_session, replay_transport

SESSION = "fod33_pskat_165_101_constructed"
T0 = dt.datetime(2026, 11, 29, 5, 0, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 11, 29, 6, 0, 0, tzinfo=dt.UTC)


def fetch(table, codes=("165", "101"), edit=None, now=T0):
    client = StatBankClient(
        transport=replay_transport(load_session(SESSION), edit), sleep=lambda s: None
    )
    return download_table(client, table, list(codes), batch_size=1, now=lambda: now)


def forget():
    data.clear_cache()
    inputs.population_cube.cache_clear()
    finance_inputs.budget_parameters.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_budget_parameters():
    """budget_parameters is cached per process: no test may leave a snapshot's rates in it."""
    finance_inputs.budget_parameters.cache_clear()
    yield
    finance_inputs.budget_parameters.cache_clear()


def make(home, edit=None, now=T0):
    snap = snapshots.write_snapshot(
        [fetch("FOD33", edit=edit, now=now), fetch("PSKAT", edit=edit, now=now)], home, now=now
    )
    forget()
    return snap


def newer_year(path, request, body):
    """Test answers for a later year: FOD33 2020 = 2019's rates + 1 per 1,000 at every age, PSKAT
    2026 = 2025's income tax + 0.1 point (TEST VALUES, not Statistics Denmark's)."""
    if not path.endswith("/data"):
        return 200, body
    lines = body.decode("utf-8").splitlines()
    extra = []
    for line in lines[1:]:
        fields = line.split(";")
        if request["table"] == "FOD33" and fields[1] == "2019":
            extra.append(f"{fields[0]};2020;{float(fields[2]) + 1:.1f}")
        if request["table"] == "PSKAT" and fields[2] == "2025":
            bump = 0.1 if fields[1] == "KOM" else 0.0
            extra.append(f"{fields[0]};{fields[1]};2026;{float(fields[3]) + bump:.2f}")
    return 200, ("\n".join([*lines, *extra]) + "\n").encode("utf-8")


def test_recorded_rates_equal_the_embedded_ones_and_give_the_same_projection(home):
    forget()
    asfr_before = data.fertility_asfr().copy()
    tax_before = data.tax_rates().copy()
    before = project("165", end=2030)
    snap = make(home)
    assert data.active_snapshot_name() == snap.name
    asfr = data.fertility_asfr()
    columns = ["year", "age", "rate_per_1000"]
    pd.testing.assert_frame_equal(asfr[columns], asfr_before[columns])
    assert set(asfr["source"]) == {f"snapshot {snap.name} (Statistics Denmark FOD33)"}
    tax = data.tax_rates()
    numbers = ["code", "name", "year", "income_tax_pct", "church_tax_pct", "land_tax_per_mille"]
    pd.testing.assert_frame_equal(
        tax.loc[tax["year"] == 2025, numbers].reset_index(drop=True), tax_before[numbers]
    )
    # 2024 (constructed: 2025's income and church tax) has no land tax in PSKAT: empty, not 0
    older = tax[tax["year"] == 2024].set_index("code")
    assert sorted(older.index) == ["101", "165"]
    assert older["land_tax_per_mille"].isna().all()
    assert older.loc["165", "income_tax_pct"] == pytest.approx(25.60)
    sources = tax[tax["year"] == 2025].set_index("code")["source"]
    assert sources["165"] == sources["101"] == f"snapshot {snap.name} (Statistics Denmark PSKAT)"
    assert sources["147"] == "embedded"  # Frederiksberg was not downloaded
    after = project("165", end=2030)
    np.testing.assert_allclose(after.population, before.population, rtol=0, atol=1e-9)
    fertility = [str(n) for n in after.notes if "national ASFR" in str(n)]
    assert (
        fertility
        and f"ASFR 2019, snapshot {snap.name} (Statistics Denmark FOD33)" in (fertility[0])
    )
    assert any("national ASFR 2019 (published)" in str(n) for n in before.notes)


def damage_fod33_last_line(path, request, body):
    if path.endswith("/data") and request["table"] == "FOD33":
        return 200, body[: body.rstrip(b"\n").rfind(b";") + 1]
    return 200, body


def drop_fod33_age_30_of_2000(path, request, body):
    if path.endswith("/data") and request["table"] == "FOD33":
        text = body.decode("utf-8").splitlines()
        kept = [line for line in text if not line.startswith("30;2000;")]
        return 200, ("\n".join(kept) + "\n").encode("utf-8")
    return 200, body


def suppress_pskat_value(path, request, body):
    if path.endswith("/data") and request["table"] == "PSKAT":
        return 200, body.replace(b";25.60\n", b";..\n")
    return 200, body


def drop_land_tax(path, request, body):
    """Albertslund's answer lacks its land tax; Copenhagen's is whole."""
    if path.endswith("/data") and request["variables"][0]["values"] == ["165"]:
        text = body.decode("utf-8").splitlines()
        kept = [line for line in text if ";GRUND;" not in line]
        return 200, ("\n".join(kept) + "\n").encode("utf-8")
    return 200, body


def rename_tax_type(path, request, body):
    if path.endswith("tableinfo") and request["table"] == "PSKAT":
        return 200, body.replace(b'"KIRKE"', b'"KIRKESKAT"')
    return 200, body


@pytest.mark.parametrize(
    ("table", "edit", "message"),
    [
        ("FOD33", damage_fod33_last_line, "ends in the middle of a line"),
        ("FOD33", drop_fod33_age_30_of_2000, "lacks the rate of age 30 in 2000"),
        ("PSKAT", suppress_pskat_value, r"value '\.\.' is not a non-negative number"),
        ("PSKAT", drop_land_tax, r"lacks \['GRUND'\] for area 165 in 2024 \(the download is"),
        ("PSKAT", rename_tax_type, r"SKATPCT lacks the codes \['KIRKE'\]"),
    ],
    ids=["fod33-cut", "fod33-age-missing", "pskat-suppressed", "pskat-partial", "pskat-codes"],
)
def test_a_damaged_rate_answer_leaves_the_previous_snapshot_in_use(home, table, edit, message):
    first = make(home)
    with pytest.raises(SourceError, match=message) as caught:
        fetch(table, edit=edit, now=T1)
    assert "the data in use is unchanged" in caught.value.fix
    assert snapshots.active_snapshot(home).name == first.name
    assert [p.name for p in (home / "snapshots").iterdir()] == [first.name]
    forget()
    assert set(data.fertility_asfr()["source"]) == {
        f"snapshot {first.name} (Statistics Denmark FOD33)"
    }


def test_pinning_an_older_snapshot_changes_the_asfr_and_tax_year(home):
    old = make(home)
    new = make(home, edit=newer_year, now=T1)
    assert snapshots.active_snapshot(home).name == new.name

    asfr = data.fertility_asfr()
    assert asfr["year"].max() == 2020
    tfr_2020 = asfr.loc[asfr["year"] == 2020, "rate_per_1000"].sum() / 1000
    tfr_2019 = asfr.loc[asfr["year"] == 2019, "rate_per_1000"].sum() / 1000
    assert tfr_2020 == pytest.approx(tfr_2019 + 35 / 1000)
    row = data.tax_rates().query("code == '101'").sort_values("year").iloc[-1]
    assert (int(row["year"]), row["income_tax_pct"]) == (2026, pytest.approx(23.60))
    assert row["source"] == f"snapshot {new.name} (Statistics Denmark PSKAT)"
    params = finance_inputs.budget_parameters("101")
    value = params["revenue.income_tax_rate"].values[-1]
    assert value.value == pytest.approx(0.2360) and new.name in value.source

    snapshots.use(old.name, home)
    forget()
    assert data.fertility_asfr()["year"].max() == 2019
    row = data.tax_rates().query("code == '101'").sort_values("year").iloc[-1]
    assert (int(row["year"]), row["income_tax_pct"]) == (2025, pytest.approx(23.50))
    params = finance_inputs.budget_parameters("101")
    value = params["revenue.income_tax_rate"].values[-1]
    assert value.value == pytest.approx(0.2350) and old.name in value.source

    snapshots.use("embedded", home)
    forget()
    value = finance_inputs.budget_parameters("101")["revenue.income_tax_rate"]
    assert value.values[-1].source.startswith("embedded tax_rates.csv (2025)")


def without_land_tax(path, request, body):
    """A PSKAT that publishes no land tax (DST has it in EJDSK2), with the 2026 test year."""
    status, body = newer_year(path, request, body)
    if path.endswith("/data") and request["table"] == "PSKAT":
        kept = [line for line in body.decode("utf-8").splitlines() if ";GRUND;" not in line]
        body = ("\n".join(kept) + "\n").encode("utf-8")
    return status, body


def test_a_pskat_without_land_tax_keeps_the_known_land_tax_and_invents_none(home):
    snap = make(home, edit=without_land_tax)
    tax = data.tax_rates().query("code == '101'").set_index("year")
    assert tax.loc[2025, "land_tax_per_mille"] == pytest.approx(5.10)  # embedded, same year
    assert np.isnan(tax.loc[2026, "land_tax_per_mille"])  # missing, not zero
    params = finance_inputs.budget_parameters("101")
    income = params["revenue.income_tax_rate"].values[-1]
    land = params["revenue.land_tax_per_mille"].values[-1]
    assert (
        income.value == pytest.approx(0.2360)
        and f"{snap.name} (Statistics Denmark PSKAT), 2026" in income.source
    )
    assert land.value == pytest.approx(5.10) and land.source.endswith("PSKAT), 2025")


def test_fod33_leaves_the_total_and_the_reproduction_rates_out():
    got = fetch("FOD33")
    for code in ("TOT1", "BRUTTO", "NETTO"):
        assert f"\n{code};2019;" in got.raw[0]
    asfr = got.tables["fertility_asfr"]
    assert sorted(set(asfr["age"])) == list(range(15, 50))
    assert len(asfr) == (2019 - 1973 + 1) * 35
    total = float(got.raw[0].split("\nTOT1;2019;")[1].split("\n")[0])
    assert asfr.loc[asfr["year"] == 2019, "rate_per_1000"].sum() == pytest.approx(total, abs=0.5)


def no_land_tax_lines_in_2024(path, request, body):
    """Neither municipality's answer has a GRUND line for 2024 (not even ``..``)."""
    if path.endswith("/data") and request["table"] == "PSKAT":
        kept = [x for x in body.decode("utf-8").splitlines() if ";GRUND;2024;" not in x]
        body = ("\n".join(kept) + "\n").encode("utf-8")
    return 200, body


@pytest.mark.parametrize("edit", [None, no_land_tax_lines_in_2024], ids=["dots", "no-lines"])
def test_a_pskat_year_without_land_tax_gives_an_empty_cell(edit):
    tax = fetch("PSKAT", edit=edit).tables["tax_rates"].set_index(["code", "year"])
    assert list(tax.columns) == ["income_tax_pct", "church_tax_pct", "land_tax_per_mille"]
    assert np.isnan(tax.loc[("165", 2024), "land_tax_per_mille"])
    assert np.isnan(tax.loc[("101", 2024), "land_tax_per_mille"])
    assert tax.loc[("165", 2024), "income_tax_pct"] == pytest.approx(25.60)
    assert tax.loc[("165", 2025), "land_tax_per_mille"] == pytest.approx(9.10)


def test_pskat_asks_for_the_municipalities_only():
    got = fetch("PSKAT", codes=("000", "165"))
    assert got.codes == ("165",)
    assert [q["variables"][0]["values"] for q in got.queries] == [["165"]]
