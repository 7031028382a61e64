"""Schemathesis over the OpenAPI description: no server error, a few examples per operation,
both signed out and signed in as an analyst (with the CSRF header, so writes get through)."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

from byibalance.web.accounts import add_user  # noqa: E402
from byibalance.web.app import SESSION_COOKIE, create_app  # noqa: E402
from byibalance.web.settings import Settings  # noqa: E402


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "analyst"])
def test_no_operation_answers_with_a_server_error(tmp_path, signed_in: bool) -> None:  # type: ignore[no-untyped-def]
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'fuzz.sqlite3'}",
                              secret_key="f" * 40, data_dir=tmp_path))
    headers: dict[str, str] = {}
    if signed_in:
        with app.state.sessionmaker() as db:
            add_user(db, "fuzzer", "fuzzing password", "analyst")
        client = TestClient(app)
        token = client.post("/api/session", json={"username": "fuzzer",
                                                  "password": "fuzzing password"}).json()
        headers = {"Cookie": f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}",
                   "X-CSRF-Token": token["csrf_token"]}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if signed_in and operation.path in ("/api/session",):
            continue  # signing out or in again would end the fuzzing session

        @settings(max_examples=5, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        try:
            check()
        except Exception as err:  # a crash inside the app surfaces here; record it, go on
            failures.append(f"{operation.method.upper()} {operation.path}: "
                            f"{type(err).__name__}: {str(err).splitlines()[0]}")
    assert failures == []
