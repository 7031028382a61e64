"""Failed sign-ins and voting codes are throttled per account name and client address, across
workers (two apps on one database), with a message saying when to try again, and nothing
personal in the table or the logs."""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from byibalance.web import throttle
from byibalance.web.app import create_app
from byibalance.web.participation import service
from byibalance.web.participation.models import BallotRow, Phase
from byibalance.web.security import authenticate_throttled
from byibalance.web.throttle import ThrottledError, ThrottleRow

from .conftest import PASSWORD, SECRET, csrf_of


def _client(app, host: str = "198.51.100.7") -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, follow_redirects=False, client=(host, 50000))


def _login(c: TestClient, username: str, password: str):  # type: ignore[no-untyped-def]
    token = csrf_of(c.get("/login").text)
    return c.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
    )


def test_five_failures_lock_the_account_even_for_the_right_password(app) -> None:  # type: ignore[no-untyped-def]
    c = _client(app)
    assert [_login(c, "analyst", "wrong password!").status_code for _ in range(4)] == [401] * 4
    fifth = _login(c, "analyst", "wrong password!")
    assert fifth.status_code == 429
    right = _login(c, "analyst", PASSWORD)
    assert right.status_code == 429 and "uid" not in c.cookies.get("byibalance_session", "")
    retry = int(right.headers["Retry-After"])
    assert 290 <= retry <= 300  # the first lock: 5 minutes
    # Danish by default: says the local time and the minutes
    assert re.search(
        r"For mange mislykkede forsøg\. Prøv igen kl\. \d\d:\d\d \(om 5 min\.\)", right.text
    )
    # another account from another address is not affected
    assert _login(_client(app, "203.0.113.9"), "viewer", PASSWORD).status_code == 303


def test_the_message_is_english_after_switching(app) -> None:  # type: ignore[no-untyped-def]
    c = _client(app)
    token = csrf_of(c.get("/login").text)
    c.post("/language", data={"lang": "en", "csrf_token": token, "next": "/login"})
    for _ in range(5):
        _login(c, "admin", "wrong password!")
    page = _login(c, "admin", PASSWORD)
    assert page.status_code == 429
    assert re.search(r"Too many failed attempts\. Try again at \d\d:\d\d \(in 5 min\.\)", page.text)


def test_a_successful_sign_in_resets_the_account_count(app) -> None:  # type: ignore[no-untyped-def]
    c = _client(app)
    for _ in range(4):
        assert _login(c, "analyst", "wrong password!").status_code == 401
    assert _login(c, "analyst", PASSWORD).status_code == 303
    c2 = _client(app, "203.0.113.10")
    # four more failures would be nine without the reset: still not locked
    assert [_login(c2, "analyst", "wrong password!").status_code for _ in range(4)] == [401] * 4
    assert _login(c2, "analyst", PASSWORD).status_code == 303


def test_one_address_guessing_many_accounts_is_locked(app) -> None:  # type: ignore[no-untyped-def]
    c = _client(app, "192.0.2.50")
    # 20 failures spread over 5 names (4 each: no account reaches its limit)
    answers = [_login(c, f"guess{i % 5}", "wrong password!").status_code for i in range(20)]
    assert answers[:19] == [401] * 19 and answers[19] == 429
    assert _login(c, "admin", PASSWORD).status_code == 429  # the address is locked
    assert _login(_client(app, "192.0.2.51"), "admin", PASSWORD).status_code == 303


def test_two_app_instances_share_the_lock(settings) -> None:  # type: ignore[no-untyped-def]
    first, second = create_app(settings), create_app(settings)
    try:
        from byibalance.web.accounts import add_user

        with first.state.sessionmaker() as db:
            add_user(db, "kasserer", PASSWORD, "analyst")
        a, b = _client(first, "198.51.100.20"), _client(second, "198.51.100.21")
        for _ in range(3):
            assert _login(a, "kasserer", "wrong password!").status_code == 401
        assert _login(b, "kasserer", "wrong password!").status_code == 401
        assert _login(b, "kasserer", "wrong password!").status_code == 429  # the 5th, on b
        assert _login(a, "kasserer", PASSWORD).status_code == 429  # a sees b's lock
    finally:
        for app in (first, second):
            app.state.jobs.shutdown()
            app.state.engine.dispose()


