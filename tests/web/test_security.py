"""Accounts, roles, sessions and CSRF, through the pages and the API (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import func, select
from tests.web.conftest import PASSWORD, csrf_of, new_client, signed_in

from byibalance.web.app import SESSION_COOKIE
from byibalance.web.db import Scenario

FORM = {"name": "Skat op", "income_tax_rate": "26.1"}


def count_scenarios(app) -> int:  # type: ignore[no-untyped-def]
    with app.state.sessionmaker() as db:
        return int(db.scalar(select(func.count()).select_from(Scenario)) or 0)


def test_a_page_without_sign_in_redirects_to_the_sign_in_page(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/population")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fpopulation"


def test_wrong_password_is_refused_and_no_session_starts(client) -> None:  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": "analyst", "password": "wrong password!",
                                         "csrf_token": token})
    assert answer.status_code == 401
    assert "Forkert brugernavn eller adgangskode" in answer.text
    assert client.get("/").status_code == 303


def test_session_cookie_is_signed_and_http_only(client) -> None:  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": "analyst", "password": PASSWORD,
                                         "csrf_token": token})
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(SESSION_COOKIE + "=")
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert "analyst" not in cookie  # the payload is the user's id, signed, not the name


def test_tampered_cookie_is_not_a_session(app) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "analyst")
    value = c.cookies[SESSION_COOKIE]
    forged = new_client(app)
    forged.cookies.set(SESSION_COOKIE, value[:-3] + ("AAA" if value[-3:] != "AAA" else "BBB"))
    assert forged.get("/").status_code == 303


def test_form_without_csrf_token_is_refused_and_nothing_stored(app) -> None:  # type: ignore[no-untyped-def]
    c, _token = signed_in(app, "analyst")
    answer = c.post("/scenarios", data=FORM)
    assert answer.status_code == 403
    assert "CSRF" in answer.text
    answer = c.post("/scenarios", data=FORM | {"csrf_token": "forged-token-" + "x" * 30})
    assert answer.status_code == 403
    assert count_scenarios(app) == 0


def test_login_form_needs_its_csrf_token_too(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.post("/login", data={"username": "analyst", "password": PASSWORD})
    assert answer.status_code == 403


def test_viewer_cannot_create_or_change_a_scenario_on_the_pages(app) -> None:  # type: ignore[no-untyped-def]
    analyst, token = signed_in(app, "analyst")
    created = analyst.post("/scenarios", data=FORM | {"csrf_token": token})
    assert created.status_code == 303
    sid = created.headers["location"].rsplit("/", 1)[1]
    share = analyst.post(f"/scenarios/{sid}/share",
                         data={"share_with": "viewer", "csrf_token": token})
    assert share.status_code == 303

    viewer, vtoken = signed_in(app, "viewer")
    assert viewer.get("/scenarios/new").status_code == 403
    assert viewer.post("/scenarios", data=FORM | {"csrf_token": vtoken}).status_code == 403
    assert viewer.get(f"/scenarios/{sid}").status_code == 200  # shared: may read
    assert viewer.get(f"/scenarios/{sid}/edit").status_code == 403
    changed = viewer.post(f"/scenarios/{sid}", data=FORM | {"name": "hacked",
                                                            "csrf_token": vtoken})
    assert changed.status_code == 403
    assert viewer.post(f"/scenarios/{sid}/delete", data={"csrf_token": vtoken}).status_code == 403
    assert "Nyt scenarie" not in viewer.get("/scenarios").text
    assert count_scenarios(app) == 1
    with app.state.sessionmaker() as db:
        assert db.scalar(select(Scenario.name)) == "Skat op"


def test_a_read_only_share_cannot_be_changed_by_another_analyst(app) -> None:  # type: ignore[no-untyped-def]
    analyst, token = signed_in(app, "analyst")
    sid = analyst.post("/scenarios", data=FORM | {"csrf_token": token}).headers[
        "location"].rsplit("/", 1)[1]
    other, otoken = signed_in(app, "analyst2")
    assert other.get(f"/scenarios/{sid}").status_code == 404  # not shared: invisible
    analyst.post(f"/scenarios/{sid}/share", data={"share_with": "analyst2", "csrf_token": token})
    assert other.get(f"/scenarios/{sid}").status_code == 200
    assert other.post(f"/scenarios/{sid}", data=FORM | {"csrf_token": otoken}).status_code == 403


def test_html_in_a_scenario_name_is_shown_escaped(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    name = '<script>alert("x")</script><b>fed</b>'
    answer = c.post("/scenarios", data={"name": name, "csrf_token": token})
    page = c.get(answer.headers["location"]).text
    listing = c.get("/scenarios").text
    for html in (page, listing):
        assert "<script>alert" not in html
        assert "<b>fed</b>" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;fed&lt;/b&gt;" in html


def test_unauthenticated_api_call_gets_401(client) -> None:  # type: ignore[no-untyped-def]
    for method, url in [("GET", "/api/overview"), ("GET", "/api/scenarios"),
                        ("POST", "/api/scenarios"), ("GET", "/api/scenarios/1"),
                        ("GET", "/api/me")]:
        answer = client.request(method, url, json={"name": "x"})
        assert answer.status_code == 401, (method, url)
        assert answer.json()["detail"]["type"] == "NotSignedInError"


def test_api_enforces_the_same_roles_and_csrf(app) -> None:  # type: ignore[no-untyped-def]
    analyst = new_client(app)
    session = analyst.post("/api/session", json={"username": "analyst", "password": PASSWORD})
    assert session.status_code == 200
    token = session.json()["csrf_token"]
    no_token = analyst.post("/api/scenarios", json={"name": "a"})
    assert no_token.status_code == 403
    created = analyst.post("/api/scenarios",
                           json={"name": "a", "finance": {"income_tax_rate": 25.9}},
                           headers={"X-CSRF-Token": token})
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    assert created.json()["scenario"]["finance"]["income_tax_rate"] == 25.9

    viewer = new_client(app)
    vtoken = viewer.post("/api/session",
                         json={"username": "viewer", "password": PASSWORD}).json()["csrf_token"]
    headers = {"X-CSRF-Token": vtoken}
    assert viewer.post("/api/scenarios", json={"name": "v"}, headers=headers).status_code == 403
    assert viewer.put(f"/api/scenarios/{sid}", json={"name": "v"},
                      headers=headers).status_code == 403
    assert viewer.delete(f"/api/scenarios/{sid}", headers=headers).status_code == 403
    assert viewer.get("/api/scenarios").json() == []
    assert count_scenarios(app) == 1


def test_api_wrong_password_is_401(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.post("/api/session", json={"username": "admin", "password": "nope nope nope"})
    assert answer.status_code == 401


def test_only_an_admin_manages_users(app) -> None:  # type: ignore[no-untyped-def]
    analyst, _token = signed_in(app, "analyst")
    assert analyst.get("/users").status_code == 403
    admin, atoken = signed_in(app, "admin")
    page = admin.get("/users")
    assert page.status_code == 200 and "viewer" in page.text
    added = admin.post("/users", data={"username": "byraad1", "password": "long enough pw",
                                       "role": "viewer", "csrf_token": atoken})
    assert added.status_code == 303
    short = admin.post("/users", data={"username": "byraad2", "password": "short",
                                       "role": "viewer", "csrf_token": atoken})
    assert short.status_code == 422
    assert "at least 10 characters" in short.text


def test_api_compare_shows_what_a_scenario_changes(app) -> None:  # type: ignore[no-untyped-def]
    c = new_client(app)
    token = c.post("/api/session",
                   json={"username": "analyst", "password": PASSWORD}).json()["csrf_token"]
    sid = c.post("/api/scenarios", headers={"X-CSRF-Token": token}, json={
        "name": "flere børn", "population": {"fertility": {"multiplier": 1.3}}}).json()["id"]
    diffs = c.get(f"/api/compare?a=baseline&b={sid}&only_differences=true").json()
    births = [d for d in diffs if d["key"] == "births"]
    assert births and all(d["delta"] > 0 for d in births)
    assert c.get("/api/compare?a=baseline&b=baseline&only_differences=true").json() == []
    assert c.get("/api/compare?a=baseline&b=<x>").status_code == 400
    # a superscript digit is a "digit" to str.isdigit but not a number to int() (schemathesis)
    assert c.get("/api/compare?a=baseline&b=\u00b9").status_code == 400
    viewer = new_client(app)
    viewer.post("/api/session", json={"username": "viewer", "password": PASSWORD})
    assert viewer.get(f"/api/compare?a=baseline&b={sid}").status_code == 404  # not shared


def test_ids_beyond_the_database_range_are_not_found_not_a_server_error(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "admin")
    huge = 2**63
    assert c.get(f"/scenarios/{huge}").status_code == 404
    assert c.get(f"/api/scenarios/{huge}").status_code == 404
    assert c.post(f"/users/{huge}/role", data={"role": "viewer",
                                               "csrf_token": token}).status_code == 422
