"""Rebuild byibalance's embedded data set from the raw Statistics Denmark extracts.

Usage::

    python scripts/build_data.py --raw /work/shared/data/raw [--out src/byibalance/data]

Every output file is written deterministically (sorted rows, fixed float formats, gzip with
``mtime=0``), so a rebuild from the same raw folder gives byte-identical files; the test suite
checks that. Each file is checked against the raw totals it comes from, and the build stops with a
one-line message naming the file, field and year when a check fails.

Inputs used (all under ``--raw``):

* ``derived/folk1b_population_by_area_sex_age5_quarter_2008Q1-2020Q4.csv.gz``: FOLK1B in tidy
  form (the same numbers as ``dat$folk1b`` in ``dodc2_and_folk1b.RData``; the .RData is not read).
* ``derived/folk1b_hovedstaden_k29_population_1jan_2008-2020.csv``: the 29 K29 codes.
* ``derived/dodc2_deaths_by_province_sex_age5_isoweekyear_2007-2020.csv``: DODC2 per ISO year.
* ``derived/denmark_population_2025Q4_single_age_sex_from_FOLK1A.csv``: FOLK1A 1 October 2025.
* ``cpop-sdu_statbank_dk_weekly_data/``: ``PopQ3_Denmark.csv``, ``ASFR.csv`` and
  ``dk_region_province_municipality.csv``.
* ``compiled/``: PSKAT 2025 tax rates, Albertslund totals and housing projects.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from byibalance.errors import ByibalanceError, DataError, ErrorLocation

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "src" / "byibalance" / "data"

FOLK1B = "derived/folk1b_population_by_area_sex_age5_quarter_2008Q1-2020Q4.csv.gz"
K29 = "derived/folk1b_hovedstaden_k29_population_1jan_2008-2020.csv"
DODC2 = "derived/dodc2_deaths_by_province_sex_age5_isoweekyear_2007-2020.csv"
FOLK1A_2025 = "derived/denmark_population_2025Q4_single_age_sex_from_FOLK1A.csv"
CPOP = "cpop-sdu_statbank_dk_weekly_data"
POPQ3 = f"{CPOP}/PopQ3_Denmark.csv"
ASFR = f"{CPOP}/ASFR.csv"
GEOGRAPHY = f"{CPOP}/dk_region_province_municipality.csv"
PSKAT = "compiled/pskat_2025_municipal_tax_rates.csv"
ALB_TOTALS = "compiled/albertslund_population_totals.csv"
ALB_HOUSING = "compiled/albertslund_housing_projects.csv"

DST_LICENCE = "Statistics Denmark: free reuse with source citation (comparable to CC BY 4.0)"
DST_TERMS = "https://www.dst.dk/da/Statistik/hjaelp-til-statistikbanken/api"
CPOP_REPO = (
    "github.com/CPop-SDU/statbank_dk_weekly_data (commit a143f13a5b9b132cdf95550a011a01c616380cff)"
)
DATACOMMONS_REPO = (
    "github.com/datacommonsorg/data (commit 38cff0600fd794b077460eaaf3cf47231596a066), "
    "statvar_imports/denmark_demographics/test_data/"
    "population_quarterly_region_time_marital_status_input.csv"
)

ALL_DENMARK = "All Denmark"
ALL_DENMARK_CODE = "000"
NOT_A_MUNICIPALITY = "Christiansø"  # administered by the state, part of province Bornholm
AGE_STARTS = list(range(0, 101, 5))
MEAN_WEEKS_PER_YEAR = 52.1775  # 365.2425 days / 7: the mean length of a Gregorian year in weeks
POPQ3_TOLERANCE = 50  # persons: PopQ3 stops at age 105, FOLK1B counts everyone
TFR_TOLERANCE = 1.0  # per 1,000 women: 35 rates rounded to 0.1 each

# Official municipality codes (KOMKODE, as used by Statistics Denmark's OMRÅDE and DAWA) of the
# 69 municipalities outside Region Hovedstaden; the 29 K29 codes are read from the raw folder.
# Source: the official kommunekode list (see CODE_SOURCE below for how it was checked).
OTHER_CODES: dict[str, str] = {
    "Greve": "253", "Køge": "259", "Roskilde": "265", "Solrød": "269",
    "Odsherred": "306", "Holbæk": "316", "Faxe": "320", "Kalundborg": "326",
    "Ringsted": "329", "Slagelse": "330", "Stevns": "336", "Sorø": "340", "Lejre": "350",
    "Lolland": "360", "Næstved": "370", "Guldborgsund": "376", "Vordingborg": "390",
    "Middelfart": "410", "Assens": "420", "Faaborg-Midtfyn": "430", "Kerteminde": "440",
    "Nyborg": "450", "Odense": "461", "Svendborg": "479", "Nordfyns": "480",
    "Langeland": "482", "Ærø": "492", "Haderslev": "510", "Billund": "530",
    "Sønderborg": "540", "Tønder": "550", "Esbjerg": "561", "Fanø": "563", "Varde": "573",
    "Vejen": "575", "Aabenraa": "580", "Fredericia": "607", "Horsens": "615",
    "Kolding": "621", "Vejle": "630", "Herning": "657", "Holstebro": "661", "Lemvig": "665",
    "Struer": "671", "Syddjurs": "706", "Norddjurs": "707", "Favrskov": "710",
    "Odder": "727", "Randers": "730", "Silkeborg": "740", "Samsø": "741",
    "Skanderborg": "746", "Aarhus": "751", "Ikast-Brande": "756",
    "Ringkøbing-Skjern": "760", "Hedensted": "766", "Morsø": "773", "Skive": "779",
    "Thisted": "787", "Viborg": "791", "Brønderslev": "810", "Frederikshavn": "813",
    "Vesthimmerlands": "820", "Læsø": "825", "Rebild": "840", "Mariagerfjord": "846",
    "Jammerbugt": "849", "Aalborg": "851", "Hjørring": "860",
}  # fmt: skip
CODE_SOURCE = (
    "K29 codes: raw derived/folk1b_hovedstaden_k29_population_1jan_2008-2020.csv (DST OMRÅDE "
    "codes); the other 69: the official kommunekode list (Danmarks Adresseregister, "
    "https://danmarksadresser.dk/adressedata/kodelister/kommunekodeliste; not fetched by the "
    "build), transcribed and checked code by code against github.com/ladekjaer/dawars "
    "src/models/municipality_code.rs (commit 674563cf55eecfe9fb4a474a042314689bfdd996; all 98 "
    "codes agree) and, for a sample, github.com/ExeQue/general-purpose-apis "
    "config/garbage/counties.php (Aalborg 0851, Horsens 0615, Randers 0730, Esbjerg 0561)"
)


def fail(
    problem: str,
    fix: str,
    file: str,
    field: str | None = None,
    year: int | None = None,
    line: int | None = None,
) -> DataError:
    """A DataError pointing at a raw file, for ``raise fail(...)``."""
    return DataError(problem, fix, ErrorLocation(file=file, line=line, field=field, year=year))


def read_raw_csv(raw: Path, name: str, **kwargs: object) -> pd.DataFrame:
    """Read one raw CSV, turning a missing file into a one-line error."""
    path = raw / name
    if not path.is_file():
        raise fail("raw file not found", f"Point --raw at shared/data/raw (looked in {raw})", name)
    return pd.read_csv(path, **kwargs)


def age_start_of(label: str, file: str) -> int | None:
    """5-year FOLK1B/DODC2 label to its first age: '0-4 years' -> 0, '100 years and over' -> 100,
    'Total' -> None."""
    if label == "Total":
        return None
    match = re.fullmatch(r"(\d+)-(\d+) years|(100) years and over", label)
    if not match:
        raise fail(
            f"unknown age group {label!r}",
            "Expected '0-4 years' … '100 years and over'",
            file,
            field="age_group",
        )
    return int(match.group(1) or match.group(3))


# ---------------------------------------------------------------------------------------------
# 1. municipalities


def build_municipalities(raw: Path, folk1b: pd.DataFrame) -> pd.DataFrame:
    """The 98 municipalities with code, Danish and FOLK1B (English) name, region and province."""
    geo = read_raw_csv(raw, GEOGRAPHY, dtype=str)
    geo = geo[geo["municipality"] != NOT_A_MUNICIPALITY]
    k29 = read_raw_csv(raw, K29, dtype=str)
    k29 = k29[["dst_omraade_code", "area"]].drop_duplicates()
    k29 = k29[~k29["area"].isin([ALL_DENMARK, "Region Hovedstaden", NOT_A_MUNICIPALITY])]
    codes = dict(zip(k29["area"], k29["dst_omraade_code"], strict=True))
    if len(codes) != 29:
        raise fail(f"found {len(codes)} K29 municipalities, expected 29", "Check the raw file", K29)
    overlap = set(codes) & set(OTHER_CODES)
    if overlap:
        raise fail(
            f"names both in K29 and in the code list: {sorted(overlap)}",
            "Fix OTHER_CODES in scripts/build_data.py",
            K29,
        )
    codes.update(OTHER_CODES)

    rows = []
    for line, rec in enumerate(geo.itertuples(index=False), start=2):
        name = str(rec.municipality)
        if name not in codes:
            raise fail(
                f"municipality {name!r} has no code",
                "Add it to OTHER_CODES",
                GEOGRAPHY,
                field="municipality",
                line=line,
            )
        rows.append(
            {
                "code": codes[name],
                "name": name,
                "region": rec.region,
                "province": rec.province,
                "k29": rec.region == "Region Hovedstaden",
            }
        )
    muni = pd.DataFrame(rows)
    if len(muni) != 98 or muni["code"].nunique() != 98 or muni["name"].nunique() != 98:
        raise fail(
            f"{len(muni)} municipalities with {muni['code'].nunique()} distinct codes",
            "Expected exactly 98 distinct municipalities and codes",
            GEOGRAPHY,
        )
    unused = set(codes) - set(muni["name"])
    if unused:
        raise fail(
            f"codes for names not in the geography file: {sorted(unused)}",
            "Check the spelling in OTHER_CODES",
            GEOGRAPHY,
        )
    if int(muni["k29"].sum()) != 29 or set(muni.loc[muni["k29"], "name"]) != set(k29["area"]):
        raise fail("the K29 flag does not match the K29 file", "Check the region names", GEOGRAPHY)

    muni["name_en"] = [english_name(name, folk1b) for name in muni["name"]]
    check_folk1b_areas(folk1b, muni)
    muni = muni[["code", "name", "name_en", "region", "province", "k29"]]
    return muni.sort_values("code").reset_index(drop=True)


def english_name(name: str, folk1b: pd.DataFrame) -> str:
    """The FOLK1B (English-language extract) spelling of a Danish municipality name."""
    areas = set(folk1b["area"].unique())
    if name in areas:
        return name
    if name == "København" and "Copenhagen" in areas:
        return "Copenhagen"
    raise fail(
        f"municipality {name!r} is not an area of FOLK1B",
        "Map its English name in english_name()",
        FOLK1B,
        field="area",
    )


def check_folk1b_areas(folk1b: pd.DataFrame, muni: pd.DataFrame) -> None:
    """Every FOLK1B area is All Denmark, a region, Christiansø or exactly one municipality."""
    known = {ALL_DENMARK, NOT_A_MUNICIPALITY, *muni["region"]}
    for area in sorted(folk1b["area"].unique()):
        hits = int((muni["name_en"] == area).sum())
        if area in known:
            continue
        if hits != 1:
            raise fail(
                f"FOLK1B area {area!r} maps to {hits} municipality codes",
                "Each area must map to exactly one code",
                FOLK1B,
                field="area",
            )


# ---------------------------------------------------------------------------------------------
# 2. population by 5-year age, 1 January


def load_folk1b(raw: Path) -> pd.DataFrame:
    """Tidy FOLK1B with an added ``age_start`` (None for Total) and ``year``/``q`` columns."""
    folk1b = read_raw_csv(raw, FOLK1B, dtype={"population": "int64"})
    starts = {label: age_start_of(label, FOLK1B) for label in folk1b["age_group"].unique()}
    folk1b["age_start"] = folk1b["age_group"].map(starts)
    folk1b["year"] = folk1b["quarter"].str[:4].astype("int64")
    folk1b["q"] = folk1b["quarter"].str[5:].astype("int64")
    return folk1b


def check_folk1b_totals(folk1b: pd.DataFrame) -> None:
    """Age groups sum to the Total row; men + women = total; municipalities sum to Denmark."""
    groups = folk1b[folk1b["age_start"].notna()]
    by_age = groups.groupby(["area", "sex", "quarter"])["population"].sum()
    total = folk1b[folk1b["age_start"].isna()].set_index(["area", "sex", "quarter"])["population"]
    diff = (by_age - total.reindex(by_age.index)).abs()
    if diff.isna().any() or diff.max() > 0:
        area, sex, quarter = diff.fillna(1e18).idxmax()
        raise fail(
            f"age groups of {area}/{sex} do not sum to the Total row",
            "The raw FOLK1B file is inconsistent",
            FOLK1B,
            field="population",
            year=int(quarter[:4]),
        )
    wide = total.unstack("sex")
    bad = wide[wide["male"] + wide["female"] != wide["total"]]
    if len(bad):
        area, quarter = bad.index[0]
        raise fail(
            f"men + women != total for {area} {quarter}",
            "The raw file is inconsistent",
            FOLK1B,
            field="sex",
            year=int(quarter[:4]),
        )


def build_population_age5(folk1b: pd.DataFrame, muni: pd.DataFrame) -> pd.DataFrame:
    """``code,year,sex,age_start,population`` on 1 January 2008–2020 for 98 + All Denmark."""
    check_folk1b_totals(folk1b)
    names = dict(zip(muni["name_en"], muni["code"], strict=True))
    names[ALL_DENMARK] = ALL_DENMARK_CODE
    jan = folk1b[(folk1b["q"] == 1) & folk1b["age_start"].notna() & (folk1b["sex"] != "total")]
    jan = jan[jan["area"].isin(names)].copy()
    jan["code"] = jan["area"].map(names)
    jan["sex"] = jan["sex"].map({"male": "m", "female": "f"})
    jan["age_start"] = jan["age_start"].astype("int64")
    out = jan[["code", "year", "sex", "age_start", "population"]]
    out = out.sort_values(["code", "year", "sex", "age_start"], key=_sex_key)
    out = out.reset_index(drop=True)

    # 98 municipalities + Christiansø = All Denmark, per year, sex and age group.
    all_dk = out[out["code"] == ALL_DENMARK_CODE].set_index(["year", "sex", "age_start"])
    munis = out[out["code"] != ALL_DENMARK_CODE].groupby(["year", "sex", "age_start"]).sum()
    chr_ = jan_christiansoe(folk1b)
    gap = all_dk["population"] - munis["population"] - chr_.reindex(all_dk.index, fill_value=0)
    if gap.abs().max() != 0:
        year = int(gap.abs().idxmax()[0])
        raise fail(
            "the 98 municipalities and Christiansø do not sum to All Denmark",
            "The raw FOLK1B file is inconsistent",
            FOLK1B,
            field="population",
            year=year,
        )
    expected = 99 * 13 * 2 * 21
    if len(out) != expected:
        raise fail(f"{len(out)} rows, expected {expected}", "Check the raw FOLK1B coverage", FOLK1B)
    return out


def jan_christiansoe(folk1b: pd.DataFrame) -> pd.Series:
    """Christiansø's 1 January population by year, sex (m/f) and age group."""
    c = folk1b[
        (folk1b["area"] == NOT_A_MUNICIPALITY)
        & (folk1b["q"] == 1)
        & folk1b["age_start"].notna()
        & (folk1b["sex"] != "total")
    ].copy()
    c["sex"] = c["sex"].map({"male": "m", "female": "f"})
    c["age_start"] = c["age_start"].astype("int64")
    return c.set_index(["year", "sex", "age_start"])["population"]


