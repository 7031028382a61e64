"""Account management shared by the web pages and ``byibalance users``."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from byibalance.errors import ErrorLocation, InputError
from byibalance.web.db import Role, User
from byibalance.web.security import hash_password

USERNAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")


class UnknownUserError(InputError):
    """A username that has no account."""

    http_status = 404


def parse_role(role: str) -> Role:
    """The role called ``role`` (admin, analyst or viewer)."""
    try:
        return Role(role.strip().lower())
    except ValueError:
        raise InputError(
            f"'{role}' is not a role", fix="use admin, analyst or viewer",
            where=ErrorLocation(field="role"),
        ) from None


def add_user(db: Session, username: str, password: str, role: str, full_name: str = "") -> User:
    """Create an account; the password is stored as an argon2 hash."""
    username = username.strip()
    if not USERNAME.match(username):
        raise InputError(
            f"'{username}' is not a valid username",
            fix="use 2-64 letters, digits, dots, dashes, underscores or @",
            where=ErrorLocation(field="username"),
        )
    parsed = parse_role(role)
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise InputError(f"the user '{username}' exists already",
                         fix="choose another username, or change the role with set-role",
                         where=ErrorLocation(field="username"))
    user = User(username=username, full_name=full_name.strip(),
                password_hash=hash_password(password), role=parsed.value)
    db.add(user)
    db.commit()
    return user


def set_role(db: Session, username: str, role: str) -> User:
    """Change the role of ``username``; the last administrator cannot be demoted."""
    parsed = parse_role(role)
    user = db.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise UnknownUserError(f"there is no user '{username}'", fix="check the username",
                               where=ErrorLocation(field="username"))
    if user.role_enum is Role.ADMIN and parsed is not Role.ADMIN:
        admins = db.scalar(select(func.count()).select_from(User).where(User.role == "admin"))
        if (admins or 0) <= 1:
            raise InputError("this is the last administrator",
                             fix="make another user admin first",
                             where=ErrorLocation(field="role"))
    user.role = parsed.value
    db.commit()
    return user


def list_users(db: Session) -> list[User]:
    """Every account, by username."""
    return list(db.scalars(select(User).order_by(User.username)))