def test_the_lock_grows_and_the_table_holds_no_name_or_address(app) -> None:  # type: ignore[no-untyped-def]
    t0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
    with app.state.sessionmaker() as db:

        def fail_five(start: dt.datetime) -> dt.datetime:
            for i in range(4):
                assert (
                    authenticate_throttled(
                        db,
                        SECRET,
                        "Bob",
                        "nope nope nope",
                        "10.1.1.1",
                        start + dt.timedelta(seconds=i),
                    )
                    is None
                )
            with pytest.raises(ThrottledError) as err:
                authenticate_throttled(
                    db, SECRET, "bob", "nope nope nope", "10.1.1.1", start + dt.timedelta(seconds=4)
                )
            return err.value.retry_at

        first = fail_five(t0)
        assert first == t0 + dt.timedelta(seconds=4, minutes=5)
        with pytest.raises(ThrottledError):  # still locked a minute later
            authenticate_throttled(
                db, SECRET, "bob", PASSWORD, "10.1.1.2", t0 + dt.timedelta(minutes=1)
            )
        second = fail_five(first)  # right after the lock: twice as long
        assert second - (first + dt.timedelta(seconds=4)) == dt.timedelta(minutes=10)
        keys = list(db.scalars(select(ThrottleRow.key)))
        assert keys and not any("bob" in k or "10.1.1" in k for k in keys)


def test_addresses_are_keyed_by_client_and_ipv6_by_its_64_block() -> None:
    assert (
        throttle.address_value("2001:db8:1:2:aaaa::1")
        == throttle.address_value("2001:db8:1:2:ffff::9")
        == "2001:db8:1:2::/64"
    )
    assert throttle.address_value("::ffff:192.0.2.1") == "192.0.2.1"
    assert throttle.address_value(None) == "unknown"
    key = throttle.key_of(SECRET, throttle.SIGN_IN_ADDRESS, "192.0.2.1")
    assert "192.0.2.1" not in key and len(key) <= 80
    assert throttle.ACCOUNT.lock_for(0) == dt.timedelta(minutes=5)
    assert throttle.ACCOUNT.lock_for(2) == dt.timedelta(minutes=20)
    assert throttle.ACCOUNT.lock_for(30) == dt.timedelta(hours=4)


def test_nothing_personal_in_the_logs(app, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    c = _client(app, "203.0.113.77")
    for _ in range(6):
        _login(c, "mallory-guess", "hunter2 hunter2")
    assert any("locked" in r.getMessage() for r in caplog.records)
    key = throttle.key_of(SECRET, throttle.ACCOUNT, "mallory-guess")
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("mallory-guess", "203.0.113.77", "hunter2", key.split(":")[1][:12]):
        assert secret not in text


# --- voting codes -------------------------------------------------------------------------------


def _voting(app) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    with app.state.sessionmaker() as db:
        process = service.create_budget(
            db,
            title="Borgerbudget",
            description="",
            budget=1000,
            ballot_type="knapsack",
            voting_closes=service.now_utc() + dt.timedelta(days=1),
        )
        service.add_project(db, process, code="a", title="A", cost=400)
        process.phase = Phase.VOTING.value
        db.commit()
        return process.id, service.generate_codes(db, process, 2, SECRET)


def _vote(c: TestClient, pid: int, code: str):  # type: ignore[no-untyped-def]
    return c.post(
        f"/api/participation/{pid}/ballots",
        json={"code": code, "projects": ["a"], "submission_id": uuid.uuid4().hex},
    )


def test_guessing_voting_codes_locks_the_address_with_429_and_retry_after(app) -> None:  # type: ignore[no-untyped-def]
    pid, codes = _voting(app)
    c = _client(app, "198.51.100.99")
    answers = [
        _vote(c, pid, f"2222-3333-{i:04d}".replace("0", "4").replace("1", "5")) for i in range(20)
    ]
    assert [a.status_code for a in answers[:19]] == [403] * 19
    assert answers[19].status_code == 429
    locked = _vote(c, pid, codes[0])  # a right code from the locked address
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == locked.json()["detail"]["retry_after"] > 250
    assert locked.json()["detail"]["field"] == "code"
    with app.state.sessionmaker() as db:
        assert db.scalar(select(BallotRow.id)) is None  # nothing stored while locked
    assert _vote(_client(app, "198.51.100.100"), pid, codes[0]).status_code == 200
    # the form page for the code says it in Danish, with Retry-After
    token = csrf_of(c.get("/deltag").text)
    page = c.post(f"/deltag/{pid}/stem", data={"code": codes[1], "csrf_token": token})
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "For mange mislykkede forsøg" in page.text


def test_the_json_sign_in_answers_429_with_retry_after(app) -> None:  # type: ignore[no-untyped-def]
    c = _client(app, "198.51.100.123")
    wrong = {"username": "viewer", "password": "wrong password!"}
    assert [c.post("/api/session", json=wrong).status_code for _ in range(5)] == [401] * 4 + [429]
    locked = c.post("/api/session", json={"username": "viewer", "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == locked.json()["detail"]["retry_after"] > 250
    assert "too many failed sign-ins" in locked.json()["detail"]["problem"]