def _sex_key(col: pd.Series) -> pd.Series:
    """Sort men before women (the Projection's sex axis: 0 = m, 1 = f)."""
    if col.name == "sex":
        return col.map({"m": 0, "f": 1})
    return col


# ---------------------------------------------------------------------------------------------
# 3. national single ages


def build_national_single_age(raw: Path, folk1b: pd.DataFrame) -> pd.DataFrame:
    """``date,sex,age,population`` for 1 July 2008–2019 (PopQ3) and 1 October 2025 (FOLK1A)."""
    popq3 = read_raw_csv(raw, POPQ3)
    parsed = popq3["Age"].str.extract(r"^(\d+) years?$")[0]
    if parsed.isna().any():
        line = int(parsed.isna().to_numpy().argmax()) + 2
        raise fail(
            f"unreadable age {popq3['Age'][line - 2]!r}",
            "Expected '0 years' … '105 years'",
            POPQ3,
            field="Age",
            line=line,
        )
    popq3["age"] = parsed.astype("int64").clip(upper=100)
    popq3["sex"] = popq3["Sex"].map({"Men": "m", "Women": "f"})
    long = popq3.drop(columns=["Sex", "Age"]).melt(
        id_vars=["sex", "age"], var_name="quarter", value_name="population"
    )
    long = long.groupby(["quarter", "sex", "age"], as_index=False)["population"].sum()
    long["date"] = long["quarter"].str[:4] + "-07-01"
    check_popq3(long, folk1b)

    dk25 = read_raw_csv(raw, FOLK1A_2025, dtype={"age": str})
    dk25["age"] = dk25["age"].str.rstrip("+").astype("int64")
    if (dk25["male"] + dk25["female"] != dk25["total"]).any():
        raise fail("male + female != total", "The raw file is inconsistent", FOLK1A_2025)
    dk25 = dk25.melt(
        id_vars=["date", "age"],
        value_vars=["male", "female"],
        var_name="sex",
        value_name="population",
    )
    dk25["sex"] = dk25["sex"].map({"male": "m", "female": "f"})
    if int(dk25["population"].sum()) != 6_019_866:
        raise fail(
            f"total {int(dk25['population'].sum())} != 6,019,866 (README)",
            "The raw file is not the documented FOLK1A extract",
            FOLK1A_2025,
            year=2025,
        )

    out = pd.concat(
        [long[["date", "sex", "age", "population"]], dk25[["date", "sex", "age", "population"]]]
    )
    out["population"] = out["population"].astype("int64")
    out = out.sort_values(["date", "sex", "age"], key=_sex_key).reset_index(drop=True)
    if len(out) != 13 * 2 * 101:
        raise fail(f"{len(out)} rows, expected {13 * 2 * 101}", "Check ages 0..100", POPQ3)
    return out


