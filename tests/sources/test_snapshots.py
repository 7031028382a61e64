"""Snapshots of StatBank downloads: atomic writes, the active snapshot, pinning, and the loaders
and projection using them."""

from __future__ import annotations

import datetime as dt
import functools

import httpx
import numpy as np
import pandas as pd
import pytest
import yaml

from byibalance import data
from byibalance.errors import DataError, InputError, SourceError
from byibalance.population import project
from byibalance.sources import snapshots
from byibalance.sources.statbank import StatBankClient, download_table

from .replay import load_session, replay_transport

SESSION = "folk1a_165_101_constructed"
T0 = dt.datetime(2026, 11, 29, 5, 0, 0, tzinfo=dt.UTC)


def fetch(codes, waits=None, edit=None):
    waits = [] if waits is None else waits
    client = StatBankClient(
        transport=replay_transport(load_session(SESSION), edit), sleep=waits.append
    )
    return download_table(client, "FOLK1A", codes, batch_size=1, now=lambda: T0)


def make(home, codes=("165",), when=T0):
    snap = snapshots.write_snapshot([fetch(list(codes))], home, now=when)
    data.clear_cache()
    return snap


def test_snapshot_folder_has_manifest_with_provenance_and_checksums(home):
    snap = make(home)
    assert snap.name == "2026-11-29T050000"
    assert snap.path == home / "snapshots" / "2026-11-29T050000"
    manifest = yaml.safe_load((snap.path / "manifest.yaml").read_text(encoding="utf-8"))
    entry = manifest["tables"][0]
    assert entry["table"] == "FOLK1A" and entry["status"] == "published"
    assert entry["source"]["api"] == "https://api.statbank.dk/v1/data"
    assert "CC BY 4.0" in entry["licence"] and entry["retrieved"] == "2026-11-29T05:00:00+00:00"
    assert entry["codes"] == ["165"]
    assert entry["raw"][0]["query"]["variables"][0] == {"code": "OMRÅDE", "values": ["165"]}
    files = {f["file"]: f for f in entry["files"]}
    assert files["population_age5.csv"]["rows"] == 13 * 2 * 21
    raw = (snap.path / entry["raw"][0]["file"]).read_text(encoding="utf-8")
    assert raw == load_session(SESSION)[1]["body"].decode("utf-8")
    assert not [p for p in (home / "snapshots").iterdir() if p.name.startswith(".tmp")]


def test_snapshot_population_equals_embedded_and_gives_the_same_projection(home):
    embedded_frame = data.population_age5().copy()
    before = project("165", end=2030)
    make(home, ("165", "101"))
    from byibalance.population import inputs

    inputs.population_cube.cache_clear()
    assert data.active_snapshot_name() == "2026-11-29T050000"
    pd.testing.assert_frame_equal(data.population_age5(), embedded_frame)
    single = data.population_single_age()
    assert set(single["code"]) == {"165", "101"}
    after = project("165", end=2030)
    np.testing.assert_allclose(after.population, before.population, rtol=0, atol=1e-9)
    assert list(after.years) == list(before.years)


def test_without_a_snapshot_single_ages_are_missing_not_zero(home):
    with pytest.raises(DataError, match=r"no downloaded single-age populations .* data update"):
        data.population_single_age()
    assert data.active_snapshot_name() == "embedded"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda path, req, body: (200, body[: len(body) // 3]), "FOLK1A"),
        (
            lambda path, req, body: (
                200,
                b"\n".join(x for x in body.split(b"\n") if b";7;TOT;2019K1;" not in x),
            ),
            "lacks age 7",
        ),
        (
            lambda path, req, body: (500, b"error") if path.endswith("data") else (200, body),
            "HTTP 500",
        ),
        (
            lambda path, req, body: (
                (200, body.replace(b"CIVILSTAND", b"CIVSTAT"))
                if path.endswith("tableinfo")
                else (200, body)
            ),
            "layout differs",
        ),
    ],
    ids=["truncated", "missing-age", "http-500", "wrong-variables"],
)
def test_a_failed_update_leaves_the_previous_snapshot_in_use(home, edit, message):
    first = make(home)
    with pytest.raises(SourceError, match=message):
        fetch(["165"], edit=edit)
    assert snapshots.active_snapshot(home).name == first.name
    assert [p.name for p in (home / "snapshots").iterdir()] == [first.name]


