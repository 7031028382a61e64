"""Build the constructed StatBank recordings from the embedded data (run from the repo root).

    python tests/sources/make_recordings.py

The answers follow the API's documented BULK format (``;`` CSV, a header of the variable ids and
INDHOLD, ``valuePresentation=Code``) but their values come from the embedded FOLK1B 5-year
groups on 1 January, spread to single ages by the national shape: they were NOT captured from
the live API. Refresh real recordings with ``scripts/record_statbank.py``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from replay import RECORDINGS, integer_graduation

from byibalance import data
from byibalance.population.inputs import shape_for
from byibalance.sources.statbank import MAX_AGE, spec_for

CODES = ("165", "101")
NAMES = {"165": "Albertslund", "101": "Copenhagen", "000": "All Denmark"}


def folk1a_body(code: str) -> str:
    pop = data.population_age5()
    lines = ["OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD"]
    for year in sorted(pop["year"].unique()):
        for sex_code, sex in (("1", "m"), ("2", "f")):
            rows = pop[(pop["code"] == code) & (pop["year"] == year) & (pop["sex"] == sex)]
            p5 = rows.sort_values("age_start")["population"].to_numpy(dtype=np.float64)
            shape = shape_for(int(year), int(year))[0 if sex == "m" else 1]
            single = integer_graduation(p5, shape)
            ages = np.concatenate([single, np.zeros(MAX_AGE - 100, dtype=np.int64)])
            period = f"{year}K1"
            lines.append(f"{code};{sex_code};IALT;TOT;{period};{int(ages.sum())}")
            lines.extend(f"{code};{sex_code};{a};TOT;{period};{int(v)}" for a, v in enumerate(ages))
    return "\n".join(lines) + "\n"


def folk1a_tableinfo(codes: tuple[str, ...]) -> dict[str, object]:
    pop = data.population_age5()
    years = sorted(pop["year"].unique())
    return {
        "id": "FOLK1A",
        "text": "Population at the first day of the quarter",
        "unit": "number",
        "note": "CONSTRUCTED from the embedded data; value lists cut to what the tests ask for",
        "variables": [
            {
                "id": "OMRÅDE",
                "text": "region",
                "elimination": True,
                "time": False,
                "values": [{"id": c, "text": NAMES[c]} for c in ("000", *codes)],
            },
            {
                "id": "KØN",
                "text": "sex",
                "elimination": True,
                "time": False,
                "values": [
                    {"id": "TOT", "text": "Total"},
                    {"id": "1", "text": "Men"},
                    {"id": "2", "text": "Women"},
                ],
            },
            {
                "id": "ALDER",
                "text": "age",
                "elimination": True,
                "time": False,
                "values": [{"id": "IALT", "text": "Age, total"}]
                + [{"id": str(a), "text": f"{a} years"} for a in range(MAX_AGE + 1)],
            },
            {
                "id": "CIVILSTAND",
                "text": "marital status",
                "elimination": True,
                "time": False,
                "values": [{"id": "TOT", "text": "Total"}],
            },
            {
                "id": "Tid",
                "text": "time",
                "elimination": False,
                "time": True,
                "values": [{"id": f"{y}K1", "text": f"{y}Q1"} for y in years],
            },
        ],
    }


RATE_CODES = ("165", "101")
RATES_SESSION = "fod33_pskat_165_101_constructed"


GIRLS_PER_BIRTH = 100 / 205.7  # constructed: about 105.7 boys are born per 100 girls
GIRLS_SURVIVING = 0.99  # constructed: the share of girls alive at their mother's age


def fod33_body() -> str:
    """FOD33 as a BULK answer (``lang=en``: decimal point) with the embedded ASFR's rates, and
    per year the total fertility ``TOT1`` (their sum) and the reproduction rates ``BRUTTO`` and
    ``NETTO`` (CONSTRUCTED from the sum with the two shares above, not published figures)."""
    asfr = data.fertility_asfr()
    lines = ["ALDER;TID;INDHOLD"]
    for year, rows in asfr.groupby("year"):
        for age, rate in rows[["age", "rate_per_1000"]].itertuples(index=False):
            lines.append(f"{age};{year};{rate:.1f}")
        total = float(rows["rate_per_1000"].sum())
        lines.append(f"TOT1;{year};{total:.1f}")
        lines.append(f"BRUTTO;{year};{total * GIRLS_PER_BIRTH:.1f}")
        lines.append(f"NETTO;{year};{total * GIRLS_PER_BIRTH * GIRLS_SURVIVING:.1f}")
    return "\n".join(lines) + "\n"


PSKAT_YEARS = (2024, 2025)  # 2024: the 2025 rates repeated, land tax not published (..)


def pskat_body(code: str) -> str:
    """PSKAT as a BULK answer with the embedded (compiled PSKAT page) 2025 rates of ``code``
    under the catalogue's codes ``KOM``, ``KIRKE``, ``GRUND``; 2024 repeats the 2025 income and
    church tax (CONSTRUCTED, not the published 2024 rates) and writes the land tax ``..``, as
    PSKAT publishes it only up to 2023."""
    rates = data.tax_rates()
    row = rates[(rates["code"] == code) & (rates["source"] == "embedded")].iloc[0]
    lines = ["OMRÅDE;SKATPCT;TID;INDHOLD"]
    for year in PSKAT_YEARS:
        lines.append(f"{code};KOM;{year};{row.income_tax_pct:.2f}")
        lines.append(f"{code};KIRKE;{year};{row.church_tax_pct:.2f}")
        land = f"{row.land_tax_per_mille:.2f}" if year == 2025 else ".."
        lines.append(f"{code};GRUND;{year};{land}")
    return "\n".join(lines) + "\n"


def rates_tableinfo(table: str) -> dict[str, object]:
    if table == "FOD33":
        years = sorted(data.fertility_asfr()["year"].unique())
        variables: list[dict[str, object]] = [
            {
                "id": "ALDER",
                "text": "age",
                "elimination": False,
                "time": False,
                "values": [{"id": str(a), "text": f"{a} years"} for a in range(15, 50)]
                + [
                    {"id": "TOT1", "text": "Total fertility rate"},
                    {"id": "BRUTTO", "text": "Gross reproduction rate"},
                    {"id": "NETTO", "text": "Net reproduction rate"},
                ],
            },
        ]
    else:
        years = list(PSKAT_YEARS)
        areas = [("0", "All Denmark"), *((f"108{i}", f"Region {i}") for i in range(1, 6))]
        variables = [
            {
                "id": "OMRÅDE",
                "text": "region",
                "elimination": False,
                "time": False,
                "values": [{"id": c, "text": t} for c, t in areas]
                + [{"id": c, "text": NAMES[c]} for c in RATE_CODES],
            },
            {
                "id": "SKATPCT",
                "text": "tax percentage",
                "elimination": False,
                "time": False,
                "values": [
                    {"id": "KOM", "text": "Municipal tax rate (per cent)"},
                    {"id": "KIRKE", "text": "Church tax rate (per cent)"},
                    {"id": "GRUND", "text": "Land tax (per mille)"},
                ],
            },
        ]
    variables.append(
        {
            "id": "Tid",
            "text": "time",
            "elimination": False,
            "time": True,
            "values": [{"id": str(y), "text": str(y)} for y in years],
        }
    )
    return {
        "id": table,
        "text": spec_for(table).title,
        "unit": "per 1,000 women" if table == "FOD33" else "-",
        "note": "CONSTRUCTED: variables and codes from the public DST table catalogue, values "
        "from the embedded data; value lists cut to what the tests ask for",
        "variables": variables,
    }


def rates_session() -> None:
    answers = [
        ("tableinfo", tableinfo_request(t), f"tableinfo_{t}.json", info_text(rates_tableinfo(t)))
        for t in ("FOD33", "PSKAT")
    ]
    answers.append(("data", spec_for("FOD33").query([]), "data_FOD33_national.csv", fod33_body()))
    for code in RATE_CODES:
        body = pskat_body(code)
        answers.append(("data", spec_for("PSKAT").query([code]), f"data_PSKAT_{code}.csv", body))
    write_session(
        RATES_SESSION,
        answers,
        "constructed from the embedded data (FOD33 ASFR 1973-2019 with constructed "
        "TOT1/BRUTTO/NETTO, compiled PSKAT 2025 and 2024 = 2025 without land tax) in the "
        "verified BULK layout and the catalogue's codes (docs/statbank.md), not captured from "
        "the live API; refresh with scripts/record_statbank.py --tables FOD33,PSKAT",
    )


DODC2_SESSION = "dodc2_2019_constructed"
DODC2_PROVINCES = ("All Denmark", "Province Byen København", "Province Københavns omegn")
DODC2_YEAR = 2019  # 52 ISO weeks


def dodc2_tableinfo() -> dict[str, object]:
    groups = [f"{a}-{a + 4} years" for a in range(0, 100, 5)] + ["100 years and over"]
    weeks = [f"{DODC2_YEAR}U{w:02d}" for w in range(1, 53)]
    return {
        "id": "DODC2",
        "text": spec_for("DODC2").title,
        "unit": "number",
        "note": "CONSTRUCTED from the embedded data; value texts as CPop-SDU's extract shows "
        "them, value codes [U] not seen in a real answer; provinces cut to three",
        "variables": [
            {
                "id": "OMRÅDE",
                "text": "region",
                "elimination": True,
                "time": False,
                "values": [{"id": f"{i:02d}", "text": t} for i, t in enumerate(DODC2_PROVINCES)],
            },
            {
                "id": "KØN",
                "text": "sex",
                "elimination": True,
                "time": False,
                "values": [
                    {"id": "TOT", "text": "Total"},
                    {"id": "M", "text": "Men"},
                    {"id": "K", "text": "Women"},
                ],
            },
            {
                "id": "ALDER",
                "text": "age",
                "elimination": True,
                "time": False,
                "values": [{"id": "TOT", "text": "Total"}]
                + [{"id": g.split(" ")[0], "text": g} for g in groups],
            },
            {
                "id": "Tid",
                "text": "time",
                "elimination": False,
                "time": True,
                "values": [{"id": week, "text": week} for week in weeks],
            },
        ],
    }


def dodc2_body() -> str:
    """Weekly deaths whose 2019 sums are the embedded ones, spread evenly over the 52 weeks
    (the first weeks take the remainder): constructed, the real weekly pattern is not known."""
    mort = data.mortality_province()
    lines = ["OMRÅDE;KØN;ALDER;TID;INDHOLD"]
    for i, province in enumerate(DODC2_PROVINCES):
        rows = mort[(mort["province"] == province) & (mort["year"] == DODC2_YEAR)]
        for sex_code, sex in (("M", "m"), ("K", "f")):
            for age in range(0, 101, 5):
                pick = rows[(rows["sex"] == sex) & (rows["age_start"] == age)]
                total = round(float(pick["deaths"].iloc[0]))
                age_code = f"{age}-{age + 4}" if age < 100 else "100"
                for week in range(1, 53):
                    value = total // 52 + (1 if week <= total % 52 else 0)
                    lines.append(f"{i:02d};{sex_code};{age_code};{DODC2_YEAR}U{week:02d};{value}")
    return "\n".join(lines) + "\n"


def dodc2_session() -> None:
    info = info_text(dodc2_tableinfo())
    write_session(
        DODC2_SESSION,
        [
            ("tableinfo", tableinfo_request("DODC2"), "tableinfo_DODC2.json", info),
            ("data", spec_for("DODC2").query([]), "data_DODC2_national.csv", dodc2_body()),
        ],
        "constructed from the embedded 2019 deaths (three provinces) in the verified "
        "BULK layout, spread evenly over the weeks; not captured from the live API",
    )


JSON_KIND, CSV_KIND = "application/json; charset=utf-8", "text/csv; charset=UTF-8"


def write_session(name: str, answers: list[tuple[str, dict[str, object], str, str]], note: str):
    """A session folder from ``(path, request, stem, body)`` answers, in order."""
    folder = RECORDINGS / name
    folder.mkdir(parents=True, exist_ok=True)
    exchanges: list[dict[str, object]] = []
    for path, request, stem, text in answers:
        file = folder / f"{len(exchanges) + 1:03d}_{stem}"
        file.write_text(text, encoding="utf-8", newline="")
        exchanges.append(
            {
                "method": "POST",
                "path": f"/v1/{path}",
                "request": request,
                "status": 200,
                "response_file": file.name,
                "headers": {"content-type": JSON_KIND if path == "tableinfo" else CSV_KIND},
            }
        )
    session = {"constructed": True, "note": note, "exchanges": exchanges}
    (folder / "session.yaml").write_text(
        yaml.safe_dump(session, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def tableinfo_request(table: str) -> dict[str, object]:
    return {"table": table, "format": "JSON", "lang": "en"}


def info_text(info: dict[str, object]) -> str:
    """A /tableinfo answer's body as the API sends it (indented JSON, UTF-8 letters kept)."""
    return json.dumps(info, ensure_ascii=False, indent=1) + "\n"


