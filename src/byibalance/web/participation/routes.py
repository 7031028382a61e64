"""Routes of citizens' participation: citizens under ``/deltag``, staff under ``/participation``.

Citizens need no account. Proposing, supporting, commenting and answering a hearing asks only for
a display name (and an e-mail if they want replies), remembered in the signed session. Voting
asks for a voting code or an identity provider; the ballot is stored under a credential, never a
name. Every form carries the CSRF token. ``POST /api/participation/{id}/ballots`` takes a ballot as
JSON with the voting code in the body (no cookie, so no CSRF): it is what the load test drives.
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from byibalance.errors import AuthError, ErrorLocation, InputError
from byibalance.web.db import Role, User, get_row
from byibalance.web.deps import checked_form, current_user, get_db, page_user, render, settings
from byibalance.web.participation import service, texts, voting
from byibalance.web.participation.identity import FakeIdentityProvider, IdentityProvider
from byibalance.web.participation.models import (
    BallotType,
    Citizen,
    Comment,
    HearingResponse,
    Kind,
    Process,
    now_utc,
)
from byibalance.web.security import require_role, require_writer, throttled_message
from byibalance.web.throttle import ThrottledError

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/participation", tags=["participation"])

CITIZEN_KEY = "citizen_id"


def _page(request: Request, template: str, ctx: dict[str, Any], user: User | None,
          status_code: int = 200) -> HTMLResponse:
    """Render with the participation pages' Danish texts layered over the app's catalogue."""
    from byibalance.web.deps import language

    ctx = {"_": texts.gettext_for(language(request)), **ctx}
    return render(request, template, ctx, user=user, status_code=status_code)


def _client_host(request: Request) -> str | None:
    """The client's address (behind a proxy, uvicorn's ``--forwarded-allow-ips`` decides)."""
    return request.client.host if request.client else None


def _voter_key(process_id: int) -> str:
    return f"voter_{process_id}"


def _citizen(request: Request, db: Session, form: FormData) -> Citizen:
    """The session's citizen, or a new one from the form's display name (and e-mail)."""
    cid = request.session.get(CITIZEN_KEY)
    if isinstance(cid, int):
        found = get_row(db, Citizen, cid)
        if found is not None:
            return found
    citizen = service.new_citizen(db, form.get("display_name"), form.get("email"))
    return citizen


def _remember(request: Request, citizen: Citizen) -> None:
    request.session[CITIZEN_KEY] = citizen.id


def identity_provider(request: Request) -> IdentityProvider | None:
    """The configured identity provider: ``app.state.participation_idp``, or the test double
    when ``BYIBALANCE_TEST_IDP=1`` (never in production), or None."""
    idp = getattr(request.app.state, "participation_idp", None)
    if idp is None and os.environ.get("BYIBALANCE_TEST_IDP") == "1":
        idp = FakeIdentityProvider(secret=settings(request).secret_key)
        request.app.state.participation_idp = idp
    return idp


# --- citizens -----------------------------------------------------------------------------------

@router.get("/deltag", response_class=HTMLResponse)
def citizen_home(request: Request, db: Session = Depends(get_db),
                 user: User | None = Depends(current_user)) -> Response:
    """Every citizens' budget and hearing, newest first."""
    return _page(request, "participation/home.html",
                 {"processes": service.list_processes(db)}, user)


@router.get("/deltag/{pid}", response_class=HTMLResponse)
def citizen_process(pid: int, request: Request, db: Session = Depends(get_db),
                    user: User | None = Depends(current_user)) -> Response:
    """A process: proposals and their form, the way to vote, the result; or a hearing."""
    process = service.get_process(db, pid)
    ctx: dict[str, Any] = {"process": process, "now": now_utc(),
                           "signed": isinstance(request.session.get(CITIZEN_KEY), int)}
    if process.kind == Kind.BUDGET:
        ctx["proposals"] = service.visible_proposals(db, process)
        ctx["result"] = service.published_result(process)
        return _page(request, "participation/process.html", ctx, user)
    ctx["open"] = service.aware(process.hearing_deadline) is not None and (
        now_utc() < (service.aware(process.hearing_deadline) or now_utc()))
    return _page(request, "participation/hearing.html", ctx, user)


