"""The council report: every figure equals the model's output; the PDF renders offline, page by
page, with the headline figures; bad output paths give one-line errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from byibalance.cli import main
from byibalance.reports import CouncilReport, load_report, render_html, write_pdf, write_xlsx
from byibalance.reports.charts import line_chart_svg
from byibalance.reports.render import mio, num
from byibalance.runner import run


@pytest.fixture(scope="module")
def report() -> CouncilReport:
    return load_report()


def test_every_figure_equals_the_model(report: CouncilReport) -> None:
    result, baseline = run(), run(housing=False)
    for line in report.population:
        assert line.with_housing == pytest.approx(result.projection.in_year(line.year).sum(), 1e-12)
        assert line.without_housing == pytest.approx(
            baseline.projection.in_year(line.year).sum(), rel=1e-12
        )
    assert [b.year for b in report.budget] == [y.year for y in result.budget.years]
    for line in report.budget:
        y = result.budget.year(line.year)
        assert line.operating_balance == pytest.approx(y.operating_balance, rel=1e-12)
        assert line.revenue == pytest.approx(y.revenue_total, rel=1e-12)
        assert line.liquidity_average == pytest.approx(y.liquidity_average, rel=1e-12)
    assert len(report.breaches) == len(result.breaches())
    assert report.budget_year == result.budget.budget_year
    assert {b.period for b in report.budget} == {"budgetår", "overslagsår", "langt sigt"}


def test_missing_indicators_stay_missing(report: CouncilReport) -> None:
    assert {i.dimension for i in report.indicators} == {"social", "economic", "climate",
                                                        "environment"}  # fmt: skip
    missing = [i for i in report.indicators if i.value is None]
    assert missing, "the account has missing values; they must show as missing"
    html = render_html(report)
    assert html.count('class="missing">mangler') >= len(missing)
    assert "published" in html and "estimate" in " ".join(report.assumptions)


def test_region_position(report: CouncilReport) -> None:
    labels = {g.label: g for g in report.region}
    assert labels["Indbyggere 2020"].value == 27_731
    assert all(g.of == 29 for g in report.region)


def test_chart_is_inline_svg() -> None:
    svg = line_chart_svg({"a": [(2020, 1.0), (2030, 2.0)]}, title="t <x>")
    assert svg.startswith("<svg") and "polyline" in svg and "t &lt;x&gt;" in svg
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_pages_and_headline_figures(report: CouncilReport, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    write_pdf(report, pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 3
    assert all(p.stat().st_size > 2_000 for p in pages)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    head = report.headline
    assert "Albertslund Kommune" in text and "Bæredygtighedsregnskabet" in text
    assert num(head["population_budget_year"]) in text
    assert num(head["population_2040"]) in text
    assert mio(head["operating_balance_budget_year"]) in text
    assert "Placering i hovedstadsregionen" in text


def test_xlsx_has_full_tables(report: CouncilReport, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    write_xlsx(report, out)
    sheets = pd.read_excel(out, sheet_name=None)
    assert {"befolkning", "budget", "baeredygtighed", "k29", "forudsaetninger"} <= set(sheets)
    assert len(sheets["budget"]) == len(report.budget)
    pop = sheets["befolkning"].set_index("year")
    assert pop.loc[2040, "with_housing"] == pytest.approx(report.headline["population_2040"])


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("report.docx", "unknown report format '.docx'"),
        ("/nonexistent-dir/report.pdf", "does not exist"),
    ],
)
def test_bad_output_one_line(output: str, message: str,
                             capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--output", output])
    assert exit_.value.code not in (0, None)
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_unknown_scenario_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--scenario", str(tmp_path / "nope.yaml"), "--output", "r.html"])
    assert exit_.value.code not in (0, None)
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_ambitions_every_one_chosen_or_left_out_with_reason(report: CouncilReport) -> None:
    from byibalance.portfolio.loaders import default_catalogue_path, read_catalogue

    catalogue = read_catalogue(default_catalogue_path("165")).catalogue
    assert sorted(a.id for a in report.ambitions) == sorted(catalogue)
    assert all(a.reason for a in report.ambitions)
    assert all((a.start is not None) == a.chosen for a in report.ambitions)


def test_compare_two_scenarios_equals_the_runner(report: CouncilReport) -> None:
    from byibalance.reports.model import compare_reports
    from byibalance.runner import run_file

    same = compare_reports(report, report)
    assert same and all(d.difference == 0 for d in same)
    path = Path(__file__).with_name("tax_rise.yaml")
    both = load_report(None, region=False, compare=path)
    other = run_file(path)
    diff = {d.label: d for d in both.comparison}
    line = diff["Driftsresultat 2030"]
    assert line.b == pytest.approx(other.budget.year(2030).operating_balance, rel=1e-12)
    assert line.difference == pytest.approx(line.b - line.a)
    assert diff["Driftsresultat 2027"].difference == pytest.approx(0, abs=1e-6)
    assert line.difference > 0  # a higher tax rate raises the operating balance
    assert "tax_rise" in render_html(both)
