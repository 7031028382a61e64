"""BOL106 (dwellings with registered residents, averages) from a recorded StatBank session into
``persons_per_dwelling.csv``: the unit and the uses read from their value texts, the uses not
recognised left out, and the answers refused when no unit or no use can be read.

The recording ``bol106_165_101_constructed`` is CONSTRUCTED (tests/sources/recordings/README.md):
the tests compare the tidy file with the recorded answers themselves, never with Statistics
Denmark's figures.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

import pandas as pd
import pytest

from byibalance import data
from byibalance.errors import SourceError
from byibalance.sources import snapshots
from byibalance.sources.statbank import (
    BOL106_TEXTS,
    MODEL_USE,
    StatBankClient,
    download_table,
    spec_for,
)

from .replay import load_session, replay_transport

SESSION = "bol106_165_101_constructed"
CODES = ("165", "101")
T0 = dt.datetime(2026, 11, 29, 5, 0, 0, tzinfo=dt.UTC)
# the recording's use codes and the type each is read as (the others are left out)
KEPT = {"TOT": "all", "125": "detached", "130": "terraced", "140": "flat"}


def fetch(codes=CODES, edit=None):
    client = StatBankClient(
        transport=replay_transport(load_session(SESSION), edit), sleep=lambda s: None
    )
    return download_table(client, "BOL106", list(codes), batch_size=1, now=lambda: T0)


def recorded(code: str) -> pd.DataFrame:
    """The recorded answer for ``code`` as a frame (lower-case columns, values as text)."""
    for item in load_session(SESSION):
        if item["path"].endswith("/data") and item["request"] == spec_for("BOL106").query([code]):
            lines = item["body"].decode("utf-8").splitlines()
            rows = [line.split(";") for line in lines[1:]]
            return pd.DataFrame(rows, columns=[c.lower() for c in lines[0].split(";")])
    raise AssertionError(f"no recording of BOL106 for {code}")


def edit_tableinfo(change):
    """An ``edit`` that passes the ``/tableinfo`` answer's variables through ``change``."""

    def edit(path, request, body):
        if path.endswith("/tableinfo"):
            info = json.loads(body)
            change({v["id"]: v for v in info["variables"]})
            body = json.dumps(info).encode("utf-8")
        return 200, body

    return edit


def edit_data(old: bytes, new: bytes):
    def edit(path, request, body):
        if path.endswith("/data"):
            body = body.replace(old, new)
        return 200, body

    return edit


def test_the_recorded_persons_per_dwelling_become_the_contract_file(caplog):
    with caplog.at_level(logging.INFO, logger="byibalance.sources.statbank"):
        got = fetch()
    assert got.codes == CODES and got.periods == ("2019", "2020", "2021")
    tidy = got.tables["persons_per_dwelling"]
    assert list(got.tables) == ["persons_per_dwelling"]
    assert list(tidy.columns) == ["code", "year", "type", "persons"]
    assert str(tidy["year"].dtype) == "int64" and str(tidy["persons"].dtype) == "float64"
    assert len(tidy) == len(CODES) * 3 * len(KEPT)
    for code in CODES:
        raw = recorded(code)
        raw = raw[(raw["enhed"] == "GNSPB") & raw["anvendelse"].isin(list(KEPT))]
        want = pd.Series(
            raw["indhold"].astype(float).to_numpy(),
            index=pd.MultiIndex.from_arrays(
                [raw["tid"].astype(int), raw["anvendelse"].map(KEPT)], names=["year", "type"]
            ),
        )
        have = tidy[tidy["code"] == code].set_index(["year", "type"])["persons"]
        pd.testing.assert_series_equal(have.sort_index(), want.sort_index(), check_names=False)
    # the m2 units never reach the file: every value is a plausible persons per dwelling
    assert tidy["persons"].between(1.0, 3.0).all()
    # the uses not recognised (student hostels, communities, cottages, other) are left out
    left_out = " ".join(r.getMessage() for r in caplog.records if "left out" in r.getMessage())
    for text in ("150 (Student hostels)", "565 (Cottages)", "570 (Other)"):
        assert text in left_out
    assert tidy["type"].tolist()[:4] == ["flat", "terraced", "detached", "all"]


def test_a_use_whose_text_is_not_known_is_left_out_even_with_a_plausible_value():
    def change(variables):
        variables["ANVENDELSE"]["values"].append({"id": "580", "text": "Floating homes"})

    def add_line(path, request, body):
        if path.endswith("/tableinfo"):
            return edit_tableinfo(change)(path, request, body)
        extra = "".join(
            f"165;{unit};580;{year};{value}\n"
            for year in (2019, 2020, 2021)
            for unit, value in (("GNSAB", "60.0"), ("GNSAP", "30.0"), ("GNSPB", "2.0"))
        )
        return 200, body + extra.encode("utf-8")

    tidy = fetch(codes=("165",), edit=add_line).tables["persons_per_dwelling"]
    assert set(tidy["type"]) == set(KEPT.values())
    row = tidy[(tidy["year"] == 2020) & (tidy["type"] == "all")]
    assert row["persons"].tolist() == [2.2]