@router.post("/deltag/{pid}/forslag", response_class=HTMLResponse)
async def propose(pid: int, request: Request, db: Session = Depends(get_db)) -> Response:
    """Submit a proposal; the citizen is remembered for supports and comments."""
    form = await checked_form(request)
    process = service.get_process(db, pid, Kind.BUDGET)
    citizen = _citizen(request, db, form)
    proposal = service.submit_proposal(db, process, citizen, title=form.get("title"),
                                       description=form.get("description"),
                                       district=form.get("district"),
                                       rough_cost=form.get("rough_cost"))
    _remember(request, citizen)
    return RedirectResponse(f"/deltag/{pid}/forslag/{proposal.id}", status_code=303)


@router.get("/deltag/{pid}/forslag/{prid}", response_class=HTMLResponse)
def proposal_page(pid: int, prid: int, request: Request, db: Session = Depends(get_db),
                  user: User | None = Depends(current_user)) -> Response:
    """A proposal, its supports and comments."""
    process = service.get_process(db, pid, Kind.BUDGET)
    proposal = service.get_proposal(db, process, prid)
    supports = dict(service.visible_proposals(db, process)).get(proposal, 0)
    return _page(request, "participation/proposal.html",
                 {"process": process, "proposal": proposal, "supports": supports,
                  "comments": service.visible_comments(db, proposal),
                  "signed": isinstance(request.session.get(CITIZEN_KEY), int)}, user)


@router.post("/deltag/{pid}/forslag/{prid}/stoet")
async def support(pid: int, prid: int, request: Request,
                  db: Session = Depends(get_db)) -> Response:
    """Support a proposal (once per citizen)."""
    form = await checked_form(request)
    process = service.get_process(db, pid, Kind.BUDGET)
    proposal = service.get_proposal(db, process, prid)
    citizen = _citizen(request, db, form)
    service.support(db, proposal, citizen)
    _remember(request, citizen)
    return RedirectResponse(f"/deltag/{pid}/forslag/{prid}", status_code=303)


@router.post("/deltag/{pid}/forslag/{prid}/kommentar")
async def comment(pid: int, prid: int, request: Request,
                  db: Session = Depends(get_db)) -> Response:
    """Comment on a proposal."""
    form = await checked_form(request)
    process = service.get_process(db, pid, Kind.BUDGET)
    proposal = service.get_proposal(db, process, prid)
    citizen = _citizen(request, db, form)
    service.add_comment(db, proposal, citizen, form.get("body"))
    _remember(request, citizen)
    return RedirectResponse(f"/deltag/{pid}/forslag/{prid}#kommentarer", status_code=303)


@router.get("/deltag/{pid}/stem", response_class=HTMLResponse)
def vote_start(pid: int, request: Request, db: Session = Depends(get_db),
               user: User | None = Depends(current_user)) -> Response:
    """Enter the voting code (or identify with the identity provider)."""
    process = service.get_process(db, pid, Kind.BUDGET)
    service.voting_open(process, now_utc())
    return _page(request, "participation/vote_start.html",
                 {"process": process, "idp": identity_provider(request)}, user)


@router.post("/deltag/{pid}/stem")
async def vote_code(pid: int, request: Request, db: Session = Depends(get_db)) -> Response:
    """Check the voting code; the session then holds the ballot's credential for this process."""
    form = await checked_form(request)
    process = service.get_process(db, pid, Kind.BUDGET)
    now = now_utc()
    service.voting_open(process, now)
    code = form.get("code")
    try:
        credential = service.credential_for_code_throttled(
            db, process, code if isinstance(code, str) else "", settings(request).secret_key,
            now, _client_host(request))
    except ThrottledError as err:
        from byibalance.web.deps import language

        message = throttled_message(texts.gettext_for(language(request)), err)
        page = _page(request, "error.html", {"message": message}, None,
                     status_code=err.http_status)
        page.headers.update(err.headers())
        return page
    request.session[_voter_key(pid)] = credential
    return RedirectResponse(f"/deltag/{pid}/stemmeseddel", status_code=303)


def _credential(request: Request, pid: int) -> str:
    credential = request.session.get(_voter_key(pid))
    if not isinstance(credential, str):
        raise AuthError("you have not given a voting code for this citizens' budget",
                        fix="enter your voting code first", where=ErrorLocation(field="code"))
    return credential


