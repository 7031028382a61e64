"""Settings of the web app, read from the environment once at start-up.

``BYIBALANCE_DATABASE_URL``: a SQLAlchemy URL; by default a SQLite file in the user's data folder
(``$XDG_DATA_HOME/byibalance/byibalance.sqlite3``, created on first start).
``BYIBALANCE_SECRET_KEY``: signs the session cookies; by default a random key generated on first
start and kept in ``<data folder>/secret_key`` (readable by the owner only).
``BYIBALANCE_JOB_RETENTION_DAYS``: how many days finished background jobs (and the report PDFs
they made, under ``<data folder>/jobs``) are kept before they are removed; 30 by default.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from byibalance.errors import ErrorLocation, InputError
from byibalance.paths import data_home

LANGUAGES = ("da", "en")
DEFAULT_MUNICIPALITY = "0165"
DEFAULT_JOB_RETENTION_DAYS = 30


@dataclass(frozen=True)
class Settings:
    """What the web app needs to know about its deployment."""

    database_url: str
    secret_key: str
    data_dir: Path
    municipality: str = DEFAULT_MUNICIPALITY
    session_max_age: int = 8 * 3600
    https_only: bool = False
    default_language: str = "da"
    job_retention_days: int = DEFAULT_JOB_RETENTION_DAYS

    @property
    def jobs_dir(self) -> Path:
        """The folder of the background jobs' result files (report PDFs): shared storage when
        web workers run on several machines."""
        return self.data_dir / "jobs"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user's data folder (:func:`byibalance.paths.data_home`), shared with the snapshots."""
    return data_home(env)


def _persisted_secret(folder: Path) -> str:
    path = folder / "secret_key"
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if len(key) >= 32:
            return key
        raise InputError(
            "the stored secret key is shorter than 32 characters",
            fix="delete the file to have a new one generated, or set BYIBALANCE_SECRET_KEY",
            where=ErrorLocation(file=str(path)),
        )
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    return key


def _retention_days(env: Mapping[str, str]) -> int:
    text = env.get("BYIBALANCE_JOB_RETENTION_DAYS", "").strip()
    if not text:
        return DEFAULT_JOB_RETENTION_DAYS
    if not (text.isascii() and text.isdecimal()) or not 1 <= int(text) <= 36500:
        raise InputError(
            f"BYIBALANCE_JOB_RETENTION_DAYS '{text}' is not a number of days from 1 to 36500",
            fix=f"use a whole number of days, e.g. {DEFAULT_JOB_RETENTION_DAYS} (the default); "
            "finished jobs and their report PDFs older than that are removed",
            where=ErrorLocation(field="BYIBALANCE_JOB_RETENTION_DAYS"),
        )
    return int(text)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    folder = data_dir(env)
    url = env.get("BYIBALANCE_DATABASE_URL", "").strip()
    if not url:
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'byibalance.sqlite3'}"
    key = env.get("BYIBALANCE_SECRET_KEY", "").strip()
    if key and len(key) < 32:
        raise InputError(
            "BYIBALANCE_SECRET_KEY is shorter than 32 characters",
            fix="use a long random value, e.g. from python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'",
            where=ErrorLocation(field="BYIBALANCE_SECRET_KEY"),
        )
    if not key:
        key = _persisted_secret(folder)
    municipality = env.get("BYIBALANCE_MUNICIPALITY", DEFAULT_MUNICIPALITY).strip()
    if not (municipality.isdecimal() and len(municipality) <= 4):
        raise InputError(
            f"BYIBALANCE_MUNICIPALITY '{municipality}' is not a municipality code",
            fix="use the code of a Danish municipality, e.g. 0165 for Albertslund",
            where=ErrorLocation(field="BYIBALANCE_MUNICIPALITY"),
        )
    return Settings(
        database_url=url,
        secret_key=key,
        data_dir=folder,
        municipality=municipality.zfill(4),
        https_only=env.get("BYIBALANCE_HTTPS_ONLY", "") in ("1", "true", "yes"),
        job_retention_days=_retention_days(env),
    )