def tableinfo_answer(table: str, title: str, unit: str, variables: list[dict[str, object]]):
    info = {
        "id": table,
        "text": title,
        "unit": unit,
        "note": "CONSTRUCTED: variables from the public DST table catalogue, value lists cut to "
        "what the tests ask for; value codes and texts [U] not seen in a real answer",
        "variables": variables,
    }
    return ("tableinfo", tableinfo_request(table), f"tableinfo_{table}.json", info_text(info))


def per_municipality_session(
    name: str,
    table: str,
    unit: str,
    variables: list[dict[str, object]],
    body: Callable[[str], str],
    note: str,
) -> None:
    """A session of ``table``: its /tableinfo with ``variables``, then one /data answer
    ``body(code)`` per municipality of :data:`RATE_CODES`."""
    spec = spec_for(table)
    answers = [tableinfo_answer(table, spec.title, unit, variables)]
    for code in RATE_CODES:
        answers.append(("data", spec.query([code]), f"data_{table}_{code}.csv", body(code)))
    write_session(name, answers, note)


def variable(id_: str, values: list[tuple[str, str]], elimination: bool = True):
    return {
        "id": id_,
        "text": id_.lower(),
        "elimination": elimination,
        "time": False,
        "values": [{"id": c, "text": t} for c, t in values],
    }


