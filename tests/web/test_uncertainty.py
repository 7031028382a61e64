"""The uncertainty page: background runs with progress, roles, validation and the fans."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from tests.web.conftest import new_client, signed_in

from byibalance.web.app import JOB_RUNNERS
from byibalance.web.jobs import JobQueue, JobState, Progress
from byibalance.web.routes import uncertainty


def _job_id(answer) -> int:  # type: ignore[no-untyped-def]
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/uncertainty/jobs/")
    return int(location.rsplit("/", 1)[1])


def test_signed_out_is_sent_to_sign_in(app) -> None:  # type: ignore[no-untyped-def]
    assert new_client(app).get("/uncertainty").status_code == 303


def test_viewer_sees_runs_but_cannot_start(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "viewer")
    page = c.get("/uncertainty")
    assert page.status_code == 200 and 'action="/uncertainty"' not in page.text
    answer = c.post("/uncertainty",
                    data={"csrf_token": token, "paths": "100", "seed": "1", "band": "80"})
    assert answer.status_code == 403
    assert uncertainty.registry(app).jobs() == []


def test_post_without_csrf_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "analyst")
    answer = c.post("/uncertainty", data={"paths": "100", "seed": "1", "band": "80"})
    assert answer.status_code in (400, 403)
    assert uncertainty.registry(app).jobs() == []


@pytest.mark.parametrize(("paths", "seed", "field", "text"), [
    ("99", "0", "paths", "paths 99 is outside 100..5000"),
    ("5001", "0", "paths", "paths 5001 is outside 100..5000"),
    ("many", "0", "paths", "paths must be a whole number from 100 to 5000"),
    ("100", "1.5", "seed", "seed must be a whole number"),
    ("100", "-1", "seed", "seed -1 is outside 0..2147483647"),
    ("100", "0", "band", "band 60 is not offered; choose one of 50, 80, 90"),
    ("100", "0", "band", "band 95 is outside 50..90"),
])
def test_bad_input_is_named_beside_the_field(app, paths, seed, field, text) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    band = {"band 60 is not offered; choose one of 50, 80, 90": "60",
            "band 95 is outside 50..90": "95"}.get(text, "80")
    # the English page (the Danish texts: tests/web/test_error_language_pages.py)
    c.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    answer = c.post("/uncertainty",
                    data={"csrf_token": token, "paths": paths, "seed": seed, "band": band})
    assert answer.status_code == 422
    assert f'id="err-{field}">{text}' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert uncertainty.registry(app).jobs() == []


def test_post_answers_at_once_and_the_page_shows_progress(app, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    gate = threading.Event()

    def slow(code: str, paths: int, seed: int, progress: Progress, band: int,
             scenario: object = None) -> str:
        progress(0.4, "population paths")
        gate.wait(10)
        raise RuntimeError("disk full")

    monkeypatch.setattr(uncertainty, "compute_fans", slow)
    app.state.jobs.shutdown()
    # threads: the stand-in run waits on an event of this process
    app.state.jobs = JobQueue(app.state.sessionmaker, JOB_RUNNERS, tmp_path, processes=False,
                              poll=0.05)
    app.state.jobs.start()
    c, token = signed_in(app, "analyst")
    t = time.perf_counter()
    answer = c.post("/uncertainty",
                    data={"csrf_token": token, "paths": "300", "seed": "3"})  # band: 80
    elapsed = time.perf_counter() - t
    assert elapsed < 0.5, f"the POST took {elapsed:.2f} s"
    job_id = _job_id(answer)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        job = uncertainty.registry(app).get(job_id)
        assert job is not None
        if job.progress >= 0.4:
            break
        time.sleep(0.02)
    status = c.get(f"/uncertainty/jobs/{job_id}/status")
    assert status.status_code == 200
    assert 'hx-trigger="every 1s"' in status.text and 'aria-live="polite"' in status.text
    assert 'value="40"' in status.text
    page = c.get(f"/uncertainty/jobs/{job_id}")
    assert 'id="job-status"' in page.text
    gate.set()
    assert uncertainty.registry(app).wait(job_id).state is JobState.FAILED
    uncertainty.registry(app).shutdown()
    done = c.get(f"/uncertainty/jobs/{job_id}/status").text
    assert "the run failed: RuntimeError: disk full" in done
    assert "Traceback" not in done and "hx-trigger" not in done


def test_unknown_job_is_not_found(app) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "viewer")
    assert c.get("/uncertainty/jobs/nope/status").status_code == 404
    assert c.get("/uncertainty/jobs/99999999999999999999/status").status_code == 404


def test_small_run_renders_fans_and_probabilities(app) -> None:  # type: ignore[no-untyped-def]
    uncertainty.registry(app).start()  # as the app's start-up does
    c, token = signed_in(app, "analyst")
    job_id = _job_id(c.post("/uncertainty",
                            data={"csrf_token": token, "paths": "100", "seed": "7", "band": "80"}))
    job = uncertainty.registry(app).wait(job_id, timeout=120)
    assert job.state is JobState.DONE, job.error
    r = uncertainty.fan_result(job.result)
    assert r.paths == 100 and r.seed == 7
    total = r.population[0]
    assert total.name == "total"
    for fan in (*r.population, *r.users, *r.budget):
        lo, mid, hi = (list(v) for v in fan.values)
        assert all(a <= b <= c + 1e-9 for a, b, c in zip(lo, mid, hi, strict=True)), fan.name
    assert set(r.breach) >= {"kassekreditreglen", "service_ceiling"}
    for probs in (*r.breach.values(), r.liquidity_below_zero):
        assert len(probs) == len(r.budget_years)
        assert all(0.0 <= p <= 1.0 for p in probs)
        assert all(abs(p * 100 - round(p * 100)) < 1e-9 for p in probs)  # shares of 100 paths
    # a viewer sees the finished run: fan charts, the table and the estimate label
    viewer, _ = signed_in(app, "viewer")
    html = viewer.get(f"/uncertainty/jobs/{job_id}").text
    assert "hx-trigger" not in html
    assert html.count('class="chart"') == len(r.population) + len(r.users) + len(r.budget)
    assert "kassekreditreglen" in html and "docs/model.md" in html
    assert "gennemsnitlig likviditet under nul" in html
    if max(r.liquidity_below_zero) > 0:
        assert "er størst i" in html
    else:
        assert "holder sig over nul i alle forløb og år" in html
    # the same municipality, paths and seed reuse the run
    again = _job_id(c.post("/uncertainty",
                           data={"csrf_token": token, "paths": "100", "seed": "7", "band": "80"}))
    assert again == job_id
    assert f"/uncertainty/jobs/{job_id}" in viewer.get("/uncertainty").text
    uncertainty.registry(app).shutdown()


def test_fans_match_the_batch_api() -> None:
    from byibalance.batch.economy import economy_paths
    from byibalance.uncertainty import breach_probability, fans

    r = uncertainty.compute_fans("165", 100, 11, lambda f, s: None)
    economy = economy_paths("165", paths=100, seed=11)
    expected = fans(economy.budget, (10, 50, 90))["liquidity_average"] / 1e6
    got = next(f for f in r.budget if f.name == "liquidity_average").values
    np.testing.assert_allclose(np.array(got), expected, rtol=1e-12)
    assert r.breach["kassekreditreglen"] == pytest.approx(
        breach_probability(economy)["kassekreditreglen"].tolist())


def test_a_chosen_band_uses_its_percentiles() -> None:
    from byibalance.batch.economy import economy_paths
    from byibalance.uncertainty import fans

    assert uncertainty.percentiles_of(50) == (25.0, 50.0, 75.0)
    r = uncertainty.compute_fans("165", 100, 5, lambda f, s: None, band=90)
    assert r.band == 90
    expected = fans(economy_paths("165", paths=100, seed=5).budget, (5, 50, 95))
    got = next(f for f in r.budget if f.name == "service_expenditure").values
    np.testing.assert_allclose(np.array(got), expected["service_expenditure"] / 1e6, rtol=1e-12)
    figure = uncertainty.fan_figure(r.budget[0], "t", "y", "90 % band", "median",
                                    percentiles=uncertainty.percentiles_of(90))
    assert '"hovertemplate": "5 %: ' in figure and '"hovertemplate": "95 %: ' in figure
