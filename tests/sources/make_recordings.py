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


def fod33_body() -> str:
    """FOD33 as a BULK answer (``lang=en``: decimal point) with the embedded ASFR's rates."""
    asfr = data.fertility_asfr()
    lines = ["ALDER;TID;INDHOLD"]
    for year, age, rate in asfr[["year", "age", "rate_per_1000"]].itertuples(index=False):
        lines.append(f"{age};{year};{rate:.1f}")
    return "\n".join(lines) + "\n"


def pskat_body(code: str) -> str:
    """PSKAT as a BULK answer with the embedded (compiled PSKAT page) rates of ``code``."""
    rates = data.tax_rates()
    rows = rates[(rates["code"] == code) & (rates["source"] == "embedded")]
    lines = ["OMRÅDE;SKATPCT;TID;INDHOLD"]
    for row in rows.itertuples(index=False):
        lines.append(f"{code};KOMSKAT;{row.year};{row.income_tax_pct:.2f}")
        lines.append(f"{code};KIRKESKAT;{row.year};{row.church_tax_pct:.2f}")
        lines.append(f"{code};GRUNDSKYLD;{row.year};{row.land_tax_per_mille:.2f}")
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
                "values": [{"id": str(a), "text": f"{a} years"} for a in range(15, 50)],
            },
        ]
    else:
        years = [2025]
        variables = [
            {
                "id": "OMRÅDE",
                "text": "region",
                "elimination": True,
                "time": False,
                "values": [{"id": c, "text": NAMES[c]} for c in ("000", *RATE_CODES)],
            },
            {
                "id": "SKATPCT",
                "text": "type of tax",
                "elimination": False,
                "time": False,
                "values": [
                    {"id": "KOMSKAT", "text": "Municipal income tax (per cent)"},
                    {"id": "KIRKESKAT", "text": "Church tax (per cent)"},
                    {"id": "GRUNDSKYLD", "text": "Land tax (per mille)"},
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
        "unit": "per 1,000 women" if table == "FOD33" else "per cent / per mille",
        "note": "CONSTRUCTED from the embedded data; value codes [U] not seen in a real answer",
        "variables": variables,
    }


def rates_session() -> None:
    folder = RECORDINGS / RATES_SESSION
    folder.mkdir(parents=True, exist_ok=True)
    exchanges: list[dict[str, object]] = []

    def save(path: str, request: dict[str, object], stem: str, text: str, kind: str) -> None:
        file = folder / f"{len(exchanges) + 1:03d}_{stem}"
        file.write_text(text, encoding="utf-8", newline="")
        exchanges.append(
            {
                "method": "POST",
                "path": f"/v1/{path}",
                "request": request,
                "status": 200,
                "response_file": file.name,
                "headers": {"content-type": kind},
            }
        )

    json_kind, csv_kind = "application/json; charset=utf-8", "text/csv; charset=UTF-8"
    for table in ("FOD33", "PSKAT"):
        info = json.dumps(rates_tableinfo(table), ensure_ascii=False, indent=1) + "\n"
        request = {"table": table, "format": "JSON", "lang": "en"}
        save("tableinfo", request, f"tableinfo_{table}.json", info, json_kind)
    save("data", spec_for("FOD33").query([]), "data_FOD33_national.csv", fod33_body(), csv_kind)
    for code in RATE_CODES:
        body = pskat_body(code)
        save("data", spec_for("PSKAT").query([code]), f"data_PSKAT_{code}.csv", body, csv_kind)
    session = {
        "constructed": True,
        "note": "constructed from the embedded data (FOD33 ASFR 1973-2019, compiled PSKAT 2025) "
        "in the verified BULK layout (docs/statbank.md), not captured from the live API; "
        "refresh with scripts/record_statbank.py --tables FOD33,PSKAT",
        "exchanges": exchanges,
    }
    (folder / "session.yaml").write_text(
        yaml.safe_dump(session, allow_unicode=True, sort_keys=False), encoding="utf-8"
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
    folder = RECORDINGS / DODC2_SESSION
    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "001_tableinfo_DODC2.json"
    info.write_text(json.dumps(dodc2_tableinfo(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    body = folder / "002_data_DODC2_national.csv"
    body.write_text(dodc2_body(), encoding="utf-8", newline="")
    session = {
        "constructed": True,
        "note": "constructed from the embedded 2019 deaths (three provinces) in the verified "
        "BULK layout, spread evenly over the weeks; not captured from the live API",
        "exchanges": [
            {
                "method": "POST",
                "path": "/v1/tableinfo",
                "request": {"table": "DODC2", "format": "JSON", "lang": "en"},
                "status": 200,
                "response_file": info.name,
                "headers": {"content-type": "application/json; charset=utf-8"},
            },
            {
                "method": "POST",
                "path": "/v1/data",
                "request": spec_for("DODC2").query([]),
                "status": 200,
                "response_file": body.name,
                "headers": {"content-type": "text/csv; charset=UTF-8"},
            },
        ],
    }
    (folder / "session.yaml").write_text(
        yaml.safe_dump(session, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def main() -> None:
    dodc2_session()
    rates_session()
    folder = RECORDINGS / "folk1a_165_101_constructed"
    folder.mkdir(parents=True, exist_ok=True)
    spec = spec_for("FOLK1A")
    exchanges = []
    info = folder / "001_tableinfo_FOLK1A.json"
    info.write_text(
        json.dumps(folk1a_tableinfo(CODES), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    exchanges.append(
        {
            "method": "POST",
            "path": "/v1/tableinfo",
            "request": {"table": "FOLK1A", "format": "JSON", "lang": "en"},
            "status": 200,
            "response_file": info.name,
            "headers": {"content-type": "application/json; charset=utf-8"},
        }
    )
    for i, code in enumerate(CODES, start=2):
        body = folder / f"{i:03d}_data_FOLK1A_{code}.csv"
        body.write_text(folk1a_body(code), encoding="utf-8", newline="")
        exchanges.append(
            {
                "method": "POST",
                "path": "/v1/data",
                "request": spec.query([code]),
                "status": 200,
                "response_file": body.name,
                "headers": {"content-type": "text/csv; charset=UTF-8"},
            }
        )
    session = {
        "constructed": True,
        "note": "constructed from the embedded data in the API's documented format, not "
        "captured from the live API; refresh with scripts/record_statbank.py",
        "exchanges": exchanges,
    }
    (folder / "session.yaml").write_text(
        yaml.safe_dump(session, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