def years_variable(years: tuple[int, ...]) -> dict[str, object]:
    return {
        "id": "Tid",
        "text": "time",
        "elimination": False,
        "time": True,
        "values": [{"id": str(y), "text": str(y)} for y in years],
    }


MIGRATION_SESSION = "migration_165_101_constructed"
MIGRATION_YEARS = (2019, 2020, 2021, 2022, 2023)
AGE_CODES = [(str(a), f"{a} years") for a in range(MAX_AGE + 1)]
AREAS = [
    ("0", "All Denmark"),
    ("101", "Copenhagen"),
    ("147", "Frederiksberg"),
    ("165", NAMES["165"]),
]

# CONSTRUCTED yearly totals per municipality (plausible orders of magnitude for a suburb of
# 28,000 and a city of 650,000, NOT Statistics Denmark's figures) and year factors (a dip in
# 2020, more immigrants in 2022)
FLOW_TOTALS = {
    "FLY66_IN": {"165": 2450, "101": 41500},
    "FLY66_OUT": {"165": 2550, "101": 46800},
    "VAN1AAR": {"165": 620, "101": 20800},
    "VAN2AAR": {"165": 410, "101": 15200},
}
FLOW_YEARS = {
    "FLY66_IN": (1.00, 0.96, 1.02, 0.99, 1.01),
    "FLY66_OUT": (1.00, 0.96, 1.02, 0.99, 1.01),
    "VAN1AAR": (1.00, 0.80, 0.95, 1.35, 1.05),
    "VAN2AAR": (1.00, 0.85, 0.92, 1.02, 1.04),
}
FLOW_PEAK = {"FLY66_IN": 21.0, "FLY66_OUT": 22.0, "VAN1AAR": 24.0, "VAN2AAR": 27.0}