def _ballot_page(request: Request, db: Session, process: Process, user: User | None,
                 *, chosen: dict[str, int], error: str = "", receipt: service.Receipt | None = None,
                 status_code: int = 200) -> HTMLResponse:
    projects = service.projects_of(db, process)
    order = voting.shuffled([p.code for p in projects], "")
    by_code = {p.code: p for p in projects}
    return _page(request, "participation/ballot.html",
                 {"process": process, "projects": [by_code[c] for c in order],
                  "chosen": chosen, "error": error, "receipt": receipt,
                  "submission_id": secrets.token_urlsafe(18),
                  "points": process.ballot_type == BallotType.POINTS}, user,
                 status_code=status_code)


@router.get("/deltag/{pid}/stemmeseddel", response_class=HTMLResponse)
def ballot_form(pid: int, request: Request, db: Session = Depends(get_db),
                user: User | None = Depends(current_user)) -> Response:
    """The ballot, projects in random order, with the voter's current choice ticked."""
    process = service.get_process(db, pid, Kind.BUDGET)
    service.voting_open(process, now_utc())
    row = service.current_ballot(db, process, _credential(request, pid))
    chosen: dict[str, int] = {}
    if row is not None:
        codes = [c for c in row.projects.split(",") if c]
        pts = [int(x) for x in row.points.split(",")] if row.points else [1] * len(codes)
        chosen = dict(zip(codes, pts, strict=True))
    return _ballot_page(request, db, process, user, chosen=chosen)


def _ballot_from_form(process: Process, form: FormData) -> tuple[list[str], list[int] | None]:
    if process.ballot_type != BallotType.POINTS:
        return [str(v) for v in form.getlist("project")], None
    codes: list[str] = []
    points: list[int] = []
    for key, value in form.multi_items():
        if key.startswith("points_") and isinstance(value, str) and value.strip():
            n = service.whole_number(value, key, maximum=10**6)
            if n > 0:
                codes.append(key.removeprefix("points_"))
                points.append(n)
    return codes, points


@router.post("/deltag/{pid}/stemmeseddel", response_class=HTMLResponse)
async def cast(pid: int, request: Request, db: Session = Depends(get_db),
               user: User | None = Depends(current_user)) -> Response:
    """Cast or change the ballot; a refused ballot is shown again with the reason."""
    form = await checked_form(request)
    process = service.get_process(db, pid, Kind.BUDGET)
    credential = _credential(request, pid)
    codes, points = _ballot_from_form(process, form)
    sub = form.get("submission_id")
    try:
        receipt = service.cast_ballot(db, process, credential, codes, points,
                                      sub if isinstance(sub, str) else "", now_utc())
    except InputError as err:
        if err.where.field != "vote":
            raise
        chosen = dict(zip(codes, points or [1] * len(codes), strict=True))
        return _ballot_page(request, db, process, user, chosen=chosen, error=err.problem,
                            status_code=422)
    return _ballot_page(request, db, process, user,
                        chosen=dict(zip(receipt.projects, points or [1] * len(codes),
                                        strict=True)), receipt=receipt)


@router.get("/deltag/{pid}/mitid")
def idp_start(pid: int, request: Request, db: Session = Depends(get_db)) -> Response:
    """Send the citizen to the identity provider (state and nonce kept in the session)."""
    process = service.get_process(db, pid, Kind.BUDGET)
    service.voting_open(process, now_utc())
    idp = identity_provider(request)
    if idp is None:
        raise InputError("identification is not set up for this site",
                         fix="vote with the code from your letter",
                         where=ErrorLocation(field="idp"))
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    request.session["idp"] = {"state": state, "nonce": nonce, "pid": pid}
    redirect_uri = str(request.url_for("idp_callback", pid=pid))
    return RedirectResponse(idp.authorization_url(state=state, nonce=nonce,
                                                  redirect_uri=redirect_uri), status_code=303)