def check_popq3(long: pd.DataFrame, folk1b: pd.DataFrame) -> int:
    """PopQ3 totals against FOLK1B All Denmark Q3; returns the largest shortfall (persons)."""
    worst = 0
    for (quarter, sex), part in long.groupby(["quarter", "sex"]):
        ref = folk1b[
            (folk1b["area"] == ALL_DENMARK)
            & (folk1b["quarter"] == quarter)
            & (folk1b["sex"] == {"m": "male", "f": "female"}[str(sex)])
            & folk1b["age_start"].isna()
        ]["population"]
        gap = int(ref.iloc[0]) - int(part["population"].sum())
        if not 0 <= gap <= POPQ3_TOLERANCE:
            raise fail(
                f"PopQ3 total differs from FOLK1B by {gap} persons",
                f"Expected 0..{POPQ3_TOLERANCE} (ages over 105 are not in PopQ3)",
                POPQ3,
                field=str(sex),
                year=int(str(quarter)[:4]),
            )
        worst = max(worst, gap)
    return worst


# ---------------------------------------------------------------------------------------------
# 4. fertility


def build_fertility(raw: Path) -> tuple[pd.DataFrame, float]:
    """``year,age,rate_per_1000`` for ages 15–49, 1973–2019, and the largest |TFR - sum| found."""
    path = raw / ASFR
    if not path.is_file():
        raise fail("raw file not found", "Point --raw at shared/data/raw", ASFR)
    table = pd.read_csv(path, sep=";", skiprows=2, index_col=0)
    table = table.loc[:, [c for c in table.columns if re.fullmatch(r"\d{4}", str(c))]]
    ages = [label for label in table.index if re.fullmatch(r"\d+ years", str(label))]
    rates = table.loc[ages].astype(float)
    rates.index = [int(str(a).split()[0]) for a in ages]
    if list(rates.index) != list(range(15, 50)):
        raise fail(f"ages {list(rates.index)[:3]}… are not 15..49", "Check the file", ASFR)
    tfr = table.loc["Total fertility rate"].astype(float)
    diff = (rates.sum() - tfr).abs()
    if diff.max() > TFR_TOLERANCE:
        raise fail(
            f"sum of rates differs from the published TFR by {diff.max():.1f}",
            f"Expected at most {TFR_TOLERANCE} per 1,000 (rounding)",
            ASFR,
            field="Total fertility rate",
            year=int(diff.idxmax()),
        )
    long = (
        rates.rename_axis("age")
        .reset_index()
        .melt(id_vars="age", var_name="year", value_name="rate_per_1000")
    )
    long["year"] = long["year"].astype("int64")
    long = long[["year", "age", "rate_per_1000"]].sort_values(["year", "age"])
    return long.reset_index(drop=True), round(float(diff.max()), 6)