def migration_profile(peak: float) -> np.ndarray:
    """A Rogers-Castro model schedule over ages 0..125 (children with their parents, the
    labour-force peak, a constant), tapered after 85 and zero from 105: a CONSTRUCTED shape."""
    x = np.arange(MAX_AGE + 1, dtype=np.float64)
    m = (
        0.02 * np.exp(-0.1 * x)
        + 0.06 * np.exp(-0.1 * (x - peak) - np.exp(-0.4 * (x - peak)))
        + 0.003
    )
    m[x > 85] *= np.exp(-0.3 * (x[x > 85] - 85))
    m[x >= 105] = 0.0
    return m / m.sum()


def whole_persons(total: float, shape: np.ndarray) -> np.ndarray:
    """``total`` spread by ``shape`` in whole persons (largest remainder), summing to it."""
    exact = total * shape
    out = np.floor(exact).astype(np.int64)
    short = round(total) - int(out.sum())
    order = np.argsort(-(exact - out), kind="stable")
    out[order[:short]] += 1
    return out


def flow_body(name: str, code: str) -> str:
    spec = spec_for(name)
    sexes = ("1", "2") if spec.table.startswith("VAN") else ("M", "K")
    shape = migration_profile(FLOW_PEAK[name])
    header = ";".join([*(v.upper() if v == "Tid" else v for v in spec.asked), "INDHOLD"])
    lines = [header]
    for year, factor in zip(MIGRATION_YEARS, FLOW_YEARS[name], strict=True):
        total = FLOW_TOTALS[name][code] * factor
        for i, sex in enumerate(sexes):
            share = 0.51 if i == 0 else 0.49
            ages = whole_persons(total * share, shape)
            for age, persons in enumerate(ages):
                cells = {"ALDER": str(age), "KØN": sex, "Tid": str(year), str(spec.area): code}
                lines.append(";".join([*(cells[v] for v in spec.asked), str(int(persons))]))
    return "\n".join(lines) + "\n"


