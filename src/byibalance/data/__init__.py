"""The embedded data set: Statistics Denmark tables shipped with byibalance, with provenance.

An adapter: it reads the CSV files in this folder (built by ``scripts/build_data.py``, described
in ``manifest.yaml`` and ``docs/data.md``) into pandas DataFrames, once per process. Codes are
3-character strings (``"165"`` Albertslund, ``"000"`` All Denmark); sex is ``"m"``/``"f"``;
5-year age groups are given by ``age_start`` (0, 5, …, 95, 100 where 100 means 100+).

The frames are cached and shared: copy one before changing it.

Fresh data: where the active snapshot of Statistics Denmark downloads (``byibalance data update``,
:mod:`byibalance.sources.snapshots`) holds FOLK1A, ``population_age5`` and ``observed_totals`` use
it (see :func:`merge_population_age5`) and ``population_single_age`` returns it; FOD33 is laid
over ``fertility_asfr`` (:func:`merge_fertility_asfr`), DODC2 over ``mortality_province``
(:func:`merge_mortality`) and PSKAT over ``tax_rates`` (:func:`merge_tax_rates`); BOL106 gives
:func:`persons_per_dwelling` (a snapshot's only); each of these frames has a ``source`` column
(``embedded`` or ``snapshot <name> (Statistics Denmark <table>)``).
Without a snapshot, or after ``byibalance data use embedded``, every function returns the
embedded data (``source`` = ``embedded``). The cached frames follow the active snapshot in every
process without a restart (:mod:`byibalance.data.generation`); :func:`clear_cache` forgets them
all at once.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from byibalance.data.generation import data_cached
from byibalance.errors import DataError, ErrorLocation, UnknownMunicipalityError

if TYPE_CHECKING:
    from byibalance.sources.snapshots import Snapshot

log = logging.getLogger(__name__)

__all__ = [
    "Municipality",
    "active_snapshot_name",
    "clear_cache",
    "data_dir",
    "fertility_asfr",
    "fertility_municipal",
    "housing_projects",
    "manifest",
    "merge_population_age5",
    "migration_flows",
    "mortality_province",
    "municipalities",
    "municipality",
    "municipality_codes",
    "national_single_age",
    "observed_totals",
    "persons_per_dwelling",
    "population_age5",
    "population_single_age",
    "tax_rates",
]

ALL_DENMARK_CODE = "000"


@dataclass(frozen=True)
class Municipality:
    """One of the 98 Danish municipalities.

    ``code`` is the official 3-digit KOMKODE (Statistics Denmark's OMRÅDE code), ``name`` the
    Danish name, ``name_en`` the name in Statistics Denmark's English tables, ``province`` the
    landsdel as spelled in DODC2 (e.g. ``"Province Københavns omegn"``), ``k29`` true for the 29
    municipalities of Region Hovedstaden.
    """

    code: str
    name: str
    name_en: str
    region: str
    province: str
    k29: bool


def data_dir() -> Path:
    """The folder holding the embedded data files and ``manifest.yaml``."""
    return Path(__file__).resolve().parent


def _read(file: str, dtype: dict[str, Any], **kwargs: Any) -> pd.DataFrame:
    path = data_dir() / file
    if not path.is_file():
        raise DataError(
            "embedded data file is missing",
            "Reinstall byibalance or run: python scripts/build_data.py --raw <shared>/data/raw",
            ErrorLocation(file=str(path)),
        )
    try:
        frame = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""], **kwargs)
    except (ValueError, OSError) as err:  # a blank in an integer column, a corrupt gzip stream
        raise DataError(
            f"embedded data file cannot be read ({err})",
            "Rebuild the data with scripts/build_data.py or reinstall byibalance",
            ErrorLocation(file=file),
        ) from err
    expected = list(dtype)
    if list(frame.columns) != expected:
        raise DataError(
            f"columns {list(frame.columns)} differ from {expected}",
            "Rebuild the data with scripts/build_data.py",
            ErrorLocation(file=file),
        )
    return frame


@cache
def manifest() -> dict[str, Any]:
    """The manifest: per file its title, source, period, status, licence, rows and sha256."""
    path = data_dir() / "manifest.yaml"
    with path.open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    if not isinstance(loaded, dict):
        raise DataError(
            "manifest is not a mapping", "Rebuild the data", ErrorLocation(file=str(path))
        )
    return loaded


@cache
def municipalities() -> pd.DataFrame:
    """``code,name,name_en,region,province,k29``: the 98 municipalities, sorted by code."""
    frame = _read(
        "municipalities.csv",
        {"code": str, "name": str, "name_en": str, "region": str, "province": str, "k29": str},
    )
    flags = frame["k29"].map({"true": True, "false": False})
    if flags.isna().any():
        line = int(flags.isna().to_numpy().argmax()) + 2
        raise DataError(
            f"k29 is {frame['k29'].iloc[line - 2]!r}, not true or false",
            "Rebuild the data with scripts/build_data.py",
            ErrorLocation(file="municipalities.csv", line=line, field="k29"),
        )
    frame["k29"] = flags.astype(bool)
    return frame


def _normalise_code(value: str | int) -> str | None:
    text = str(value).strip()
    if text.isdecimal():
        return f"{int(text):03d}"
    return None


def municipality(code: str | int) -> Municipality:
    """The municipality with this code (``165``, ``"165"``, ``"0165"``) or name.

    Names match case-insensitively in Danish (``"København"``) or English (``"Copenhagen"``).
    Raises ``UnknownMunicipalityError`` naming the value and the closest codes and names.
    """
    frame = municipalities()
    normal = _normalise_code(code)
    if normal is not None:
        hit = frame[frame["code"] == normal]
    else:
        key = str(code).strip().casefold()
        names = frame["name"].str.casefold(), frame["name_en"].str.casefold()
        hit = frame[(names[0] == key) | (names[1] == key)]
    if len(hit) != 1:
        raise UnknownMunicipalityError(
            f"{code!r} is not one of the 98 Danish municipalities",
            _suggestion(str(code), frame),
            ErrorLocation(field="municipality"),
        )
    row = hit.iloc[0]
    return Municipality(
        code=row["code"],
        name=row["name"],
        name_en=row["name_en"],
        region=row["region"],
        province=row["province"],
        k29=bool(row["k29"]),
    )


def _suggestion(value: str, frame: pd.DataFrame) -> str:
    labels = {f"{r.code} {r.name}": r for r in frame.itertuples(index=False)}
    normal = _normalise_code(value)
    if normal is not None:
        near = sorted(frame["code"], key=lambda c: abs(int(c) - int(normal)))[:3]
        names = [f"{c} {frame.loc[frame['code'] == c, 'name'].iloc[0]}" for c in near]
    else:
        pool = {str(r.name).casefold(): f"{r.code} {r.name}" for r in labels.values()}
        pool.update({str(r.name_en).casefold(): f"{r.code} {r.name}" for r in labels.values()})
        close = difflib.get_close_matches(value.strip().casefold(), list(pool), n=3, cutoff=0.5)
        names = list(dict.fromkeys(pool[c] for c in close))
    if not names:
        return "Use a 3-digit municipality code such as 165 (Albertslund) or a Danish name"
    return "Did you mean " + ", ".join(names) + "?"


def municipality_codes(group: str = "all") -> list[str]:
    """The codes of ``"all"`` 98 municipalities or of the ``"k29"`` (Region Hovedstaden)."""
    frame = municipalities()
    if group == "all":
        return frame["code"].tolist()
    if group == "k29":
        return frame.loc[frame["k29"], "code"].tolist()
    raise DataError(
        f"unknown municipality group {group!r}", "Use 'all' or 'k29'", ErrorLocation(field="group")
    )


AGE5_COLUMNS = {
    "code": str,
    "year": "int64",
    "sex": str,
    "age_start": "int64",
    "population": "int64",
}


def _embedded_age5() -> pd.DataFrame:
    return _read("population_age5.csv.gz", AGE5_COLUMNS)


@data_cached
def _active_snapshot() -> Snapshot | None:
    from byibalance.sources import snapshots

    return snapshots.active_snapshot()


def active_snapshot_name() -> str:
    """The name of the snapshot in use (``2026-11-29T051500``), or ``"embedded"``."""
    snap = _active_snapshot()
    return snap.name if snap is not None else "embedded"


@data_cached
def _snapshot_table(file: str) -> pd.DataFrame | None:
    from byibalance.sources import snapshots

    snap = _active_snapshot()
    if snap is None or snap.file_entry(file) is None:
        return None
    return snapshots.read_table(snap, file)


def merge_population_age5(embedded: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """The embedded 5-year populations with a snapshot's laid over them.

    A (code, year) that both hold takes the snapshot's rows. A year the embedded data lacks is
    added only when the snapshot holds it for every code of the embedded data (the 98
    municipalities and ``000``), so that the table stays complete for every code and year it
    lists; such partial years are logged (they still reach :func:`observed_totals`).
    """
    fresh = fresh.astype(AGE5_COLUMNS)[list(AGE5_COLUMNS)]
    all_codes = set(embedded["code"])
    known_years = set(embedded["year"].tolist())
    fresh_years = sorted(set(fresh["year"].tolist()) - known_years)
    complete = [y for y in fresh_years if set(fresh.loc[fresh["year"] == y, "code"]) >= all_codes]
    partial = sorted(set(fresh_years) - set(complete))
    if partial:
        log.warning(
            "snapshot years %s cover only some municipalities: used as observed totals, not as "
            "age detail (run: byibalance data update --municipality all)",
            partial,
        )
    keys = ["code", "year", "sex", "age_start"]
    out = embedded.copy()
    replaced = pd.MultiIndex.from_frame(out[["code", "year"]]).isin(
        pd.MultiIndex.from_frame(fresh[["code", "year"]])
    )
    if replaced.any():
        values = fresh.set_index(keys)["population"].reindex(
            pd.MultiIndex.from_frame(out.loc[replaced, keys])
        )
        if values.isna().any():
            code, year, sex, age = values.index[values.isna().to_numpy().argmax()]
            raise DataError(
                f"the snapshot lacks {code} {year} sex {sex} age group {age}",
                "Run byibalance data update again, or: byibalance data use embedded",
                ErrorLocation(field="population_age5.csv", year=int(year)),
            )
        out.loc[replaced, "population"] = values.to_numpy(dtype="int64")
    added = fresh[fresh["year"].isin(complete)].copy()
    if added.empty:
        return out
    order = {"m": 0, "f": 1}
    added = added.assign(_sex=added["sex"].map(order)).sort_values(
        ["code", "year", "_sex", "age_start"]
    )
    return pd.concat([out, added.drop(columns="_sex")], ignore_index=True)


@data_cached
def population_age5() -> pd.DataFrame:
    """``code,year,sex,age_start,population`` on 1 January 2008–2020 (FOLK1B, published).

    98 municipalities and ``000`` All Denmark; ``age_start`` 0..100 step 5 (100 = 100+).
    With an active snapshot holding FOLK1A, its 1 January populations summed to 5-year groups
    replace and extend these (:func:`merge_population_age5`).
    """
    embedded = _embedded_age5()
    fresh = _snapshot_table("population_age5.csv")
    if fresh is None:
        return embedded
    return merge_population_age5(embedded, fresh)


@data_cached
def population_single_age() -> pd.DataFrame:
    """``code,year,sex,age,population``: 1 January by single age 0..100 (100 = 100+), from
    FOLK1A in the active snapshot. ``DataError`` when no snapshot with FOLK1A is in use (the
    embedded data has single ages only for Denmark as a whole: :func:`national_single_age`)."""
    fresh = _snapshot_table("population_single_age.csv")
    if fresh is None:
        raise DataError(
            "no downloaded single-age populations (FOLK1A) are in use",
            "Run: byibalance data update --tables FOLK1A (online), or use population_age5",
            ErrorLocation(field="FOLK1A"),
        )
    return fresh.astype(
        {"code": str, "year": "int64", "sex": str, "age": "int64", "population": "int64"}
    )


def clear_cache() -> None:
    """Forget every cached frame, e.g. after ``byibalance data use`` in the same process."""
    for function in (
        manifest,
        municipalities,
        _active_snapshot,
        _snapshot_table,
        population_age5,
        population_single_age,
        national_single_age,
        fertility_asfr,
        mortality_province,
        tax_rates,
        _albertslund_totals,
        observed_totals,
        housing_projects,
        migration_flows,
        fertility_municipal,
        persons_per_dwelling,
    ):
        function.cache_clear()


@cache
def national_single_age() -> pd.DataFrame:
    """``date,sex,age,population``: Denmark by single age 0..100 (100 = 100+).

    Dates 1 July 2008–2019 (PopQ3) and 1 October 2025 (FOLK1A), as ISO strings.
    """
    return _read(
        "denmark_population_single_age.csv",
        {"date": str, "sex": str, "age": "int64", "population": "int64"},
    )


EMBEDDED_SOURCE = "embedded"
ASFR_TOLERANCE = 0.05  # per 1,000 women: FOD33 publishes one decimal
TAX_TOLERANCE = 0.005  # percentage points / per mille: PSKAT publishes two decimals


def snapshot_source(name: str, table: str) -> str:
    """The provenance of a figure taken from a snapshot: ``snapshot <name> (StatBank <table>)``."""
    return f"snapshot {name} (Statistics Denmark {table})"


def _log_revisions(label: str, keys: list[str], diff: pd.DataFrame, tolerance: float) -> None:
    off = diff[diff["gap"] > tolerance]
    if off.empty:
        return
    at = off["gap"].idxmax()
    where = ", ".join(f"{k} {off.at[at, k]}" for k in keys)
    log.warning(
        "%s: the snapshot differs from the embedded data in %d cells (largest %.3f at %s); the "
        "snapshot's figures are used (Statistics Denmark may have revised them). To keep the "
        "embedded figures run: byibalance data use embedded",
        label,
        len(off),
        float(off.at[at, "gap"]),
        where,
    )


def merge_fertility_asfr(embedded: pd.DataFrame, fresh: pd.DataFrame, name: str) -> pd.DataFrame:
    """The embedded ASFR with a snapshot's FOD33 laid over it, like FOLK1A over FOLK1B: a year
    both hold takes the snapshot's rates (a difference above :data:`ASFR_TOLERANCE` is logged as a
    warning naming the year and age), a year only the snapshot holds is added. ``source`` says
    ``embedded`` or ``snapshot <name> (Statistics Denmark FOD33)`` for every row."""
    fresh = fresh.astype({"year": "int64", "age": "int64", "rate_per_1000": "float64"})
    keys = ["year", "age"]
    both = embedded.merge(fresh, on=keys, suffixes=("", "_new"))
    if not both.empty:
        both["gap"] = (both["rate_per_1000"] - both["rate_per_1000_new"]).abs()
        _log_revisions("FOD33 fertility rates per 1,000 women", keys, both, ASFR_TOLERANCE)
    kept = embedded[~embedded["year"].isin(set(fresh["year"].tolist()))]
    out = pd.concat(
        [
            kept.assign(source=EMBEDDED_SOURCE),
            fresh[["year", "age", "rate_per_1000"]].assign(source=snapshot_source(name, "FOD33")),
        ],
        ignore_index=True,
    )
    return out.sort_values(keys, ignore_index=True)


@data_cached
def fertility_asfr() -> pd.DataFrame:
    """``year,age,rate_per_1000,source``: Denmark's age-specific fertility, ages 15–49,
    1973–2019 (FOD33, ``source`` = ``embedded``).

    TFR (children per woman) = sum over ages of ``rate_per_1000`` / 1000. With an active snapshot
    holding FOD33, its years replace and extend these (:func:`merge_fertility_asfr`).
    """
    embedded = _read(
        "denmark_fertility_asfr.csv", {"year": "int64", "age": "int64", "rate_per_1000": "float64"}
    )
    fresh = _snapshot_table("fertility_asfr.csv")
    if fresh is None:
        return embedded.assign(source=EMBEDDED_SOURCE)
    return merge_fertility_asfr(embedded, fresh, active_snapshot_name())


MORTALITY_TOLERANCE = 0.005  # relative: Christiansø (in Bornholm's embedded person-years) is ~0.2 %
NATIONAL_PROVINCE = "All Denmark"


def snapshot_person_years(quarters: pd.DataFrame) -> pd.DataFrame:
    """``province,year,sex,age_start,person_years`` from a snapshot's quarterly FOLK1A
    populations, as the embedded file computes them: the mean of the four quarters' populations,
    summed over the province's municipalities (``All Denmark`` from code ``000``). Only a
    (province, year) whose every municipality holds all four quarters is given."""
    towns = municipalities()[["code", "province"]]
    q = quarters.astype({"code": str, "year": "int64", "quarter": "int64", "population": "int64"})
    q = q.astype({"age_start": "int64"})
    national = q[q["code"] == ALL_DENMARK_CODE].assign(province=NATIONAL_PROVINCE)
    local = q.merge(towns, on="code")
    both = pd.concat([local, national], ignore_index=True)
    members = (
        pd.concat(
            [towns, pd.DataFrame({"code": [ALL_DENMARK_CODE], "province": [NATIONAL_PROVINCE]})]
        )
        .groupby("province")["code"]
        .nunique()
    )
    held = both.groupby(["province", "year"])[["code", "quarter"]].apply(
        lambda g: len(set(zip(g["code"], g["quarter"], strict=True)))
    )
    whole = [key for key, n in held.items() if n == 4 * members[key[0]]]
    if not whole:
        return pd.DataFrame(columns=["province", "year", "sex", "age_start", "person_years"])
    keep = pd.MultiIndex.from_frame(both[["province", "year"]]).isin(whole)
    out = (
        both[keep]
        .groupby(["province", "year", "sex", "age_start"], as_index=False)["population"]
        .sum()
    )
    out["person_years"] = out.pop("population") / 4.0
    return out


def merge_mortality(
    embedded: pd.DataFrame, deaths: pd.DataFrame, person_years: pd.DataFrame, name: str
) -> pd.DataFrame:
    """The embedded deaths and person-years with a snapshot's laid over them.

    A (province, year) both hold takes the snapshot's deaths, and its person-years where the
    snapshot has them (else the embedded ones); a difference above :data:`MORTALITY_TOLERANCE`
    (relative) is logged as a warning. A year only the snapshot holds is added when it has deaths
    and person-years for every province of the embedded file, so the rates stay complete; other
    years are logged. ``source`` says ``embedded`` or ``snapshot <name> (Statistics Denmark
    DODC2[, FOLK1A])``.
    """
    keys = ["province", "year", "sex", "age_start"]
    fresh = deaths.astype({"year": "int64", "age_start": "int64", "deaths": "float64"})
    provinces = set(embedded["province"])
    strange = sorted(set(fresh["province"]) - provinces)
    if strange:
        log.warning("DODC2 areas %s are not provinces of the embedded file: left out", strange)
        fresh = fresh[fresh["province"].isin(provinces)]
    person_years = person_years.astype(
        {"province": str, "year": "int64", "sex": str, "age_start": "int64", "person_years": float}
    )
    fresh = fresh.merge(person_years, on=keys, how="left").astype(
        {"person_years": "float64", "weeks_in_year": "int64"}
    )
    old = embedded.set_index(keys)
    overlap = fresh[fresh["year"].isin(set(embedded["year"]))].copy()
    if not overlap.empty:
        before = old.reindex(pd.MultiIndex.from_frame(overlap[keys]))
        missing_py = overlap["person_years"].isna().to_numpy()
        overlap.loc[missing_py, "person_years"] = before["person_years"].to_numpy()[missing_py]
        relative = [
            ((overlap[c] - before[c].to_numpy()) / before[c].clip(lower=1).to_numpy()).abs()
            for c in ("deaths", "person_years")
        ]
        gaps = overlap.assign(gap=pd.concat(relative, axis=1).max(axis=1))
        _log_revisions("DODC2 deaths and person-years", keys, gaps, MORTALITY_TOLERANCE)
        overlap["source"] = [
            snapshot_source(name, "DODC2" if gone else "DODC2, FOLK1A") for gone in missing_py
        ]
    added = fresh[~fresh["year"].isin(set(embedded["year"]))]
    ready = [
        int(y)
        for y, rows in added.groupby("year")
        if set(rows.dropna(subset=["person_years"])["province"]) >= provinces
    ]
    skipped = sorted(set(added["year"].astype(int)) - set(ready))
    if skipped:
        log.warning(
            "DODC2 years %s lack person-years for some provinces: not used (run: byibalance data "
            "update --tables FOLK1A,DODC2 --municipality all)",
            skipped,
        )
    added = added[added["year"].isin(ready)].assign(source=snapshot_source(name, "DODC2, FOLK1A"))
    replaced = pd.MultiIndex.from_frame(embedded[keys]).isin(
        pd.MultiIndex.from_frame(overlap[keys])
    )
    columns = [*keys, "deaths", "person_years", "weeks_in_year", "source"]
    out = pd.concat(
        [embedded[~replaced].assign(source=EMBEDDED_SOURCE), overlap, added], ignore_index=True
    )[columns]
    return out.sort_values(
        ["province", "year", "sex", "age_start"],
        key=lambda c: c.map({"m": 0, "f": 1}) if c.name == "sex" else c,
        ignore_index=True,
    )


@data_cached
def mortality_province() -> pd.DataFrame:
    """``province,year,sex,age_start,deaths,person_years,weeks_in_year,source``, 2008–2019.

    Central death rate ``m = deaths / person_years``; deaths of 53-week ISO years are scaled by
    52.1775/53; ``province`` is one of the 11 landsdele or ``"All Denmark"``. With an active
    snapshot holding DODC2 (and, for years after 2019, FOLK1A's quarters for every
    municipality), its deaths and person-years are laid over these (:func:`merge_mortality`).
    """
    embedded = _read(
        "mortality_province_age5.csv",
        {
            "province": str,
            "year": "int64",
            "sex": str,
            "age_start": "int64",
            "deaths": "float64",
            "person_years": "float64",
            "weeks_in_year": "int64",
        },
    )
    deaths = _snapshot_table("deaths_province_age5.csv")
    if deaths is None:
        return embedded.assign(source=EMBEDDED_SOURCE)
    quarters = _snapshot_table("population_quarter_age5.csv")
    person_years = (
        snapshot_person_years(quarters)
        if quarters is not None
        else pd.DataFrame(columns=["province", "year", "sex", "age_start", "person_years"])
    )
    return merge_mortality(embedded, deaths, person_years, active_snapshot_name())


TAX_COLUMNS = ["income_tax_pct", "church_tax_pct", "land_tax_per_mille"]


def merge_tax_rates(embedded: pd.DataFrame, fresh: pd.DataFrame, name: str) -> pd.DataFrame:
    """The embedded PSKAT rates with a snapshot's laid over them: a (municipality, year) both hold
    takes the snapshot's rates (a difference above :data:`TAX_TOLERANCE` is logged as a
    warning), the snapshot adds the municipalities and years the embedded page lacks; a snapshot
    without land tax keeps the embedded land tax of the same (municipality, year), else the land
    tax stays empty (missing, not zero). Areas that
    are not municipalities (All Denmark, regions) are left out. ``status`` is ``published``;
    ``source`` says ``embedded`` or ``snapshot <name> (Statistics Denmark PSKAT)``."""
    names = municipalities().set_index("code")["name"]
    fresh = fresh.astype({"code": str, "year": "int64", **dict.fromkeys(TAX_COLUMNS, "float64")})
    fresh = fresh[fresh["code"].isin(names.index)]
    keys = ["code", "year"]
    both = embedded.merge(fresh, on=keys, suffixes=("", "_new"))
    if not both.empty:
        gaps = [(both[c] - both[f"{c}_new"]).abs().fillna(0.0) for c in TAX_COLUMNS]
        both["gap"] = pd.concat(gaps, axis=1).max(axis=1)
        _log_revisions("PSKAT tax rates", keys, both, TAX_TOLERANCE)
    # a snapshot without land tax (PSKAT may not publish it) keeps the embedded one where known
    known_land = embedded.set_index(keys)["land_tax_per_mille"]
    no_land = fresh["land_tax_per_mille"].isna().to_numpy()
    if no_land.any():
        fill = known_land.reindex(pd.MultiIndex.from_frame(fresh.loc[no_land, keys])).to_numpy()
        fresh.loc[no_land, "land_tax_per_mille"] = fill
    replaced = pd.MultiIndex.from_frame(embedded[keys]).isin(pd.MultiIndex.from_frame(fresh[keys]))
    added = fresh.assign(
        name=fresh["code"].map(names),
        status="published",
        source=snapshot_source(name, "PSKAT"),
    )
    out = pd.concat([embedded[~replaced], added[list(embedded.columns)]], ignore_index=True)
    return out.sort_values(keys, ignore_index=True)


@data_cached
def tax_rates() -> pd.DataFrame:
    """``code,name,year,income_tax_pct,church_tax_pct,land_tax_per_mille,status,source``
    (PSKAT 2025, ``source`` = ``embedded``).

    Only the municipalities of the compiled PSKAT page; the others are missing, not zero. With an
    active snapshot holding PSKAT, its rates fill the missing municipalities and add newer years
    (:func:`merge_tax_rates`).
    """
    embedded = _read(
        "tax_rates.csv",
        {
            "code": str,
            "name": str,
            "year": "int64",
            "income_tax_pct": "float64",
            "church_tax_pct": "float64",
            "land_tax_per_mille": "float64",
        },
    ).assign(status="published", source=EMBEDDED_SOURCE)
    fresh = _snapshot_table("tax_rates.csv")
    if fresh is None:
        return embedded
    return merge_tax_rates(embedded, fresh, active_snapshot_name())


@cache
def _albertslund_totals() -> pd.DataFrame:
    return _read(
        "albertslund_population_totals.csv",
        {
            "code": str,
            "date": str,
            "population": "int64",
            "male": "Int64",
            "female": "Int64",
            "status": str,
            "source_table": str,
            "source_address": str,
        },
    )


@data_cached
def observed_totals() -> pd.DataFrame:
    """``code,year,population,male,female,status,source``: observed 1 January totals.

    2008–2020 for every code of ``population_age5`` (status ``published``, FOLK1B, summed over
    ages), plus Albertslund's later 1 January totals quoted by secondary sources (``secondary``).
    ``male``/``female`` are nullable integers (missing where the source gives no split).
    With an active FOLK1A snapshot, its 1 January totals are added as ``published`` for every
    code and year it holds, and a secondary row gives way to a published one of the same year.
    """
    pop = population_age5()
    wide = pop.pivot_table(
        index=["code", "year"], columns="sex", values="population", aggfunc="sum"
    ).reset_index()
    published = pd.DataFrame(
        {
            "code": wide["code"],
            "year": wide["year"].astype("int64"),
            "population": (wide["m"] + wide["f"]).astype("int64"),
            "male": wide["m"].astype("Int64"),
            "female": wide["f"].astype("Int64"),
            "status": "published",
            "source": "Statistics Denmark FOLK1B, 1 January",
        }
    )
    if _snapshot_table("population_age5.csv") is not None:
        last_embedded = int(_embedded_age5()["year"].max())
        published.loc[published["year"] > last_embedded, "source"] = (
            f"Statistics Denmark FOLK1A, 1 January (snapshot {active_snapshot_name()})"
        )
        published = pd.concat([published, _partial_snapshot_totals(pop)], ignore_index=True)
    alb = _albertslund_totals()
    later = alb[(alb["status"] == "secondary") & alb["date"].str.endswith("-01-01")]
    have = set(zip(published["code"], published["year"], strict=True))
    years = later["date"].str[:4].astype("int64")
    later = later[[(c, y) not in have for c, y in zip(later["code"], years, strict=True)]]
    secondary = pd.DataFrame(
        {
            "code": later["code"],
            "year": later["date"].str[:4].astype("int64"),
            "population": later["population"],
            "male": later["male"],
            "female": later["female"],
            "status": "secondary",
            "source": later["source_table"] + " quoted by " + later["source_address"],
        }
    )
    out = pd.concat([published, secondary], ignore_index=True)
    return out.sort_values(["code", "year"]).reset_index(drop=True)


def _partial_snapshot_totals(merged: pd.DataFrame) -> pd.DataFrame:
    """Published totals of snapshot (code, year)s that did not enter ``population_age5``."""
    fresh = _snapshot_table("population_age5.csv")
    if fresh is None:
        return pd.DataFrame()
    fresh = fresh.astype(AGE5_COLUMNS)
    have = pd.MultiIndex.from_frame(merged[["code", "year"]]).unique()
    rows = fresh[~pd.MultiIndex.from_frame(fresh[["code", "year"]]).isin(have)]
    if rows.empty:
        return pd.DataFrame()
    wide = rows.pivot_table(
        index=["code", "year"], columns="sex", values="population", aggfunc="sum"
    ).reset_index()
    return pd.DataFrame(
        {
            "code": wide["code"],
            "year": wide["year"].astype("int64"),
            "population": (wide["m"] + wide["f"]).astype("int64"),
            "male": wide["m"].astype("Int64"),
            "female": wide["f"].astype("Int64"),
            "status": "published",
            "source": f"Statistics Denmark FOLK1A, 1 January (snapshot {active_snapshot_name()})",
        }
    )


@cache
def housing_projects() -> pd.DataFrame:
    """The named Albertslund housing projects (status ``secondary``), numbers as text."""
    columns = [
        "project",
        "area_in_albertslund",
        "dwellings",
        "dwelling_types",
        "timing",
        "status_as_reported",
        "expected_residents",
        "source_address",
        "status",
    ]
    return _read("albertslund_housing_projects.csv", dict.fromkeys(columns, str))


# Gross migration flows (FLY66, VAN1AAR, VAN2AAR) and municipal fertility (FOD407): files a
# snapshot may hold (docs/statbank.md); the population inputs use them where they are complete.

MAX_AGE = 100
#: The four files of gross flows: column of :func:`migration_flows`, file, StatBank table.
MIGRATION_FILES = (
    ("in_internal", "migration_in_internal.csv", "FLY66"),
    ("out_internal", "migration_out_internal.csv", "FLY66"),
    ("immigrated", "migration_immigrated.csv", "VAN1AAR"),
    ("emigrated", "migration_emigrated.csv", "VAN2AAR"),
)
MIGRATION_TABLES = "FLY66, VAN1AAR, VAN2AAR"
MIGRATION_COLUMNS = [
    "code",
    "year",
    "sex",
    "age",
    *(column for column, _, _ in MIGRATION_FILES),
    "source",
]
FERTILITY_AGE_STARTS = (15, 20, 25, 30, 35, 40, 45)
_FERTILITY_DTYPES = {
    "code": "object",
    "year": "int64",
    "age_start": "int64",
    "rate_per_1000": "float64",
    "source": "object",
}
FERTILITY_COLUMNS = list(_FERTILITY_DTYPES)
_FLOW_DTYPES = {"code": "object", "sex": "object", "source": "object"}
_SEX_CODES = {"m": "m", "1": "m", "M": "m", "f": "f", "2": "f", "K": "f"}
_REDOWNLOAD = "Run byibalance data update again, or: byibalance data use embedded"


def _empty_frame(dtypes: dict[str, str]) -> pd.DataFrame:
    """No rows, the columns ``dtypes`` names with their dtypes: what a loader gives where the
    active snapshot lacks its file."""
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in dtypes.items()})


def _bad_cell(file: str, frame: pd.DataFrame, bad: Any, column: str, problem: str) -> DataError:
    """A ``DataError`` naming the first bad row's line (the header is line 1) and field."""
    position = int(pd.Series(bad).to_numpy().argmax())
    value = frame[column].iloc[position]
    value = value.item() if hasattr(value, "item") else value  # -1, not np.int64(-1)
    return DataError(
        problem.format(value=value),
        _REDOWNLOAD,
        ErrorLocation(file=file, line=position + 2, field=column),
    )


