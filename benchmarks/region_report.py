"""Time the capital-region comparison and the council report.

The comparison (one vectorised ``project_many`` for the 29, then services and budget per
municipality) is set against the baseline of 29 separate ``runner.run`` calls, side by side in the
same process; the report is timed as data, HTML and PDF.

    python benchmarks/region_report.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from byibalance import data
from byibalance.benchmark import load_comparison
from byibalance.reports import load_report, render_html, write_pdf
from byibalance.runner import run


def best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    codes = data.municipality_codes("k29")
    load_comparison("k29")  # warm caches (data, parameters)
    ours = best(lambda: load_comparison("k29"))
    base = best(lambda: [run(municipality=c) for c in codes])
    print(f"K29 comparison: {ours:.2f} s; 29 x runner.run: {base:.2f} s; ratio {base / ours:.2f}x")
    report = load_report()
    t_data = best(load_report, 1)
    t_html = best(lambda: render_html(report))
    with tempfile.TemporaryDirectory() as tmp:
        t_pdf = best(lambda: write_pdf(report, Path(tmp) / "r.pdf"))
    print(f"report data {t_data:.2f} s, HTML {t_html * 1000:.0f} ms, PDF {t_pdf:.2f} s")


if __name__ == "__main__":
    main()
