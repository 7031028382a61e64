"""A fan can be read without seeing the chart: each chart's text alternative names it and gives
the median in the first and last year and the band in the last year, and a table under it gives
every year's numbers, in Danish on the Danish page; the band's edges stand out from the white
background by WCAG's 3:1 for graphical objects."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.web.conftest import signed_in

from byibalance.web.app import JOB_RUNNERS
from byibalance.web.charts import COLOURS
from byibalance.web.jobs import JobQueue, JobState, Progress
from byibalance.web.routes import uncertainty
from byibalance.web.translations.danish import DA

YEARS = (2024, 2025, 2026)
POPULATION = ((28000.4, 28500.0, 29012.6), (28400.0, 29100.0, 30234.4), (28800.0, 29800.0, 31500.2))
BUDGET = ((-12.34, -20.0, -25.5), (1.25, 0.5, -3.04), (14.0, 18.0, 22.96))
BREACH = {"kassekreditreglen": (0.0, 0.004, 0.25), "service_ceiling": (0.5, 0.996, 1.0)}


def fixed_fans(
    code: str, paths: int, seed: int, progress: Progress, band: int = 80, scenario: object = None
) -> uncertainty.FanResult:
    """A stand-in run with known numbers."""
    population = tuple(uncertainty.Fan(g, YEARS, POPULATION) for g in ("total", "0-2"))
    users = (uncertainty.Fan("daycare_0_2", YEARS, POPULATION),)
    budget = tuple(
        uncertainty.Fan(b, YEARS, BUDGET) for b in ("operating_balance", "liquidity_average")
    )
    return uncertainty.FanResult(
        code, paths, seed, band, population, users, budget, YEARS, BREACH, (0.0, 0.1, 0.2)
    )


@pytest.fixture
def finished(app, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(uncertainty, "compute_fans", fixed_fans)
    app.state.jobs.shutdown()
    app.state.jobs = JobQueue(
        app.state.sessionmaker, JOB_RUNNERS, tmp_path / "jobs", processes=False, poll=0.05
    )
    app.state.jobs.start()
    analyst, token = signed_in(app, "analyst")
    analyst.post("/uncertainty/section/population", data={"csrf_token": token})
    [job] = app.state.jobs.jobs()
    assert app.state.jobs.wait(job.id, timeout=20).state is JobState.DONE
    yield analyst
    app.state.jobs.shutdown()


def _section(html: str) -> str:
    match = re.search(r'<section class="card" id="fans-section".*?</section>', html, re.S)
    assert match, "no fan section on the page"
    return match.group(0)


def _captions(html: str) -> list[str]:
    return [
        " ".join(c.split())
        for c in re.findall(r'<figcaption class="visually-hidden">(.*?)</figcaption>', html, re.S)
    ]


def _tables(html: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """Each fan table: its caption, its column headers, its rows (year, lower, median, upper)."""
    out = []
    for table in re.findall(r'<table class="fan-table">.*?</table>', html, re.S):
        caption = re.search(r"<caption>(.*?) <abbr", table, re.S)
        assert caption, table
        heads = re.findall(r'<th scope="col">(.*?)</th>', table)
        rows = re.findall(r'<tr><th scope="row">(\d{4})</th>(.*?)</tr>', table, re.S)
        out.append(
            (caption.group(1), heads, [[y, *re.findall(r"<td>(.*?)</td>", r)] for y, r in rows])
        )
    return out


def test_the_population_fans_read_without_the_chart(finished) -> None:  # type: ignore[no-untyped-def]
    section = _section(finished.get("/population").text)
    title = DA["Population on 1 January"]
    assert _captions(section)[0] == (
        f"{DA['Fan chart']}: {title}. Median 2024: 28.400; 2026: 30.234 {DA['persons']}. "
        f"{DA['{band} % band'].format(band=80)} 2026: 29.013–31.500 {DA['persons']}."
    )
    tables = _tables(section)
    assert len(tables) == 2  # one per chart
    caption, heads, rows = tables[0]
    assert caption == f"{DA['Fan chart']}: {title} ({DA['persons']})"
    assert heads == [DA["Year"], "10 %", "Median", "90 %"]
    assert rows == [
        ["2024", "28.000", "28.400", "28.800"],
        ["2025", "28.500", "29.100", "29.800"],
        ["2026", "29.013", "30.234", "31.500"],
    ]
    assert tables[1][0] == f"{DA['Fan chart']}: {DA['Age group']} 0-2 ({DA['persons']})"


def test_the_budget_fans_read_in_mio_dkk_with_a_decimal(finished) -> None:  # type: ignore[no-untyped-def]
    section = _section(finished.get("/economy").text)
    unit = DA["mio. DKK"]
    name = DA["operating_balance"]
    assert (
        f"{DA['Fan chart']}: {name}. Median 2024: 1,2; 2026: -3,0 {unit}. "
        f"{DA['{band} % band'].format(band=80)} 2026: -25,5–23,0 {unit}." in _captions(section)
    )
    budget = {caption: rows for caption, _, rows in _tables(section)}
    assert budget[f"{DA['Fan chart']}: {name} ({unit})"][0] == ["2024", "-12,3", "1,2", "14,0"]
    # the rule probabilities stay one table with a caption, row and column headers
    assert section.count('<table class="breach-table">') == 1
    assert f"<caption>{DA['Probability (%) that the rule is broken, by year']}" in section
    assert f'<th scope="row">{DA["kassekreditreglen"]}</th><td>0</td><td>&lt; 1</td>' in section


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("colour", range(len(COLOURS)))
def test_the_bands_edges_stand_out_from_the_background(colour: int) -> None:
    fan = uncertainty.Fan("total", YEARS, POPULATION)
    figure = json.loads(uncertainty.fan_figure(fan, "t", "persons", "80 %", "median", colour))
    background = figure["layout"]["plot_bgcolor"]
    lower, upper, median = figure["data"]
    for trace in (lower, upper, median):
        line = trace["line"]
        assert line["width"] >= 1, trace["name"]
        light, dark = sorted((_luminance(background), _luminance(line["color"])))
        assert (dark + 0.05) / (light + 0.05) >= 3.0, (trace["name"], line["color"])
    assert upper["fill"] == "tonexty"  # the band is filled between the edges
