"""Signing in and out, and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from byibalance.web.db import User
from byibalance.web.deps import checked_form, current_user, get_db, language, render, settings
from byibalance.web.i18n import gettext_for
from byibalance.web.security import (
    authenticate_throttled,
    sign_in,
    sign_out,
    throttled_message,
)
from byibalance.web.settings import LANGUAGES
from byibalance.web.throttle import ThrottledError

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """A local path to return to after signing in (never another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, next: str = "/", user: User | None = Depends(current_user)
) -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"next": safe_next(next)}, user=user)


@router.post("/login")
async def login(request: Request, db: Session = Depends(get_db)) -> Response:
    """Check the username and password; start a session or show the form again.

    Throttled per account name and client address: while either is locked the form answers 429
    with the time to try again (and Retry-After), without checking the password.
    """
    form = await checked_form(request)
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    target = safe_next(str(form.get("next", "/")))
    client = request.client.host if request.client else None
    try:
        user = authenticate_throttled(db, settings(request).secret_key, username, password,
                                      client)
    except ThrottledError as err:
        message = throttled_message(gettext_for(language(request)), err)
        page = render(request, "login.html",
                      {"next": target, "username": username, "locked": message},
                      status_code=429)
        page.headers.update(err.headers())
        return page
    if user is None:
        return render(
            request, "login.html",
            {"next": target, "username": username, "failed": True}, status_code=401,
        )
    sign_in(request.session, user)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session."""
    await checked_form(request)
    sign_out(request.session)
    return RedirectResponse("/login", status_code=303)


@router.post("/language")
async def set_language(request: Request) -> Response:
    """Switch between Danish and English; back to the page the user was on."""
    form = await checked_form(request)
    lang = str(form.get("lang", ""))
    if lang in LANGUAGES:
        request.session["lang"] = lang
    return RedirectResponse(safe_next(str(form.get("next", "/"))), status_code=303)