# ---------------------------------------------------------------------------------------------
# 5. mortality by province


def build_mortality(raw: Path, folk1b: pd.DataFrame, muni: pd.DataFrame) -> pd.DataFrame:
    """Deaths (scaled to a 52.1775-week year where the ISO year has 53 weeks) and person-years.

    ``deaths = D_iso * 52.1775 / weeks`` if ``weeks == 53`` else ``D_iso``;
    ``person_years = mean over quarters q=1..4 of sum over the province's areas of P[q]``.
    """
    dodc2 = read_raw_csv(raw, DODC2)
    dodc2 = dodc2[(dodc2["year"] >= 2008) & (dodc2["year"] <= 2019) & (dodc2["sex"] != "total")]
    starts = {label: age_start_of(label, DODC2) for label in dodc2["age_group"].unique()}
    dodc2 = dodc2.assign(age_start=dodc2["age_group"].map(starts))
    check_dodc2_totals(dodc2)
    dodc2 = dodc2[dodc2["age_start"].notna()].copy()
    if set(dodc2["weeks_in_year"]) - {52, 53}:
        raise fail(
            "an ISO year in 2008-2019 with neither 52 nor 53 weeks",
            "Check the file",
            DODC2,
            field="weeks_in_year",
        )
    factor = dodc2["weeks_in_year"].map({52: 1.0, 53: MEAN_WEEKS_PER_YEAR / 53})
    dodc2["deaths"] = (dodc2["deaths"] * factor).round(4)
    dodc2["province"] = dodc2["area"]
    dodc2["sex"] = dodc2["sex"].map({"male": "m", "female": "f"})
    dodc2["age_start"] = dodc2["age_start"].astype("int64")

    # Christiansø is not a municipality but lives in province Bornholm, as DODC2 counts it.
    area_to_province = dict(zip(muni["name_en"], muni["province"], strict=True))
    area_to_province[NOT_A_MUNICIPALITY] = "Province Bornholm"
    pop = folk1b[
        folk1b["age_start"].notna()
        & (folk1b["sex"] != "total")
        & folk1b["year"].between(2008, 2019)
    ].copy()
    national = pop[pop["area"] == ALL_DENMARK].assign(province=ALL_DENMARK)
    local = pop[pop["area"].isin(area_to_province)].copy()
    local["province"] = local["area"].map(area_to_province)
    pop = pd.concat([national, local])
    pop["sex"] = pop["sex"].map({"male": "m", "female": "f"})
    pop["age_start"] = pop["age_start"].astype("int64")
    quarters = pop.groupby(["province", "year", "sex", "age_start"])["q"].nunique()
    if quarters.min() != 4:
        raise fail("a year without four quarterly populations", "Check FOLK1B coverage", FOLK1B)
    py = pop.groupby(["province", "year", "sex", "age_start"])["population"].sum() / 4
    py = py.rename("person_years").reset_index()

    provinces = set(muni["province"]) | {ALL_DENMARK}
    if set(dodc2["province"]) != provinces:
        raise fail(
            f"DODC2 areas {sorted(set(dodc2['province']) ^ provinces)} do not match the provinces",
            "Check the geography file",
            DODC2,
            field="area",
        )
    out = dodc2.merge(
        py,
        on=["province", "year", "sex", "age_start"],
        how="outer",
        validate="one_to_one",
        indicator=True,
    )
    if (out["_merge"] != "both").any():
        bad = out[out["_merge"] != "both"].iloc[0]
        raise fail(
            f"deaths and population do not align for {bad['province']} {bad['sex']} "
            f"{bad['age_start']}",
            "Check both raw files",
            DODC2,
            year=int(bad["year"]),
        )
    out = out[["province", "year", "sex", "age_start", "deaths", "person_years", "weeks_in_year"]]
    out["weeks_in_year"] = out["weeks_in_year"].astype("int64")
    out["year"] = out["year"].astype("int64")
    out = out.sort_values(["province", "year", "sex", "age_start"], key=_sex_key)
    return out.reset_index(drop=True)


