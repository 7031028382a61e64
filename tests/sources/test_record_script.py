"""scripts/record_statbank.py saves sessions the tests can replay (run here on a recording)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import httpx
import pandas as pd

from byibalance.sources.statbank import StatBankClient, download_table

from .replay import RECORDINGS, load_session, replay_transport

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "record_statbank.py"


def script():
    spec = importlib.util.spec_from_file_location("record_statbank", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["record_statbank"] = module
    spec.loader.exec_module(module)
    return module


def test_a_recorded_session_replays_to_the_same_tables(tmp_path, monkeypatch, capsys):
    source = load_session("folk1a_165_101_constructed")
    code = script().main(
        ["--municipality", "165", "--name", "again", "--out", str(tmp_path)],
        transport=replay_transport(source),
    )
    assert code == 0
    from . import replay

    monkeypatch.setattr(replay, "RECORDINGS", tmp_path)
    again = replay.load_session("again")
    assert [e["path"] for e in again] == ["/v1/tableinfo", "/v1/data"]
    assert again[1]["body"] == source[1]["body"]

    def fetch(exchanges):
        client = StatBankClient(transport=replay_transport(exchanges), sleep=lambda s: None)
        return download_table(client, "FOLK1A", ["165"]).tables["population_age5"]

    pd.testing.assert_frame_equal(fetch(again), fetch(source))
    assert RECORDINGS.name == "recordings"


def test_offline_recording_says_so_and_leaves_no_folder(tmp_path, capsys):
    def handler(request):
        raise httpx.ConnectError("[Errno -2] Name or service not known")

    code = script().main(["--name", "x", "--out", str(tmp_path)], httpx.MockTransport(handler))
    assert code == 2
    assert "nothing recorded" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_recording_names_tax_types_it_does_not_know_and_still_saves_the_data(tmp_path, capsys):
    def rename(path, request, body):
        if path.endswith("tableinfo"):
            return 200, body.replace(b'"KIRKE"', b'"KIRKESKAT"')
        return 200, body

    source = load_session("fod33_pskat_165_101_constructed")
    args = ["--municipality", "165", "--tables", "PSKAT", "--name", "p", "--out", str(tmp_path)]
    code = script().main(args, transport=replay_transport(source, rename))
    assert code == 1
    err = capsys.readouterr().err
    assert "PSKAT value codes" in err and "['KIRKE']" in err
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [
        "001_tableinfo_PSKAT.json",
        "002_data_PSKAT_165.csv",
        "session.yaml",
    ]


def test_recording_fly66_saves_one_table_info_and_both_directions(tmp_path, capsys):
    source = load_session("migration_165_101_constructed")
    args = ["--municipality", "165", "--tables", "FLY66", "--name", "f", "--out", str(tmp_path)]
    assert script().main(args, transport=replay_transport(source)) == 0
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == [
        "001_tableinfo_FLY66.json",
        "002_data_FLY66_IN_165.csv",
        "003_data_FLY66_OUT_165.csv",
        "session.yaml",
    ]
    recorded = {e["response_file"]: e["body"] for e in source}
    assert (tmp_path / "f" / "002_data_FLY66_IN_165.csv").read_bytes() == recorded[
        "008_data_FLY66_IN_165.csv"
    ]
