"""Accounts: an administrator adds staff and sets their roles."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from byibalance.errors import ByibalanceError
from byibalance.messages import N_, Note
from byibalance.web import accounts
from byibalance.web.db import Role, User, get_row
from byibalance.web.deps import checked_form, get_db, page_user, render
from byibalance.web.security import require_role

router = APIRouter(include_in_schema=False)


def _page(request: Request, db: Session, user: User, **extra: object) -> Response:
    users = list(db.scalars(select(User).order_by(User.username)))
    status = 422 if extra.get("error") else 200
    return render(request, "users.html", {"users": users, "roles": list(Role), **extra},
                  user=user, status_code=status)


@router.get("/users", response_class=HTMLResponse)
def list_users(request: Request, user: User = Depends(page_user),
               db: Session = Depends(get_db)) -> Response:
    """Every account and its role (admins only)."""
    require_role(user, Role.ADMIN)
    return _page(request, db, user)


@router.post("/users", response_class=HTMLResponse)
async def add_user(request: Request, user: User = Depends(page_user),
                   db: Session = Depends(get_db)) -> Response:
    """Create an account."""
    require_role(user, Role.ADMIN)
    form = await checked_form(request)
    try:
        accounts.add_user(db, str(form.get("username", "")), str(form.get("password", "")),
                          str(form.get("role", "")), str(form.get("full_name", "")))
    except ByibalanceError as err:
        return _page(request, db, user, error=err, form=dict(form))
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/role", response_class=HTMLResponse)
async def set_role(request: Request, user_id: int, user: User = Depends(page_user),
                   db: Session = Depends(get_db)) -> Response:
    """Change an account's role."""
    require_role(user, Role.ADMIN)
    form = await checked_form(request)
    target = get_row(db, User, user_id)
    try:
        if target is None:
            raise accounts.UnknownUserError(Note(N_("there is no user {id}"), id=user_id))
        accounts.set_role(db, target.username, str(form.get("role", "")))
    except ByibalanceError as err:
        return _page(request, db, user, error=err)
    return RedirectResponse("/users", status_code=303)