def _refuse_bad_cells(file: str, frame: pd.DataFrame, bad: Any, column: str, problem: str) -> None:
    """Raise the ``DataError`` of :func:`_bad_cell` where any row of ``bad`` is true."""
    if pd.Series(bad).any():
        raise _bad_cell(file, frame, bad, column, problem)


def _checked_columns(frame: pd.DataFrame, file: str, expected: list[str]) -> pd.DataFrame:
    if list(frame.columns) != expected:
        raise DataError(
            f"columns {list(frame.columns)} differ from {expected}",
            _REDOWNLOAD,
            ErrorLocation(file=file),
        )
    return frame.reset_index(drop=True)


def _checked_codes_and_years(frame: pd.DataFrame, file: str) -> tuple[pd.Series, pd.Series]:
    codes = frame["code"].astype(str).str.strip()
    bad = ~codes.str.fullmatch(r"\d{1,3}")
    _refuse_bad_cells(file, frame, bad, "code", "code {value!r} is not a 3-digit municipality code")
    years = pd.to_numeric(frame["year"], errors="coerce")
    bad = years.isna() | (years != years.round())
    _refuse_bad_cells(file, frame, bad, "year", "year {value!r} is not a calendar year")
    return codes.str.zfill(3), years.astype("int64")


def _first_duplicate(frame: pd.DataFrame, keys: list[str], file: str) -> None:
    repeated = frame.duplicated(keys)
    if repeated.any():
        at = int(repeated.to_numpy().argmax())
        where = ", ".join(f"{k} {frame[k].iloc[at]}" for k in keys)
        raise DataError(
            f"{where} is held twice (duplicate key)",
            _REDOWNLOAD,
            ErrorLocation(file=file, line=at + 2, field=",".join(keys)),
        )


