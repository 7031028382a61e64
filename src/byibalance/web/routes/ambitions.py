"""The ambitions page: the chosen portfolio per year and the left-out ones with reasons."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from byibalance.web import model
from byibalance.web.db import User
from byibalance.web.deps import page_user, render, settings

router = APIRouter(include_in_schema=False)


@router.get("/ambitions", response_class=HTMLResponse)
def ambitions(request: Request, user: User = Depends(page_user)) -> Response:
    """The portfolio of the baseline (or why it is not available)."""
    view = model.baseline(settings(request).municipality)
    return render(request, "ambitions.html", {"view": view}, user=user)
