"""Settings: the default SQLite file and the persisted secret key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from byibalance.errors import InputError
from byibalance.web.settings import load_settings


def test_default_database_is_a_sqlite_file_in_the_users_data_folder(tmp_path: Path) -> None:
    s = load_settings({"XDG_DATA_HOME": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'byibalance' / 'byibalance.sqlite3'}"
    assert (tmp_path / "byibalance").is_dir()


def test_generated_secret_is_persisted_private_and_reused(tmp_path: Path) -> None:
    first = load_settings({"XDG_DATA_HOME": str(tmp_path)})
    again = load_settings({"XDG_DATA_HOME": str(tmp_path)})
    key_file = tmp_path / "byibalance" / "secret_key"
    assert first.secret_key == again.secret_key
    assert len(first.secret_key) >= 32
    assert oct(os.stat(key_file).st_mode & 0o777) == "0o600"


def test_environment_wins(tmp_path: Path) -> None:
    s = load_settings({"XDG_DATA_HOME": str(tmp_path),
                       "BYIBALANCE_DATABASE_URL": "postgresql+psycopg://x@h/db",
                       "BYIBALANCE_SECRET_KEY": "k" * 40})
    assert s.database_url == "postgresql+psycopg://x@h/db"
    assert s.secret_key == "k" * 40


def test_short_secret_is_refused_with_the_variable_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_settings({"XDG_DATA_HOME": str(tmp_path), "BYIBALANCE_SECRET_KEY": "short"})
    assert "BYIBALANCE_SECRET_KEY" in str(err.value)
    assert "32 characters" in str(err.value)
