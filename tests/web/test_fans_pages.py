"""The fan sections of the Population and Economy pages (issue #9): the newest finished baseline
run's fans and rule probabilities, a polled run, or a start button for analysts and admins."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from tests.web.conftest import signed_in

from byibalance.web.app import JOB_RUNNERS
from byibalance.web.jobs import JobQueue, JobState, Progress
from byibalance.web.routes import uncertainty
from byibalance.web.translations.danish import DA

GATE = threading.Event()
BREACH = {"kassekreditreglen": (0.0, 0.25), "service_ceiling": (0.5, 1.0)}
BELOW = (0.1, 0.37)


def known_fans(
    code: str, paths: int, seed: int, progress: Progress, band: int = 80, scenario: object = None
) -> uncertainty.FanResult:
    """A stand-in run with known numbers (waits for GATE after 40 %)."""
    progress(0.4, "population paths")
    assert GATE.wait(20)
    years = (2025, 2026)
    values = ((1.0, 2.0), (2.0, 3.0), (3.0, 5.0))
    population = tuple(uncertainty.Fan(g, years, values) for g in ("total", "0-2", "80+"))
    users = (uncertainty.Fan("daycare_0_2", years, values),)
    budget = tuple(
        uncertainty.Fan(b, years, values)
        for b in ("operating_balance", "liquidity_average", "debt_end")
    )
    return uncertainty.FanResult(
        code, paths, seed, band, population, users, budget, years, BREACH, BELOW
    )


@pytest.fixture
def jobs(app, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    GATE.clear()
    monkeypatch.setattr(uncertainty, "compute_fans", known_fans)
    app.state.jobs.shutdown()
    app.state.jobs = JobQueue(
        app.state.sessionmaker, JOB_RUNNERS, tmp_path / "jobs", processes=False, poll=0.05
    )
    app.state.jobs.start()
    yield app.state.jobs
    GATE.set()
    app.state.jobs.shutdown()


def _section(html: str) -> str:
    match = re.search(r'<section class="card" id="fans-section".*?</section>', html, re.S)
    assert match, "no fan section on the page"
    return match.group(0)


@pytest.mark.parametrize("page", ["population", "economy"])
def test_without_a_run_viewers_read_the_text_and_analysts_get_a_button(app, jobs, page) -> None:  # type: ignore[no-untyped-def]
    viewer, _ = signed_in(app, "viewer")
    seen = _section(viewer.get(f"/{page}").text)
    assert DA["No uncertainty run of the baseline has finished yet."] in seen
    assert "<form" not in seen and "<button" not in seen
    analyst, _ = signed_in(app, "analyst")
    offered = _section(analyst.get(f"/{page}").text)
    assert f'action="/uncertainty/section/{page}"' in offered and "<button" in offered
    assert jobs.jobs() == []  # showing the page starts nothing


def test_a_viewer_cannot_start_a_run_from_the_page(app, jobs) -> None:  # type: ignore[no-untyped-def]
    viewer, token = signed_in(app, "viewer")
    answer = viewer.post("/uncertainty/section/population", data={"csrf_token": token})
    assert answer.status_code == 403
    assert jobs.jobs() == []


def test_the_button_starts_the_uncertainty_pages_default_run_and_the_pages_show_it(
    app, jobs
) -> None:  # type: ignore[no-untyped-def]
    analyst, token = signed_in(app, "analyst")
    t = time.perf_counter()
    answer = analyst.post("/uncertainty/section/economy", data={"csrf_token": token})
    assert time.perf_counter() - t < 0.5  # the run is not computed in the request
    assert answer.status_code == 303 and answer.headers["location"] == "/economy#fans-section"
    [job] = jobs.jobs()
    # the same job as the /uncertainty form's defaults: deduplicated by its key
    again = analyst.post(
        "/uncertainty", data={"csrf_token": token, "paths": "500", "seed": "0", "band": "80"}
    )
    assert again.headers["location"] == f"/uncertainty/jobs/{job.id}"
    assert (
        analyst.post("/uncertainty/section/population", data={"csrf_token": token}).status_code
        == 303
    )
    assert len(jobs.jobs()) == 1
    deadline = time.monotonic() + 10
    while jobs.get(job.id).progress < 0.4 and time.monotonic() < deadline:  # type: ignore[union-attr]
        time.sleep(0.02)
    polled = _section(analyst.get("/population").text)
    assert (
        'hx-get="/uncertainty/section/population"' in polled and 'hx-trigger="every 2s"' in polled
    )
    assert "40 %" in polled
    partial = analyst.get("/uncertainty/section/population")
    assert partial.status_code == 200 and 'id="fans-section"' in partial.text
    GATE.set()
    assert jobs.wait(job.id, timeout=20).state is JobState.DONE
    viewer, _ = signed_in(app, "viewer")
    pop = _section(viewer.get("/population").text)
    assert "hx-trigger" not in pop
    assert pop.count('class="chart"') == 3 and 'id="fan-section-pop-3"' in pop
    assert f'href="/uncertainty/jobs/{job.id}"' in pop
    eco = _section(viewer.get("/economy").text)
    # service demand and two budget lines (operating balance, average liquidity), not debt
    assert eco.count('class="chart"') == 1 + 2


def _table(html: str) -> dict[str, list[str]]:
    table = re.search(r'<table class="breach-table">.*?</table>', html, re.S)
    assert table
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table.group(0), re.S)
    return {name: re.findall(r"<td>(.*?)</td>", cells) for name, cells in rows}


def test_the_rule_table_shows_the_stored_probabilities_with_danish_rule_names(app, jobs) -> None:  # type: ignore[no-untyped-def]
    analyst, token = signed_in(app, "analyst")
    analyst.post("/uncertainty/section/economy", data={"csrf_token": token})
    GATE.set()
    [job] = jobs.jobs()
    stored = uncertainty.fan_result(jobs.wait(job.id, timeout=20).result)
    table = _table(_section(analyst.get("/economy").text))
    expected = {
        DA[rule]: [f"{p * 100:.0f}" for p in probs] for rule, probs in stored.breach.items()
    }
    expected[DA["average liquidity below zero"]] = [
        f"{p * 100:.0f}" for p in stored.liquidity_below_zero
    ]
    assert table == expected
    assert table[DA["kassekreditreglen"]] == ["0", "25"]


def test_a_scenario_run_is_not_shown_as_the_baseline(app, jobs) -> None:  # type: ignore[no-untyped-def]
    analyst, token = signed_in(app, "analyst")
    created = analyst.post(
        "/api/scenarios",
        json={"name": "Flere børn", "population": {"fertility": {"multiplier": 1.3}}},
        headers={"X-CSRF-Token": token},
    )
    assert created.status_code in (200, 201), created.text
    answer = analyst.post(
        "/uncertainty",
        data={
            "csrf_token": token,
            "paths": "100",
            "seed": "1",
            "band": "80",
            "scenario": str(created.json()["id"]),
        },
    )
    assert answer.status_code == 303
    GATE.set()
    [job] = jobs.jobs()
    jobs.wait(job.id, timeout=20)
    seen = _section(analyst.get("/population").text)
    assert DA["No uncertainty run of the baseline has finished yet."] in seen


def test_unknown_section_is_not_found(app, jobs) -> None:  # type: ignore[no-untyped-def]
    viewer, _ = signed_in(app, "viewer")
    assert viewer.get("/uncertainty/section/climate").status_code == 404
