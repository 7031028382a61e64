"""The economy page: budget, revenue and equalisation, expenditure, rule checks."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from byibalance.web import model
from byibalance.web.db import User
from byibalance.web.deps import page_user, render, settings
from byibalance.web.i18n import rule_reason

router = APIRouter(include_in_schema=False)


@router.get("/economy", response_class=HTMLResponse)
def economy(request: Request, user: User = Depends(page_user)) -> Response:
    """The budget table and the rule checks of the baseline."""
    view = model.baseline(settings(request).municipality)
    groups: dict[str, list[tuple[str, model.Series]]] = {"revenue": [], "expenditure": []}
    for key, series in view.series.items():
        kind, _, name = key.partition(".")
        if kind in groups and name:
            groups[kind].append((name, series))
    return render(request, "economy.html", {
        "view": view, "budget_lines": model.BUDGET_LINES, "rule_reason": rule_reason, **groups},
        user=user)
