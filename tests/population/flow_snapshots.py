"""Snapshots holding gross migration flows and municipal fertility, written in tests the way
``byibalance data update`` writes them (:func:`byibalance.sources.snapshots.write_snapshot` from
downloads with tidy ``.tables``), in the file contract of docs/statbank.md: ``migration_*.csv``
(``code,year,sex,age,persons``) and ``fertility_municipal.csv``
(``code,year,age_start,rate_per_1000``). Every figure written here is a TEST VALUE, not
Statistics Denmark's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from byibalance.sources import snapshots

T0 = dt.datetime(2026, 11, 29, 5, 0, 0, tzinfo=dt.UTC)
AGES = 101
FLOW_FILES = {
    "in_internal": ("migration_in_internal", "FLY66"),
    "out_internal": ("migration_out_internal", "FLY66"),
    "immigrated": ("migration_immigrated", "VAN1AAR"),
    "emigrated": ("migration_emigrated", "VAN2AAR"),
}


@dataclass
class TableDownload:
    """What ``write_snapshot`` reads of a ``statbank.Download``: the table and its tidy frames."""

    table: str
    tables: dict[str, pd.DataFrame]
    codes: tuple[str, ...]
    title: str = "constructed for a test (test values)"
    queries: tuple[dict[str, object], ...] = ()
    raw: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    retrieved: str = "2026-11-29T05:00:00+00:00"
    verified: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.table


def flow_frame(cells: Mapping[tuple[str, int], np.ndarray], sex_codes=("m", "f")) -> pd.DataFrame:
    """``code,year,sex,age,persons`` from arrays ``[2, 101]`` of persons per (code, year)."""
    rows = []
    for (code, year), values in cells.items():
        for s, sex in enumerate(sex_codes):
            for age in range(AGES):
                rows.append((code, year, sex, age, int(values[s, age])))
    return pd.DataFrame(rows, columns=["code", "year", "sex", "age", "persons"])


def flow_downloads(
    flows: Mapping[str, Mapping[tuple[str, int], np.ndarray]], sex_codes=("m", "f")
) -> list[TableDownload]:
    """One download per StatBank table holding the flow files given (keys of
    :data:`FLOW_FILES`), each a mapping (code, year) -> persons ``[2, 101]``."""
    by_table: dict[str, dict[str, pd.DataFrame]] = {}
    codes: dict[str, set[str]] = {}
    for column, cells in flows.items():
        stem, table = FLOW_FILES[column]
        by_table.setdefault(table, {})[stem] = flow_frame(cells, sex_codes)
        codes.setdefault(table, set()).update(code for code, _ in cells)
    return [TableDownload(t, frames, tuple(sorted(codes[t]))) for t, frames in by_table.items()]


def fertility_download(rates: Mapping[tuple[str, int], list[float]]) -> TableDownload:
    """FOD407 as ``fertility_municipal``: per (code, year) the rates of 15-19 .. 45-49."""
    rows = [
        (code, year, 15 + 5 * g, rate)
        for (code, year), values in rates.items()
        for g, rate in enumerate(values)
    ]
    frame = pd.DataFrame(rows, columns=["code", "year", "age_start", "rate_per_1000"])
    return TableDownload("FOD407", {"fertility_municipal": frame}, tuple({c for c, _ in rates}))


def write(home: Path, downloads: list[TableDownload], now: dt.datetime = T0) -> snapshots.Snapshot:
    """A new snapshot of ``downloads`` (it becomes the active one)."""
    return snapshots.write_snapshot(downloads, home, now=now)
