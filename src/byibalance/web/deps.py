"""Request helpers shared by the routes: the database session, the signed-in user, rendering."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from byibalance.provenance import Status
from byibalance.web import charts
from byibalance.web.db import Role, User
from byibalance.web.i18n import error_text, gettext_for
from byibalance.web.model import data_in_use
from byibalance.web.security import CSRF_FIELD, NotSignedInError, check_csrf, csrf_token
from byibalance.web.settings import LANGUAGES, Settings

templates = Jinja2Templates(directory=str(resources.files("byibalance.web") / "templates"))
templates.env.globals["Status"] = Status
templates.env.globals["charts"] = charts
templates.env.globals["data_snapshot"] = data_in_use
templates.env.globals["error_text"] = error_text  # an error in the page's language
templates.env.filters["num"] = charts.format_number


class LoginRequiredError(NotSignedInError):
    """A page that needs a signed-in user: answered with a redirect to the sign-in page."""


def settings(request: Request) -> Settings:
    """The app's settings."""
    value: Settings = request.app.state.settings
    return value


def get_db(request: Request) -> Iterator[Session]:
    """One database session per request, closed afterwards."""
    with request.app.state.sessionmaker() as session:
        yield session


def current_user(request: Request, db: Session = Depends(get_db)) -> User | None:
    """The signed-in user, or None."""
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    user = db.get(User, uid)
    if user is None:
        request.session.clear()
    return user


def page_user(request: Request, user: User | None = Depends(current_user)) -> User:
    """The signed-in user of a page; otherwise a redirect to the sign-in page."""
    if user is None:
        raise LoginRequiredError("you are not signed in", fix="sign in to see this page")
    return user


def api_user(user: User | None = Depends(current_user)) -> User:
    """The signed-in user of an API call; otherwise 401."""
    if user is None:
        raise NotSignedInError(
            "not signed in", fix="POST your username and password to /api/session first"
        )
    return user


def language(request: Request) -> str:
    """The chosen language (``da`` unless the user switched)."""
    lang = request.session.get("lang")
    return lang if lang in LANGUAGES else settings(request).default_language


async def checked_form(request: Request) -> FormData:
    """The submitted form, after checking its CSRF token."""
    form = await request.form()
    token = form.get(CSRF_FIELD)
    check_csrf(request.session, token if isinstance(token, str) else None)
    return form


def login_url(request: Request) -> str:
    """The sign-in page, returning to the current page afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    user: User | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page with the user, the CSRF token, the language and ``_`` in its context."""
    lang = language(request)
    ctx: dict[str, Any] = {
        "user": user,
        "csrf_token": csrf_token(request.session),
        "csrf_field": CSRF_FIELD,
        "lang": lang,
        "_": gettext_for(lang),
        "Role": Role,
        "path": request.url.path,
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, template, ctx, status_code=status_code)