@router.get("/deltag/{pid}/mitid/svar", name="idp_callback")
def idp_callback(pid: int, request: Request, db: Session = Depends(get_db)) -> Response:
    """Verify the provider's answer; an eligible citizen gets to the ballot."""
    process = service.get_process(db, pid, Kind.BUDGET)
    service.voting_open(process, now_utc())
    idp = identity_provider(request)
    pending = request.session.pop("idp", None)
    if idp is None or not isinstance(pending, dict) or pending.get("pid") != pid:
        raise AuthError("no identification was started here", fix="start again from the ballot",
                        where=ErrorLocation(field="state"))
    identity = idp.complete(params=dict(request.query_params), state=str(pending["state"]),
                            nonce=str(pending["nonce"]),
                            redirect_uri=str(request.url_for("idp_callback", pid=pid)))
    home = settings(request).municipality
    if identity.municipality is not None and identity.municipality.zfill(4) != home:
        raise AuthError("only residents of the municipality may vote in its citizens' budget",
                        fix="vote in your own municipality", where=ErrorLocation(field="idp"))
    request.session[_voter_key(pid)] = voting.identity_credential(
        settings(request).secret_key, identity.issuer, identity.subject)
    return RedirectResponse(f"/deltag/{pid}/stemmeseddel", status_code=303)


@router.get("/deltag/test-idp/login", response_class=HTMLResponse)
def test_idp_page(request: Request, state: str = "", nonce: str = "",
                  redirect_uri: str = "") -> Response:
    """The test double's login page (only when the test identity provider is on)."""
    idp = identity_provider(request)
    if not isinstance(idp, FakeIdentityProvider):
        raise InputError("the test identity provider is off", fix="set BYIBALANCE_TEST_IDP=1",
                         where=ErrorLocation(field="idp"))
    return _page(request, "participation/test_idp.html",
                 {"state": state, "nonce": nonce, "redirect_uri": redirect_uri,
                  "municipality": settings(request).municipality}, None)


@router.post("/deltag/test-idp/login")
async def test_idp_login(request: Request) -> Response:
    """The test double hands back a signed code, as a real provider would."""
    form = await checked_form(request)
    idp = identity_provider(request)
    if not isinstance(idp, FakeIdentityProvider):
        raise InputError("the test identity provider is off", fix="set BYIBALANCE_TEST_IDP=1",
                         where=ErrorLocation(field="idp"))
    subject = service.clean_text(form.get("subject"), "subject", 64)
    municipality = service.clean_text(form.get("municipality"), "municipality", 4)
    state, nonce = str(form.get("state", "")), str(form.get("nonce", ""))
    code = idp.issue_code(subject=subject, municipality=municipality, state=state, nonce=nonce)
    target = str(form.get("redirect_uri", ""))
    if not target.startswith(str(request.base_url)):
        raise InputError("the redirect address is not this site", fix="start again",
                         where=ErrorLocation(field="redirect_uri"))
    from urllib.parse import urlencode

    return RedirectResponse(f"{target}?{urlencode({'code': code, 'state': state})}",
                            status_code=303)


@router.get("/deltag/{pid}/resultat", response_class=HTMLResponse)
def result_page(pid: int, request: Request, db: Session = Depends(get_db),
                user: User | None = Depends(current_user)) -> Response:
    """The published result with the explanation per project and the statistics."""
    process = service.get_process(db, pid, Kind.BUDGET)
    result = service.published_result(process)
    if result is None:
        raise InputError("the result is not published yet", fix="come back after the voting",
                         where=ErrorLocation(field="result"))
    return _page(request, "participation/result.html", {"process": process, "result": result},
                 user)


