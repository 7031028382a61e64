"""Throttling of failed sign-ins and voting codes, shared by every web worker (in the database).

Without a limit a password or a voting code can be guessed as fast as the server answers. Every
failure is counted under a *key*: the account name (staff sign-in) and the client address (staff
sign-in and voting codes). ``failures`` failures of one key within ``window`` lock that key for
``first_lock``, doubled at each further lock in a row (at most ``max_lock``); while a key is
locked every attempt is refused before the password or code is even checked, so a right guess
during the lock does not get in either. A successful sign-in clears its account's counter (not
the address's: one good account must not unlock a guesser).

Why the database and not Redis: the counters must be shared by every worker, and the app already
has one shared database (PostgreSQL with several workers); a table of its own (migration
``0004_throttle``) adds no service to run, back up and secure. Only failures write; a sign-in
reads its two keys in one indexed query; a ballot checks its address's lock inside the one
statement that stores it (:func:`byibalance.web.participation.service.cast_ballot_with_code`).

Privacy (GDPR): a key is ``HMAC-SHA256(secret, scope|value)``, so neither the account name nor
the client address is stored in clear, and this module logs neither (only the scope and the
length of a lock). IPv6 addresses are keyed by their /64 network, the block one subscriber gets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import math
import secrets
from dataclasses import dataclass, field

from sqlalchemy import DateTime, Integer, String, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from byibalance.errors import AuthError, ErrorLocation
from byibalance.web.db import Base

log = logging.getLogger(__name__)

#: The zone in which the pages say when to try again.
LOCAL_ZONE = "Europe/Copenhagen"
#: How long a quiet key keeps its count of locks in a row (and its row) before it is forgotten.
FORGET_AFTER = dt.timedelta(days=1)


class ThrottleRow(Base):
    """The failures of one key (an HMAC of an account name or a client address) and its lock."""

    __tablename__ = "auth_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class Policy:
    """``failures`` failures within ``window`` lock a key for ``first_lock * 2**n`` (n = locks in
    a row before this one), at most ``max_lock``."""

    scope: str
    failures: int
    window: dt.timedelta = dt.timedelta(minutes=15)
    first_lock: dt.timedelta = dt.timedelta(minutes=5)
    max_lock: dt.timedelta = dt.timedelta(hours=4)

    def lock_for(self, lockouts: int) -> dt.timedelta:
        """The length of the lock after ``lockouts`` earlier locks in a row."""
        return min(self.first_lock * 2 ** min(lockouts, 20), self.max_lock)


#: Staff sign-in, per account name: 5 failures in 15 minutes.
ACCOUNT = Policy("account", failures=5)
#: Staff sign-in, per client address: more, since colleagues may share an office's address.
SIGN_IN_ADDRESS = Policy("sign-in-address", failures=20)
#: Voting codes, per client address: a library or a town hall may serve many citizens.
CODE_ADDRESS = Policy("code-address", failures=20)


def now_utc() -> dt.datetime:
    """The current time, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def address_value(host: str | None) -> str:
    """The part of a client address that identifies a client: IPv4 whole, IPv6 its /64."""
    if not host:
        return "unknown"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host  # e.g. the test client's "testclient"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def key_of(secret: str, policy: Policy, value: str) -> str:
    """The stored key of ``value`` (an account name or an address) under ``policy``: an HMAC,
    so the table holds neither. Account names are compared case-insensitively."""
    text = value.strip().lower() if policy is ACCOUNT else value
    digest = hmac.new(secret.encode(), f"throttle|{policy.scope}|{text}".encode(), hashlib.sha256)
    return f"{policy.scope}:{digest.hexdigest()}"