def check_dodc2_totals(dodc2: pd.DataFrame) -> None:
    """Age groups of DODC2 sum to its Total row, per area, sex and year."""
    groups = dodc2[dodc2["age_start"].notna()].groupby(["area", "sex", "year"])["deaths"].sum()
    total = dodc2[dodc2["age_start"].isna()].set_index(["area", "sex", "year"])["deaths"]
    diff = (groups - total.reindex(groups.index)).abs()
    if diff.isna().any() or diff.max() > 0:
        area, sex, year = diff.fillna(1e18).idxmax()
        raise fail(
            f"DODC2 age groups of {area}/{sex} do not sum to Total",
            "Check the raw file",
            DODC2,
            field="deaths",
            year=int(year),
        )


# ---------------------------------------------------------------------------------------------
# 6-8. compiled tables


def build_tax_rates(raw: Path, muni: pd.DataFrame) -> pd.DataFrame:
    """``code,name,year,income_tax_pct,church_tax_pct,land_tax_per_mille`` from PSKAT 2025."""
    pskat = read_raw_csv(raw, PSKAT, dtype=str)
    lookup = {
        **dict(zip(muni["name"], muni["code"], strict=True)),
        **dict(zip(muni["name_en"], muni["code"], strict=True)),
    }
    codes = []
    for line, name in enumerate(pskat["municipality"], start=2):
        if name not in lookup:
            raise fail(
                f"unknown municipality {name!r}",
                "Use a Danish or FOLK1B name",
                PSKAT,
                field="municipality",
                line=line,
            )
        codes.append(lookup[name])
    names = dict(zip(muni["code"], muni["name"], strict=True))
    out = pd.DataFrame(
        {
            "code": codes,
            "name": [names[c] for c in codes],
            "year": 2025,
            "income_tax_pct": pskat["municipal_tax_rate_pct"],
            "church_tax_pct": pskat["church_tax_rate_pct"],
            "land_tax_per_mille": pskat["land_tax_rate_permille"],
        }
    )
    if out["code"].duplicated().any():
        raise fail("a municipality appears twice", "Remove the duplicate row", PSKAT)
    for col in ("income_tax_pct", "church_tax_pct", "land_tax_per_mille"):
        values = pd.to_numeric(out[col], errors="coerce")
        if values.isna().any() or (values < 0).any():
            line = int(values.isna().to_numpy().argmax()) + 2
            raise fail(
                "missing or negative rate",
                "Fill in the published rate",
                PSKAT,
                field=col,
                line=line,
            )
    k29_flag = pskat["k29_capital_region"].eq("yes").tolist()
    if k29_flag != out["code"].map(dict(zip(muni["code"], muni["k29"], strict=True))).tolist():
        raise fail(
            "k29_capital_region disagrees with the municipality list",
            "Check the flag",
            PSKAT,
            field="k29_capital_region",
        )
    return out.sort_values("code").reset_index(drop=True)


