"""The overview: the city in balance at a glance."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from byibalance.errors import ByibalanceError
from byibalance.web import ambitions_model, model
from byibalance.web.db import User
from byibalance.web.deps import get_db, page_user, render, settings
from byibalance.web.i18n import localise, rule_reason
from byibalance.web.participation.service import published_ambition_support

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, user: User = Depends(page_user),
             db: Session = Depends(get_db)) -> Response:
    """Population now and in ten years, the budget against the rules, what is not available."""
    view = model.baseline(settings(request).municipality)
    start = view.start_year
    later = start + model.HORIZON_YEARS if start is not None else None
    amb, amb_problem = None, None
    if ambitions_model.available():
        try:
            amb = ambitions_model.ambitions(None, settings(request).municipality,
                                            citizen_support=published_ambition_support(db))
        except ByibalanceError as err:
            amb_problem = str(err)
    sus, sus_problem = None, None
    try:
        sus = sustainability_headline(settings(request).municipality)
    except ByibalanceError as err:
        sus_problem = str(err)
    return render(request, "overview.html", {"view": view, "start": start, "later": later,
                                             "amb": amb, "amb_problem": amb_problem,
                                             "sus": sus, "sus_problem": sus_problem,
                                             "rule_reason": rule_reason, "localise": localise},
                  user=user)


TRACKS = ("on_track", "target_met", "at_risk", "off_track")


def sustainability_headline(municipality: str) -> list[dict[str, object]]:
    """Per dimension: how many indicators have a value, and how many are on track, at risk or
    off track against their target (the sustainability account's own statuses)."""
    from byibalance import data
    from byibalance.web.routes.sustainability import DIMENSIONS, account

    lines, _notes = account(data.municipality(municipality).code)
    rows: list[dict[str, object]] = []
    for dim in DIMENSIONS:
        mine = [x for x in lines if x.dimension == dim]
        rows.append({"dimension": dim, "indicators": len(mine),
                     "with_value": sum(1 for x in mine if x.value is not None),
                     **{t: sum(1 for x in mine if x.track == t) for t in TRACKS}})
    return rows