@router.get("/deltag/{pid}/stemmer.pb")
def pb_export(pid: int, db: Session = Depends(get_db)) -> Response:
    """The anonymised ballots as a Pabulib ``.pb`` file, so anyone can recount."""
    process = service.get_process(db, pid, Kind.BUDGET)
    if process.pb_export is None:
        raise InputError("the ballots are published with the result", fix="come back later",
                         where=ErrorLocation(field="result"))
    return Response(process.pb_export, media_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="borgerbudget_{pid}.pb"'})


@router.post("/deltag/{pid}/hoering")
async def hearing_response(pid: int, request: Request, db: Session = Depends(get_db)) -> Response:
    """Answer a hearing, optionally with an attachment (checked before anything is stored)."""
    form = await checked_form(request)
    process = service.get_process(db, pid, Kind.HEARING)
    upload = form.get("attachment")
    data, name, ctype = None, "", ""
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(service.ATTACHMENT_MAX + 1)
        name, ctype = upload.filename, upload.content_type or ""
    citizen = _citizen(request, db, form)
    try:
        service.respond_to_hearing(db, process, citizen, body=form.get("body"),
                                   organisation=form.get("organisation"), attachment=data,
                                   attachment_name=name, attachment_type=ctype)
    except Exception:
        db.rollback()
        raise
    _remember(request, citizen)
    return _page(request, "participation/thanks.html", {"process": process}, None)


@router.get("/deltag/mine-data/eksport")
def my_data(request: Request, db: Session = Depends(get_db)) -> Response:
    """Everything stored about the citizen of this session, as JSON (GDPR art. 15 and 20)."""
    cid = request.session.get(CITIZEN_KEY)
    if not isinstance(cid, int):
        raise InputError("nothing is stored about you in this browser",
                         fix="if you took part from another browser, ask the municipality",
                         where=ErrorLocation(field="citizen"))
    data = service.export_citizen(db, cid)
    return Response(json.dumps(data, ensure_ascii=False, indent=2),
                    media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="mine-data.json"'})


@router.post("/deltag/mine-data/slet", response_class=HTMLResponse)
async def delete_my_data(request: Request, db: Session = Depends(get_db)) -> Response:
    """Erase the citizen of this session (GDPR art. 17)."""
    await checked_form(request)
    cid = request.session.pop(CITIZEN_KEY, None)
    if isinstance(cid, int):
        service.delete_citizen(db, cid)
    return _page(request, "participation/deleted.html", {}, None)


# --- the JSON ballot API (the load test's path) -------------------------------------------------

class BallotIn(BaseModel):
    """A ballot submitted with its voting code."""

    code: str = Field(max_length=32)
    projects: list[str] = Field(max_length=500)
    points: list[int] | None = Field(default=None, max_length=500)
    submission_id: str = Field(min_length=8, max_length=64)


class ReceiptOut(BaseModel):
    """An accepted ballot: its version (1 = first) and projects."""

    version: int
    projects: list[str]
    replaced: bool


@api_router.post("/{pid}/ballots", response_model=ReceiptOut,
                  responses={429: {"description": "Too many unknown codes from this address; "
                                                  "the Retry-After header says when to retry"}})
def api_cast(pid: int, body: BallotIn, request: Request) -> Response:
    """Cast or replace the ballot of a voting code; committed before the answer.

    The code is checked and the ballot stored in one database statement
    (:func:`service.cast_ballot_with_code`). Unknown codes are throttled per client address.
    """
    try:
        receipt = service.cast_ballot_with_code(
            request.app.state.engine, pid, body.code, settings(request).secret_key,
            body.projects, body.points, body.submission_id, now_utc(), _client_host(request))
    except ThrottledError as err:
        return JSONResponse({"detail": {**err.as_detail(), "retry_after": err.retry_after()}},
                            status_code=err.http_status, headers=err.headers())
    return JSONResponse(ReceiptOut(version=receipt.version, projects=list(receipt.projects),
                                   replaced=receipt.replaced).model_dump())


@api_router.get("/{pid}/result")
def api_result(pid: int, db: Session = Depends(get_db)) -> JSONResponse:
    """The published result (404-like error before publication)."""
    process = service.get_process(db, pid, Kind.BUDGET)
    result = service.published_result(process)
    if result is None:
        raise InputError("the result is not published yet", fix="publish it first",
                         where=ErrorLocation(field="result"))
    return JSONResponse(result)


# --- staff --------------------------------------------------------------------------------------

def _staff_writer(user: User) -> None:
    require_writer(user)


@router.get("/participation", response_class=HTMLResponse)
def staff_home(request: Request, user: User = Depends(page_user),
               db: Session = Depends(get_db)) -> Response:
    """Staff: the processes and forms to create a citizens' budget or a hearing."""
    return _page(request, "participation/staff_home.html",
                 {"processes": service.list_processes(db), "rules": ["mes", "greedy", "phragmen"],
                  "ballot_types": [b.value for b in BallotType]}, user)


def _datetime(value: object, field: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as err:
        raise InputError(f"'{field}' is '{text}', not a date and time",
                         fix="write it as 2027-03-31T23:59", where=ErrorLocation(field=field)
                         ) from err
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _optional_int(value: object, field: str) -> int | None:
    text = value.strip() if isinstance(value, str) else ""
    return service.whole_number(text, field, minimum=1) if text else None


@router.post("/participation/budgets")
async def create_budget(request: Request, user: User = Depends(page_user),
                        db: Session = Depends(get_db)) -> Response:
    """Admin: create a citizens' budget."""
    require_role(user, Role.ADMIN)
    form = await checked_form(request)
    process = service.create_budget(
        db, title=str(form.get("title", "")), description=str(form.get("description", "")),
        budget=service.whole_number(form.get("budget"), "budget", minimum=1),
        ballot_type=str(form.get("ballot_type", "")),
        max_length=_optional_int(form.get("max_length"), "max_length"),
        max_points=_optional_int(form.get("max_points"), "max_points"),
        rule=str(form.get("rule", "mes")),
        voting_closes=_datetime(form.get("voting_closes"), "voting_closes"),
        district_budgets=str(form.get("district_budgets", "")))
    return RedirectResponse(f"/participation/{process.id}", status_code=303)


@router.post("/participation/hearings")
async def create_hearing(request: Request, user: User = Depends(page_user),
                         db: Session = Depends(get_db)) -> Response:
    """Admin: create a hearing."""
    require_role(user, Role.ADMIN)
    form = await checked_form(request)
    deadline = _datetime(form.get("deadline"), "deadline")
    if deadline is None:
        raise InputError("the hearing has no deadline", fix="fill in 'deadline'",
                         where=ErrorLocation(field="deadline"))
    process = service.create_hearing(db, title=str(form.get("title", "")),
                                     document=str(form.get("document", "")), deadline=deadline)
    return RedirectResponse(f"/participation/{process.id}", status_code=303)


@router.get("/participation/{pid}", response_class=HTMLResponse)
def staff_process(pid: int, request: Request, user: User = Depends(page_user),
                  db: Session = Depends(get_db)) -> Response:
    """Staff: moderate and review proposals, run the phases, codes, results; or the hearing."""
    process = service.get_process(db, pid)
    ctx: dict[str, Any] = {"process": process}
    if process.kind == Kind.BUDGET:
        ctx["proposals"] = service.all_proposals(db, process)
        ctx["projects"] = service.projects_of(db, process)
        ctx["result"] = service.published_result(process)
        ctx["ballots"] = service.ballot_count(db, process)
    else:
        from sqlalchemy import select

        ctx["responses"] = list(db.scalars(select(HearingResponse)
                                           .where(HearingResponse.process_id == pid)
                                           .order_by(HearingResponse.id)))
        ctx["summary"] = service.hearing_summary(db, process)
    return _page(request, "participation/staff_process.html", ctx, user)


@router.post("/participation/{pid}/phase")
async def staff_advance(pid: int, request: Request, user: User = Depends(page_user),
                        db: Session = Depends(get_db)) -> Response:
    """Admin: move to the next phase."""
    require_role(user, Role.ADMIN)
    form = await checked_form(request)
    process = service.get_process(db, pid, Kind.BUDGET)
    closes = _datetime(form.get("voting_closes"), "voting_closes")
    if closes is not None:
        process.voting_closes = closes
    service.advance_phase(db, process)
    return RedirectResponse(f"/participation/{pid}", status_code=303)


@router.post("/participation/{pid}/codes")
async def staff_codes(pid: int, request: Request, user: User = Depends(page_user),
                      db: Session = Depends(get_db)) -> Response:
    """Admin: generate voting codes and download them once as CSV (for letters or e-Boks)."""
    require_role(user, Role.ADMIN)
    form = await checked_form(request)
    process = service.get_process(db, pid, Kind.BUDGET)
    n = service.whole_number(form.get("count"), "count", minimum=1,
                             maximum=service.MAX_CODES_PER_BATCH)
    codes = service.generate_codes(db, process, n, settings(request).secret_key,
                                   _datetime(form.get("expires_at"), "expires_at"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["process", "voting_code"])
    writer.writerows([pid, c] for c in codes)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="stemmekoder_{pid}.csv"',
                             "Cache-Control": "no-store"})


@router.post("/participation/{pid}/publish")
async def staff_publish(pid: int, request: Request, user: User = Depends(page_user),
                        db: Session = Depends(get_db)) -> Response:
    """Admin: close the voting, count and publish the result and the ``.pb`` export."""
    require_role(user, Role.ADMIN)
    await checked_form(request)
    process = service.get_process(db, pid, Kind.BUDGET)
    service.publish_results(db, process)
    return RedirectResponse(f"/deltag/{pid}/resultat", status_code=303)


@router.post("/participation/{pid}/proposals/{prid}/{action}")
async def staff_proposal(pid: int, prid: int, action: str, request: Request,
                         user: User = Depends(page_user), db: Session = Depends(get_db)
                         ) -> Response:
    """Analyst or admin: hide (with a reason), merge into another, or review a proposal."""
    _staff_writer(user)
    form = await checked_form(request)
    process = service.get_process(db, pid, Kind.BUDGET)
    proposal = service.get_proposal(db, process, prid)
    if action == "hide":
        service.hide_proposal(db, proposal, form.get("reason"))
    elif action == "merge":
        into = service.get_proposal(db, process, service.whole_number(form.get("into"), "into"))
        service.merge_proposal(db, proposal, into)
    elif action == "review":
        service.review_proposal(db, process, proposal, accept=form.get("decision") == "accept",
                                cost=form.get("cost"), note=form.get("note"),
                                ambition_id=form.get("ambition_id"))
    else:
        raise InputError(f"unknown action '{action}'", fix="use hide, merge or review",
                         where=ErrorLocation(field="action"))
    return RedirectResponse(f"/participation/{pid}", status_code=303)


_Row = TypeVar("_Row")


def _row_or_404(db: Session, model: type[_Row], row_id: int, what: str) -> _Row:
    """The staff pages' lookup of a comment or response by the id in the address."""
    found = get_row(db, model, row_id)
    if found is None:
        raise service.ParticipationNotFoundError(f"there is no {what} number {row_id}",
                                                 fix="reload the page",
                                                 where=ErrorLocation(field=what))
    return found


@router.post("/participation/comments/{cid}/hide")
async def staff_hide_comment(cid: int, request: Request, user: User = Depends(page_user),
                             db: Session = Depends(get_db)) -> Response:
    """Analyst or admin: hide a comment with a reason."""
    _staff_writer(user)
    form = await checked_form(request)
    found = _row_or_404(db, Comment, cid, "comment")
    service.hide_comment(db, found, form.get("reason"))
    return RedirectResponse(str(request.headers.get("referer") or "/participation"),
                            status_code=303)


@router.post("/participation/responses/{rid}/topics")
async def staff_tag(rid: int, request: Request, user: User = Depends(page_user),
                    db: Session = Depends(get_db)) -> Response:
    """Analyst or admin: tag a hearing response by topic."""
    _staff_writer(user)
    form = await checked_form(request)
    found = _row_or_404(db, HearingResponse, rid, "response")
    service.tag_response(db, found, form.get("topics"))
    return RedirectResponse(f"/participation/{found.process_id}#svar", status_code=303)


@router.get("/participation/responses/{rid}/attachment")
def staff_attachment(rid: int, user: User = Depends(page_user),
                     db: Session = Depends(get_db)) -> Response:
    """Staff: download a response's attachment (as a download, never rendered inline)."""
    found = get_row(db, HearingResponse, rid)
    if found is None or found.attachment is None:
        raise service.ParticipationNotFoundError(f"response {rid} has no attachment",
                                                 fix="reload the page",
                                                 where=ErrorLocation(field="attachment"))
    return Response(found.attachment, media_type="application/octet-stream",
                    headers={"Content-Disposition": 'attachment; filename="bilag"'})


@router.post("/participation/citizens/{cid}/delete")
async def staff_delete_citizen(cid: int, request: Request, user: User = Depends(page_user),
                               db: Session = Depends(get_db)) -> Response:
    """Admin: erase a citizen's data on their request."""
    require_role(user, Role.ADMIN)
    await checked_form(request)
    service.delete_citizen(db, cid)
    return RedirectResponse("/participation", status_code=303)