def build_albertslund_totals(raw: Path, folk1b: pd.DataFrame) -> pd.DataFrame:
    """The compiled Albertslund totals with code and a status key; FOLK1B rows are re-checked."""
    src = read_raw_csv(raw, ALB_TOTALS, dtype=str)
    status = []
    for line, text in enumerate(src["status"], start=2):
        if text.startswith("exact"):
            status.append("published")
        elif text.startswith("published figure quoted by secondary"):
            status.append("secondary")
        else:
            raise fail(
                f"unknown status {text!r}",
                "Use 'exact …' or 'published figure quoted by secondary site …'",
                ALB_TOTALS,
                field="status",
                line=line,
            )
    out = pd.DataFrame(
        {
            "code": "165",
            "date": src["date"],
            "population": src["population"],
            "male": src["male"],
            "female": src["female"],
            "status": status,
            "source_table": src["source_table"],
            "source_address": src["source_address"],
        }
    )
    alb = folk1b[(folk1b["area"] == "Albertslund") & folk1b["age_start"].isna()]
    for line, rec in enumerate(out.itertuples(index=False), start=2):
        if rec.status != "published":
            continue
        year, month = int(rec.date[:4]), int(rec.date[5:7])
        quarter = f"{year}Q{(month - 1) // 3 + 1}"
        ref = alb[alb["quarter"] == quarter].set_index("sex")["population"]
        for field, sex in (("population", "total"), ("male", "male"), ("female", "female")):
            value = getattr(rec, field)
            if isinstance(value, str) and int(value) != int(ref[sex]):
                raise fail(
                    f"{value} differs from FOLK1B {quarter} ({int(ref[sex])})",
                    "Correct the compiled row",
                    ALB_TOTALS,
                    field=field,
                    line=line,
                    year=year,
                )
    return out


def build_housing(raw: Path) -> pd.DataFrame:
    """The compiled Albertslund housing projects, unchanged, with ``status = secondary``."""
    src = read_raw_csv(raw, ALB_HOUSING, dtype=str, keep_default_na=False)
    return src.assign(status="secondary")


# ---------------------------------------------------------------------------------------------
# writing and the manifest


@dataclass(frozen=True)
class Output:
    """One embedded file and its manifest entry."""

    file: str
    frame: pd.DataFrame
    meta: dict[str, object]
    float_format: str | None = None


def csv_bytes(frame: pd.DataFrame, float_format: str | None) -> bytes:
    """UTF-8 CSV with ``\\n`` line ends; booleans as true/false."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == bool:
            frame[col] = frame[col].map({True: "true", False: "false"})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format=float_format)
    return buffer.getvalue().encode("utf-8")


def write_output(out_dir: Path, item: Output) -> dict[str, object]:
    """Write one file deterministically and return its manifest entry."""
    data = csv_bytes(item.frame, item.float_format)
    if item.file.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    (out_dir / item.file).write_bytes(data)
    entry: dict[str, object] = {"file": item.file}
    entry.update(item.meta)
    entry.update(
        {
            "columns": [str(c) for c in item.frame.columns],
            "rows": len(item.frame),
            "sha256": hashlib.sha256(data).hexdigest(),
            "licence": item.meta.get("licence", DST_LICENCE),
            "built_by": "scripts/build_data.py",
        }
    )
    return entry


def raw_checksums(raw: Path, names: list[str]) -> list[dict[str, str]]:
    """SHA-256 of each raw input, so a reader can tell which raw files a build used."""
    return [
        {"path": name, "sha256": hashlib.sha256((raw / name).read_bytes()).hexdigest()}
        for name in names
    ]


class _PlainDumper(yaml.SafeDumper):
    """A YAML dumper that repeats shared mappings instead of writing anchors and aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def build(raw: Path, out_dir: Path) -> dict[str, object]:
    """Build every file into ``out_dir`` and return the manifest (also written as YAML)."""
    if not raw.is_dir():
        raise fail("raw data folder not found", "Pass --raw <shared>/data/raw", str(raw))
    out_dir.mkdir(parents=True, exist_ok=True)
    folk1b = load_folk1b(raw)
    muni = build_municipalities(raw, folk1b)
    population = build_population_age5(folk1b, muni)
    single = build_national_single_age(raw, folk1b)
    popq3_gap = check_popq3(
        single[single["date"] < "2020"].assign(quarter=lambda d: d["date"].str[:4] + "Q3"), folk1b
    )
    fertility, tfr_gap = build_fertility(raw)
    mortality = build_mortality(raw, folk1b, muni)
    taxes = build_tax_rates(raw, muni)
    totals = build_albertslund_totals(raw, folk1b)
    housing = build_housing(raw)
    missing_tax = muni.loc[~muni["code"].isin(taxes["code"]), "name"].tolist()
    outputs = describe(
        muni,
        population,
        single,
        fertility,
        mortality,
        taxes,
        totals,
        housing,
        popq3_gap=popq3_gap,
        tfr_gap=tfr_gap,
        missing_tax=missing_tax,
    )
    entries = [write_output(out_dir, item) for item in outputs]
    manifest: dict[str, object] = {
        "title": "byibalance embedded data set",
        "built_by": "scripts/build_data.py --raw <shared>/data/raw",
        "raw_inputs": raw_checksums(
            raw,
            [
                FOLK1B,
                K29,
                DODC2,
                FOLK1A_2025,
                POPQ3,
                ASFR,
                GEOGRAPHY,
                PSKAT,
                ALB_TOTALS,
                ALB_HOUSING,
            ],
        ),
        "files": entries,
    }
    text = yaml.dump(manifest, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)
    (out_dir / "manifest.yaml").write_text(text, encoding="utf-8", newline="\n")
    return manifest


