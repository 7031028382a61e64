"""The council report tells the truth about the ambitions' plan and the collective frames: the
yearly warnings (amount over the municipality's share, split into budget and ambitions) are the
portfolio's own figures (``byibalance ambitions --format json``), in HTML, Excel and PDF, and a
report with the frames hard shows no warnings table."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from byibalance.cli import main
from byibalance.portfolio import Mode
from byibalance.portfolio.headroom import Rule
from byibalance.reports import CouncilReport, load_report, render_html, write_pdf, write_xlsx
from byibalance.reports.loader import RULE_NAME_DA

Oracle = dict[str, Any]
MIO = 1e6  # the ambitions command counts in mio. DKK, the report in DKK


def da(amount: float) -> str:
    """An amount in mio. DKK as the Danish report writes it (one decimal, decimal comma)."""
    return f"{amount:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


@pytest.fixture(scope="module")
def report() -> CouncilReport:
    return load_report(region=False)


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    """The portfolio's plan for Albertslund as the ambitions command prints it."""
    # --fast: the warnings and the selection do not depend on the per-ambition re-solves
    out = subprocess.run(["byibalance", "ambitions", "--municipality", "165", "--format", "json",
                          "--fast"], check=True, capture_output=True, text=True).stdout  # fmt: skip
    data: Oracle = json.loads(out)
    return data


def test_warnings_equal_the_portfolio(report: CouncilReport, oracle: Oracle) -> None:
    assert report.frames is not None and report.frames.mode == "advarsel"
    expected = sorted((w["year"], RULE_NAME_DA[Rule(w["rule"])], w["over"] * MIO,
                       w["baseline_over"] * MIO, w["ambitions_add"] * MIO)
                      for w in oracle["warnings"])  # fmt: skip
    assert expected, "Albertslund's default plan goes above the capital level"
    got = sorted((w.year, w.frame, w.over, w.budget, w.ambitions) for w in report.frames.warnings)
    assert [g[:2] for g in got] == [e[:2] for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert g[2:] == pytest.approx(e[2:], abs=1e3)
    assert sum(a.chosen for a in report.ambitions) == len(oracle["selected"])


def test_html_shows_table_meaning_and_summary(report: CouncilReport, oracle: Oracle) -> None:
    html = render_html(report)
    assert 'class="frame-warnings"' in html and "advarsel" in html
    # the JSON rounds to 1 000 DKK, so the figures shown are the report's (equal to the JSON's
    # by test_warnings_equal_the_portfolio), written one decimal in mio. kr.
    assert report.frames is not None
    for w in report.frames.warnings:
        row = "".join(f"<td>{da(x / MIO)}</td>" for x in (w.over, w.budget, w.ambitions))
        assert f'<td class="l">{w.year}</td><td class="l">{w.frame}</td>{row}' in html
    worst = max(oracle["warnings"], key=lambda w: w["over"])
    largest = report.frames.largest
    assert largest is not None and (largest.year, largest.over) == (
        worst["year"], pytest.approx(worst["over"] * MIO, abs=1e3))  # fmt: skip
    assert worst["over"] > 1  # Albertslund's plan is well above its share of the capital level
    assert f"største årlige overskridelse er {da(largest.over / MIO)} mio. kr." in html
    assert "Anlægsrammen er en fælles ramme" in html
    chosen = sum(a.chosen for a in report.ambitions)
    assert f"{chosen} ambitioner passer i planen" in html


def test_xlsx_sheet_has_the_warnings(report: CouncilReport, oracle: Oracle, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    write_xlsx(report, out)
    sheet = pd.read_excel(out, sheet_name="rammer")
    rows = sheet[sheet["kind"] == "advarsel"].set_index("year")
    assert len(rows) == len(oracle["warnings"])
    for w in oracle["warnings"]:
        assert rows.loc[w["year"], "over"] == pytest.approx(w["over"] * MIO, abs=1e3)
        assert rows.loc[w["year"], "budget"] == pytest.approx(w["baseline_over"] * MIO, abs=1e3)
        assert rows.loc[w["year"], "ambitions"] == pytest.approx(w["ambitions_add"] * MIO, abs=1e3)
    assert set(sheet["mode"]) == {"advarsel"}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_has_the_warning_sentence(report: CouncilReport, tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    write_pdf(report, pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip
    flat = " ".join(text.split())
    assert report.frames is not None and report.frames.largest is not None
    assert "Planen overskrider kommunens andel af de fælles rammer" in flat
    assert da(report.frames.largest.over / MIO) in flat


def test_hard_frames_show_no_warnings_table() -> None:
    hard = load_report(region=False, frames=Mode.hard)
    assert hard.frames is not None and hard.frames.mode == "hård"
    assert hard.frames.warnings == ()
    html = render_html(hard)
    assert 'class="frame-warnings"' not in html and "Planen overskrider" not in html
    assert "hård" in html


def test_cli_main_still_builds(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--no-region", "--output", str(tmp_path / "r.html")])
    assert exit_.value.code in (0, None)
    assert "De fælles rammer" in (tmp_path / "r.html").read_text(encoding="utf-8")