def migration_session() -> None:
    years = years_variable(MIGRATION_YEARS)
    countries = [("5100", "Denmark"), ("5104", "Finland"), ("5110", "Norway")]
    citizenship = [("DANSK", "Danish"), ("UDLAND", "Foreign")]
    municipalities = [c for c in AREAS if c[0] != "0"]
    sexes = [("1", "Men"), ("2", "Women")]
    answers = [
        tableinfo_answer(
            "VAN1AAR",
            spec_for("VAN1AAR").title,
            "number",
            [
                variable("OMRÅDE", AREAS, elimination=False),
                variable("KØN", sexes),
                variable("ALDER", AGE_CODES),
                variable("INDVLAND", countries),
                variable("STATSB", citizenship),
                years,
            ],
        ),
        tableinfo_answer(
            "VAN2AAR",
            spec_for("VAN2AAR").title,
            "number",
            [
                variable("OMRÅDE", AREAS, elimination=False),
                variable("KØN", sexes),
                variable("ALDER", AGE_CODES),
                variable("UDVLAND", countries),
                variable("STATSB", citizenship),
                years,
            ],
        ),
        tableinfo_answer(
            "FLY66",
            "Moves between municipalities by municipality moved to, municipality moved from, "
            "age and sex",
            "number",
            [
                variable("TILKOMMUNE", municipalities),
                variable("FRAKOMMUNE", municipalities),
                variable("ALDER", AGE_CODES),
                variable("KØN", [("M", "Men"), ("K", "Women")]),
                years,
            ],
        ),
    ]
    for name in ("VAN1AAR", "VAN2AAR", "FLY66_IN", "FLY66_OUT"):
        for code in RATE_CODES:
            stem = f"data_{name}_{code}.csv"
            answers.append(("data", spec_for(name).query([code]), stem, flow_body(name, code)))
    write_session(
        MIGRATION_SESSION,
        answers,
        "CONSTRUCTED migration figures (a model age schedule times plausible yearly totals, "
        "NOT Statistics Denmark's) in the BULK layout, with the variables of the public DST "
        "table catalogue; not captured from the live API; refresh with "
        "scripts/record_statbank.py --tables VAN1AAR,VAN2AAR,FLY66",
    )


