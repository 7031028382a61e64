"""The population page: pyramid, totals with and without housing, components."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from byibalance.errors import ErrorLocation, InputError
from byibalance.messages import N_, Note
from byibalance.web import model
from byibalance.web.db import User
from byibalance.web.deps import get_db, page_user, render, settings
from byibalance.web.routes.uncertainty import section_context

router = APIRouter(include_in_schema=False)


@router.get("/population", response_class=HTMLResponse)
def population(
    request: Request,
    year: int | None = Query(default=None),
    user: User = Depends(page_user),
    db: Session = Depends(get_db),
) -> Response:
    """The pyramid of ``year`` (default: the first projection year), the series and the
    baseline's uncertainty fans by age group (the newest finished run)."""
    view = model.baseline(settings(request).municipality)
    years = sorted(view.pyramids)
    if year is not None and years and year not in view.pyramids:
        raise InputError(
            Note(
                N_("year {year} is outside the projection {first}-{last}"),
                year=year,
                first=years[0],
                last=years[-1],
            ),
            fix=Note(N_("choose a year from {first} to {last}"), first=years[0], last=years[-1]),
            where=ErrorLocation(field="year", year=year),
        )
    chosen = year if year is not None else (years[0] if years else None)
    return render(
        request,
        "population.html",
        {
            "view": view,
            "years": years,
            "year": chosen,
            "part": "population",
            **section_context(request, db, user),
        },
        user=user,
    )
