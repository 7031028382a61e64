"""The data page: every staff member sees the snapshots, the one in use and what the model does with
each table; an administrator pins the data in use, and every page follows at its next view."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re

import pytest
from tests.sources.replay import load_session, replay_transport
from tests.web.conftest import signed_in

from byibalance import data
from byibalance.cli import data as data_cli
from byibalance.sources import snapshots
from byibalance.sources.statbank import MODEL_USE, TABLES, StatBankClient, download_table
from byibalance.web.app import JOB_RUNNERS
from byibalance.web.jobs import JobQueue

T0 = dt.datetime(2026, 11, 29, 5, 0, 0, tzinfo=dt.UTC)
FOOTER = re.compile(r'<span class="data-snapshot">Data: ([^<]+)</span>')
ROW = re.compile(
    r"<tr(?: class=\"in-use\")?>\s*<th scope=\"row\"><a href=\"/data\?snapshot=([^\"]+)\""
)
IN_USE_ROW = re.compile(r'<tr class="in-use">\s*<th scope="row"><a href="/data\?snapshot=([^"]+)"')


def _snapshot(home, now: dt.datetime = T0) -> snapshots.Snapshot:  # type: ignore[no-untyped-def]
    """FOD33 for Albertslund from the recorded StatBank answers, stored as ``data update`` does."""
    client = StatBankClient(
        transport=replay_transport(load_session("fod33_pskat_165_101_constructed")),
        sleep=lambda s: None,
    )
    download = download_table(client, "FOD33", ["165"], batch_size=1, now=lambda: now)
    return snapshots.write_snapshot([download], home, now=now)


def _text(page: str) -> str:
    """The main content's text, or a partial's (tags removed, entities decoded, spaces
    collapsed)."""
    main = page.split("<main", 1)[-1].split("</main>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def _english(c, token: str) -> None:  # type: ignore[no-untyped-def]
    answer = c.post("/language", data={"lang": "en", "csrf_token": token, "next": "/data"})
    assert answer.status_code == 303


def test_embedded_data_only_in_danish(app, home) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "viewer")
    page = c.get("/data")
    assert page.status_code == 200
    assert ROW.findall(page.text) == ["embedded"]
    assert IN_USE_ROW.findall(page.text) == ["embedded"]
    text = _text(page.text)
    assert "I brug: de indbyggede data (det nyeste øjebliksbillede)" in text
    assert "98 + Hele landet" in text
    # the embedded files with their rows as the manifest gives them, Danish thousands separators
    age5 = next(f for f in data.manifest()["files"] if f["file"] == "population_age5.csv.gz")
    rows = f"{age5['rows']:,}".replace(",", ".")
    assert f"population_age5.csv.gz {age5['title']} offentliggjort {age5['period']} {rows}" in text
    assert 'action="/data/use"' not in page.text  # a viewer cannot pin
    assert '<a href="/data" aria-current="page">Data</a>' in page.text
    assert FOOTER.findall(page.text) == ["embedded"]


def test_a_snapshot_in_use_shows_its_tables_in_danish_and_english(app, home) -> None:  # type: ignore[no-untyped-def]
    snap = _snapshot(home)
    (entry,) = snap.tables
    (file,) = entry.files
    c, token = signed_in(app, "analyst")
    page = c.get("/data")
    assert page.status_code == 200
    assert ROW.findall(page.text) == [snap.name, "embedded"]
    assert IN_USE_ROW.findall(page.text) == [snap.name]
    text = _text(page.text)
    assert f"I brug: {snap.name} (det nyeste øjebliksbillede)" in text
    assert (
        f"{snap.name} {snap.created} 1: FOD33 kun tal for hele landet {entry.period_range}" in text
    )
    rows = f"{file.rows:,}".replace(",", ".")
    assert (
        f"FOD33 {entry.title} offentliggjort {entry.retrieved} {TABLES['FOD33'].layout_source} "
        "bruges: fertility_asfr (landets aldersbetingede fertilitet, som fremskrivningen "
        f"skalerer til hver kommune) {file.file}: {rows}"
    ) in text
    assert "used: fertility_asfr" not in text  # Danish page: the model's use in Danish

    _english(c, token)
    text = _text(c.get("/data").text)
    assert f"In use: {snap.name} (the newest snapshot)" in text
    assert f"FOD33 {entry.title} published {entry.retrieved}" in text
    assert f"{MODEL_USE['FOD33']} {file.file}: {file.rows:,}" in text
    assert "98 + All Denmark" in text  # the embedded row


def test_another_snapshot_or_the_embedded_data_by_name(app, home) -> None:  # type: ignore[no-untyped-def]
    old = _snapshot(home, T0)
    new = _snapshot(home, T0 + dt.timedelta(hours=1))
    c, _ = signed_in(app, "viewer")
    newest = c.get("/data").text
    assert IN_USE_ROW.findall(newest) == [new.name]
    assert f"Øjebliksbillede {new.name} (i brug)" in _text(newest)
    older = c.get(f"/data?snapshot={old.name}")
    assert older.status_code == 200
    assert f"Øjebliksbillede {old.name} Hver tabel" in _text(older.text)
    assert f"Øjebliksbillede {old.name} (i brug)" not in _text(older.text)
    embedded = _text(c.get("/data?snapshot=embedded").text)
    assert "De indbyggede data Filerne i de indbyggede data" in embedded


@pytest.mark.parametrize("name", ["2020-01-01T000000", "../../etc", "embeddedx"])
def test_an_unknown_snapshot_is_a_404_in_the_pages_language(app, home, name) -> None:  # type: ignore[no-untyped-def]
    _snapshot(home)
    c, token = signed_in(app, "viewer")
    page = c.get("/data", params={"snapshot": name})
    assert page.status_code == 404
    assert (f"der er intet øjebliksbillede '{name}'; vælg et fra listen over øjebliksbilleder"
            in _text(page.text))  # fmt: skip
    _english(c, token)
    page = c.get("/data", params={"snapshot": name})
    assert page.status_code == 404
    assert f"there is no snapshot '{name}'; choose one from the list of snapshots" in _text(
        page.text
    )


def test_signed_out_is_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/data")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fdata"
    assert client.post("/data/use", data={"snapshot": "embedded"}).status_code == 303


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_only_an_admin_may_pin(app, home, role) -> None:  # type: ignore[no-untyped-def]
    _snapshot(home)
    c, token = signed_in(app, role)
    answer = c.post("/data/use", data={"snapshot": "embedded", "csrf_token": token})
    assert answer.status_code == 403
    assert "admin" in _text(answer.text)
    assert snapshots.pinned(home) is None
    assert not (home / "active.yaml").exists()


@pytest.mark.parametrize("token", [None, "", "x" * 43])
def test_a_pin_without_the_forms_token_is_refused(app, home, token) -> None:  # type: ignore[no-untyped-def]
    _snapshot(home)
    c, _ = signed_in(app, "admin")
    form = {"snapshot": "embedded"} | ({} if token is None else {"csrf_token": token})
    answer = c.post("/data/use", data=form)
    assert answer.status_code == 403
    assert "CSRF" in _text(answer.text)
    assert snapshots.pinned(home) is None


def test_admin_pins_and_every_page_follows(app, home, caplog) -> None:  # type: ignore[no-untyped-def]
    old = _snapshot(home, T0)
    new = _snapshot(home, T0 + dt.timedelta(hours=1))
    admin, token = signed_in(app, "admin")
    viewer, _ = signed_in(app, "viewer")
    assert FOOTER.findall(viewer.get("/").text) == [new.name]
    page = admin.get("/data").text
    assert 'action="/data/use"' in page
    assert re.findall(r'<option value="([^"]+)"', page) == [old.name, new.name, "embedded",
                                                            "newest"]  # fmt: skip

    with caplog.at_level(logging.INFO, logger="byibalance.web.routes.data"):
        answer = admin.post("/data/use", data={"snapshot": old.name, "csrf_token": token})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/data"
    assert snapshots.pinned(home) == old.name
    admin_id = re.search(r"user (\d+) pinned", caplog.text)
    assert admin_id is not None and f"pinned the data in use: {old.name}" in caplog.text
    assert "Ada" not in caplog.text and "admin" not in caplog.text  # the user id only
    # the viewer's next page view, with no restart, names the pinned snapshot
    assert FOOTER.findall(viewer.get("/").text) == [old.name]
    page = admin.get("/data").text
    assert IN_USE_ROW.findall(page) == [old.name]
    assert f"I brug: {old.name} (fastlåst)" in _text(page)
    assert f'<option value="{old.name}" selected>' in page

    assert admin.post("/data/use", data={"snapshot": "embedded", "csrf_token": token}
                      ).status_code == 303  # fmt: skip
    assert snapshots.pinned(home) == "embedded"
    assert FOOTER.findall(viewer.get("/population").text) == ["embedded"]
    assert IN_USE_ROW.findall(viewer.get("/data").text) == ["embedded"]

    assert admin.post("/data/use", data={"snapshot": "newest", "csrf_token": token}
                      ).status_code == 303  # fmt: skip
    assert snapshots.pinned(home) is None
    assert FOOTER.findall(viewer.get("/").text) == [new.name]


@pytest.mark.parametrize("name", ["2020-01-01T000000", "../snapshots", ""])
def test_pinning_an_unknown_name_is_refused_and_names_the_choices(app, home, name) -> None:  # type: ignore[no-untyped-def]
    snap = _snapshot(home)
    c, token = signed_in(app, "admin")
    answer = c.post("/data/use", data={"snapshot": name, "csrf_token": token})
    assert answer.status_code == 422
    text = _text(answer.text)
    assert (f"felt 'snapshot': der er intet øjebliksbillede '{name}'; vælg et fra listen over "
            f"øjebliksbilleder. vælg et af {snap.name}, embedded, newest") in text  # fmt: skip
    assert snapshots.pinned(home) is None
    _english(c, token)
    text = _text(c.post("/data/use", data={"snapshot": name, "csrf_token": token}).text)
    assert f"there is no snapshot '{name}'" in text and f"{snap.name}, embedded, newest" in text


def test_a_broken_pin_is_shown_and_an_admin_can_pin_again(app, home) -> None:  # type: ignore[no-untyped-def]
    snap = _snapshot(home)
    (home / "active.yaml").write_text("use: 2026-01-01T000000\n", encoding="utf-8")
    c, token = signed_in(app, "admin")
    page = c.get("/data")
    assert page.status_code == 200
    assert "2026-01-01T000000" in _text(page.text)
    assert IN_USE_ROW.findall(page.text) == []
    answer = c.post("/data/use", data={"snapshot": "newest", "csrf_token": token})
    assert answer.status_code == 303
    assert IN_USE_ROW.findall(c.get("/data").text) == [snap.name]


# -- fresh data as a background job: the CLI's StatBank client answers from recordings -----------


@pytest.fixture
def replayed(app, home, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The app's jobs run in this process, and ``byibalance data update``'s StatBank client (the
    one the web job uses too) answers from the recorded FOD33 and PSKAT session."""

    def make(progress, retries, timeout):  # type: ignore[no-untyped-def]
        return StatBankClient(
            transport=replay_transport(load_session("fod33_pskat_165_101_constructed")),
            progress=progress,
            retries=retries,
            sleep=lambda s: None,
        )

    monkeypatch.setattr(data_cli, "make_client", make)
    app.state.jobs.shutdown()
    app.state.jobs = JobQueue(
        app.state.sessionmaker, JOB_RUNNERS, tmp_path / "jobs", processes=False, poll=0.05
    )
    app.state.jobs.start()
    yield app.state.jobs
    app.state.jobs.shutdown()


