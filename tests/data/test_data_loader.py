"""The embedded data set as the rest of byibalance sees it: columns, types, values, errors."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from byibalance import data
from byibalance.errors import DataError, UnknownMunicipalityError

COLUMNS = {
    data.municipalities: ["code", "name", "name_en", "region", "province", "k29"],
    data.population_age5: ["code", "year", "sex", "age_start", "population"],
    data.national_single_age: ["date", "sex", "age", "population"],
    data.fertility_asfr: ["year", "age", "rate_per_1000", "source"],
    data.mortality_province: [
        "province",
        "year",
        "sex",
        "age_start",
        "deaths",
        "person_years",
        "weeks_in_year",
        "source",
    ],
    data.tax_rates: [
        "code",
        "name",
        "year",
        "income_tax_pct",
        "church_tax_pct",
        "land_tax_per_mille",
        "status",
        "source",
    ],
    data.observed_totals: ["code", "year", "population", "male", "female", "status", "source"],
}
AGE_STARTS = list(range(0, 101, 5))


@pytest.mark.parametrize("loader", list(COLUMNS), ids=lambda f: f.__name__)
def test_columns_are_exactly_the_agreed_ones(loader):
    assert list(loader().columns) == COLUMNS[loader]


@pytest.mark.parametrize(
    "loader", [data.municipalities, data.population_age5, data.tax_rates, data.observed_totals]
)
def test_codes_are_three_character_strings(loader):
    codes = loader()["code"]
    assert pd.api.types.is_string_dtype(codes)
    assert codes.str.fullmatch(r"\d{3}").all()


def test_numeric_columns_have_numeric_types():
    pop = data.population_age5()
    assert pop["population"].dtype == "int64" and pop["year"].dtype == "int64"
    assert pop["age_start"].dtype == "int64"
    mort = data.mortality_province()
    assert mort["deaths"].dtype == "float64" and mort["person_years"].dtype == "float64"
    assert data.municipalities()["k29"].dtype == bool
    assert str(data.observed_totals()["male"].dtype) == "Int64"


def test_98_municipalities_with_unique_codes_names_and_29_in_k29():
    muni = data.municipalities()
    assert len(muni) == 98
    assert muni["code"].is_unique and muni["name"].is_unique and muni["name_en"].is_unique
    assert len(data.municipality_codes("k29")) == 29
    assert data.municipality_codes() == sorted(data.municipality_codes())
    assert "411" not in data.municipality_codes()  # Christiansø is not a municipality
    assert muni["province"].nunique() == 11 and muni["region"].nunique() == 5


@pytest.mark.parametrize(
    ("code", "name", "province"),
    [
        ("165", "Albertslund", "Province Københavns omegn"),
        ("101", "København", "Province Byen København"),
        ("851", "Aalborg", "Province Nordjylland"),
        ("155", "Dragør", "Province Byen København"),
        ("615", "Horsens", "Province Østjylland"),
        ("400", "Bornholm", "Province Bornholm"),
    ],
)
def test_known_codes_have_their_official_names(code, name, province):
    m = data.municipality(code)
    assert (m.code, m.name, m.province) == (code, name, province)


@pytest.mark.parametrize("key", [165, "165", "0165", " 165 ", "albertslund", "ALBERTSLUND"])
def test_municipality_accepts_codes_and_names(key):
    assert data.municipality(key).code == "165"


def test_copenhagen_is_found_by_its_danish_and_english_names():
    assert data.municipality("københavn").code == "101"
    assert data.municipality("Copenhagen").name == "København"


def test_unknown_code_names_the_code_and_suggests_neighbours():
    with pytest.raises(UnknownMunicipalityError) as err:
        data.municipality("166")
    message = str(err.value)
    assert "'166' is not one of the 98 Danish municipalities" in message
    assert "165 Albertslund" in message and "167 Hvidovre" in message


def test_misspelt_name_suggests_the_closest_name():
    with pytest.raises(UnknownMunicipalityError, match="Did you mean 165 Albertslund"):
        data.municipality("Albertslnd")


def test_christiansoe_and_all_denmark_are_not_municipalities():
    for key in ("411", "000", "Christiansø"):
        with pytest.raises(UnknownMunicipalityError):
            data.municipality(key)


def test_unknown_group_is_refused():
    with pytest.raises(DataError, match="Use 'all' or 'k29'"):
        data.municipality_codes("k30")


@given(st.integers(min_value=0, max_value=9999))
def test_every_integer_is_a_municipality_or_a_clear_error(number):
    codes = set(data.municipality_codes())
    if f"{number:03d}" in codes:
        assert data.municipality(number).code == f"{number:03d}"
    else:
        with pytest.raises(UnknownMunicipalityError, match="is not one of the 98"):
            data.municipality(number)


def test_albertslund_2020_is_27731_with_13791_men_and_13940_women():
    pop = data.population_age5()
    alb = pop[(pop["code"] == "165") & (pop["year"] == 2020)]
    assert alb["population"].sum() == 27_731
    assert alb.loc[alb["sex"] == "m", "population"].sum() == 13_791
    assert alb.loc[alb["sex"] == "f", "population"].sum() == 13_940


def test_albertslund_age_table_of_domain_md():
    """DOMAIN.md §2.5 [P f-alb]: 0–4, 5–14, 15–64, 65–79, 80+ in 2008 and 2020."""
    pop = data.population_age5()
    alb = pop[pop["code"] == "165"].groupby(["year", "age_start"])["population"].sum()
    bands = {"0-4": [0], "5-14": [5, 10], "15-64": list(range(15, 65, 5)),
             "65-79": [65, 70, 75], "80+": list(range(80, 101, 5))}  # fmt: skip
    expected = {
        2008: {"0-4": 1614, "5-14": 3843, "15-64": 18772, "65-79": 2930, "80+": 443},
        2020: {"0-4": 1510, "5-14": 3439, "15-64": 17731, "65-79": 3985, "80+": 1066},
    }
    for year, values in expected.items():
        for band, value in values.items():
            assert alb.loc[year].loc[bands[band]].sum() == value, (year, band)


def test_population_grid_is_complete():
    pop = data.population_age5()
    assert pop["code"].nunique() == 99  # 98 municipalities + 000 All Denmark
    assert sorted(pop["year"].unique()) == list(range(2008, 2021))
    assert sorted(pop["age_start"].unique()) == AGE_STARTS
    assert set(pop["sex"]) == {"m", "f"}
    assert not pop.duplicated(["code", "year", "sex", "age_start"]).any()
    assert len(pop) == 99 * 13 * 2 * 21
    assert (pop["population"] >= 0).all()


def test_municipalities_sum_to_denmark_less_christiansoe():
    """All Denmark − Σ 98 municipalities = Christiansø: a handful of people per cell, never < 0."""
    pop = data.population_age5()
    dk = pop[pop["code"] == "000"].set_index(["year", "sex", "age_start"])["population"]
    munis = pop[pop["code"] != "000"].groupby(["year", "sex", "age_start"])["population"].sum()
    gap = dk - munis
    assert gap.min() >= 0
    assert gap.groupby("year").sum().min() >= 50 and gap.groupby("year").sum().max() <= 150


def test_denmark_2020_total():
    pop = data.population_age5()
    assert pop[(pop["code"] == "000") & (pop["year"] == 2020)]["population"].sum() == 5_822_763


def test_observed_totals_agree_with_the_compiled_albertslund_series():
    obs = data.observed_totals()
    alb = obs[obs["code"] == "165"].set_index("year")
    expected = [27602, 27706, 27730, 27800, 27864, 27824, 27728, 27806, 27880, 27896, 27743,
                27877, 27731]  # fmt: skip
    assert alb.loc[2008:2020, "population"].tolist() == expected
    assert (alb.loc[2008:2020, "status"] == "published").all()
    assert alb.loc[2021, "population"] == 27_366 and alb.loc[2021, "status"] == "secondary"
    assert alb.loc[2021, "male"] == 13_585 and alb.loc[2021, "female"] == 13_781
    assert alb.loc[2023, "population"] == 27_530 and pd.isna(alb.loc[2023, "male"])
    assert alb.loc[2024, "population"] == 27_677
    assert 2022 not in alb.index  # missing, never interpolated
    assert (obs["population"] == obs["male"] + obs["female"]).dropna().all()


def test_single_ages_cover_0_to_100_and_keep_the_2025_total():
    single = data.national_single_age()
    assert (
        single.groupby(["date", "sex"])["age"]
        .apply(list)
        .map(lambda ages: ages == list(range(101)))
        .all()
    )
    dates = sorted(single["date"].unique())
    assert dates == [f"{y}-07-01" for y in range(2008, 2020)] + ["2025-10-01"]
    oct25 = single[single["date"] == "2025-10-01"].groupby("sex")["population"].sum()
    assert oct25["m"] == 2_992_365 and oct25["f"] == 3_027_501


def test_single_ages_of_2019_match_the_5_year_groups_of_the_same_year():
    """1 July 2019 (PopQ3) lies between FOLK1B 1 January 2019 and 2020: each 5-year group of the
    summer is within 3 % of the mean of the two January values (ages under 95)."""
    single = data.national_single_age()
    july = single[single["date"] == "2019-07-01"].copy()
    july["age_start"] = (july["age"] // 5 * 5).clip(upper=100)
    july5 = july.groupby(["sex", "age_start"])["population"].sum()
    pop = data.population_age5()
    dk = pop[(pop["code"] == "000") & pop["year"].isin([2019, 2020])]
    jan = dk.groupby(["sex", "age_start"])["population"].mean()
    rel = (july5 / jan - 1).abs()
    assert rel[rel.index.get_level_values("age_start") < 95].max() < 0.03


def test_fertility_rates_sum_to_the_published_tfr():
    """DOMAIN.md §2.5: Denmark's TFR was 1.70 in 2019 [P dstfert19]."""
    asfr = data.fertility_asfr()
    assert sorted(asfr["age"].unique()) == list(range(15, 50))
    assert sorted(asfr["year"].unique()) == list(range(1973, 2020))
    tfr = asfr.groupby("year")["rate_per_1000"].sum() / 1000
    assert tfr[2019] == pytest.approx(1.6994, abs=0.001)  # FOD33 total row: 1699.4
    assert round(tfr[2019], 2) == 1.70
    assert tfr[1973] == pytest.approx(1.917, abs=0.001)


