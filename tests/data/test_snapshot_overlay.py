"""Laying a snapshot's FOD33 and PSKAT over the embedded series (pure merge functions)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from byibalance import data

EMBEDDED_ASFR = pd.DataFrame(
    {
        "year": [2018, 2018, 2019, 2019],
        "age": [15, 16, 15, 16],
        "rate_per_1000": [1.0, 2.0, 1.5, 2.5],
    }
)
EMBEDDED_TAX = pd.DataFrame(
    {
        "code": ["165", "101"],
        "name": ["Albertslund", "København"],
        "year": [2025, 2025],
        "income_tax_pct": [25.6, 23.5],
        "church_tax_pct": [0.8, 0.8],
        "land_tax_per_mille": [9.1, 5.1],
        "status": ["published", "published"],
        "source": ["embedded", "embedded"],
    }
)


def test_asfr_overlay_adds_newer_years_and_names_its_source(caplog):
    fresh = pd.DataFrame(
        {
            "year": [2019, 2019, 2020, 2020],
            "age": [15, 16, 15, 16],
            "rate_per_1000": [1.5, 2.5, 1.4, 2.4],
        }
    )
    with caplog.at_level(logging.WARNING):
        out = data.merge_fertility_asfr(EMBEDDED_ASFR, fresh, "S1")
    assert not caplog.records  # the overlap agrees: no warning
    assert out["year"].tolist() == [2018, 2018, 2019, 2019, 2020, 2020]
    assert out["rate_per_1000"].tolist() == [1.0, 2.0, 1.5, 2.5, 1.4, 2.4]
    snap = "snapshot S1 (Statistics Denmark FOD33)"
    assert out["source"].tolist() == ["embedded"] * 2 + [snap] * 4


def test_asfr_overlap_that_differs_is_warned_with_year_and_age(caplog):
    fresh = pd.DataFrame({"year": [2019, 2019], "age": [15, 16], "rate_per_1000": [1.5, 2.9]})
    with caplog.at_level(logging.WARNING):
        out = data.merge_fertility_asfr(EMBEDDED_ASFR, fresh, "S1")
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "FOD33" in message and "1 cells" in message and "0.400" in message
    assert "year 2019, age 16" in message and "byibalance data use embedded" in message
    assert out.set_index(["year", "age"]).loc[(2019, 16), "rate_per_1000"] == 2.9


def test_tax_overlay_fills_missing_municipalities_and_drops_non_municipal_areas(caplog):
    fresh = pd.DataFrame(
        {
            "code": ["165", "751", "000", "751"],
            "year": [2025, 2025, 2025, 2026],
            "income_tax_pct": [25.6, 24.52, 25.0, 24.52],
            "church_tax_pct": [0.8, 0.74, 0.9, 0.74],
            "land_tax_per_mille": [9.1, 28.0, 20.0, 28.0],
        }
    )  # 751 = Aarhus, absent from the embedded page (test values)
    with caplog.at_level(logging.WARNING):
        out = data.merge_tax_rates(EMBEDDED_TAX, fresh, "S2")
    assert not caplog.records
    assert list(out.columns) == list(EMBEDDED_TAX.columns)
    assert list(zip(out["code"], out["year"], strict=True)) == [
        ("101", 2025),
        ("165", 2025),
        ("751", 2025),
        ("751", 2026),
    ]
    rows = out.set_index(["code", "year"])
    assert rows.loc[("751", 2026), "name"] == "Aarhus"
    assert rows.loc[("751", 2026), "status"] == "published"
    assert rows.loc[("751", 2026), "source"] == "snapshot S2 (Statistics Denmark PSKAT)"
    assert rows.loc[("165", 2025), "source"] == "snapshot S2 (Statistics Denmark PSKAT)"
    assert rows.loc[("101", 2025), "source"] == "embedded"


def test_tax_overlap_that_differs_is_warned(caplog):
    fresh = EMBEDDED_TAX.drop(columns=["name", "status", "source"]).iloc[[0]].copy()
    fresh["land_tax_per_mille"] = 9.5
    with caplog.at_level(logging.WARNING):
        out = data.merge_tax_rates(EMBEDDED_TAX, fresh, "S2")
    assert len(caplog.records) == 1
    assert "PSKAT" in caplog.records[0].getMessage()
    assert "code 165, year 2025" in caplog.records[0].getMessage()
    assert out.set_index("code").loc["165", "land_tax_per_mille"] == pytest.approx(9.5)


def quarters_from_january(year: int) -> pd.DataFrame:
    """Every code's four quarters of ``year`` set to its embedded 1 January (test oracle)."""
    pop = data.population_age5()
    jan = pop[pop["year"] == 2020]
    return pd.concat([jan.assign(year=year, quarter=q) for q in (1, 2, 3, 4)], ignore_index=True)[
        ["code", "year", "quarter", "sex", "age_start", "population"]
    ]


