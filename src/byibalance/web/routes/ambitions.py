"""The ambitions page: the chosen portfolio per year, the left-out ones with their reasons,
weights the user can change, and a switch for the collective frames (warnings or limits)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from byibalance.errors import ByibalanceError, ErrorLocation, InputError
from byibalance.messages import N_, Note
from byibalance.web import ambitions_model
from byibalance.web.db import User
from byibalance.web.deps import get_db, language, page_user, render, settings
from byibalance.web.i18n import error_text, localise
from byibalance.web.participation.service import published_ambition_support

router = APIRouter(include_in_schema=False)


def weights_from_query(request: Request) -> dict[str, float] | None:
    """The weights asked for in the query string (all five, or none for the default)."""
    raw = {n: request.query_params.get(n, "").strip() for n in ambitions_model.WEIGHT_NAMES}
    if not any(raw.values()):
        return None
    weights: dict[str, float] = {}
    for name, text in raw.items():
        try:
            weights[name] = float(text.replace(",", ".")) if text else 1.0
        except ValueError:
            raise InputError(
                Note(N_("the weight of {name} '{text}' is not a number"), name=name, text=text),
                fix=Note(N_("use a number of 0 or more, e.g. 1 or 2,5")),
                where=ErrorLocation(field=name),
            ) from None
    return weights


def frames_from_query(request: Request) -> str:
    """The collective frames' mode asked for: ``warning`` (default) or ``hard``."""
    frames = request.query_params.get("frames", "warning").strip() or "warning"
    if frames not in ambitions_model.FRAME_MODES:
        raise InputError(
            Note(N_("the frames' mode '{frames}' is not known"), frames=frames),
            fix=Note(N_("use frames=warning (reported per year) or frames=hard (a limit)")),
            where=ErrorLocation(field="frames"),
        )
    return frames


@router.get("/ambitions", response_class=HTMLResponse)
def ambitions(
    request: Request, user: User = Depends(page_user), db: Session = Depends(get_db)
) -> Response:
    """The portfolio of the baseline under the chosen weights (or why it is not available);
    the published citizens' budgets count as citizens' support."""
    weights = weights_from_query(request)
    frames = frames_from_query(request)
    support = published_ambition_support(db)
    view, problem = None, None
    if not ambitions_model.available():
        problem = "the ambitions optimiser (byibalance.portfolio) has not landed yet"
    else:
        try:
            view = ambitions_model.ambitions(
                None, settings(request).municipality, weights, support, frames
            )
        except ByibalanceError as err:  # e.g. a negative weight: in the page's language
            problem = error_text(err, language(request))
    return render(
        request,
        "ambitions.html",
        {
            "amb": view,
            "problem": problem,
            "names": ambitions_model.WEIGHT_NAMES,
            "frames": frames,
            "frame_modes": ambitions_model.FRAME_MODES,
            "localise": localise,
        },
        user=user,
    )
