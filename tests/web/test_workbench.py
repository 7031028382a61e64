"""The scenario workbench: form errors beside the field, run, compare, download, upload."""

from __future__ import annotations

import io

import openpyxl
import yaml
from sqlalchemy import select
from tests.web.conftest import signed_in

from byibalance.web.db import Scenario


def test_pages_render_for_a_viewer_with_the_projection(app) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "viewer")
    for url in ("/", "/population", "/economy", "/ambitions", "/scenarios",
                "/scenarios/compare?a=baseline&b=baseline"):
        answer = c.get(url)
        assert answer.status_code == 200, url
        assert '<html lang="da">' in answer.text
        assert 'href="#main"' in answer.text  # skip link
    overview = c.get("/").text
    assert "Befolkning" in overview and 'class="chart"' in overview
    assert "Fra " in overview  # the one-sentence reading of the population chart
    assert 'class="estimate"' in overview  # the projection is marked as an estimate


def test_language_switch_to_english(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "viewer")
    answer = c.post("/language", data={"lang": "en", "next": "/population",
                                       "csrf_token": token})
    assert answer.status_code == 303 and answer.headers["location"] == "/population"
    page = c.get("/population").text
    assert '<html lang="en">' in page and "Components of change" in page


def test_population_year_outside_the_projection_names_the_year(app) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "viewer")
    answer = c.get("/population?year=1900")
    assert answer.status_code == 400
    assert "året 1900 ligger uden for fremskrivningen" in answer.text  # a Danish page


def test_form_errors_are_shown_beside_their_fields_and_nothing_is_stored(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    c.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})  # the CLI's words
    answer = c.post("/scenarios", data={
        "name": "", "income_tax_rate": "abc", "fertility_factor": "9",
        "housing.0.project": "Ny bydel", "housing.0.type": "flat", "housing.0.year": "2030",
        "housing.0.dwellings": "-5", "unit_costs": "dagtilbud 120000", "csrf_token": token})
    assert answer.status_code == 422
    html = answer.text
    assert 'id="err-name"' in html
    assert "&#39;abc&#39; is not a number" in html and 'id="err-income_tax_rate"' in html
    assert 'id="err-fertility_factor"' in html and "less than or equal to 3" in html
    assert 'id="err-housing-0-dwellings"' in html
    assert 'id="err-unit_costs"' in html
    assert 'value="Ny bydel"' in html  # what the user typed is kept
    with app.state.sessionmaker() as db:
        assert db.scalar(select(Scenario.id)) is None


def make_scenario(c, token: str, **fields: str) -> str:  # type: ignore[no-untyped-def]
    answer = c.post("/scenarios", data={"name": "Skat og boliger", "csrf_token": token} | fields)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"].rsplit("/", 1)[1]


