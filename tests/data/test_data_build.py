"""scripts/build_data.py: a byte-identical rebuild, and one-line errors for broken raw files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from byibalance import data
from byibalance.errors import DataError


@pytest.mark.slow
def test_rebuild_is_byte_identical(build_data, raw, tmp_path):
    """Rebuilding from shared/data/raw gives exactly the committed files (about 6 s)."""
    assert build_data.main(["--raw", str(raw), "--out", str(tmp_path)]) == 0
    committed = sorted(
        p.name for p in data.data_dir().iterdir() if p.suffix in {".csv", ".gz", ".yaml"}
    )
    rebuilt = sorted(p.name for p in tmp_path.iterdir())
    assert rebuilt == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (data.data_dir() / name).read_bytes(), name


def copy_raw(raw: Path, tmp: Path, *names: str) -> Path:
    """A private raw folder holding copies of ``names`` (relative paths), to be broken."""
    for name in names:
        target = tmp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(raw / name, target)
    return tmp


def test_missing_raw_folder_is_a_one_line_error(build_data, tmp_path, capsys):
    code = build_data.main(["--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == DataError.exit_code
    assert "\n" not in err and "raw data folder not found" in err and "--raw" in err


def test_unknown_municipality_in_tax_file_names_line_and_field(build_data, raw, tmp_path):
    folder = copy_raw(raw, tmp_path, build_data.PSKAT)
    path = folder / build_data.PSKAT
    path.write_text(path.read_text(encoding="utf-8").replace("Dragør,", "Dragoer,"), "utf-8")
    with pytest.raises(DataError) as err:
        build_data.build_tax_rates(folder, data.municipalities())
    assert str(err.value).startswith(
        "compiled/pskat_2025_municipal_tax_rates.csv, line 4, field 'municipality': "
        "unknown municipality 'Dragoer'"
    )


def test_missing_tax_rate_is_refused(build_data, raw, tmp_path):
    folder = copy_raw(raw, tmp_path, build_data.PSKAT)
    path = folder / build_data.PSKAT
    path.write_text(
        path.read_text(encoding="utf-8").replace(",25.60,0.80,9.10", ",,0.80,9.10"), "utf-8"
    )
    with pytest.raises(DataError, match=r"line 6, field 'income_tax_pct': missing or negative"):
        build_data.build_tax_rates(folder, data.municipalities())


def test_fertility_total_that_does_not_add_up_names_the_year(build_data, raw, tmp_path):
    folder = copy_raw(raw, tmp_path, build_data.ASFR)
    path = folder / build_data.ASFR
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("1729.7;1699.4", "1729.7;1750.0"), encoding="utf-8")
    with pytest.raises(DataError) as err:
        build_data.build_fertility(folder)
    assert "field 'Total fertility rate', year 2019" in str(err.value)
    assert "differs from the published TFR by 50.3" in str(err.value)


def test_fertility_check_passes_on_the_real_file_and_reports_the_gap(build_data, raw):
    rates, gap = build_data.build_fertility(raw)
    assert 0 < gap <= build_data.TFR_TOLERANCE
    assert len(rates) == 35 * 47


def test_geography_with_an_unknown_municipality_fails(build_data, raw, tmp_path):
    folder = copy_raw(raw, tmp_path, build_data.GEOGRAPHY, build_data.K29)
    path = folder / build_data.GEOGRAPHY
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",Aalborg", ",Ålborg"), encoding="utf-8")
    folk1b = pd.DataFrame({"area": ["Albertslund"]})
    with pytest.raises(DataError) as err:
        build_data.build_municipalities(folder, folk1b)
    assert "municipality 'Ålborg' has no code" in str(err.value)
    assert "line 99" in str(err.value) and "Add it to OTHER_CODES" in str(err.value)


def test_folk1b_area_without_a_code_fails(build_data, raw, tmp_path):
    folder = copy_raw(raw, tmp_path, build_data.GEOGRAPHY, build_data.K29)
    areas = [*data.municipalities()["name_en"], "All Denmark", "Christiansø", "Atlantis"]
    with pytest.raises(DataError, match="FOLK1B area 'Atlantis' maps to 0 municipality codes"):
        build_data.build_municipalities(folder, pd.DataFrame({"area": areas}))


def test_folk1b_age_groups_that_do_not_sum_to_total_fail(build_data):
    rows = [
        ("Albertslund", "male", label, "2008Q1", value)
        for label, value in (("Total", 10), ("0-4 years", 4), ("100 years and over", 5))
    ]
    folk1b = pd.DataFrame(rows, columns=["area", "sex", "age_group", "quarter", "population"])
    folk1b["age_start"] = [None, 0, 100]
    with pytest.raises(DataError, match=r"year 2008: age groups of Albertslund/male do not sum"):
        build_data.check_folk1b_totals(folk1b)


def test_unknown_age_label_is_refused(build_data):
    with pytest.raises(DataError, match=r"unknown age group '100\+'"):
        build_data.age_start_of("100+", "x.csv")


def test_rdata_cross_check_names_the_differing_cell(build_data):
    keys = ["area", "quarter"]
    original = pd.DataFrame({"area": ["Albertslund"], "quarter": ["2020Q1"], "population": [27731]})
    derived = original.assign(population=[27730])
    with pytest.raises(DataError, match=r"'Albertslund'.*RData 27731 != CSV 27730"):
        build_data._same_cells(original, derived, keys, "population", "x.csv")
    build_data._same_cells(original, original.copy(), keys, "population", "x.csv")
