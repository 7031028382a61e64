"""Passwords, sessions, CSRF tokens and roles.

Passwords are hashed with argon2id (argon2-cffi). The session lives in a signed, HTTP-only cookie
(Starlette's ``SessionMiddleware``, itsdangerous): it holds the user's id and a CSRF token. Every
form carries the token in a hidden field ``csrf_token``; every JSON write carries it in the
``X-CSRF-Token`` header. The token is compared in constant time.

Failed sign-ins are throttled per account name and per client address
(:func:`authenticate_throttled`, :mod:`byibalance.web.throttle`), across every worker.
"""

from __future__ import annotations

import datetime as dt
import hmac
import math
import secrets
from collections.abc import MutableMapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from byibalance.errors import AuthError, ErrorLocation, InputError
from byibalance.web import throttle
from byibalance.web.db import Role, User

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class NotSignedInError(AuthError):
    """A request that needs a signed-in user and has none."""

    http_status = 401


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``; refuses passwords shorter than 10 characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            f"the password has {len(password)} characters, fewer than {MIN_PASSWORD_LENGTH}",
            fix=f"choose a password of at least {MIN_PASSWORD_LENGTH} characters",
            where=ErrorLocation(field="password"),
        )
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A fixed hash to verify against when the user does not exist, so that timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))


def authenticate(user: User | None, password: str) -> User | None:
    """The user if the password is right, else None (in about the same time either way)."""
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def authenticate_throttled(db: Session, secret: str, username: str, password: str,
                           client_host: str | None,
                           now: dt.datetime | None = None) -> User | None:
    """The user if the password is right, else None; refuses while the account name or the
    client address is locked (:class:`~byibalance.web.throttle.ThrottledError`, HTTP 429).

    The locks of both keys are read in one query before the password is checked, so a right
    password during a lock does not get in. A failure counts against both keys (and raises
    ThrottledError when it starts a lock); a success clears the account's count. Commits.
    """
    now = now or throttle.now_utc()
    account = throttle.key_of(secret, throttle.ACCOUNT, username)
    address = throttle.key_of(secret, throttle.SIGN_IN_ADDRESS,
                              throttle.address_value(client_host))
    until = throttle.locked_until(db, [account, address], now)
    if until is not None:
        raise throttle.throttled("sign-ins", until)
    user = db.scalar(select(User).where(User.username == username))
    if authenticate(user, password) is None:
        locks = [throttle.record_failure(db, account, throttle.ACCOUNT, now),
                 throttle.record_failure(db, address, throttle.SIGN_IN_ADDRESS, now)]
        db.commit()
        started = max((lock for lock in locks if lock is not None), default=None)
        if started is not None:
            raise throttle.throttled("sign-ins", started)
        return None
    throttle.clear(db, account)
    db.commit()
    return user


def throttled_message(gettext, error: throttle.ThrottledError) -> str:  # type: ignore[no-untyped-def]
    """The page's sentence saying when to try again, in the page's language."""
    minutes = max(1, math.ceil(error.retry_after() / 60))
    return str(gettext("Too many failed attempts. Try again at {time} (in {minutes} min.)."
                       )).format(time=error.local_time(), minutes=minutes)


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, created on first use."""
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def check_csrf(session: MutableMapping[str, Any], submitted: str | None) -> None:
    """Refuse a write whose CSRF token is missing or does not match the session's."""
    expected = session.get("csrf")
    if not submitted or not isinstance(expected, str) or not hmac.compare_digest(
        expected.encode(), submitted.encode()
    ):
        raise AuthError(
            "the form's security token (CSRF) is missing or out of date",
            fix="reload the page and submit the form again",
            where=ErrorLocation(field=CSRF_FIELD),
        )


def sign_in(session: MutableMapping[str, Any], user: User) -> None:
    """Start a fresh session for ``user`` (a new CSRF token, no data from before sign-in)."""
    lang = session.get("lang")
    session.clear()
    session["uid"] = user.id
    if lang:
        session["lang"] = lang
    csrf_token(session)


def sign_out(session: MutableMapping[str, Any]) -> None:
    """End the session, keeping only the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def require_role(user: User, *allowed: Role) -> None:
    """Refuse when the user's role is not one of ``allowed``."""
    if user.role_enum not in allowed:
        names = " or ".join(r.value for r in allowed)
        raise AuthError(
            f"your role '{user.role}' may not do this; it needs {names}",
            fix="ask an administrator for another role",
        )


def require_writer(user: User) -> None:
    """Refuse a change by a viewer."""
    require_role(user, Role.ADMIN, Role.ANALYST)
