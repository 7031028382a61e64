"""Passwords, sessions, CSRF tokens and roles.

Passwords are hashed with argon2id (argon2-cffi). The session lives in a signed, HTTP-only cookie
(Starlette's ``SessionMiddleware``, itsdangerous): it holds the user's id and a CSRF token. Every
form carries the token in a hidden field ``csrf_token``; every JSON write carries it in the
``X-CSRF-Token`` header. The token is compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import MutableMapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from byibalance.errors import AuthError, ErrorLocation, InputError
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
