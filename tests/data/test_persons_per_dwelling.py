"""Persons per dwelling (BOL106) read from a snapshot: the frame, its source, and bad content
refused with the file, line, field and fix. Figures are TEST VALUES written into a temporary
snapshot, not Statistics Denmark's."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.population.flow_snapshots import TableDownload, write

from byibalance import data
from byibalance.errors import DataError

FILE = "persons_per_dwelling.csv"
GOOD = [
    ("165", 2020, "flat", 1.9),
    ("165", 2020, "all", 2.2),
    ("165", 2020, "terraced", 2.4),
    ("165", 2019, "detached", 2.8),
]


def frame(rows=GOOD) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["code", "year", "type", "persons"])


def download(rows=GOOD) -> TableDownload:
    return TableDownload("BOL106", {"persons_per_dwelling": frame(rows)}, ("165",))


def test_without_a_snapshot_the_frame_is_empty_with_its_columns(home):
    out = data.persons_per_dwelling()
    assert out.empty and list(out.columns) == data.PERSONS_PER_DWELLING_COLUMNS


def test_the_snapshot_file_is_read_with_its_source_and_sorted(home):
    snap = write(home, [download()])
    out = data.persons_per_dwelling()
    assert list(out.columns) == data.PERSONS_PER_DWELLING_COLUMNS
    assert set(out["source"]) == {f"snapshot {snap.name} (Statistics Denmark BOL106)"}
    assert list(zip(out["year"], out["type"], out["persons"], strict=True)) == [
        (2019, "detached", 2.8),
        (2020, "flat", 1.9),
        (2020, "terraced", 2.4),
        (2020, "all", 2.2),
    ]
    assert out["code"].tolist() == ["165"] * 4


def test_clear_cache_forgets_the_frame(home):
    write(home, [download()])
    assert len(data.persons_per_dwelling()) == 4
    assert data.persons_per_dwelling in _cached_functions()


def _cached_functions() -> list[object]:
    """The functions :func:`data.clear_cache` clears, read from its code (no stub)."""
    names = data.clear_cache.__code__.co_names
    return [getattr(data, n) for n in names if hasattr(data, n)]


@pytest.mark.parametrize(
    ("rows", "line", "field", "message"),
    [
        (
            [*GOOD[:2], ("165", 2020, "cottage", 1.5)],
            4,
            "type",
            "type 'cottage' is not one of flat, terraced, detached, all",
        ),
        (
            [GOOD[0], ("165", 2020, "all", 0.0)],
            3,
            "persons",
            "persons 0.0 is not a number of persons per dwelling above 0 and at most 10",
        ),
        (
            [("165", 2020, "detached", 95.0)],
            2,
            "persons",
            "persons 95.0 is not a number of persons per dwelling",
        ),
        ([("1650", 2020, "flat", 1.9)], 2, "code", "code '1650' is not a 3-digit"),
        ([("165", "2020x", "flat", 1.9)], 2, "year", "year '2020x' is not a calendar year"),
        ([*GOOD, ("165", 2020, "flat", 2.0)], 6, "code,year,type", "held twice"),
    ],
)
def test_bad_content_names_the_file_line_and_field(rows, line, field, message):
    with pytest.raises(DataError) as caught:
        data.check_persons_per_dwelling(frame(rows), FILE, "test")
    error = caught.value
    assert message in error.problem
    assert (error.where.file, error.where.line, error.where.field) == (FILE, line, field)
    assert "byibalance data update" in error.fix


def test_an_empty_value_in_the_snapshot_is_refused_with_its_line(home):
    write(home, [download([GOOD[0], ("165", 2020, "all", None)])])
    with pytest.raises(DataError) as caught:
        data.persons_per_dwelling()
    assert caught.value.where.line == 3 and caught.value.where.field == "persons"
    assert "persons '' is not a number" in caught.value.problem


def test_other_columns_are_refused():
    with pytest.raises(DataError, match=r"columns .* differ"):
        data.check_persons_per_dwelling(frame().rename(columns={"type": "use"}), FILE, "test")
