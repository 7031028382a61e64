"""The sustainability page: the account of the dashboard's municipality, the four dimensions side
by side, every value with its year and status, missing shown as missing. Computes nothing itself:
it calls the runner and byibalance.sustainability through byibalance.reports.loader."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from byibalance import data
from byibalance.data.generation import data_cached
from byibalance.reports.model import IndicatorLine
from byibalance.web.db import User
from byibalance.web.deps import page_user, render, settings
from byibalance.web.i18n import local_format, localise

router = APIRouter(include_in_schema=False)

DIMENSIONS = ("social", "economic", "climate", "environment")


@data_cached(maxsize=4)
def account(code: str) -> tuple[tuple[IndicatorLine, ...], tuple[str, ...]]:
    """The baseline account of ``code`` (computed once per process) and its notes."""
    from byibalance.reports.loader import indicator_lines
    from byibalance.runner import run

    notes: list[str] = []
    return tuple(indicator_lines(run(municipality=code), notes)), tuple(notes)


@router.get("/sustainability", response_class=HTMLResponse)
def sustainability(request: Request, user: User = Depends(page_user)) -> Response:
    """The four dimensions side by side."""
    code = data.municipality(settings(request).municipality).code
    lines, notes = account(code)
    columns = [(d, [x for x in lines if x.dimension == d]) for d in DIMENSIONS]
    return render(request, "sustainability.html", {
        "columns": columns, "notes": notes, "local_format": local_format,
        "localise": localise}, user=user)  # fmt: skip