@dataclass
class ThrottledError(AuthError):
    """Too many failures: the key is locked until ``retry_at`` (HTTP 429 with Retry-After)."""

    retry_at: dt.datetime = field(default_factory=now_utc)

    http_status = 429

    def retry_after(self, now: dt.datetime | None = None) -> int:
        """Whole seconds until ``retry_at`` (at least 1), for the Retry-After header."""
        seconds = (self.retry_at - (now or now_utc())).total_seconds()
        return max(1, math.ceil(seconds))

    def local_time(self) -> str:
        """``retry_at`` as HH:MM in Danish time, for the pages."""
        from zoneinfo import ZoneInfo

        return self.retry_at.astimezone(ZoneInfo(LOCAL_ZONE)).strftime("%H:%M")

    def headers(self) -> dict[str, str]:
        """The Retry-After header of the 429 answer."""
        return {"Retry-After": str(self.retry_after())}


def throttled(what: str, retry_at: dt.datetime) -> ThrottledError:
    """The error of a locked key: what was tried too often and when to try again (UTC)."""
    return ThrottledError(
        f"too many failed {what}; locked until {retry_at.isoformat(timespec='seconds')}",
        fix="wait until then and try again",
        where=ErrorLocation(field="code" if "code" in what else "username"),
        retry_at=retry_at,
    )


def locked_until(db: Session | Connection, keys: list[str], now: dt.datetime) -> dt.datetime | None:
    """The latest lock of any of ``keys`` still running at ``now``, or None (one query)."""
    until = db.scalar(
        select(ThrottleRow.locked_until)
        .where(ThrottleRow.key.in_(keys), ThrottleRow.locked_until > now)
        .order_by(ThrottleRow.locked_until.desc())
        .limit(1)
    )
    return _aware(until)


def lock_condition(key: str, now: dt.datetime):  # type: ignore[no-untyped-def]
    """A SQL condition true while ``key`` is locked (to embed in another statement)."""
    return (
        select(ThrottleRow.key)
        .where(ThrottleRow.key == key, ThrottleRow.locked_until > now)
        .exists()
    )


def record_failure(
    db: Session | Connection, key: str, policy: Policy, now: dt.datetime
) -> dt.datetime | None:
    """Count one failure of ``key``; returns the end of the lock when this failure starts one.

    One atomic upsert (PostgreSQL and SQLite) counts the failure, restarting the count when the
    window has passed and forgetting earlier locks after a quiet day; when the count reaches the
    policy's limit the key is locked and its count starts again. Not committed here.
    """
    dialect = db.get_bind().dialect.name if isinstance(db, Session) else db.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(ThrottleRow).values(
        key=key, failures=1, window_start=now, lockouts=0, locked_until=None, updated_at=now
    )
    expired = ThrottleRow.window_start <= now - policy.window
    quiet = ThrottleRow.updated_at <= now - FORGET_AFTER
    upsert = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "failures": case((expired, 1), else_=ThrottleRow.failures + 1),
            "window_start": case((expired, now), else_=ThrottleRow.window_start),
            "lockouts": case((quiet, 0), else_=ThrottleRow.lockouts),
            "updated_at": now,
        },
    ).returning(ThrottleRow.failures, ThrottleRow.lockouts)
    row = db.execute(upsert).one()
    failures, lockouts = int(row[0]), int(row[1])
    if secrets.randbelow(100) == 0:
        forget_quiet_keys(db, now)
    if failures < policy.failures:
        return None
    until = now + policy.lock_for(lockouts)
    db.execute(
        update(ThrottleRow)
        .where(ThrottleRow.key == key)
        .values(locked_until=until, lockouts=lockouts + 1, failures=0, window_start=now)
    )
    log.warning(
        "%s locked for %d s after %d failures in %d min",
        policy.scope,
        int((until - now).total_seconds()),
        failures,
        int(policy.window.total_seconds() // 60),
    )
    return until


def clear(db: Session | Connection, key: str) -> None:
    """Forget ``key``'s failures and locks (after a successful sign-in). Not committed here."""
    db.execute(delete(ThrottleRow).where(ThrottleRow.key == key))


def forget_quiet_keys(db: Session | Connection, now: dt.datetime) -> None:
    """Delete keys quiet for a day and not locked (so guessed account names do not pile up)."""
    db.execute(
        delete(ThrottleRow).where(
            ThrottleRow.updated_at <= now - FORGET_AFTER,
            (ThrottleRow.locked_until.is_(None)) | (ThrottleRow.locked_until <= now),
        )
    )
