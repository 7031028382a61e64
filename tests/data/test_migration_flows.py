"""Gross migration flows (FLY66, VAN1AAR, VAN2AAR) and municipal fertility (FOD407) read from a
snapshot: the four flow files joined where all hold a (code, year), a warning naming a missing
file or year, and bad content refused with the file, line, field and fix. Figures are TEST
VALUES written into a temporary snapshot, not Statistics Denmark's."""

from __future__ import annotations

import datetime as dt
import importlib.util
import logging
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from tests.population.flow_snapshots import (
    TableDownload,
    fertility_download,
    flow_downloads,
    flow_frame,
    write,
)

from byibalance import data
from byibalance.errors import DataError
from byibalance.population.inputs import build_inputs
from byibalance.sources import snapshots
from byibalance.sources.statbank import StatBankClient, download_table

AGE = np.arange(101)


def cells(code: str, years: range, base: int) -> dict[tuple[str, int], np.ndarray]:
    """Persons ``base + year offset`` at every age, women one more than men (test values)."""
    return {
        (code, y): np.stack([np.full(101, base + y - 2000), np.full(101, base + y - 2000 + 1)])
        for y in years
    }


def four(code: str = "165", years: range = range(2016, 2020)) -> dict[str, dict]:
    return {
        "in_internal": cells(code, years, 10),
        "out_internal": cells(code, years, 20),
        "immigrated": cells(code, years, 30),
        "emigrated": cells(code, years, 40),
    }


def test_without_a_snapshot_both_frames_are_empty_with_their_columns(home):
    flows = data.migration_flows()
    assert flows.empty and list(flows.columns) == data.MIGRATION_COLUMNS
    fertility = data.fertility_municipal()
    assert fertility.empty and list(fertility.columns) == data.FERTILITY_COLUMNS


def test_the_four_files_are_joined_by_code_year_sex_and_age(home, caplog):
    snap = write(home, flow_downloads(four()))
    with caplog.at_level(logging.WARNING):
        flows = data.migration_flows()
    assert not caplog.records
    assert list(flows.columns) == data.MIGRATION_COLUMNS
    assert len(flows) == 4 * 2 * 101
    row = flows.set_index(["code", "year", "sex", "age"]).loc[("165", 2018, "f", 37)]
    # base + (2018 - 2000) + 1 for women
    assert (row["in_internal"], row["out_internal"], row["immigrated"], row["emigrated"]) == (
        29,
        39,
        49,
        59,
    )
    assert set(flows["source"]) == {
        f"snapshot {snap.name} (Statistics Denmark FLY66, VAN1AAR, VAN2AAR)"
    }
    assert flows["sex"].tolist()[:101] == ["m"] * 101


def test_statbank_sex_codes_1_and_2_read_as_men_and_women(home):
    write(home, flow_downloads(four(), sex_codes=("1", "2")))
    flows = data.migration_flows().set_index(["code", "year", "sex", "age"])
    assert flows.loc[("165", 2016, "m", 0), "in_internal"] == 26
    assert flows.loc[("165", 2016, "f", 0), "in_internal"] == 27


def test_a_year_one_file_lacks_is_left_out_with_a_warning_naming_file_and_year(home, caplog):
    flows = four()
    del flows["emigrated"][("165", 2019)]
    write(home, flow_downloads(flows))
    with caplog.at_level(logging.WARNING):
        out = data.migration_flows()
    assert sorted(set(out["year"])) == [2016, 2017, 2018]
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1
    assert "migration_emigrated.csv (VAN2AAR) lacks 165: 2019" in messages[0]
    assert "byibalance data update --tables VAN2AAR" in messages[0]


def test_a_missing_file_means_no_flows_and_a_warning_naming_it(home, caplog):
    flows = four()
    del flows["immigrated"]
    write(home, flow_downloads(flows))
    with caplog.at_level(logging.WARNING):
        out = data.migration_flows()
    assert out.empty
    text = " ".join(r.getMessage() for r in caplog.records)
    assert "migration_immigrated.csv (VAN1AAR) is not in the snapshot" in text


def good_file() -> pd.DataFrame:
    return flow_frame(cells("165", range(2018, 2019), 5))


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (
            lambda f: f.assign(persons=f["persons"].where(f.index != 7, -3)),
            "line 9, field 'persons'",
        ),
        (lambda f: f.assign(age=f["age"].where(f.index != 100, 101)), "line 102, field 'age'"),
        (lambda f: f.assign(persons=f["persons"].astype(str).where(f.index != 3, "..")), "'..'"),
        (lambda f: f.assign(sex=f["sex"].where(f.index != 0, "x")), "line 2, field 'sex'"),
        (lambda f: f.assign(code=f["code"].where(f.index != 5, "Albertslund")), "field 'code'"),
        (lambda f: pd.concat([f, f.iloc[[4]]], ignore_index=True), "line 204"),
        (lambda f: f.drop(index=150), "lacks sex f age 49"),
    ],
)
def test_bad_flow_content_is_refused_naming_line_field_and_fix(change, needle):
    with pytest.raises(DataError) as err:
        data.check_migration_file(change(good_file()), "migration_in_internal.csv")
    text = str(err.value)
    assert needle in text
    assert "migration_in_internal.csv" in text
    assert "byibalance data update" in text