FOD407_SESSION = "fod407_165_101_constructed"
FOD407_LEVEL = {"165": 1.12, "101": 0.88}  # CONSTRUCTED: each municipality against the nation
FOD407_YEARS = {2019: 1.00, 2020: 0.99, 2021: 1.01, 2022: 0.91, 2023: 0.88}  # CONSTRUCTED


def fod407_rates(code: str, year: int) -> list[float]:
    """The rates per 1,000 women of the groups 15-19 .. 45-49: the embedded national ASFR of
    2019 averaged over each group, times the CONSTRUCTED level and year factors above."""
    asfr = data.fertility_asfr()
    national = asfr[asfr["year"] == 2019].set_index("age")["rate_per_1000"]
    groups = [float(national.loc[a : a + 4].mean()) for a in range(15, 50, 5)]
    return [round(g * FOD407_LEVEL[code] * FOD407_YEARS[year], 1) for g in groups]


def fod407_body(code: str) -> str:
    lines = ["OMRÅDE;ALDER;TID;INDHOLD"]
    for year in FOD407_YEARS:
        rates = fod407_rates(code, year)
        lines.append(f"{code};TOT1;{year};{5 * sum(rates):.1f}")
        starts = range(15, 50, 5)
        lines.extend(
            f"{code};{a}-{a + 4};{year};{r:.1f}" for a, r in zip(starts, rates, strict=True)
        )
    return "\n".join(lines) + "\n"


def fod407_session() -> None:
    ages = [("TOT1", "Total fertility rate")] + [
        (f"{a}-{a + 4}", f"{a}-{a + 4} years") for a in range(15, 50, 5)
    ]
    variables = [
        variable("OMRÅDE", AREAS, elimination=False),
        variable("ALDER", ages, elimination=False),
        years_variable(tuple(FOD407_YEARS)),
    ]
    per_municipality_session(
        FOD407_SESSION,
        "FOD407",
        "per 1,000 women",
        variables,
        fod407_body,
        "CONSTRUCTED fertility rates (the embedded national ASFR 2019 in 5-year groups times "
        "constructed municipal and year factors, NOT Statistics Denmark's) in the BULK layout, "
        "with the variables of the public DST table catalogue and the TOT1 code of a public "
        "script; age-group codes and texts [U]; refresh with scripts/record_statbank.py "
        "--tables FOD407",
    )