def test_an_admin_downloads_fresh_data_in_the_background(app, replayed, home, caplog) -> None:  # type: ignore[no-untyped-def]
    admin, token = signed_in(app, "admin")
    viewer, _ = signed_in(app, "viewer")
    page = admin.get("/data").text
    assert 'action="/data/update"' in page
    assert 'value="FOD33"' in page and 'value="PSKAT"' in page
    with caplog.at_level(logging.INFO, logger="byibalance.web.routes.data"):
        answer = admin.post(
            "/data/update",
            data={"municipalities": "Albertslund", "tables": ["PSKAT", "FOD33"],
                  "csrf_token": token},
        )  # fmt: skip
    assert answer.status_code == 303
    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    assert f"queued a data update (job {job_id}): FOD33, PSKAT" in caplog.text
    job = replayed.wait(job_id, timeout=60)
    assert job.state.value == "done", job.error
    (snap,) = snapshots.list_snapshots(home)
    assert job.result == {"snapshot": snap.name, "tables": ["FOD33", "PSKAT"]}
    pskat = snap.table("PSKAT")
    assert pskat is not None and pskat.codes == ("165",) and pskat.period_range == "2024..2025"
    done = _text(admin.get(f"/data/update/{job_id}").text)
    assert f"Det nye øjebliksbillede er gemt: {snap.name} (FOD33, PSKAT)." in done
    # without a pin every page uses the new snapshot at its next view
    assert FOOTER.findall(viewer.get("/").text) == [snap.name]