def describe(
    muni: pd.DataFrame,
    population: pd.DataFrame,
    single: pd.DataFrame,
    fertility: pd.DataFrame,
    mortality: pd.DataFrame,
    taxes: pd.DataFrame,
    totals: pd.DataFrame,
    housing: pd.DataFrame,
    *,
    popq3_gap: int,
    tfr_gap: float,
    missing_tax: list[str],
) -> list[Output]:
    """The files with their manifest metadata (title, source, period, status, notes)."""
    folk1b_src = {
        "institution": "Statistics Denmark",
        "table": "FOLK1B",
        "address": f"https://www.statbank.dk/FOLK1B, extracted by {CPOP_REPO}",
    }
    return [
        Output(
            "municipalities.csv",
            muni,
            {
                "title": "The 98 Danish municipalities: code, names, region, province, K29",
                "source": {
                    "institution": "Statistics Denmark / Danmarks Adresseregister",
                    "table": "OMRÅDE codes (KOMKODE); region-province-municipality mapping",
                    "address": CODE_SOURCE + f"; mapping: {CPOP_REPO} "
                    "code/dk_region_province_municipality.csv",
                },
                "period": "municipal structure since 2007",
                "status": "published",
                "notes": [
                    "Christiansø (code 411) is left out: it is not a municipality.",
                    "name is Danish (København); name_en is the FOLK1B spelling (Copenhagen).",
                    "province is spelled as in dk_region_province_municipality.csv and in "
                    "DODC2 ('Province Københavns omegn').",
                    "k29 = true for the 29 municipalities of Region Hovedstaden.",
                    "Every FOLK1B area is checked to map to exactly one code.",
                ],
            },
        ),
        Output(
            "population_age5.csv.gz",
            population,
            {
                "title": "Population on 1 January by municipality, sex and 5-year age group",
                "source": folk1b_src,
                "period": "1 January 2008 - 1 January 2020 (quarter 1)",
                "status": "published",
                "notes": [
                    "Read from the tidy derived CSV of FOLK1B (same values as dat$folk1b in "
                    "dodc2_and_folk1b.RData).",
                    "code 000 = All Denmark; sex m/f; age_start 0,5,...,95,100 (100 = 100+).",
                    "Checked: age groups sum to FOLK1B's Total rows, men + women = total, and "
                    "the 98 municipalities + Christiansø sum to All Denmark, every cell.",
                ],
            },
        ),
        Output(
            "denmark_population_single_age.csv",
            single,
            {
                "title": "Denmark's population by sex and single year of age (0-100+)",
                "source": [
                    {
                        "institution": "Statistics Denmark",
                        "table": "FOLK1A (1 July, PopQ3)",
                        "address": f"{CPOP_REPO} code/MPs_epi_year_death_count_forecast/"
                        "PopQ3_Denmark.csv",
                    },
                    {
                        "institution": "Statistics Denmark",
                        "table": "FOLK1A (2025Q4)",
                        "address": DATACOMMONS_REPO,
                    },
                ],
                "period": "1 July 2008-2019; 1 October 2025",
                "status": "published",
                "notes": [
                    "Ages 100-105 folded into age 100 (= 100+).",
                    "PopQ3 stops at age 105: its totals are up to "
                    f"{popq3_gap} persons below FOLK1B's All Denmark Q3 totals "
                    "(the people aged over 105).",
                    "2025-10-01 is FOLK1A summed over marital status (total 6,019,866).",
                    "Used to graduate 5-year groups to single ages (DOMAIN.md §2.4 A).",
                ],
            },
        ),
        Output(
            "denmark_fertility_asfr.csv",
            fertility,
            {
                "title": "Denmark's age-specific fertility rates per 1,000 women, ages 15-49",
                "source": {
                    "institution": "Statistics Denmark",
                    "table": "FOD33",
                    "address": f"{CPOP_REPO} code/MPs_epi_year_death_count_forecast/ASFR.csv",
                },
                "period": "1973-2019",
                "status": "published",
                "notes": [
                    "Check: the published total fertility rate equals the sum of the 35 "
                    f"rates within rounding; largest difference {tfr_gap} per 1,000 women "
                    f"(tolerance {TFR_TOLERANCE})."
                ],
            },
        ),
        Output(
            "mortality_province_age5.csv",
            mortality,
            {
                "title": "Deaths and person-years by province (landsdel), sex and 5-year age",
                "source": [
                    {
                        "institution": "Statistics Denmark",
                        "table": "DODC2",
                        "address": f"https://www.statbank.dk/DODC2, extracted by {CPOP_REPO}",
                    },
                    folk1b_src,
                ],
                "period": "2008-2019 (ISO-week years for deaths)",
                "status": "derived",
                "notes": [
                    "deaths: DODC2 weekly deaths summed over the ISO-week year; where the "
                    "ISO year has 53 weeks (2009, 2015) scaled by 52.1775/53 to a mean-length "
                    "year; 52-week years unscaled. weeks_in_year keeps the raw count.",
                    "person_years: mean of the four quarterly FOLK1B populations of the "
                    "calendar year, summed over the province's municipalities (Bornholm "
                    "includes Christiansø, as DODC2 does); All Denmark from FOLK1B directly.",
                    "DODC2 and FOLK1B both use 0-4 ... 95-99 and 100+: no folding needed; "
                    "age_start 100 = 100+.",
                    "Death rate = deaths / person_years. The ISO-week year is not the "
                    "calendar year (it can start up to 3 days earlier or later).",
                ],
            },
        ),
        Output(
            "tax_rates.csv",
            taxes,
            {
                "title": "Municipal income, church and land tax rates 2025",
                "source": {
                    "institution": "Statistics Denmark",
                    "table": "PSKAT",
                    "address": "https://www.statistikbanken.dk/statbank5a/selectvarval/"
                    "saveselections.asp?MainTable=PSKAT&PLanguage=1&TableStyle=&Buttons="
                    "&PXSId=121032 (hand-compiled, shared/data/raw/compiled)",
                },
                "period": "2025",
                "status": "published",
                "notes": [
                    f"{len(taxes)} municipalities; missing ({len(missing_tax)}): "
                    + ", ".join(missing_tax)
                    + "."
                ],
            },
        ),
        Output(
            "albertslund_population_totals.csv",
            totals,
            {
                "title": "Albertslund population totals with a status and source per row",
                "source": {
                    "institution": "Statistics Denmark (FOLK1B, FOLK1A); secondary sites",
                    "table": "FOLK1B / FOLK1A",
                    "address": "see source_address per row",
                },
                "period": "1 January 2008-2024 (2022 missing), 1 October 2020",
                "status": "secondary",
                "licence": DST_LICENCE + "; secondary rows: facts, source cited",
                "notes": [
                    "The file-level status is the weakest of its rows; the status column says "
                    "per row: published (FOLK1B, 2008-2020, checked against FOLK1B) or "
                    "secondary (2021, 2023, 2024).",
                    "2021, 2023, 2024 are DST figures quoted by secondary sites: verify.",
                ],
            },
        ),
        Output(
            "albertslund_housing_projects.csv",
            housing,
            {
                "title": "Named housing projects in Albertslund (press, developers, municipality)",
                "source": {
                    "institution": "press, developers, Albertslund Kommune",
                    "table": "hand-compiled",
                    "address": "see source_address per row",
                },
                "period": "plans 2013-2027",
                "status": "secondary",
                "licence": "facts and figures, source cited; press texts not copied",
                "notes": [
                    "Numbers unchanged from the compiled file (as text, with their "
                    "qualifiers); status column added. No yearly programme exists."
                ],
            },
        ),
    ]