BOL106_SESSION = "bol106_165_101_constructed"
BOL106_YEARS = (2019, 2020, 2021)
BOL106_UNITS = [
    ("GNSAB", "Average area per dwelling (m2)"),
    ("GNSAP", "Average area per person (m2)"),
    ("GNSPB", "Average number of persons per dwelling"),
]
BOL106_USES = [
    ("TOT", "Total"),
    ("125", "Detached houses/farmhouses"),
    ("130", "Terraced, linked or semi-detached houses"),
    ("140", "Multi-dwelling houses"),
    ("150", "Student hostels"),
    ("160", "Residential buildings for communities"),
    ("565", "Cottages"),
    ("570", "Other"),
]
# CONSTRUCTED persons per dwelling in 2020 (NOT Statistics Denmark's figures): plausible values
# near the national 2020 ones (all 2.1, detached 2.6, terraced 1.9, flats 1.8); None = not
# published (..), as for a use a municipality has almost none of
BOL106_PERSONS = {
    "165": {"TOT": 2.2, "125": 2.7, "130": 2.4, "140": 1.9, "150": 1.1, "160": 1.3, "565": None,
            "570": 1.6},
    "101": {"TOT": 1.9, "125": 2.8, "130": 2.3, "140": 1.8, "150": 1.1, "160": 1.2, "565": 2.0,
            "570": 1.5},
}  # fmt: skip
BOL106_YEAR_STEP = {2019: 0.1, 2020: 0.0, 2021: -0.1}  # CONSTRUCTED: added to every average
BOL106_AREA = {"TOT": 95, "125": 150, "130": 95, "140": 75, "150": 35, "160": 60, "565": 80,
               "570": 90}  # fmt: skip  # CONSTRUCTED m2 per dwelling


def bol106_body(code: str) -> str:
    """BOL106 as a BULK answer: per year, use and unit the CONSTRUCTED averages above (persons
    per dwelling with the year's step; m2 per dwelling; m2 per person = their ratio)."""
    lines = ["OMRÅDE;ENHED;ANVENDELSE;TID;INDHOLD"]
    for year in BOL106_YEARS:
        for use, _ in BOL106_USES:
            base = BOL106_PERSONS[code][use]
            persons = None if base is None else round(base + BOL106_YEAR_STEP[year], 1)
            area = BOL106_AREA[use]
            cells = {
                "GNSAB": ".." if persons is None else f"{area:.1f}",
                "GNSAP": ".." if persons is None else f"{area / persons:.1f}",
                "GNSPB": ".." if persons is None else f"{persons:.1f}",
            }
            lines.extend(f"{code};{unit};{use};{year};{cells[unit]}" for unit, _ in BOL106_UNITS)
    return "\n".join(lines) + "\n"


def bol106_session() -> None:
    variables = [
        variable("OMRÅDE", AREAS, elimination=False),
        variable("ENHED", BOL106_UNITS, elimination=False),
        variable("ANVENDELSE", BOL106_USES),
        years_variable(BOL106_YEARS),
    ]
    per_municipality_session(
        BOL106_SESSION,
        "BOL106",
        "-",
        variables,
        bol106_body,
        "CONSTRUCTED averages (persons per dwelling near the national 2020 values, areas "
        "plausible, NOT Statistics Denmark's figures) in the BULK layout, with the variables of "
        "the public DST table catalogue and the ENHED codes GNSAB, GNSAP, GNSPB and ANVENDELSE "
        "codes of public scripts; value texts [U]; refresh with scripts/record_statbank.py "
        "--tables BOL106",
    )


def folk1a_session() -> None:
    spec = spec_for("FOLK1A")
    info = info_text(folk1a_tableinfo(CODES))
    answers = [("tableinfo", tableinfo_request("FOLK1A"), "tableinfo_FOLK1A.json", info)]
    for code in CODES:
        answers.append(("data", spec.query([code]), f"data_FOLK1A_{code}.csv", folk1a_body(code)))
    write_session(
        "folk1a_165_101_constructed",
        answers,
        "constructed from the embedded data in the API's documented format, not "
        "captured from the live API; refresh with scripts/record_statbank.py",
    )


def main() -> None:
    migration_session()
    fod407_session()
    bol106_session()
    dodc2_session()
    rates_session()
    folk1a_session()


if __name__ == "__main__":
    main()