def test_tax_rates_of_albertslund_and_the_missing_ones_are_absent():
    tax = data.tax_rates().set_index("code")
    assert tax.loc["165", ["income_tax_pct", "church_tax_pct", "land_tax_per_mille"]].tolist() == [
        25.60,
        0.80,
        9.10,
    ]
    assert tax.loc["101", "name"] == "København"
    assert len(tax) == 57 and "851" not in tax.index  # Aalborg is not on the compiled page
    assert (tax["year"] == 2025).all()


def test_housing_projects_are_secondary_with_a_source_each():
    projects = data.housing_projects()
    assert (projects["status"] == "secondary").all()
    assert projects["source_address"].str.startswith("http").all()
    assert len(projects) == 10


def test_manifest_checksums_and_rows_match_the_files():
    entries = data.manifest()["files"]
    assert {e["file"] for e in entries} == {
        "municipalities.csv",
        "population_age5.csv.gz",
        "denmark_population_single_age.csv",
        "denmark_fertility_asfr.csv",
        "mortality_province_age5.csv",
        "tax_rates.csv",
        "albertslund_population_totals.csv",
        "albertslund_housing_projects.csv",
    }
    for entry in entries:
        path = data.data_dir() / entry["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], entry["file"]
        for key in ("title", "source", "period", "status", "licence", "built_by", "rows"):
            assert entry[key], (entry["file"], key)
    rows = {e["file"]: e["rows"] for e in entries}
    assert rows["population_age5.csv.gz"] == len(data.population_age5())
    assert rows["mortality_province_age5.csv"] == len(data.mortality_province())


def test_loaders_are_cached():
    assert data.population_age5() is data.population_age5()