def test_a_failure_while_writing_leaves_nothing_half_written(home, monkeypatch):
    first = make(home)
    download = fetch(["165"])
    calls = iter([None])

    def broken(frame, path):
        if next(calls, "boom") == "boom":
            raise OSError("disk full")
        return real(frame, path)

    real = snapshots._write_csv
    monkeypatch.setattr(snapshots, "_write_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        snapshots.write_snapshot([download], home, now=T0 + dt.timedelta(hours=1))
    assert [p.name for p in (home / "snapshots").iterdir()] == [first.name]


def test_pin_list_and_back_to_embedded(home):
    old = make(home)
    new = make(home, ("101",), T0 + dt.timedelta(days=1))
    assert [s.name for s in snapshots.list_snapshots(home)] == [old.name, new.name]
    assert snapshots.active_snapshot(home).name == new.name
    assert snapshots.use(old.name, home).name == old.name
    assert snapshots.active_snapshot(home).name == old.name
    assert snapshots.use("embedded", home) is None
    data.clear_cache()
    assert data.active_snapshot_name() == "embedded"
    assert snapshots.use("newest", home).name == new.name
    with pytest.raises(InputError, match=r"no snapshot '2020-01-01T000000'.*Use one of"):
        snapshots.use("2020-01-01T000000", home)


def test_a_new_snapshot_keeps_the_municipalities_it_did_not_download(home):
    make(home, ("165",))
    second = make(home, ("101",), T0 + dt.timedelta(days=1))
    entry = second.table("FOLK1A")
    assert entry is not None and entry.codes == ("101", "165")
    frame = snapshots.read_table(second, "population_age5.csv")
    assert set(frame["code"]) == {"101", "165"} and len(frame) == 2 * 13 * 2 * 21


def test_a_changed_snapshot_file_is_refused(home):
    snap = make(home)
    path = snap.path / "population_age5.csv"
    path.write_text(path.read_text().replace(",165,", ",165,", 1) + "165,2020,m,0,1\n")
    with pytest.raises(DataError, match=r"population_age5.csv was changed after download"):
        data.population_age5()


def test_a_pin_to_a_deleted_snapshot_says_how_to_fix_it(home):
    snap = make(home)
    snapshots.use(snap.name, home)
    import shutil

    shutil.rmtree(snap.path)
    with pytest.raises(DataError, match=r"pinned snapshot '.*' does not exist.*data use"):
        snapshots.active_snapshot(home)


def test_merge_adds_a_year_only_when_every_code_has_it():
    embedded = pd.DataFrame(
        {
            "code": ["000", "165"],
            "year": [2020, 2020],
            "sex": ["m", "m"],
            "age_start": [0, 0],
            "population": [10, 4],
        }
    )
    partial = pd.DataFrame(
        {
            "code": ["165", "165"],
            "year": [2020, 2021],
            "sex": ["m", "m"],
            "age_start": [0, 0],
            "population": [5, 6],
        }
    )
    merged = data.merge_population_age5(embedded, partial)
    assert merged[["code", "year", "population"]].values.tolist() == [
        ["000", 2020, 10],
        ["165", 2020, 5],
    ]
    full = pd.concat([partial, partial.assign(code="000", population=[11, 12])])
    merged = data.merge_population_age5(embedded, full)
    assert sorted(map(tuple, merged[["code", "year", "population"]].values.tolist())) == [
        ("000", 2020, 11),
        ("000", 2021, 12),
        ("165", 2020, 5),
        ("165", 2021, 6),
    ]


def test_data_home_follows_xdg_when_not_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("BYIBALANCE_DATA_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert snapshots.data_home() == tmp_path / "byibalance"
    monkeypatch.setenv("BYIBALANCE_DATA_HOME", str(tmp_path / "x"))
    assert snapshots.data_home() == tmp_path / "x"


def test_network_away_during_update_writes_nothing(home):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 101] Network is unreachable")

    client = StatBankClient(transport=httpx.MockTransport(handler), sleep=lambda s: None)
    with pytest.raises(SourceError, match="the network is away or blocked"):
        download_table(client, "FOLK1A", ["165"])
    assert not (home / "snapshots").exists()


def test_snapshot_totals_after_2020_replace_secondary_ones(home, monkeypatch):
    """Synthetic test rows (not real figures): 1 person per 5-year group, sex, in 2024."""
    fake = pd.DataFrame(
        {
            "code": "165",
            "year": 2024,
            "sex": ["m"] * 21 + ["f"] * 21,
            "age_start": list(range(0, 101, 5)) * 2,
            "population": 1,
        }
    )
    before = data.observed_totals()
    assert before[(before["code"] == "165") & (before["year"] == 2024)]["status"].tolist() == [
        "secondary"
    ]
    monkeypatch.setattr(
        data,
        "_snapshot_table",
        functools.cache(lambda file: fake if file == "population_age5.csv" else None),
    )
    data.observed_totals.cache_clear()
    data.population_age5.cache_clear()
    after = data.observed_totals()
    row = after[(after["code"] == "165") & (after["year"] == 2024)]
    assert row[["population", "male", "female", "status"]].values.tolist() == [
        [42, 21, 21, "published"]
    ]
    assert "FOLK1A" in row["source"].iloc[0]
    assert data.population_age5()["year"].max() == 2020  # one municipality: totals only
    kept = after[after["year"] != 2024].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        kept, before[before["year"] != 2024].reset_index(drop=True), check_dtype=False
    )