def test_person_years_are_the_quarterly_mean_summed_over_the_province():
    quarters = quarters_from_january(2021)
    py = data.snapshot_person_years(quarters).set_index(["province", "year", "sex", "age_start"])
    towns = data.municipalities().set_index("code")["province"]
    jan = data.population_age5().query("year == 2020")
    omegn = jan[jan["code"].map(towns) == "Province Københavns omegn"]
    expected = omegn.query("sex == 'f' and age_start == 80")["population"].sum()
    assert py.loc[("Province Københavns omegn", 2021, "f", 80), "person_years"] == expected
    national = jan.query("code == '000' and sex == 'm' and age_start == 0")["population"].iloc[0]
    assert py.loc[("All Denmark", 2021, "m", 0), "person_years"] == national
    assert len(py.index.get_level_values("province").unique()) == 12

    one_short = quarters[~((quarters["code"] == "165") & (quarters["quarter"] == 3))]
    provinces = set(data.snapshot_person_years(one_short)["province"])
    assert "Province Københavns omegn" not in provinces and "Province Fyn" in provinces


def test_a_new_mortality_year_is_added_only_with_person_years_for_every_province(caplog):
    embedded = data.mortality_province().drop(columns="source")
    last = embedded[embedded["year"] == 2019]
    deaths = last.drop(columns="person_years").assign(year=2021, deaths=last["deaths"] + 1)
    person_years = data.snapshot_person_years(quarters_from_january(2021))
    out = data.merge_mortality(embedded, deaths, person_years, "S3")
    added = out[out["year"] == 2021]
    assert len(added) == len(last) and set(added["source"]) == {
        "snapshot S3 (Statistics Denmark DODC2, FOLK1A)"
    }
    row = added.set_index(["province", "sex", "age_start"]).loc[("Province Fyn", "m", 80)]
    assert (
        row["deaths"]
        == last.set_index(["province", "sex", "age_start"]).loc[("Province Fyn", "m", 80), "deaths"]
        + 1
    )
    without_fyn = person_years[person_years["province"] != "Province Fyn"]
    with caplog.at_level(logging.WARNING):
        out = data.merge_mortality(embedded, deaths, without_fyn, "S3")
    assert 2021 not in set(out["year"])
    assert "DODC2 years [2021] lack person-years" in caplog.records[-1].getMessage()


def test_revised_deaths_in_an_embedded_year_are_used_and_warned(caplog):
    embedded = data.mortality_province().drop(columns="source")
    last = embedded[(embedded["year"] == 2019) & (embedded["province"] == "Province Fyn")]
    deaths = last.drop(columns="person_years").assign(deaths=last["deaths"] * 1.1)
    empty = pd.DataFrame(columns=["province", "year", "sex", "age_start", "person_years"])
    with caplog.at_level(logging.WARNING):
        out = data.merge_mortality(embedded, deaths, empty, "S4")
    message = caplog.records[-1].getMessage()
    changed = int((last["deaths"] > 0).sum())  # 10 % of no deaths is still none
    assert "DODC2 deaths and person-years" in message and f"in {changed} cells" in message
    fyn = out.query("province == 'Province Fyn' and year == 2019")
    np.testing.assert_allclose(fyn["deaths"], last["deaths"] * 1.1)
    np.testing.assert_array_equal(fyn["person_years"], last["person_years"])
    assert set(fyn["source"]) == {"snapshot S4 (Statistics Denmark DODC2)"}
