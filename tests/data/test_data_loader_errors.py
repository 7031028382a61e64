"""The loader on a damaged installation: one-line DataErrors naming the file, never a traceback."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from byibalance import data
from byibalance.errors import DataError

CACHED = [
    data.manifest,
    data.municipalities,
    data.population_age5,
    data.national_single_age,
    data.fertility_asfr,
    data.mortality_province,
    data.tax_rates,
    data.observed_totals,
    data.housing_projects,
    data._albertslund_totals,
]


@pytest.fixture
def damaged(monkeypatch, tmp_path) -> Path:
    """A copy of the data folder that the loaders read instead of the real one."""
    for path in data.data_dir().iterdir():
        if path.is_file() and path.suffix in {".csv", ".gz", ".yaml"}:
            shutil.copyfile(path, tmp_path / path.name)
    monkeypatch.setattr(data, "data_dir", lambda: tmp_path)
    for loader in CACHED:
        loader.cache_clear()
    yield tmp_path
    for loader in CACHED:
        loader.cache_clear()


def test_missing_file_says_how_to_rebuild(damaged):
    (damaged / "tax_rates.csv").unlink()
    with pytest.raises(DataError) as err:
        data.tax_rates()
    assert "embedded data file is missing" in str(err.value)
    assert "scripts/build_data.py" in str(err.value)


def test_renamed_column_is_refused(damaged):
    path = damaged / "denmark_fertility_asfr.csv"
    path.write_text(path.read_text().replace("rate_per_1000", "rate"), encoding="utf-8")
    with pytest.raises(DataError, match=r"denmark_fertility_asfr.csv: columns .* differ from"):
        data.fertility_asfr()


def test_blank_population_is_refused_not_read_as_zero(damaged):
    path = damaged / "population_age5.csv.gz"
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ","
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    with pytest.raises(DataError, match=r"population_age5.csv.gz: embedded data file cannot be"):
        data.population_age5()


def test_bad_k29_flag_names_line_and_field(damaged):
    path = damaged / "municipalities.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",true\n", ",yes\n", 1), "utf-8")
    with pytest.raises(DataError, match=r"municipalities.csv, line 2, field 'k29': k29 is 'yes'"):
        data.municipalities()
