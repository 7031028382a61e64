"""Alembic: up from an empty database and down again, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from byibalance.web.db import downgrade, make_engine, migrate

TABLES = {"users", "scenarios", "scenario_shares"}


def test_migrations_up_from_empty_and_down_again(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert not TABLES & set(inspect(engine).get_table_names())
        migrate(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        columns = {c["name"] for c in inspect(engine).get_columns("scenarios")}
        assert {"name", "overrides_yaml", "author_id"} <= columns
        migrate(engine)  # idempotent: a restart does not fail
        downgrade(engine)
        assert not TABLES & set(inspect(engine).get_table_names())
        migrate(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()