def test_scenario_runs_and_compares_with_the_baseline(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    sid = make_scenario(c, token, income_tax_rate="26,1", fertility_factor="1.2",
                        **{"housing.0.project": "Rådhussøen Nord", "housing.0.type": "flat",
                           "housing.0.year": "2030", "housing.0.dwellings": "400"})
    page = c.get(f"/scenarios/{sid}")
    assert page.status_code == 200 and 'id="chart-scen-pop"' in page.text
    compare = c.get(f"/scenarios/compare?a=baseline&b={sid}").text
    assert 'class="differs"' in compare  # more births and 400 dwellings change the population
    same = c.get("/scenarios/compare?a=baseline&b=baseline").text
    assert 'class="differs"' not in same
    stored = yaml.safe_load(c.get(f"/scenarios/{sid}/download.yaml").text)
    assert stored["finance"] == {"income_tax_rate": 26.1}
    assert stored["population"]["fertility"] == {"multiplier": 1.2}
    project = stored["population"]["housing"]["add"][0]
    assert project["id"] == "raadhussoeen_nord"
    assert project["completions"] == [{"year": 2030, "dwellings": 400.0}]


def test_edit_keeps_overrides_the_form_does_not_show(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    text = "name: Dødelighed\npopulation:\n  mortality: {improvement: 0.01}\n"
    up = c.post("/scenarios/upload", data={"csrf_token": token},
                files={"file": ("d.yaml", text.encode(), "application/yaml")})
    sid = up.headers["location"].rsplit("/", 1)[1]
    c.post(f"/scenarios/{sid}", data={"name": "Dødelighed", "income_tax_rate": "25",
                                      "csrf_token": token})
    stored = yaml.safe_load(c.get(f"/scenarios/{sid}/download.yaml").text)
    assert stored["population"]["mortality"] == {"improvement": 0.01}
    assert stored["finance"] == {"income_tax_rate": 25.0}


def test_excel_download_holds_the_scenario_and_the_results(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    sid = make_scenario(c, token, income_tax_rate="26.1")
    answer = c.get(f"/scenarios/{sid}/download.xlsx")
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Scenario", "Results", "Not available"]
    rows = {r[0]: r[1] for r in book["Scenario"].iter_rows(values_only=True)}
    assert rows["name"] == "Skat og boliger"
    assert rows["finance.income_tax_rate"] == "26.1"
    results = list(book["Results"].iter_rows(values_only=True))
    population = next(r for r in results if r[0] == "population")
    assert population[2] == "estimate"
    assert 20_000 < population[4] < 40_000  # Albertslund, first projection year


def test_invalid_upload_shows_the_errors_and_leaves_the_database_unchanged(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    sid = make_scenario(c, token, income_tax_rate="26.1")
    c.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})  # the CLI's words
    with app.state.sessionmaker() as db:
        before = [(s.id, s.name, s.overrides_yaml) for s in db.scalars(select(Scenario))]
    cases = [
        (b"name: x\npopulation:\n  fertility: {multipler: 0.9}\n", "unknown key"),
        (b"name: x\npopulation:\n  fertility: {multiplier: 9}\n", "population.fertility"),
        (b"name: [unclosed\n", "line"),
        (b"- just\n- a list\n", "the file does not hold a scenario"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ]
    for content, expected in cases:
        answer = c.post("/scenarios/upload", data={"csrf_token": token},
                        files={"file": ("bad.yaml", content, "application/yaml")})
        assert answer.status_code == 422, content
        assert "bad.yaml" in answer.text and expected in answer.text, (content, answer.text)
    with app.state.sessionmaker() as db:
        after = [(s.id, s.name, s.overrides_yaml) for s in db.scalars(select(Scenario))]
    assert after == before
    assert sid


def test_valid_upload_round_trips_a_downloaded_file(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    sid = make_scenario(c, token, fertility_factor="0.9")
    text = c.get(f"/scenarios/{sid}/download.yaml").content
    up = c.post("/scenarios/upload", data={"csrf_token": token},
                files={"file": ("again.yaml", text, "application/yaml")})
    assert up.status_code == 303
    new = up.headers["location"].rsplit("/", 1)[1]
    assert c.get(f"/scenarios/{new}/download.yaml").content == text


def test_population_page_shows_the_housing_programme_and_the_backtest(app) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "viewer")
    html = c.get("/population").text
    assert 'id="chart-housing"' in html and "Boligprogrammet" in html
    assert "Tilbagetest 2015–2020" in html
    assert "27.731" in html  # the observed 2020 population the back-test is scored against
    assert "uændret befolkning" in html  # the naive forecasts beside the model
    assert c.get("/population?year=2030").status_code == 200


def test_a_scenario_dropping_a_project_changes_its_housing_timeline(app) -> None:  # type: ignore[no-untyped-def]
    from byibalance.web import model

    base = model.baseline("0165")
    dropped = base.housing[0].project
    scenario = model.parse_scenario(
        {"name": "uden", "population": {"housing": {"drop": [dropped]}}})
    view = model.run_scenario(scenario)
    assert dropped not in {r.project for r in view.housing}
    assert {r.project for r in view.housing} < {r.project for r in base.housing}


def test_ambitions_page_shows_the_portfolio_and_takes_the_councils_weights(app) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "viewer")
    page = c.get("/ambitions")
    assert page.status_code == 200
    html = page.text
    assert "Byrådets vægte" in html and 'id="w-climate"' in html
    assert "Fravalgt, og hvorfor" in html and "Råderum pr. år" in html
    reweighted = c.get("/ambitions?social=1&economic=1&climate=3&environment=1&support=1")
    assert reweighted.status_code == 200 and 'value="3,0"' in reweighted.text
    bad = c.get("/ambitions?climate=lots")
    assert bad.status_code == 400
    assert "vægten for climate &#39;lots&#39; er ikke et tal" in bad.text
    negative = c.get("/ambitions?climate=-1")
    assert "vægten for climate er negativ (-1,0)" in negative.text
    # the collective frames: warnings by default, shown per year with amounts (Albertslund's
    # baseline is already over its share of the capital level in 2027-2037 with the growth)
    assert 'id="frames-warning" name="frames" value="warning" checked' in html
    assert "Advarsler: de kollektive rammer" in html and "heraf ambitionerne" in html
    warned = html.split('id="h-warn"')[1].split("</section>")[0]
    assert "<td>2027</td><td>anlægsramme</td>" in warned
    assert "Kassekreditreglen binder den enkelte kommune" in html
    hard = c.get("/ambitions?frames=hard").text
    assert 'value="hard" checked' in hard and 'id="h-warn"' not in hard
    breach = hard.split('id="h-breach"')[1].split("</section>")[0]
    assert "anlægsramme i 2027:" in breach and "mio. kr. over før nogen ambition" in breach
    unknown = c.get("/ambitions?frames=soft")
    assert unknown.status_code == 400
    assert "rammernes tilstand &#39;soft&#39; kendes ikke" in unknown.text
    assert "af" in c.get("/").text.split('id="h-amb"')[1][:600]  # the overview's headline
