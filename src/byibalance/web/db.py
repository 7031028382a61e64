"""The database: users, scenarios (owned by their author) and read-only shares.

SQLAlchemy 2 models; the schema is created and upgraded by the Alembic migrations in
``byibalance/migrations`` (run programmatically on start-up by :func:`migrate`), never by
``create_all``. SQLite by default, PostgreSQL when ``BYIBALANCE_DATABASE_URL`` points to one.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import TypeVar

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)

from byibalance.errors import DataError, ErrorLocation


class Role(StrEnum):
    """What a staff member may do: admin (everything), analyst (own scenarios), viewer (read)."""

    ADMIN = "admin"
    ANALYST = "analyst"
    VIEWER = "viewer"

    @property
    def can_write(self) -> bool:
        """True for roles that may create and change scenarios."""
        return self in (Role.ADMIN, Role.ANALYST)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of the web app's tables."""


class User(Base):
    """A staff account; the password is stored as an argon2 hash only."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.VIEWER.value)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    scenarios: Mapped[list[Scenario]] = relationship(back_populates="author")

    @property
    def role_enum(self) -> Role:
        """The role as an enum value."""
        return Role(self.role)


class Scenario(Base):
    """A saved scenario: overrides on the baseline, kept as the YAML text the user sees."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    overrides_yaml: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )

    author: Mapped[User] = relationship(back_populates="scenarios")
    shares: Mapped[list[ScenarioShare]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan"
    )


class ScenarioShare(Base):
    """A read-only share of a scenario with another staff member."""

    __tablename__ = "scenario_shares"
    __table_args__ = (UniqueConstraint("scenario_id", "user_id", name="uq_share"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("scenarios.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    scenario: Mapped[Scenario] = relationship(back_populates="shares")
    user: Mapped[User] = relationship()


class JobRow(Base):
    """A background job shared by every web worker (:mod:`byibalance.web.jobs`): queued by one,
    claimed atomically and run by one, read by all. ``key`` identifies the computation within its
    ``kind`` (same key, same result), so a job is computed once."""

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_jobs_kind_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    scenario_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=True, index=True
    )
    params: Mapped[str] = mapped_column(Text, default="{}")
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    worker_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    owner: Mapped[User | None] = relationship()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created, foreign keys are enforced."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _foreign_keys(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    ini = resources.files("byibalance") / "alembic.ini"
    cfg = Config(str(ini))
    cfg.set_main_option("script_location", str(resources.files("byibalance") / "migrations"))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (Alembic, programmatically)."""
    _run_alembic(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Downgrade the database to ``revision`` (``base``: an empty database)."""
    _run_alembic(engine, "downgrade", revision)


def _run_alembic(engine: Engine, action: str, revision: str) -> None:
    from alembic import command

    cfg = _alembic_config(engine)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            getattr(command, action)(cfg, revision)
    except SQLAlchemyError as err:
        raise DataError(
            f"the database could not be migrated ({action} {revision}): {err.__class__.__name__}: "
            f"{str(err).splitlines()[0]}",
            fix="check BYIBALANCE_DATABASE_URL and that the database server is running",
            where=ErrorLocation(field="BYIBALANCE_DATABASE_URL"),
        ) from err


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


#: The largest id a database integer column holds on every backend (SQLite, PostgreSQL).
MAX_ID = 2**31 - 1

_Row = TypeVar("_Row")


def get_row(db: Session, model: type[_Row], row_id: int) -> _Row | None:
    """The row with this id, or None; an id outside the integer column's range (a request may
    carry any number) is simply not found instead of overflowing the database driver."""
    return db.get(model, row_id) if 0 < row_id <= MAX_ID else None
