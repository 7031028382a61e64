"""``byibalance users add|list|set-role`` against a fresh SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from byibalance.cli import app


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_DATA_HOME": str(tmp_path), "BYIBALANCE_SECRET_KEY": "s" * 40,
            "BYIBALANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}


def test_users_add_list_and_set_role(env: dict[str, str]) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["users", "add", "direktoer", "--role", "admin"],
                          env=env | {"BYIBALANCE_NEW_PASSWORD": "a long password"})
    assert added.exit_code == 0, added.output
    assert "added direktoer (admin)" in added.output
    runner.invoke(app, ["users", "add", "kasserer", "--role", "analyst"],
                  env=env | {"BYIBALANCE_NEW_PASSWORD": "another long one"})
    listed = runner.invoke(app, ["users", "list"], env=env)
    assert listed.output.splitlines() == ["direktoer\tadmin\t", "kasserer\tanalyst\t"]
    changed = runner.invoke(app, ["users", "set-role", "kasserer", "viewer"], env=env)
    assert "kasserer is now viewer" in changed.output


def test_bad_role_and_last_admin_are_refused_with_the_fix(env: dict[str, str]) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["users", "add", "x1", "--role", "boss"],
                        env=env | {"BYIBALANCE_NEW_PASSWORD": "a long password"})
    assert bad.exit_code != 0
    assert "'boss' is not a role" in str(bad.exception)
    runner.invoke(app, ["users", "add", "only", "--role", "admin"],
                  env=env | {"BYIBALANCE_NEW_PASSWORD": "a long password"})
    last = runner.invoke(app, ["users", "set-role", "only", "viewer"], env=env)
    assert "last administrator" in str(last.exception)
