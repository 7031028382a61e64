"""Gross migration (VAN1AAR, VAN2AAR, FLY66 in and out) and municipal fertility (FOD407) from
recorded StatBank sessions into a snapshot: the files the engine reads, their checks, the
elimination queries, and what a damaged answer does.

The recordings are CONSTRUCTED (tests/sources/recordings/README.md): the tests compare the tidy
files with the recorded answers themselves, never with Statistics Denmark's figures.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import pandas as pd
import pytest
import yaml

from byibalance.errors import SourceError
from byibalance.sources import snapshots
from byibalance.sources.statbank import (
    StatBankClient,
    check_layout,
    download_table,
    fod407_tables,
    parse_bulk,
    spec_for,
    table_names,
    value_labels,
)

from .replay import load_session, replay_transport

MIGRATION = "migration_165_101_constructed"
FOD407 = "fod407_165_101_constructed"
CODES = ("165", "101")
YEARS = [2019, 2020, 2021, 2022, 2023]
T0 = dt.datetime(2026, 11, 29, 5, 0, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 11, 29, 6, 0, 0, tzinfo=dt.UTC)
FILES = {
    "VAN1AAR": "migration_immigrated",
    "VAN2AAR": "migration_emigrated",
    "FLY66_IN": "migration_in_internal",
    "FLY66_OUT": "migration_out_internal",
}
SEXES = {"1": "m", "2": "f", "M": "m", "K": "f"}


def fetch(name, codes=CODES, edit=None, now=T0, session=None):
    session = session or (FOD407 if name == "FOD407" else MIGRATION)
    client = StatBankClient(
        transport=replay_transport(load_session(session), edit), sleep=lambda s: None
    )
    return download_table(client, name, list(codes), batch_size=1, now=lambda: now)


def recorded(name: str, code: str) -> pd.DataFrame:
    """The recorded answer of ``name`` for ``code`` as a frame (lower-case columns)."""
    for item in load_session(FOD407 if name == "FOD407" else MIGRATION):
        if item["path"].endswith("/data") and item["request"] == spec_for(name).query([code]):
            lines = item["body"].decode("utf-8").splitlines()
            rows = [line.split(";") for line in lines[1:]]
            return pd.DataFrame(rows, columns=[c.lower() for c in lines[0].split(";")])
    raise AssertionError(f"no recording of {name} for {code}")


def test_fly66_means_both_directions_and_each_leaves_the_other_municipality_out():
    assert table_names(["fly66", "VAN1AAR", "FLY66_IN"]) == ["FLY66_IN", "FLY66_OUT", "VAN1AAR"]
    into, out_of = spec_for("FLY66_IN").query(["165"]), spec_for("FLY66_OUT").query(["165"])
    assert into["table"] == out_of["table"] == "FLY66"
    assert [v["code"] for v in into["variables"]] == ["TILKOMMUNE", "ALDER", "KØN", "Tid"]
    assert [v["code"] for v in out_of["variables"]] == ["FRAKOMMUNE", "ALDER", "KØN", "Tid"]
    assert into["variables"][0]["values"] == out_of["variables"][0]["values"] == ["165"]
    immigration = spec_for("VAN1AAR").query(["165"])
    assert [v["code"] for v in immigration["variables"]] == ["OMRÅDE", "KØN", "ALDER", "Tid"]
    with pytest.raises(SourceError, match=r"FLY66 is downloaded as FLY66_IN, FLY66_OUT"):
        spec_for("FLY66")


@pytest.mark.parametrize("name", list(FILES))
def test_a_recorded_migration_table_becomes_the_contract_file(name):
    got = fetch(name)
    assert got.table == name and got.source_table == spec_for(name).table
    assert got.codes == CODES and got.periods == tuple(str(y) for y in YEARS)
    tidy = got.tables[FILES[name]]
    assert list(tidy.columns) == ["code", "year", "sex", "age", "persons"]
    assert [str(tidy[c].dtype) for c in ("year", "age", "persons")] == ["int64"] * 3
    assert all(pd.api.types.is_string_dtype(tidy[c]) for c in ("code", "sex"))
    assert len(tidy) == len(CODES) * len(YEARS) * 2 * 101
    assert not tidy.duplicated(["code", "year", "sex", "age"]).any()
    assert set(tidy["sex"]) == {"m", "f"} and tidy["age"].between(0, 100).all()
    assert (tidy["persons"] >= 0).all()
    for code in CODES:
        raw = recorded(name, code).assign(
            persons=lambda f: f["indhold"].astype(int),
            age=lambda f: f["alder"].astype(int).clip(upper=100),
            sex=lambda f: f["køn"].map(SEXES),
            year=lambda f: f["tid"].astype(int),
        )
        want = raw.groupby(["year", "sex", "age"])["persons"].sum()
        have = tidy[tidy["code"] == code].set_index(["year", "sex", "age"])["persons"]
        pd.testing.assert_series_equal(have.sort_index(), want.sort_index(), check_names=False)


def test_the_snapshot_holds_the_contract_files_and_reads_them_back(home):
    downloads = [fetch(name) for name in FILES] + [fetch("FOD407")]
    snap = snapshots.write_snapshot(downloads, home, now=T0)
    for name, file in FILES.items():
        entry = snap.table(name)
        assert entry is not None and entry.codes == CODES
        frame = snapshots.read_table(snap, f"{file}.csv")
        assert list(frame.columns) == ["code", "year", "sex", "age", "persons"]
        assert frame["code"].tolist()[0] in CODES
        assert pd.api.types.is_string_dtype(frame["code"])
        assert str(frame["persons"].dtype) == "int64" and str(frame["age"].dtype) == "int64"
    fertility = snapshots.read_table(snap, "fertility_municipal.csv")
    assert list(fertility.columns) == ["code", "year", "age_start", "rate_per_1000"]
    assert str(fertility["rate_per_1000"].dtype) == "float64"
    manifest = yaml.safe_load((snap.path / "manifest.yaml").read_text(encoding="utf-8"))
    sources = {e["table"]: e["source"]["table"] for e in manifest["tables"]}
    assert sources == {**{n: spec_for(n).table for n in FILES}, "FOD407": "FOD407"}
    assert sources["FLY66_IN"] == sources["FLY66_OUT"] == "FLY66"
    layouts = {e["table"]: e["layout_source"] for e in manifest["tables"]}
    assert layouts["VAN1AAR"].startswith("public DST table catalogue")
    assert (snap.path / "raw" / "fly66_in_001.csv").is_file()
    assert (snap.path / "raw" / "fly66_out_002.csv").is_file()


def test_ages_above_100_are_summed_into_100():
    def older(path, request, body):
        if path.endswith("/data") and request["table"] == "VAN1AAR":
            body = body.replace(b"\n165;2;103;2021;0\n", b"\n165;2;103;2021;4\n")
        return 200, body

    base = fetch("VAN1AAR", codes=("165",)).tables["migration_immigrated"]
    more = fetch("VAN1AAR", codes=("165",), edit=older).tables["migration_immigrated"]
    pick = (base["year"] == 2021) & (base["sex"] == "f") & (base["age"] == 100)
    assert int(more.loc[pick, "persons"].iloc[0]) == int(base.loc[pick, "persons"].iloc[0]) + 4
    assert int(more["persons"].sum()) == int(base["persons"].sum()) + 4


def drop_line(table: str, start: str):
    def edit(path, request, body):
        if path.endswith("/data") and request["table"] == table:
            kept = [x for x in body.decode("utf-8").splitlines() if not x.startswith(start)]
            body = ("\n".join(kept) + "\n").encode("utf-8")
        return 200, body

    return edit


def cut_mid_line(table: str):
    def edit(path, request, body):
        if path.endswith("/data") and request["table"] == table:
            body = body[: body.rstrip(b"\n").rfind(b";") + 1]
        return 200, body

    return edit


def not_eliminable(variable: str):
    def edit(path, request, body):
        if path.endswith("tableinfo"):
            info = json.loads(body)
            for item in info["variables"]:
                if item["id"] == variable:
                    item["elimination"] = False
            body = json.dumps(info, ensure_ascii=False).encode("utf-8")
        return 200, body

    return edit


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        ("FLY66_IN", drop_line("FLY66", "165;57;K;2021;"), "FLY66_IN lacks age 57 for area 165"),
        ("FLY66_OUT", cut_mid_line("FLY66"), "FLY66_OUT answer ends in the middle of a line"),
        ("VAN2AAR", drop_line("VAN2AAR", "101;1;0;2023;"), "lacks age 0 for area 101, sex 1"),
        (
            "FLY66_IN",
            not_eliminable("FRAKOMMUNE"),
            r"FLY66's variable FRAKOMMUNE cannot be left out of the request \(/tableinfo marks "
            r"it elimination: false\)",
        ),
        ("VAN1AAR", not_eliminable("STATSB"), "VAN1AAR's variable STATSB cannot be left out"),
        ("FOD407", drop_line("FOD407", "165;30-34;2022;"), "holds 6 of the 7 age groups"),
    ],
    ids=["missing-age", "cut-line", "missing-age-0", "fly66-elim", "van1aar-elim", "fod407-part"],
)
def test_a_damaged_answer_leaves_the_previous_snapshot_in_use(home, name, edit, message):
    first = snapshots.write_snapshot([fetch(name)], home, now=T0)
    with pytest.raises(SourceError, match=message) as caught:
        fetch(name, edit=edit, now=T1)
    assert "the data in use is unchanged" in caught.value.fix
    assert "\n" not in str(caught.value)
    assert snapshots.active_snapshot(home).name == first.name
    assert [p.name for p in (home / "snapshots").iterdir()] == [first.name]


def test_elimination_refused_names_the_fix():
    info = json.loads(load_session(MIGRATION)[2]["body"])
    assert info["id"] == "FLY66"
    check_layout(info, spec_for("FLY66_OUT"))
    for item in info["variables"]:
        if item["id"] == "TILKOMMUNE":
            del item["elimination"]
    with pytest.raises(SourceError, match=r"TILKOMMUNE cannot be left out .*elimination: none"):
        check_layout(info, spec_for("FLY66_OUT"))
    check_layout(info, spec_for("FLY66_IN"))  # FLY66_IN asks TILKOMMUNE itself


def test_fod407_keeps_the_5_year_groups_and_leaves_the_total_out():
    got = fetch("FOD407").tables["fertility_municipal"]
    assert list(got.columns) == ["code", "year", "age_start", "rate_per_1000"]
    assert sorted(set(got["age_start"])) == [15, 20, 25, 30, 35, 40, 45]
    assert len(got) == len(CODES) * 5 * 7
    for code in CODES:
        raw = recorded("FOD407", code)
        groups = raw[raw["alder"] != "TOT1"]
        want = groups["indhold"].astype(float).tolist()
        have = got[got["code"] == code].sort_values(["year", "age_start"])
        assert have["rate_per_1000"].tolist() == want
        total = raw[raw["alder"] == "TOT1"].set_index("tid")["indhold"].astype(float)
        tfr = have.groupby("year")["rate_per_1000"].sum() * 5
        assert tfr.tolist() == pytest.approx(total.tolist(), abs=0.05)


def fod407_table(texts: dict[str, str], body: str):
    spec = spec_for("FOD407")
    info = {"variables": [{"id": "ALDER", "values": [{"id": c, "text": t} for c, t in texts]}]}
    parsed = parse_bulk(body, spec, ["165"])
    return type(parsed)(spec, parsed.frame, value_labels(info))


def test_fod407_reads_the_groups_from_their_texts_and_refuses_when_none_parses():
    texts = {f"G{a}": f"{a}-{a + 4} years" for a in range(10, 55, 5)}
    texts["TOT1"] = "Total fertility rate"
    lines = ["OMRÅDE;ALDER;TID;INDHOLD"] + [f"165;{c};2024;{i}.5" for i, c in enumerate(texts)]
    table = fod407_table(texts.items(), "\n".join(lines) + "\n")
    got = fod407_tables(table)["fertility_municipal"]
    assert got["age_start"].tolist() == [15, 20, 25, 30, 35, 40, 45]  # 10-14, 50-54 left out
    assert got["rate_per_1000"].tolist() == [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]
    danish = {c: t.replace("years", "år") for c, t in texts.items()}
    again = fod407_tables(fod407_table(danish.items(), "\n".join(lines) + "\n"))
    assert again["fertility_municipal"]["rate_per_1000"].tolist() == got["rate_per_1000"].tolist()
    vague = {c: "Age group" for c in texts}
    odd = [f"165;A{i};2024;1.0" for i in range(3)]
    with pytest.raises(SourceError, match=r"no FOD407 age code is a 5-year group"):
        fod407_tables(fod407_table(vague.items(), "\n".join([lines[0], *odd]) + "\n"))


def test_fod407_leaves_an_unpublished_municipality_year_out_and_says_so(caplog):
    def small_island(path, request, body):
        if path.endswith("/data") and request["table"] == "FOD407":
            body = body.replace(b"\n101;25-29;2020;", b"\n101;25-29;2020;..\n#")
            body = b"\n".join(x for x in body.split(b"\n") if not x.startswith(b"#")) + b"\n"
            body = body.replace(b"\n\n", b"\n")
        return 200, body

    with caplog.at_level(logging.WARNING, logger="byibalance.sources.statbank"):
        got = fetch("FOD407", edit=small_island).tables["fertility_municipal"]
    assert len(got) == (len(CODES) * 5 - 1) * 7
    assert got[(got["code"] == "101") & (got["year"] == 2020)].empty
    assert "1 municipality-years (101 2020)" in caplog.text


def test_a_table_of_municipalities_leaves_all_denmark_out_of_the_request():
    got = fetch("VAN1AAR", codes=("000", "165"))
    assert got.codes == ("165",)
    assert [q["variables"][0]["values"] for q in got.queries] == [["165"]]


def test_carry_over_keeps_the_migration_files_and_the_municipalities_not_downloaded(home):
    first = snapshots.write_snapshot(
        [fetch(n, codes=("165",)) for n in FILES] + [fetch("FOD407")], home, now=T0
    )
    # a later update of FLY66_IN for Copenhagen only, and nothing else
    second = snapshots.write_snapshot([fetch("FLY66_IN", codes=("101",), now=T1)], home, now=T1)
    assert second.table("FLY66_IN").codes == ("101", "165")
    into = snapshots.read_table(second, "migration_in_internal.csv")
    assert sorted(set(into["code"])) == ["101", "165"]
    assert len(into) == 2 * len(YEARS) * 2 * 101
    for name in ("FLY66_OUT", "VAN1AAR", "VAN2AAR", "FOD407"):
        entry = second.table(name)
        assert entry is not None and entry.carried_from == first.name
    old = snapshots.read_table(first, "migration_emigrated.csv")
    new = snapshots.read_table(second, "migration_emigrated.csv")
    pd.testing.assert_frame_equal(old, new)
    assert len(snapshots.read_table(second, "fertility_municipal.csv")) == 2 * 5 * 7


def test_update_tables_fly66_downloads_both_directions(home, cli_replays, cli):
    asked: list[dict] = []

    def log(path, request, body):
        asked.append(request)
        return 200, body

    cli_replays(MIGRATION, log)
    code, out, err = cli(["data", "update", "--municipality", "165", "--tables", "FLY66"])
    assert code == 0, err
    assert "FLY66_IN: 1 areas, 2019..2023" in out and "FLY66_OUT: 1 areas, 2019..2023" in out
    directions = [q["variables"][0]["code"] for q in asked if q.get("format") == "BULK"]
    assert directions == ["TILKOMMUNE", "FRAKOMMUNE"]
    snap = snapshots.active_snapshot(home)
    assert snap.file_entry("migration_in_internal.csv") is not None
    assert snap.file_entry("migration_out_internal.csv") is not None
    code, out, _ = cli(["data", "list", "--details"])
    assert "FLY66_IN (2019..2023): used: migration_flows (gross in- and out-migration" in out
    assert "layout from: public DST table catalogue" in out
