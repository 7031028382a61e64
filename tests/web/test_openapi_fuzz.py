"""Schemathesis over the OpenAPI description: no server error, a few examples per operation."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402

from byibalance.web.app import create_app  # noqa: E402
from byibalance.web.settings import Settings  # noqa: E402


def test_no_operation_answers_with_a_server_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'fuzz.sqlite3'}",
                              secret_key="f" * 40, data_dir=tmp_path))
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=5, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path}: {response.status_code}")

        check()
    assert failures == []