def test_no_unit_reading_as_persons_per_dwelling_is_refused_naming_the_texts():
    def change(variables):
        for value in variables["ENHED"]["values"]:
            if value["id"] == "GNSPB":
                value["text"] = "Average number of rooms per dwelling"

    with pytest.raises(SourceError) as caught:
        fetch(edit=edit_tableinfo(change))
    message = str(caught.value)
    assert "no BOL106 unit (ENHED) reads as persons per dwelling" in message
    assert "GNSPB (Average number of rooms per dwelling)" in message
    assert "GNSAB (Average area per dwelling (m2))" in message
    assert "BOL106_TEXTS" in message and caught.value.where.field == "ENHED"


def test_no_use_recognised_is_refused_naming_the_texts():
    def change(variables):
        for value in variables["ANVENDELSE"]["values"]:
            value["text"] = f"Use {value['id']}"

    with pytest.raises(SourceError) as caught:
        fetch(edit=edit_tableinfo(change))
    message = str(caught.value)
    assert "no BOL106 use (ANVENDELSE) reads as all dwellings" in message
    assert "TOT (Use TOT)" in message and "140 (Use 140)" in message
    assert caught.value.where.field == "ANVENDELSE"


def test_an_area_unit_read_as_persons_is_refused_as_implausible():
    def change(variables):
        texts = {"GNSAB": "Average number of persons per dwelling", "GNSPB": "Average area"}
        for value in variables["ENHED"]["values"]:
            value["text"] = texts.get(value["id"], value["text"])

    with pytest.raises(SourceError, match=r"gives 95 persons per dwelling of all .* GNSAB"):
        fetch(edit=edit_tableinfo(change))


def test_an_average_not_published_is_left_out_and_a_missing_cell_is_refused(caplog):
    unpublished = edit_data(b"165;GNSPB;130;2020;2.4\n", b"165;GNSPB;130;2020;..\n")
    with caplog.at_level(logging.WARNING, logger="byibalance.sources.statbank"):
        tidy = fetch(codes=("165",), edit=unpublished).tables["persons_per_dwelling"]
    assert len(tidy) == 3 * len(KEPT) - 1
    assert tidy[(tidy["year"] == 2020) & (tidy["type"] == "terraced")].empty
    assert "165 2020 terraced" in caplog.text
    cut = edit_data(b"165;GNSPB;140;2021;1.8\n", b"")
    with pytest.raises(SourceError, match=r"lacks the persons per dwelling of flat for area 165"):
        fetch(codes=("165",), edit=cut)


def test_the_patterns_tell_the_uses_apart():
    def meaning(text):
        found = [m for v, m, p in BOL106_TEXTS if v == "ANVENDELSE" and re.search(p, text, re.I)]
        return found

    assert meaning("Terraced, linked or semi-detached houses") == ["terraced"]
    assert meaning("Detached houses/farmhouses") == ["detached"]
    assert meaning("Multi-dwelling houses") == ["flat"]
    assert meaning("Total") == ["all"]
    assert meaning("Residential buildings for communities") == []
    assert meaning("Række-, kæde- og dobbelthuse") == ["terraced"]


def test_the_snapshot_holds_the_file_and_the_loader_names_it(home):
    snap = snapshots.write_snapshot([fetch()], home, now=T0)
    frame = snapshots.read_table(snap, "persons_per_dwelling.csv")
    assert list(frame.columns) == ["code", "year", "type", "persons"]
    assert pd.api.types.is_string_dtype(frame["code"]) and frame["code"].iloc[0] in CODES
    data.clear_cache()
    loaded = data.persons_per_dwelling()
    assert set(loaded["source"]) == {f"snapshot {snap.name} (Statistics Denmark BOL106)"}
    row = loaded[(loaded["code"] == "165") & (loaded["year"] == 2020)]
    assert dict(zip(row["type"], row["persons"], strict=True)) == {
        "flat": 1.9,
        "terraced": 2.4,
        "detached": 2.7,
        "all": 2.2,
    }
    entry = snap.table("BOL106")
    assert entry is not None and entry.codes == CODES


def test_model_use_says_the_table_is_used():
    assert MODEL_USE["BOL106"].startswith("used: persons_per_dwelling")
    assert spec_for("BOL106").file == "persons_per_dwelling"
