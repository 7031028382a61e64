"""The economy page: budget, revenue and equalisation, expenditure, rule checks."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from byibalance.web import model
from byibalance.web.db import User
from byibalance.web.deps import get_db, page_user, render, settings
from byibalance.web.i18n import rule_reason
from byibalance.web.routes.uncertainty import section_context

router = APIRouter(include_in_schema=False)


@router.get("/economy", response_class=HTMLResponse)
def economy(
    request: Request, user: User = Depends(page_user), db: Session = Depends(get_db)
) -> Response:
    """The budget table and the rule checks of the baseline, and its uncertainty fans with the
    chance of each rule being broken per year (the newest finished run)."""
    view = model.baseline(settings(request).municipality)
    groups: dict[str, list[tuple[str, model.Series]]] = {"revenue": [], "expenditure": []}
    for key, series in view.series.items():
        kind, _, name = key.partition(".")
        if kind in groups and name:
            groups[kind].append((name, series))
    return render(
        request,
        "economy.html",
        {
            "view": view,
            "budget_lines": model.BUDGET_LINES,
            "rule_reason": rule_reason,
            "part": "economy",
            **section_context(request, db, user),
            **groups,
        },
        user=user,
    )