def check_migration_file(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """One gross-flow file checked: ``code,year,sex,age,persons`` with 3-digit codes, sex ``m``
    or ``f`` (``1``/``2`` as StatBank codes them are read as ``m``/``f``), ages 0..100 (100 = 100
    and over), persons whole and not negative, each (code, year, sex, age) once and, for every
    (code, year) held, every sex and age present. ``DataError`` names the file, line and field."""
    frame = _checked_columns(frame, file, ["code", "year", "sex", "age", "persons"])
    codes, years = _checked_codes_and_years(frame, file)
    sexes = frame["sex"].astype(str).str.strip().map(_SEX_CODES)
    _refuse_bad_cells(file, frame, sexes.isna(), "sex", "sex {value!r} is not m/1 or f/2")
    ages = pd.to_numeric(frame["age"], errors="coerce")
    bad = ages.isna() | (ages != ages.round()) | (ages < 0) | (ages > MAX_AGE)
    _refuse_bad_cells(
        file, frame, bad, "age", f"age {{value!r}} is outside 0..{MAX_AGE} (100 = 100 and over)"
    )
    persons = pd.to_numeric(frame["persons"], errors="coerce")
    bad = persons.isna() | (persons != persons.round()) | (persons < 0)
    _refuse_bad_cells(
        file, frame, bad, "persons", "persons {value!r} is not a whole number of at least 0"
    )
    out = pd.DataFrame(
        {
            "code": codes,
            "year": years,
            "sex": sexes,
            "age": ages.astype("int64"),
            "persons": persons.astype("int64"),
        }
    )
    _first_duplicate(out, ["code", "year", "sex", "age"], file)
    cells = out.groupby(["code", "year"]).size()
    short = cells[cells != 2 * (MAX_AGE + 1)]
    if not short.empty:
        code, year = short.index[0]
        held = out[(out["code"] == code) & (out["year"] == year)]
        have = set(zip(held["sex"], held["age"], strict=True))
        sex, age = next(
            (s, a) for s in ("m", "f") for a in range(MAX_AGE + 1) if (s, a) not in have
        )
        raise DataError(
            f"code {code}, year {year} lacks sex {sex} age {age} (a partial download)",
            _REDOWNLOAD,
            ErrorLocation(file=file, field="age", year=int(year)),
        )
    return out


def join_migration_flows(
    files: dict[str, pd.DataFrame | None], source: str
) -> tuple[pd.DataFrame, list[str]]:
    """The four gross-flow files (:data:`MIGRATION_FILES`, keyed by file name; ``None`` where
    the snapshot lacks a file) joined on ``code,year,sex,age``, with the problems found.

    A (code, year) is kept only when all four files hold it; each file that lacks a (code, year)
    another holds, or is absent, gives a problem naming it, the codes and the years. Returns
    (frame with :data:`MIGRATION_COLUMNS`, problems)."""
    empty = _empty_frame({c: _FLOW_DTYPES.get(c, "int64") for c in MIGRATION_COLUMNS})
    present = {f: frame for f, frame in files.items() if frame is not None}
    if not present:
        return empty, []
    problems: list[str] = []
    checked = {f: check_migration_file(frame, f) for f, frame in present.items()}
    keys_of = {f: set(zip(c["code"], c["year"], strict=True)) for f, c in checked.items()}
    every = set().union(*keys_of.values())
    for _, file, table in MIGRATION_FILES:
        if file not in checked:
            problems.append(
                f"{file} ({table}) is not in the snapshot: gross migration flows are not used "
                f"(run: byibalance data update --tables {table})"
            )
            continue
        lacking = sorted(every - keys_of[file])
        if lacking:
            problems.append(
                f"{file} ({table}) lacks {_code_years(lacking)}: those years' gross flows are "
                f"not used (run: byibalance data update --tables {table})"
            )
    if len(checked) < len(MIGRATION_FILES):
        return empty, problems
    usable = set.intersection(*keys_of.values())
    keys = ["code", "year", "sex", "age"]
    parts = [
        checked[file].rename(columns={"persons": column}) for column, file, _ in MIGRATION_FILES
    ]
    out = parts[0]
    for part in parts[1:]:
        out = out.merge(part, on=keys, how="inner")
    out = out[pd.MultiIndex.from_frame(out[["code", "year"]]).isin(list(usable))]
    out = out.assign(source=source, _sex=out["sex"].map({"m": 0, "f": 1}))
    out = out.sort_values(["code", "year", "_sex", "age"], ignore_index=True)
    return out[MIGRATION_COLUMNS], problems


def _code_years(pairs: list[tuple[str, int]]) -> str:
    """``165: 2019, 2020; 101: 2020`` for (code, year) pairs."""
    by_code: dict[str, list[int]] = {}
    for code, year in pairs:
        by_code.setdefault(code, []).append(int(year))
    return "; ".join(f"{c}: {', '.join(str(y) for y in ys)}" for c, ys in by_code.items())


@data_cached
def migration_flows() -> pd.DataFrame:
    """``code,year,sex,age,in_internal,out_internal,immigrated,emigrated,source``: moves by sex
    and single age at the move (0..100, 100 = 100+) in each calendar year, from the active
    snapshot (status published).

    ``in_internal``/``out_internal`` are moves into/out of the municipality from/to other Danish
    municipalities (FLY66), ``immigrated``/``emigrated`` moves from/to abroad (VAN1AAR,
    VAN2AAR). Only a (code, year) held by all four files is given; the others are logged as a
    warning naming the file and the years. Empty without a snapshot holding them. ``source`` =
    ``snapshot <name> (Statistics Denmark FLY66, VAN1AAR, VAN2AAR)``. Bad content raises
    ``DataError`` naming the file, the line and the field.
    """
    files = {file: _snapshot_table(file) for _, file, _ in MIGRATION_FILES}
    source = snapshot_source(active_snapshot_name(), MIGRATION_TABLES)
    out, problems = join_migration_flows(files, source)
    for problem in problems:
        log.warning("gross migration flows: %s", problem)
    return out


def check_fertility_municipal(
    frame: pd.DataFrame, file: str, source: str
) -> tuple[pd.DataFrame, list[str]]:
    """FOD407's ``code,year,age_start,rate_per_1000`` checked: 3-digit codes, ``age_start`` one
    of 15, 20, ..., 45, rates not negative, each (code, year, age_start) once (else
    ``DataError`` naming the line and field). A (code, year) lacking a group or with an empty
    rate (not published) is left out and named in the problems returned."""
    frame = _checked_columns(frame, file, ["code", "year", "age_start", "rate_per_1000"])
    codes, years = _checked_codes_and_years(frame, file)
    starts = pd.to_numeric(frame["age_start"], errors="coerce")
    bad = ~starts.isin(FERTILITY_AGE_STARTS)
    _refuse_bad_cells(
        file,
        frame,
        bad,
        "age_start",
        "age_start {value!r} is not one of 15, 20, ..., 45 (the 5-year groups 15-19..45-49)",
    )
    rates = pd.to_numeric(frame["rate_per_1000"], errors="coerce")
    text = frame["rate_per_1000"].astype(str).str.strip()
    bad = (rates.isna() & ~frame["rate_per_1000"].isna() & (text != "")) | (rates < 0)
    _refuse_bad_cells(
        file,
        frame,
        bad,
        "rate_per_1000",
        "rate_per_1000 {value!r} is not a number of at least 0 per 1,000 women",
    )
    out = pd.DataFrame(
        {
            "code": codes,
            "year": years,
            "age_start": starts.astype("int64"),
            "rate_per_1000": rates.astype("float64"),
        }
    )
    _first_duplicate(out, ["code", "year", "age_start"], file)
    complete = out.dropna(subset=["rate_per_1000"]).groupby(["code", "year"]).size()
    held = out.groupby(["code", "year"]).size()
    short = sorted(set(held.index) - set(complete[complete == len(FERTILITY_AGE_STARTS)].index))
    problems = []
    if short:
        problems.append(
            f"{file} lacks some age groups 15-19..45-49 (or their rates) for {_code_years(short)}:"
            " those years are not used (run: byibalance data update --tables FOD407)"
        )
        out = out[~pd.MultiIndex.from_frame(out[["code", "year"]]).isin(short)]
    out = out.assign(source=source).sort_values(["code", "year", "age_start"], ignore_index=True)
    return out[FERTILITY_COLUMNS], problems


@data_cached
def fertility_municipal() -> pd.DataFrame:
    """``code,year,age_start,rate_per_1000,source``: each municipality's fertility rates per
    1,000 women by mother's 5-year age group (15-19 .. 45-49) and calendar year, FOD407 in the
    active snapshot (status published). ``TFR = 5 * sum(rate_per_1000) / 1000``.

    Empty without a snapshot holding FOD407. A (code, year) lacking a group is left out with a
    warning; bad content raises ``DataError`` naming the file, the line and the field.
    """
    file = "fertility_municipal.csv"
    fresh = _snapshot_table(file)
    if fresh is None:
        return _empty_frame(_FERTILITY_DTYPES)
    out, problems = check_fertility_municipal(
        fresh, file, snapshot_source(active_snapshot_name(), "FOD407")
    )
    for problem in problems:
        log.warning("municipal fertility: %s", problem)
    return out


# Persons per dwelling (BOL106): a file a snapshot may hold (docs/statbank.md); the housing
# assumptions use a municipality's own figures where it holds them.

PERSONS_PER_DWELLING_TYPES = ("flat", "terraced", "detached", "all")
_PERSONS_PER_DWELLING_DTYPES = {
    "code": "object",
    "year": "int64",
    "type": "object",
    "persons": "float64",
    "source": "object",
}
PERSONS_PER_DWELLING_COLUMNS = list(_PERSONS_PER_DWELLING_DTYPES)
MAX_PERSONS_PER_DWELLING = 10.0  # as a housing project's own figure (HousingProject)


def check_persons_per_dwelling(frame: pd.DataFrame, file: str, source: str) -> pd.DataFrame:
    """BOL106's ``code,year,type,persons`` checked: 3-digit codes, whole years, ``type`` one of
    :data:`PERSONS_PER_DWELLING_TYPES`, ``persons`` a number above 0 and at most
    :data:`MAX_PERSONS_PER_DWELLING` (never empty: the download leaves out what is not
    published), each (code, year, type) once; else ``DataError`` naming the file, line and
    field. Returns the rows with ``source``, sorted by code, year and type."""
    frame = _checked_columns(frame, file, ["code", "year", "type", "persons"])
    codes, years = _checked_codes_and_years(frame, file)
    types = frame["type"].astype(str).str.strip()
    bad = ~types.isin(PERSONS_PER_DWELLING_TYPES)
    _refuse_bad_cells(
        file,
        frame,
        bad,
        "type",
        "type {value!r} is not one of " + ", ".join(PERSONS_PER_DWELLING_TYPES),
    )
    persons = pd.to_numeric(frame["persons"], errors="coerce")
    bad = persons.isna() | (persons <= 0) | (persons > MAX_PERSONS_PER_DWELLING)
    if bad.any():
        shown = frame["persons"].astype(object).where(frame["persons"].notna(), "")
        raise _bad_cell(
            file,
            frame.assign(persons=shown),
            bad,
            "persons",
            "persons {value!r} is not a number of persons per dwelling above 0 and at most "
            f"{MAX_PERSONS_PER_DWELLING:g}",
        )
    out = pd.DataFrame(
        {"code": codes, "year": years, "type": types, "persons": persons.astype("float64")}
    )
    _first_duplicate(out, ["code", "year", "type"], file)
    order = out["type"].map({t: i for i, t in enumerate(PERSONS_PER_DWELLING_TYPES)})
    out = out.assign(source=source, _type=order).sort_values(["code", "year", "_type"])
    return out[PERSONS_PER_DWELLING_COLUMNS].reset_index(drop=True)


@data_cached
def persons_per_dwelling() -> pd.DataFrame:
    """``code,year,type,persons,source``: the average persons per dwelling with registered
    residents on 1 January of ``year`` (BOL106 in the active snapshot, status published), for
    ``type`` ``flat`` (multi-dwelling houses), ``terraced``, ``detached`` and ``all`` (all
    dwellings with registered residents).

    Empty without a snapshot holding BOL106. ``source`` = ``snapshot <name> (Statistics Denmark
    BOL106)``. Bad content raises ``DataError`` naming the file, the line and the field.
    """
    file = "persons_per_dwelling.csv"
    fresh = _snapshot_table(file)
    if fresh is None:
        return _empty_frame(_PERSONS_PER_DWELLING_DTYPES)
    return check_persons_per_dwelling(
        fresh, file, snapshot_source(active_snapshot_name(), "BOL106")
    )
