"""How long checking and converting a StatBank FOLK1A answer takes, against a bare CSV read.

    python benchmarks/statbank_parse.py [--repeat 3]

The answer is built in memory in the API's BULK format for all 98 municipalities and All
Denmark, 1 January 2008-2020 (the embedded FOLK1B groups spread to single ages by the national
shape): 99 x 13 x 2 x 127 = 326,898 lines. Measured side by side in one process:

- baseline: ``pandas.read_csv(sep=";", dtype=str)`` of the same text (no checks at all);
- ours: ``parse_bulk`` + ``folk1a_tables`` (every check of docs/statbank.md, tidy tables);
- the snapshot write (CSV files, raw body, sha256, rename) and a cold ``population_age5()`` with
  that snapshot active, against the embedded one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import tempfile
import time

import numpy as np
import pandas as pd

from byibalance import data
from byibalance.population.graduation import graduate_national_shape
from byibalance.population.inputs import shape_for
from byibalance.sources import snapshots
from byibalance.sources.statbank import Download, folk1a_tables, parse_bulk, spec_for


def body() -> tuple[str, list[str]]:
    pop = data.population_age5()
    cube = pop.set_index(["code", "year", "sex", "age_start"])["population"].unstack("age_start")
    lines = ["OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD"]
    for (code, year, sex), row in cube.iterrows():
        shape = shape_for(int(year), int(year))[0 if sex == "m" else 1]
        ages = np.rint(graduate_national_shape(row.to_numpy(float), shape)).astype(np.int64)
        ages = np.concatenate([ages, np.zeros(25, dtype=np.int64)])
        s = "1" if sex == "m" else "2"
        lines.append(f"{code};{s};IALT;TOT;{year}K1;{int(ages.sum())}")
        lines.extend(f"{code};{s};{a};TOT;{year}K1;{v}" for a, v in enumerate(ages))
    return "\n".join(lines) + "\n", sorted(pop["code"].unique())


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text, codes = body()
    spec = spec_for("FOLK1A")
    print(f"answer: {text.count(chr(10)) - 1:,} lines, {len(text.encode()) / 1e6:.1f} MB")
    base = best(lambda: pd.read_csv(io.StringIO(text), sep=";", dtype=str), args.repeat)
    ours = best(lambda: folk1a_tables(parse_bulk(text, spec, codes)), args.repeat)
    print(f"baseline read_csv       {base:7.3f} s")
    print(f"parse_bulk+folk1a_tables {ours:7.3f} s   ratio {ours / base:5.1f}x")
    tables = folk1a_tables(parse_bulk(text, spec, codes))
    download = Download(
        "FOLK1A",
        spec.title,
        tuple(codes),
        (spec.query(codes),),
        (text,),
        tables,
        tuple(f"{y}K1" for y in range(2008, 2021)),
        "now",
        True,
    )
    with tempfile.TemporaryDirectory() as home:
        os.environ["BYIBALANCE_DATA_HOME"] = home
        t = time.perf_counter()
        snapshots.write_snapshot([download], now=dt.datetime(2026, 11, 29, tzinfo=dt.UTC))
        write = time.perf_counter() - t
        print(f"write_snapshot          {write:7.3f} s")
        data.clear_cache()
        snapshots.use("embedded")
        embedded = best(lambda: (data.clear_cache(), data.population_age5()), args.repeat)
        snapshots.use("newest")
        fresh = best(lambda: (data.clear_cache(), data.population_age5()), args.repeat)
        print(f"population_age5 embedded {embedded:7.3f} s")
        print(f"population_age5 snapshot {fresh:7.3f} s   ratio {fresh / embedded:5.1f}x")
        data.clear_cache()


if __name__ == "__main__":
    main()