def test_bad_values_in_a_snapshot_reach_the_user_as_a_data_error(home):
    flows = four()
    flows["out_internal"][("165", 2017)][0, 30] = -1
    write(home, flow_downloads(flows))
    with pytest.raises(DataError) as err:
        data.migration_flows()
    assert "migration_out_internal.csv" in str(err.value)
    assert "persons -1 is not a whole number of at least 0" in str(err.value)
    assert err.value.where.field == "persons"


def test_municipal_fertility_is_read_with_its_source(home):
    snap = write(home, [fertility_download({("165", 2018): [10, 50, 100, 90, 40, 8, 2]})])
    out = data.fertility_municipal()
    assert out["age_start"].tolist() == [15, 20, 25, 30, 35, 40, 45]
    assert out["rate_per_1000"].sum() == 300
    assert set(out["source"]) == {f"snapshot {snap.name} (Statistics Denmark FOD407)"}


def test_a_fertility_year_lacking_a_group_is_left_out_with_a_warning(home, caplog):
    download = fertility_download(
        {("165", 2018): [10, 50, 100, 90, 40, 8, 2], ("165", 2019): [10, 50, 100, 90, 40, 8, 2]}
    )
    frame = download.tables["fertility_municipal"]
    download.tables["fertility_municipal"] = frame.drop(index=13)  # 2019, 45-49
    write(home, [download])
    with caplog.at_level(logging.WARNING):
        out = data.fertility_municipal()
    assert set(out["year"]) == {2018}
    assert "165: 2019" in caplog.records[0].getMessage()


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda f: f.assign(age_start=f["age_start"].where(f.index != 6, 50)), "age_start 50"),
        (lambda f: f.assign(rate_per_1000=f["rate_per_1000"].where(f.index != 2, -1.0)), "line 4"),
        (lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True), "held twice"),
    ],
)
def test_bad_fertility_content_is_refused(change, needle):
    frame = fertility_download({("165", 2018): [10, 50, 100, 90, 40, 8, 2]}).tables[
        "fertility_municipal"
    ]
    with pytest.raises(DataError) as err:
        data.check_fertility_municipal(change(frame), "fertility_municipal.csv", "S")
    assert needle in str(err.value)
    assert "fertility_municipal.csv" in str(err.value)


def test_downloads_are_written_as_the_contract_names_the_files(home):
    snap = write(home, [*flow_downloads(four()), fertility_download({("165", 2018): [1] * 7})])
    for file in (
        "migration_in_internal.csv",
        "migration_out_internal.csv",
        "migration_immigrated.csv",
        "migration_emigrated.csv",
        "fertility_municipal.csv",
    ):
        assert snap.file_entry(file) is not None, file
    assert isinstance(flow_downloads(four())[0], TableDownload)


def _replay() -> ModuleType:
    """tests/sources/replay.py as a module (tests/data is not a package)."""
    path = Path(__file__).resolve().parents[1] / "sources" / "replay.py"
    spec = importlib.util.spec_from_file_location("_replay_for_flows", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_recorded_downloads_reach_the_projection(home):
    """``byibalance data update``'s files, from the recorded (constructed) StatBank sessions of
    Albertslund and Copenhagen 2019-2023, as the projection reads them: one year of the window
    2015-2019 is too few for gross flows (the note says so), FOD407's 2019 sets the TFR."""
    replay = _replay()
    t0 = dt.datetime(2026, 11, 29, 5, 0, 0, tzinfo=dt.UTC)

    def fetch(name: str, session: str):
        client = StatBankClient(
            transport=replay.replay_transport(replay.load_session(session), None),
            sleep=lambda s: None,
        )
        return download_table(client, name, ["165", "101"], batch_size=1, now=lambda: t0)

    flows_session, fertility_session = "migration_165_101_constructed", "fod407_165_101_constructed"
    downloads = [fetch(n, flows_session) for n in ("FLY66_IN", "FLY66_OUT", "VAN1AAR", "VAN2AAR")]
    snap = snapshots.write_snapshot([*downloads, fetch("FOD407", fertility_session)], home, now=t0)

    flows = data.migration_flows()
    assert sorted(set(zip(flows["code"], flows["year"], strict=True))) == [
        (code, year) for code in ("101", "165") for year in range(2019, 2024)
    ]
    assert len(flows) == 10 * 2 * 101
    raw = snapshots.read_table(snap, "migration_immigrated.csv")
    assert flows["immigrated"].sum() == raw["persons"].astype(int).sum()

    fertility = data.fertility_municipal()
    own = fertility[(fertility["code"] == "165") & (fertility["year"] == 2019)]
    expected_tfr = 5 * own["rate_per_1000"].sum() / 1000

    prepared = build_inputs(["165", "101"], 2020, 2030)
    assert prepared.methods["165"] == {"migration": "residual", "fertility": "municipal_rates"}
    assert prepared.local_tfr[0] == pytest.approx(expected_tfr, abs=1e-12)
    migration = next(str(n) for n in prepared.notes["165"] if str(n).startswith("migration:"))
    assert "cover 1 of the window's years 2015-2019: 2019; at least 3 are needed" in migration