def test_a_failed_download_says_so_and_stores_nothing(app, replayed, home) -> None:  # type: ignore[no-untyped-def]
    admin, token = signed_in(app, "admin")
    answer = admin.post(  # Aarhus (751) is not in the recording: the client gets no answer
        "/data/update", data={"municipalities": "751", "tables": "PSKAT", "csrf_token": token}
    )
    assert answer.status_code == 303
    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    job = replayed.wait(job_id, timeout=60)
    assert job.state.value == "failed" and job.error
    text = _text(admin.get(f"/data/update/{job_id}/status").text)
    assert "Hentningen mislykkedes; de data, der er i brug, er uændrede" in text
    assert job.error in text
    assert snapshots.list_snapshots(home) == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"municipalities": "Atlantis", "tables": "FOD33"},
         "felt 'municipalities': 'Atlantis' er ikke en af de 98 danske kommuner"),
        ({"municipalities": " ", "tables": "FOD33"}, "ingen kommune angivet"),
        ({"municipalities": "165"}, "felt 'tables': ingen tabel valgt. vælg tabeller fra listen"),
        ({"municipalities": "165", "tables": "NOPE1"},
         "der er ingen tabel 'NOPE1' i Statistikbanken at hente"),
    ],
)  # fmt: skip
def test_a_wrong_update_form_is_refused_with_the_field(app, replayed, form, message) -> None:  # type: ignore[no-untyped-def]
    admin, token = signed_in(app, "admin")
    answer = admin.post("/data/update", data=form | {"csrf_token": token})
    assert answer.status_code == 422
    assert message in _text(answer.text)
    assert replayed.jobs() == []


def test_only_an_admin_downloads_and_sees_downloads(app, replayed) -> None:  # type: ignore[no-untyped-def]
    admin, admin_token = signed_in(app, "admin")
    assert admin.post("/data/update", data={"municipalities": "165", "tables": "PSKAT"}
                      ).status_code == 403  # no CSRF token  # fmt: skip
    analyst, token = signed_in(app, "analyst")
    assert 'action="/data/update"' not in analyst.get("/data").text
    form = {"municipalities": "165", "tables": "PSKAT", "csrf_token": token}
    assert analyst.post("/data/update", data=form).status_code == 403
    assert replayed.jobs() == []
    answer = admin.post("/data/update", data=form | {"csrf_token": admin_token})
    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    replayed.wait(job_id, timeout=60)
    assert analyst.get(f"/data/update/{job_id}").status_code == 403
    assert admin.get("/data/update/999999").status_code == 404
