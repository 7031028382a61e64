"""DODC2 (weekly deaths by province) from a snapshot reaches the death rates: a recorded session
gives the embedded deaths where they overlap and the same projection; a damaged answer leaves
the previous snapshot in use."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from byibalance import data
from byibalance.errors import SourceError
from byibalance.population import inputs, project
from byibalance.sources import snapshots
from byibalance.sources.statbank import StatBankClient, download_table, iso_weeks

from .replay import load_session, replay_transport

SESSION = "dodc2_2019_constructed"
T0 = dt.datetime(2026, 11, 29, 5, 0, 0, tzinfo=dt.UTC)
PROVINCES = {"All Denmark", "Province Byen København", "Province Københavns omegn"}


def fetch(edit=None):
    client = StatBankClient(
        transport=replay_transport(load_session(SESSION), edit), sleep=lambda s: None
    )
    return download_table(client, "DODC2", [], now=lambda: T0)


def forget():
    data.clear_cache()
    inputs.population_cube.cache_clear()
    inputs.mortality_cube.cache_clear()


def test_iso_weeks_know_the_53_week_years():
    assert [y for y in range(2008, 2027) if iso_weeks(y) == 53] == [2009, 2015, 2020, 2026]


def test_recorded_deaths_equal_the_embedded_ones_and_give_the_same_projection(home):
    forget()
    numbers = ["province", "year", "sex", "age_start", "deaths", "person_years", "weeks_in_year"]
    embedded = data.mortality_province()[numbers].copy()
    before = project("165", end=2030)
    got = fetch()
    tidy = got.tables["deaths_province_age5"]
    assert set(tidy["province"]) == PROVINCES and set(tidy["year"]) == {2019}
    assert len(tidy) == 3 * 2 * 21
    snap = snapshots.write_snapshot([got], home, now=T0)
    forget()
    mort = data.mortality_province()
    pd.testing.assert_frame_equal(mort[numbers], embedded)
    source = mort.set_index(["province", "year", "sex", "age_start"])["source"]
    assert source[("Province Københavns omegn", 2019, "f", 80)] == (
        f"snapshot {snap.name} (Statistics Denmark DODC2)"
    )
    assert source[("Province Fyn", 2019, "f", 80)] == "embedded"
    assert source[("Province Københavns omegn", 2018, "f", 80)] == "embedded"
    after = project("165", end=2030)
    np.testing.assert_allclose(after.population, before.population, rtol=0, atol=1e-9)


def drop_one_week(path, request, body):
    if path.endswith("/data"):
        return 200, body.replace(b"01;K;80-84;2019U10;", b"01;K;80-84;2019U09;", 1)
    return 200, body


def rename_age_texts(path, request, body):
    if path.endswith("tableinfo"):
        return 200, body.replace(b'"0-4 years"', b'"0-4"')
    return 200, body


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (drop_one_week, r"DODC2 has 51 weeks of 2019 for Province Byen København, sex f, ages 80"),
        (rename_age_texts, r"DODC2 age groups \[5, 10, 15, 20\]"),
    ],
    ids=["partial-week", "age-texts"],
)
def test_a_damaged_deaths_answer_leaves_the_previous_snapshot_in_use(home, edit, message):
    first = snapshots.write_snapshot([fetch()], home, now=T0)
    with pytest.raises(SourceError, match=message) as caught:
        fetch(edit)
    assert "the data in use is unchanged" in caught.value.fix
    assert snapshots.active_snapshot(home).name == first.name
    assert [p.name for p in (home / "snapshots").iterdir()] == [first.name]