RDATA = f"{CPOP}/dodc2_and_folk1b.RData"


def verify_against_rdata(raw: Path) -> str:
    """Check the derived FOLK1B and DODC2 CSVs cell by cell against the original .RData.

    Slow (about two minutes: the pure-Python ``rdata`` reader), so only on ``--verify-rdata``.
    Returns a one-line summary; raises DataError on the first difference.
    """
    import warnings

    import rdata  # a test dependency; only this optional check needs it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # readr's column-spec classes have no Python constructor
        dat = rdata.read_rda(str(raw / RDATA))["dat"]
    sexes = {"Total": "total", "Men": "male", "Women": "female"}

    folk = dat["folk1b"]
    folk = folk[folk["STATSB"] == "Total"]
    folk = pd.DataFrame(
        {
            "area": folk["OMRÅDE"].astype(str),
            "sex": folk["KØN"].map(sexes),
            "age_group": folk["ALDER"].astype(str),
            "quarter": folk["TID"].astype(str),
            "population": folk["INDHOLD"],
        }
    )
    derived = read_raw_csv(raw, FOLK1B)
    _same_cells(folk, derived, ["area", "sex", "age_group", "quarter"], "population", FOLK1B)

    dod = dat["dodc2"]
    dod = pd.DataFrame(
        {
            "area": dod["OMRÅDE"].astype(str),
            "sex": dod["KØN"].map(sexes),
            "age_group": dod["ALDER"].astype(str),
            "year": dod["TID"].astype(str).str[:4].astype("int64"),
            "week": dod["TID"].astype(str),
            "deaths": dod["INDHOLD"],
        }
    )
    yearly = dod.groupby(["area", "sex", "age_group", "year"], as_index=False).agg(
        deaths=("deaths", "sum"), weeks_in_year=("week", "nunique")
    )
    derived_d = read_raw_csv(raw, DODC2)
    _same_cells(yearly, derived_d, ["area", "sex", "age_group", "year"], "deaths", DODC2)
    _same_cells(yearly, derived_d, ["area", "sex", "age_group", "year"], "weeks_in_year", DODC2)
    return (
        f"RData check passed: {len(folk)} FOLK1B cells and {len(yearly)} DODC2 "
        "ISO-year sums equal the derived CSVs"
    )


def _same_cells(
    original: pd.DataFrame, derived: pd.DataFrame, keys: list[str], value: str, file: str
) -> None:
    """Every key of ``original`` is in ``derived`` with the same value, and vice versa."""
    merged = original.merge(
        derived[[*keys, value]],
        on=keys,
        how="outer",
        indicator=True,
        suffixes=("_rdata", "_csv"),
        validate="one_to_one",
    )
    unmatched = merged[merged["_merge"] != "both"]
    if len(unmatched):
        row = unmatched.iloc[0]
        raise fail(
            f"{dict(row[keys])} is only in the {row['_merge']} table",
            "Regenerate the derived CSV from the .RData",
            file,
            field=value,
        )
    diff = merged[merged[f"{value}_rdata"] != merged[f"{value}_csv"]]
    if len(diff):
        row = diff.iloc[0]
        raise fail(
            f"{dict(row[keys])}: RData {row[f'{value}_rdata']} != CSV {row[f'{value}_csv']}",
            "Regenerate the derived CSV from the .RData",
            file,
            field=value,
        )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, required=True, help="shared/data/raw folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--verify-rdata",
        action="store_true",
        help="also check the derived FOLK1B/DODC2 CSVs against the original .RData (slow)",
    )
    args = parser.parse_args(argv)
    try:
        manifest = build(args.raw, args.out)
        if args.verify_rdata:
            print(verify_against_rdata(args.raw))
    except ByibalanceError as err:
        print(f"build_data: {err}", file=sys.stderr)
        return err.exit_code
    files = manifest["files"]
    assert isinstance(files, list)
    for entry in files:
        print(f"{entry['file']}: {entry['rows']} rows, sha256 {str(entry['sha256'])[:12]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
