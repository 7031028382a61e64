"""What staff and citizens do in a participation process, on a database session.

Each function checks its input completely before it writes, and commits once, so a refused
request stores nothing half. Counting is never done here: the process's projects and ballots are
handed to the participation engine (:mod:`byibalance.participation`), whose rules, validation,
statistics and ``.pb`` writer decide.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import DateTime, Integer, String, Text, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from byibalance.errors import (
    AuthError,
    BallotError,
    DataError,
    ErrorLocation,
    InputError,
    ParticipationNotFoundError,
)
from byibalance.participation.districts import DistrictOutcome, count_by_district
from byibalance.participation.model import (
    Ballot,
    BallotLimits,
    Election,
    Profile,
    anonymised,
    ballot_problem,
    profile_from_ballots,
)
from byibalance.participation.model import Project as EngineProject
from byibalance.participation.outcome import Outcome
from byibalance.participation.pabulib import format_pb
from byibalance.participation.rules import RULES, RuleOptions
from byibalance.web import throttle
from byibalance.web.db import get_row
from byibalance.web.participation import voting
from byibalance.web.participation.models import (
    BallotRow,
    BallotType,
    Citizen,
    Comment,
    HearingResponse,
    Kind,
    Phase,
    Process,
    Project,
    Proposal,
    ProposalStatus,
    Support,
    VotingCode,
    now_utc,
)

TITLE_MAX = 200
TEXT_MAX = 5000
COMMENT_MAX = 2000
NAME_MAX = 80
EMAIL_MAX = 254
SUBMISSION_ID_MAX = 64
MAX_CODES_PER_BATCH = 100_000
ATTACHMENT_MAX = 2 * 1024 * 1024
ATTACHMENT_TYPES = ("application/pdf", "image/png", "image/jpeg", "text/plain")
#: MES completed greedily (the "utilitarian completion" of equalshares.net) so the budget is used.
RULE_OPTIONS = {"mes": RuleOptions(completion="greedy"), "greedy": RuleOptions(),
                "phragmen": RuleOptions()}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- input checks -------------------------------------------------------------------------------

def clean_text(value: object, field: str, max_len: int, *, required: bool = True) -> str:
    """``value`` stripped; refused when missing, longer than ``max_len`` or with control characters.

    HTML is kept as typed: templates escape it on output, so ``<script>`` is shown, never run.
    """
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise InputError(f"'{field}' is empty", fix=f"fill in '{field}'",
                         where=ErrorLocation(field=field))
    if len(text) > max_len:
        raise InputError(f"'{field}' has {len(text)} characters, more than {max_len}",
                         fix=f"shorten '{field}' to at most {max_len} characters",
                         where=ErrorLocation(field=field))
    if _CONTROL.search(text):
        raise InputError(f"'{field}' contains control characters",
                         fix=f"remove invisible control characters from '{field}'",
                         where=ErrorLocation(field=field))
    return text


def whole_number(value: object, field: str, *, minimum: int = 0,
                 maximum: int = 10**12) -> int:
    """A whole number typed by a user (spaces and Danish thousands dots allowed)."""
    text = (value if isinstance(value, str) else str(value or "")).strip()
    text = text.replace(" ", "").replace(".", "").replace("\u00a0", "")
    if not text or not (text.isdecimal() or (text.startswith("-") and text[1:].isdecimal())):
        raise InputError(f"'{field}' is '{value}', not a whole number",
                         fix=f"write '{field}' as a whole number, e.g. 250000",
                         where=ErrorLocation(field=field))
    number = int(text)
    if not minimum <= number <= maximum:
        raise InputError(f"'{field}' is {number}, outside {minimum}..{maximum}",
                         fix=f"give '{field}' between {minimum} and {maximum}",
                         where=ErrorLocation(field=field))
    return number


def clean_email(value: object) -> str | None:
    """An optional e-mail address (only for citizens who want replies)."""
    text = clean_text(value, "email", EMAIL_MAX, required=False)
    if not text:
        return None
    if not _EMAIL.match(text):
        raise InputError(f"'{text}' is not an e-mail address", fix="correct it or leave it empty",
                         where=ErrorLocation(field="email"))
    return text


def parse_district_budgets(text: str) -> dict[str, int]:
    """``district = amount`` lines into a mapping; empty text: no district budgets."""
    out: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, amount = line.partition("=")
        if not sep or not name.strip():
            raise InputError(f"line {n} of the district budgets is '{line}'",
                             fix="write one 'district = amount' per line",
                             where=ErrorLocation(line=n, field="district_budgets"))
        out[name.strip()] = whole_number(amount, "district_budgets")
    return out


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


# --- lookups ------------------------------------------------------------------------------------

def get_process(db: Session, process_id: int, kind: Kind | None = None) -> Process:
    """The process, or a 404 error naming it."""
    process = get_row(db, Process, process_id)
    if process is None or (kind is not None and process.kind != kind.value):
        what = "citizens' budget or hearing" if kind is None else kind.value
        raise ParticipationNotFoundError(f"there is no {what} number {process_id}",
                                         fix="go back to the list of processes",
                                         where=ErrorLocation(field="process"))
    return process


def get_proposal(db: Session, process: Process, proposal_id: int) -> Proposal:
    """A proposal of ``process``, or a 404 error."""
    proposal = get_row(db, Proposal, proposal_id)
    if proposal is None or proposal.process_id != process.id:
        raise ParticipationNotFoundError(f"there is no proposal number {proposal_id}",
                                         fix="go back to the proposals",
                                         where=ErrorLocation(field="proposal"))
    return proposal


def list_processes(db: Session) -> list[Process]:
    """All processes, newest first."""
    return list(db.scalars(select(Process).order_by(Process.id.desc())))


def visible_proposals(db: Session, process: Process) -> list[tuple[Proposal, int]]:
    """Proposals citizens see (not hidden, not merged away), with their number of supports."""
    counts = (select(Support.proposal_id, func.count().label("n"))
              .group_by(Support.proposal_id).subquery())
    rows = db.execute(
        select(Proposal, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.proposal_id == Proposal.id)
        .where(Proposal.process_id == process.id,
               Proposal.status.not_in([ProposalStatus.HIDDEN.value,
                                       ProposalStatus.MERGED.value]))
        .order_by(Proposal.id)
    ).all()
    return [(p, int(n)) for p, n in rows]


def all_proposals(db: Session, process: Process) -> list[Proposal]:
    """Every proposal of the process (staff view)."""
    return list(db.scalars(select(Proposal).where(Proposal.process_id == process.id)
                           .order_by(Proposal.id)))


def visible_comments(db: Session, proposal: Proposal) -> list[tuple[Comment, str]]:
    """Comments not hidden, with their author's display name (or "deleted")."""
    rows = db.execute(select(Comment, Citizen.display_name)
                      .outerjoin(Citizen, Citizen.id == Comment.citizen_id)
                      .where(Comment.proposal_id == proposal.id, Comment.hidden_reason == "")
                      .order_by(Comment.id)).all()
    return [(c, name or "") for c, name in rows]


def projects_of(db: Session, process: Process) -> list[Project]:
    """The projects on the ballot, in id order."""
    return list(db.scalars(select(Project).where(Project.process_id == process.id)
                           .order_by(Project.id)))


# --- staff: processes ---------------------------------------------------------------------------

def create_budget(db: Session, *, title: str, description: str, budget: int,
                  ballot_type: str, max_length: int | None = None, max_points: int | None = None,
                  rule: str = "mes", voting_closes: dt.datetime | None = None,
                  district_budgets: str = "") -> Process:
    """Create a citizens' budget in the proposals phase."""
    title = clean_text(title, "title", TITLE_MAX)
    description = clean_text(description, "description", TEXT_MAX, required=False)
    if ballot_type not in {b.value for b in BallotType}:
        raise InputError(f"unknown ballot type '{ballot_type}'",
                         fix="choose approval, knapsack or points",
                         where=ErrorLocation(field="ballot_type"))
    if rule not in RULES:
        raise InputError(f"unknown counting rule '{rule}'", fix="choose mes, greedy or phragmen",
                         where=ErrorLocation(field="rule"))
    if ballot_type == BallotType.POINTS and rule != "greedy":
        raise InputError("points ballots are counted by their points only with the greedy rule",
                         fix="choose the greedy rule, or an approval or knapsack ballot",
                         where=ErrorLocation(field="rule"))
    if ballot_type == BallotType.POINTS and not max_points:
        raise InputError("a points ballot needs the number of points each voter distributes",
                         fix="fill in 'max_points'", where=ErrorLocation(field="max_points"))
    if budget <= 0:
        raise InputError(f"the budget is {budget}", fix="give a budget above 0",
                         where=ErrorLocation(field="budget"))
    districts = parse_district_budgets(district_budgets)
    if sum(districts.values()) > budget:
        raise InputError(f"the district budgets add up to {sum(districts.values())} kr., more "
                         f"than the budget {budget} kr.",
                         fix="the budget is the total of the districts and the city-wide part: "
                         "raise it or lower the district budgets",
                         where=ErrorLocation(field="district_budgets"))
    process = Process(kind=Kind.BUDGET.value, title=title, description=description,
                      budget=budget, ballot_type=ballot_type, max_length=max_length,
                      max_points=max_points, rule=rule, voting_closes=voting_closes,
                      district_budgets=json.dumps(districts, ensure_ascii=False))
    db.add(process)
    db.commit()
    return process


def create_hearing(db: Session, *, title: str, document: str,
                   deadline: dt.datetime) -> Process:
    """Create a hearing on ``document`` open until ``deadline``."""
    process = Process(kind=Kind.HEARING.value, title=clean_text(title, "title", TITLE_MAX),
                      document=clean_text(document, "document", 200_000),
                      hearing_deadline=deadline)
    db.add(process)
    db.commit()
    return process


_NEXT = {Phase.PROPOSALS: Phase.REVIEW, Phase.REVIEW: Phase.VOTING, Phase.VOTING: Phase.RESULTS}


def advance_phase(db: Session, process: Process) -> Process:
    """Move a citizens' budget to its next phase (voting needs projects and a closing time)."""
    phase = Phase(process.phase)
    if phase not in _NEXT:
        raise InputError("the process is already in its last phase", fix="nothing to do",
                         where=ErrorLocation(field="phase"))
    nxt = _NEXT[phase]
    if nxt == Phase.VOTING:
        if not projects_of(db, process):
            raise InputError("there are no projects on the ballot",
                             fix="accept proposals as projects in the review first",
                             where=ErrorLocation(field="projects"))
        if process.voting_closes is None:
            raise InputError("the voting has no closing time", fix="set 'voting_closes' first",
                             where=ErrorLocation(field="voting_closes"))
    process.phase = nxt.value
    db.commit()
    forget_voting_snapshot(process.id)
    return process


# --- citizens: proposals, supports, comments ----------------------------------------------------

def new_citizen(db: Session, display_name: object, email: object = None) -> Citizen:
    """A citizen with a chosen display name and, only if given, an e-mail (not committed)."""
    citizen = Citizen(display_name=clean_text(display_name, "display_name", NAME_MAX),
                      email=clean_email(email))
    db.add(citizen)
    db.flush()
    return citizen


def _open_for_proposals(process: Process) -> None:
    if process.kind != Kind.BUDGET or process.phase != Phase.PROPOSALS:
        raise InputError("this citizens' budget does not take proposals now",
                         fix="proposals can be made only in the proposals phase",
                         where=ErrorLocation(field="phase"))


def submit_proposal(db: Session, process: Process, citizen: Citizen, *, title: object,
                    description: object, district: object, rough_cost: object) -> Proposal:
    """Store a citizen's proposal (all fields checked before anything is written)."""
    _open_for_proposals(process)
    proposal = Proposal(process_id=process.id, citizen_id=citizen.id,
                        title=clean_text(title, "title", TITLE_MAX),
                        description=clean_text(description, "description", TEXT_MAX),
                        district=clean_text(district, "district", NAME_MAX, required=False),
                        rough_cost=whole_number(rough_cost, "rough_cost", maximum=process.budget))
    db.add(proposal)
    db.commit()
    return proposal


def support(db: Session, proposal: Proposal, citizen: Citizen) -> None:
    """Record the citizen's support (a second support of the same proposal changes nothing)."""
    exists = db.scalar(select(Support.id).where(Support.proposal_id == proposal.id,
                                                Support.citizen_id == citizen.id))
    if exists is None:
        db.add(Support(proposal_id=proposal.id, citizen_id=citizen.id))
    db.commit()


def add_comment(db: Session, proposal: Proposal, citizen: Citizen, body: object) -> Comment:
    """Store a comment on a visible proposal."""
    if proposal.status in (ProposalStatus.HIDDEN, ProposalStatus.MERGED):
        raise InputError("this proposal is closed for comments", fix="comment on another one",
                         where=ErrorLocation(field="proposal"))
    comment = Comment(proposal_id=proposal.id, citizen_id=citizen.id,
                      body=clean_text(body, "body", COMMENT_MAX))
    db.add(comment)
    db.commit()
    return comment


# --- staff: moderation and review ---------------------------------------------------------------

def hide_proposal(db: Session, proposal: Proposal, reason: object) -> None:
    """Hide a proposal from citizens, with the reason (kept for the author and the record)."""
    proposal.moderation_reason = clean_text(reason, "reason", COMMENT_MAX)
    proposal.status = ProposalStatus.HIDDEN.value
    db.commit()


def hide_comment(db: Session, comment: Comment, reason: object) -> None:
    """Hide a comment, with the reason."""
    comment.hidden_reason = clean_text(reason, "reason", COMMENT_MAX)
    db.commit()


def merge_proposal(db: Session, duplicate: Proposal, into: Proposal) -> None:
    """Merge a duplicate into another proposal: its supports move over (each citizen once)."""
    if duplicate.id == into.id or duplicate.process_id != into.process_id:
        raise InputError("a proposal can be merged only into another proposal of the same process",
                         fix="choose another proposal", where=ErrorLocation(field="into"))
    have = set(db.scalars(select(Support.citizen_id).where(Support.proposal_id == into.id)))
    for s in db.scalars(select(Support).where(Support.proposal_id == duplicate.id)):
        if s.citizen_id in have:
            db.delete(s)
        else:
            s.proposal_id = into.id
    duplicate.status = ProposalStatus.MERGED.value
    duplicate.merged_into_id = into.id
    duplicate.moderation_reason = f"merged into #{into.id}"
    db.commit()


def review_proposal(db: Session, process: Process, proposal: Proposal, *, accept: bool,
                    cost: object, note: object, ambition_id: object = "") -> Project | None:
    """Record the feasibility review; an accepted proposal becomes a project on the ballot."""
    if process.phase in (Phase.VOTING, Phase.RESULTS):
        raise InputError("the ballot is fixed once voting has started",
                         fix="review proposals before the voting phase",
                         where=ErrorLocation(field="phase"))
    note_text = clean_text(note, "note", TEXT_MAX, required=False)
    if not accept:
        proposal.status = ProposalStatus.REJECTED.value
        proposal.review_note = note_text
        db.commit()
        return None
    reviewed = whole_number(cost, "cost", minimum=1, maximum=process.budget)
    check_district(process, proposal.district)
    ambition = clean_text(ambition_id, "ambition_id", 80, required=False) or None
    proposal.status = ProposalStatus.ACCEPTED.value
    proposal.reviewed_cost = reviewed
    proposal.review_note = note_text
    project = Project(process_id=process.id, proposal_id=proposal.id, code=f"p{proposal.id}",
                      title=proposal.title, description=proposal.description, cost=reviewed,
                      district=proposal.district, ambition_id=ambition)
    db.add(project)
    db.commit()
    return project


def check_district(process: Process, district: str) -> None:
    """Refuse a project in a district without a budget when the process has district budgets
    (it could not be counted); an empty district is the city-wide part."""
    budgets = json.loads(process.district_budgets or "{}")
    if budgets and district and district not in budgets:
        raise InputError(f"district '{district}' has no budget in this citizens' budget",
                         fix=f"use one of {', '.join(budgets)}, or no district for the "
                         "city-wide part", where=ErrorLocation(field="district"))


def add_project(db: Session, process: Process, *, code: str, title: str, cost: int,
                description: str = "", district: str = "",
                ambition_id: str | None = None) -> Project:
    """Put a project on the ballot directly (e.g. a staff project, or in tests)."""
    if process.phase in (Phase.VOTING, Phase.RESULTS):
        raise InputError("the ballot is fixed once voting has started",
                         fix="add projects before the voting phase",
                         where=ErrorLocation(field="phase"))
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code):
        raise InputError(f"project code '{code}' is not 1-32 letters, digits, '-' or '_'",
                         fix="choose a short code such as p12", where=ErrorLocation(field="code"))
    check_district(process, district)
    project = Project(process_id=process.id, code=code,
                      title=clean_text(title, "title", TITLE_MAX),
                      description=clean_text(description, "description", TEXT_MAX,
                                             required=False),
                      cost=whole_number(str(cost), "cost", minimum=1, maximum=process.budget),
                      district=district, ambition_id=ambition_id)
    db.add(project)
    db.commit()
    return project


# --- voting codes -------------------------------------------------------------------------------

def generate_codes(db: Session, process: Process, count: int, secret: str,
                   expires_at: dt.datetime | None = None) -> list[str]:
    """Issue ``count`` new voting codes; only their HMACs are stored, the codes are returned once.

    The admin exports them (CSV) for printed letters or digital post; they cannot be shown again.
    """
    if process.kind != Kind.BUDGET:
        raise InputError("voting codes belong to a citizens' budget", fix="choose a budget",
                         where=ErrorLocation(field="process"))
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise InputError(f"{count} codes asked for", fix=f"ask for 1..{MAX_CODES_PER_BATCH}",
                         where=ErrorLocation(field="count"))
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        code = voting.generate_code()
        hashed = voting.code_hash(secret, code)
        if hashed in seen:
            continue
        seen.add(hashed)
        codes.append(code)
    now = now_utc()
    db.add_all(VotingCode(process_id=process.id, code_hash=h, expires_at=expires_at, created_at=now)
               for h in (voting.code_hash(secret, c) for c in codes))
    db.commit()
    return codes


def credential_for_code(db: Session, process: Process, code: str, secret: str,
                        now: dt.datetime) -> str:
    """The ballot credential of a valid voting code of ``process``; refuses unknown or expired."""
    hashed = voting.code_hash(secret, code)
    row = db.scalar(select(VotingCode).where(VotingCode.code_hash == hashed))
    if row is None or row.process_id != process.id:
        raise AuthError("the voting code is not known for this citizens' budget",
                        fix="check the code on your letter, or vote with MitID",
                        where=ErrorLocation(field="code"))
    expires = aware(row.expires_at)
    if expires is not None and now >= expires:
        raise AuthError("the voting code has expired", fix="ask the municipality for a new code",
                        where=ErrorLocation(field="code"))
    return voting.code_credential(hashed)


# --- ballots ------------------------------------------------------------------------------------

_ELECTIONS: dict[tuple[str, int, str, str], Election] = {}


def election_of(db: Session, process: Process) -> Election:
    """The engine's :class:`Election` of the process: its projects, budget and ballot limits.

    Knapsack: approval with ``max_sum_cost = budget``; points: cumulative with
    ``max_sum_points``; approval: ``max_length``. Cached once the ballot is fixed (voting, results).
    """
    key = (str(db.get_bind().engine.url), process.id, process.phase, process.created_at.isoformat())
    cached = _ELECTIONS.get(key) if process.phase in (Phase.VOTING, Phase.RESULTS) else None
    if cached is not None:
        return cached
    kind = BallotType(process.ballot_type)
    budget = Fraction(process.budget)
    if kind == BallotType.POINTS:
        limits = BallotLimits(max_sum_points=process.max_points, min_points=0,
                              max_length=process.max_length)
    elif kind == BallotType.KNAPSACK:
        limits = BallotLimits(max_sum_cost=budget, max_length=process.max_length)
    else:
        limits = BallotLimits(max_length=process.max_length)
    districts = json.loads(process.district_budgets or "{}")
    election = Election(
        projects=tuple(EngineProject(id=p.code, cost=Fraction(p.cost), name=p.title,
                                     district=p.district or None)
                       for p in projects_of(db, process)),
        budget=budget,
        vote_type="cumulative" if kind == BallotType.POINTS else "approval",
        limits=limits,
        district_budgets={k: Fraction(v) for k, v in districts.items()},
        meta={"description": process.title, "country": "Denmark", "unit": "Albertslund",
              "instance": str(process.id), "rule": process.rule,
              "date_begin": process.created_at.date().isoformat(),
              "date_end": (aware(process.voting_closes) or now_utc()).date().isoformat()},
    )
    if process.phase in (Phase.VOTING, Phase.RESULTS):
        _ELECTIONS[key] = election
    return election


@dataclass(frozen=True)
class Receipt:
    """The answer to an accepted ballot: its version (1 = first ballot) and the projects."""

    version: int
    projects: tuple[str, ...]
    replaced: bool


def voting_open(process: Process, now: dt.datetime) -> None:
    """Refuse unless the process is in its voting phase and ``now`` is before the closing time."""
    _check_open(process.kind, process.phase, aware(process.voting_closes), now)


def _check_open(kind: str, phase: str, closes: dt.datetime | None, now: dt.datetime) -> None:
    if kind != Kind.BUDGET or phase != Phase.VOTING or closes is None:
        raise InputError("voting is not open in this citizens' budget",
                         fix="vote while the process is in its voting phase",
                         where=ErrorLocation(field="phase"))
    if now >= closes:
        raise InputError(f"voting closed at {closes.isoformat(timespec='minutes')}",
                         fix="ballots can no longer be cast or changed",
                         where=ErrorLocation(field="voting_closes"))


def _check_submission(election: Election, projects: Sequence[str],
                      points: Sequence[int] | None, submission_id: str) -> Ballot:
    """The ballot checked by the engine (and its submission id), before anything is written."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", submission_id or ""):
        raise InputError("the submission id is missing or malformed",
                         fix="reload the ballot page and vote again",
                         where=ErrorLocation(field="submission_id"))
    ballot = Ballot(voter_id="-", projects=tuple(projects),
                    points=tuple(points) if points is not None else None)
    problem = ballot_problem(election, ballot)
    if problem is not None:
        raise BallotError(f"the ballot {problem}", fix="change your choice and vote again",
                          where=ErrorLocation(field="vote"))
    return ballot


def _store_ballot(db: Session | Connection, process_id: int, credential: str, ballot: Ballot,
                  submission_id: str, now: dt.datetime, *, code_hash: str | None = None,
                  lock_key: str | None = None) -> int | None:
    """Store the ballot in ONE statement; its version, or None when nothing was stored.

    ``INSERT INTO pp_ballots SELECT <the ballot> WHERE <the process is in its voting phase and
    before its closing time> [AND <the code is this process's and not expired>] [AND <the
    client's address is not locked>] ON CONFLICT (process_id, credential) DO UPDATE ... WHERE
    <another submission> RETURNING version`` (PostgreSQL and SQLite 3.35+). The checks read the
    database itself, so a worker's cached copy of the process can never let a ballot in after
    the phase changed. None means: a check failed, or the same submission was stored before;
    :func:`_why_not_stored` tells which.
    """
    open_now = select(Process.id).where(Process.id == process_id,
                                        Process.phase == Phase.VOTING.value,
                                        Process.voting_closes > now).exists()
    conditions = [open_now]
    if code_hash is not None:
        conditions.append(select(VotingCode.id).where(
            VotingCode.code_hash == code_hash, VotingCode.process_id == process_id,
            or_(VotingCode.expires_at.is_(None), VotingCode.expires_at > now)).exists())
    if lock_key is not None:
        conditions.append(~throttle.lock_condition(lock_key, now))
    points = None if ballot.points is None else ",".join(str(x) for x in ballot.points)
    source = select(
        literal(process_id, Integer), literal(credential, String), literal(
            ",".join(ballot.projects), Text), literal(points, Text),
        literal(submission_id, String), literal(1, Integer),
        literal(now, DateTime(timezone=True)),
    ).where(*conditions)
    dialect = db.get_bind().dialect.name if isinstance(db, Session) else db.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(BallotRow).from_select(
        ["process_id", "credential", "projects", "points", "submission_id", "version",
         "cast_at"], source)
    upsert = stmt.on_conflict_do_update(
        index_elements=["process_id", "credential"],
        set_={"projects": stmt.excluded.projects, "points": stmt.excluded.points,
              "submission_id": stmt.excluded.submission_id, "cast_at": stmt.excluded.cast_at,
              "version": BallotRow.version + 1},
        where=BallotRow.submission_id != stmt.excluded.submission_id,
    ).returning(BallotRow.version)
    version = db.execute(upsert).scalar()
    return None if version is None else int(version)


def _why_not_stored(db: Session | Connection, process_id: int, credential: str,
                    submission_id: str, now: dt.datetime, *, code_hash: str | None = None,
                    lock_key: str | None = None) -> int:
    """After :func:`_store_ballot` stored nothing: raise the reason, or return the version of
    the same submission stored before (an idempotent retry). The rare path: a few queries."""
    if lock_key is not None:
        until = throttle.locked_until(db, [lock_key], now)
        if until is not None:
            raise throttle.throttled("voting codes", until)
    if code_hash is not None:
        row = db.execute(select(VotingCode.process_id, VotingCode.expires_at)
                         .where(VotingCode.code_hash == code_hash)).first()
        if row is None or row.process_id != process_id:
            raise AuthError("the voting code is not known for this citizens' budget",
                            fix="check the code on your letter, or vote with MitID",
                            where=ErrorLocation(field="code"))
        expires = aware(row.expires_at)
        if expires is not None and now >= expires:
            raise AuthError("the voting code has expired",
                            fix="ask the municipality for a new code",
                            where=ErrorLocation(field="code"))
    process = db.execute(select(Process.kind, Process.phase, Process.voting_closes)
                         .where(Process.id == process_id)).first()
    if process is None:
        raise ParticipationNotFoundError(f"there is no citizens' budget number {process_id}",
                                         fix="go back to the list of processes",
                                         where=ErrorLocation(field="process"))
    forget_voting_snapshot(process_id)
    _check_open(process.kind, process.phase, aware(process.voting_closes), now)
    stored = db.execute(select(BallotRow.version, BallotRow.submission_id).where(
        BallotRow.process_id == process_id, BallotRow.credential == credential)).first()
    if stored is not None and stored.submission_id == submission_id:
        return int(stored.version)  # the same submission again: answered as before
    raise DataError("the ballot could not be stored", fix="vote again",
                    where=ErrorLocation(field="vote"))


def cast_ballot(db: Session, process: Process, credential: str, projects: Sequence[str],
                points: Sequence[int] | None, submission_id: str, now: dt.datetime) -> Receipt:
    """Store the credential's ballot, replacing any earlier one (the last ballot counts).

    Checks the deadline server-side, and the ballot with the engine's validation (unknown
    project, length, budget, points) giving its reason. One atomic upsert on the unique
    (process, credential) pair (:func:`_store_ballot`): two concurrent submissions leave exactly
    one ballot. A retried request with the same ``submission_id`` is answered without change.
    Committed before return.
    """
    voting_open(process, now)
    ballot = _check_submission(election_of(db, process), projects, points, submission_id)
    version = _store_ballot(db, process.id, credential, ballot, submission_id, now)
    if version is None:
        version = _why_not_stored(db, process.id, credential, submission_id, now)
    db.commit()
    return Receipt(version=version, projects=ballot.projects, replaced=version > 1)


# --- the ballot API's fast path -----------------------------------------------------------------

#: How long a worker keeps its copy of a process in voting (its projects and limits), seconds.
#: The phase and the closing time are checked again by the database in the statement that
#: stores a ballot, so the copy only decides how a ballot is validated and what is refused early.
VOTING_SNAPSHOT_TTL = 10.0


@dataclass(frozen=True)
class VotingSnapshot:
    """What a ballot is checked against, read once per worker and kept a few seconds."""

    process_id: int
    kind: str
    phase: str
    voting_closes: dt.datetime | None
    election: Election | None
    loaded: float


_SNAPSHOTS: dict[tuple[str, int], VotingSnapshot] = {}


def voting_snapshot(engine: Engine, process_id: int) -> VotingSnapshot:
    """The process as a ballot sees it, from this worker's cache (at most
    :data:`VOTING_SNAPSHOT_TTL` seconds old) or read from the database (a 404 error if absent)."""
    key = (str(engine.url), process_id)
    found = _SNAPSHOTS.get(key)
    if found is not None and time.monotonic() - found.loaded < VOTING_SNAPSHOT_TTL:
        return found
    with Session(engine) as db:
        process = get_process(db, process_id, Kind.BUDGET)
        election = (election_of(db, process)
                    if process.phase in (Phase.VOTING, Phase.RESULTS) else None)
        snapshot = VotingSnapshot(process.id, process.kind, process.phase,
                                  aware(process.voting_closes), election, time.monotonic())
    _SNAPSHOTS[key] = snapshot
    return snapshot


def forget_voting_snapshot(process_id: int) -> None:
    """Drop this worker's copies of the process (after a change of phase or closing time)."""
    for key in [k for k in _SNAPSHOTS if k[1] == process_id]:
        _SNAPSHOTS.pop(key, None)


def cast_ballot_with_code(engine: Engine, process_id: int, code: str, secret: str,
                          projects: Sequence[str], points: Sequence[int] | None,
                          submission_id: str, now: dt.datetime,
                          client_host: str | None = None) -> Receipt:
    """Check a voting code and store its ballot in one database statement, durable on return.

    The process comes from this worker's snapshot (:func:`voting_snapshot`); the code's hash and
    the ballot's validity are computed in Python; then :func:`_store_ballot` checks the phase,
    the closing time, the code and the client address's lock and upserts the ballot in one
    statement, in its own transaction (autocommit: committed when it returns, before the
    answer). Only a refusal or a retried submission costs more queries. An unknown or expired
    code counts as a failure of the client address (:data:`throttle.CODE_ADDRESS`).
    """
    snapshot = voting_snapshot(engine, process_id)
    _check_open(snapshot.kind, snapshot.phase, snapshot.voting_closes, now)
    hashed = voting.code_hash(secret, code)
    assert snapshot.election is not None  # the voting phase has its election
    ballot = _check_submission(snapshot.election, projects, points, submission_id)
    credential = voting.code_credential(hashed)
    lock_key = throttle.key_of(secret, throttle.CODE_ADDRESS, throttle.address_value(client_host))
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        version = _store_ballot(conn, process_id, credential, ballot, submission_id, now,
                                code_hash=hashed, lock_key=lock_key)
        if version is None:
            try:
                version = _why_not_stored(conn, process_id, credential, submission_id, now,
                                          code_hash=hashed, lock_key=lock_key)
            except throttle.ThrottledError:
                raise
            except AuthError:
                started = throttle.record_failure(conn, lock_key, throttle.CODE_ADDRESS, now)
                if started is not None:
                    raise throttle.throttled("voting codes", started) from None
                raise
    return Receipt(version=version, projects=ballot.projects, replaced=version > 1)


def credential_for_code_throttled(db: Session, process: Process, code: str, secret: str,
                                  now: dt.datetime, client_host: str | None) -> str:
    """:func:`credential_for_code`, refused while the client address is locked; an unknown or
    expired code counts as a failure of the address (committed)."""
    key = throttle.key_of(secret, throttle.CODE_ADDRESS, throttle.address_value(client_host))
    until = throttle.locked_until(db, [key], now)
    if until is not None:
        raise throttle.throttled("voting codes", until)
    try:
        return credential_for_code(db, process, code, secret, now)
    except AuthError:
        started = throttle.record_failure(db, key, throttle.CODE_ADDRESS, now)
        db.commit()
        if started is not None:
            raise throttle.throttled("voting codes", started) from None
        raise


def ballot_count(db: Session, process: Process) -> int:
    """How many ballots (credentials) the process has."""
    return int(db.scalar(select(func.count()).select_from(BallotRow)
                         .where(BallotRow.process_id == process.id)) or 0)


def current_ballot(db: Session, process: Process, credential: str) -> BallotRow | None:
    """The credential's ballot, if any (for showing the voter their choice)."""
    return db.scalar(select(BallotRow).where(BallotRow.process_id == process.id,
                                             BallotRow.credential == credential))


def profile_of(db: Session, process: Process, election: Election) -> Profile:
    """All current ballots as the engine's profile, ordered by credential (no cast order leaks)."""
    rows = db.execute(select(BallotRow.credential, BallotRow.projects, BallotRow.points)
                      .where(BallotRow.process_id == process.id)
                      .order_by(BallotRow.credential)).all()
    ballots = [Ballot(voter_id=cred, projects=tuple(p for p in projs.split(",") if p),
                      points=None if pts is None else tuple(int(x) for x in pts.split(",") if x))
               for cred, projs, pts in rows]
    return profile_from_ballots(election, ballots)


def count(db: Session, process: Process) -> tuple[Election, Profile, Outcome]:
    """Count the ballots with the process's rule (the engine's rules, never re-implemented)."""
    election, profile, outcome, _ = count_parts(db, process)
    return election, profile, outcome


def count_parts(db: Session, process: Process
                ) -> tuple[Election, Profile, Outcome, DistrictOutcome | None]:
    """Count, district by district when the process has district budgets (each district with its
    own budget, projects without a district with what is left; see
    :mod:`byibalance.participation.districts`); the outcome is then the merged one."""
    election = election_of(db, process)
    profile = profile_of(db, process, election)
    if election.district_budgets:
        parts = count_by_district(election, profile, process.rule, RULE_OPTIONS[process.rule])
        return election, profile, parts.merged, parts
    outcome = RULES[process.rule](election, profile, options=RULE_OPTIONS[process.rule])
    return election, profile, outcome, None


def result_summary(election: Election, profile: Profile, outcome: Outcome,
                   parts: DistrictOutcome | None = None) -> dict[str, object]:
    """The published result: winners in order, an explanation per project, statistics; with
    ``parts``, each project's district and per district its budget, spending and winners."""
    votes = profile.approval_counts(len(election.projects))
    scores = profile.scores(len(election.projects))
    index = election.index()
    names = {p.id: p.name for p in election.projects}
    projects: list[dict[str, object]] = []
    for r in outcome.rounds:
        projects.append({"id": r.project_id, "name": names[r.project_id], "cost": int(r.cost),
                         "votes": int(votes[index[r.project_id]]),
                         "score": int(scores[index[r.project_id]]), "selected": True,
                         "round": r.number,
                         "price_per_voter": None if r.price_per_voter is None
                         else float(r.price_per_voter),
                         "reason": ""})
    for lost in outcome.losers:
        projects.append({"id": lost.project_id, "name": names[lost.project_id],
                         "cost": int(lost.cost), "votes": int(votes[index[lost.project_id]]),
                         "score": int(scores[index[lost.project_id]]), "selected": False,
                         "round": None, "reason": lost.reason,
                         "effective_support": lost.effective_support,
                         "shortfall": None if lost.shortfall is None else float(lost.shortfall)})
    stats = outcome.statistics
    return {"rule": outcome.rule, "selected": list(outcome.selected), "cost": int(outcome.cost),
            "budget": int(outcome.budget), "voters": stats.voters,
            "share_no_funded": float(stats.share_no_funded),
            "avg_funded_per_voter": float(stats.avg_funded_per_voter),
            "budget_spent": float(stats.budget_spent), "projects": projects,
            **_district_summary(election, parts, projects)}


def _district_summary(election: Election, parts: DistrictOutcome | None,
                      projects: list[dict[str, object]]) -> dict[str, object]:
    """Per district (``district`` None: city-wide): budget, cost, voters, winners; and each
    project row's district."""
    if parts is None:
        return {}
    where = {p.id: p.district for p in election.projects}
    for row in projects:
        row["district"] = where[str(row["id"])]
    return {"districts": [{"district": part.district, "budget": int(part.election.budget),
                           "cost": int(part.outcome.cost), "voters": part.profile.num_voters,
                           "selected": list(part.outcome.selected)} for part in parts.parts]}


def publish_results(db: Session, process: Process) -> dict[str, object]:
    """Close the voting, count, and publish the result and the anonymised ``.pb`` export."""
    if process.phase == Phase.VOTING:
        process.phase = Phase.RESULTS.value
    if process.phase != Phase.RESULTS or process.kind != Kind.BUDGET:
        raise InputError("results can be published only after the voting",
                         fix="advance the process to voting first",
                         where=ErrorLocation(field="phase"))
    election, profile, outcome, parts = count_parts(db, process)
    summary = result_summary(election, profile, outcome, parts)
    process.result_json = json.dumps(summary, ensure_ascii=False)
    process.pb_export = pb_text(election, profile)
    process.published_at = now_utc()
    db.commit()
    return summary


def pb_text(election: Election, profile: Profile) -> str:
    """The anonymised ballots as a Pabulib ``.pb`` file (voter ids 1..n; nothing personal)."""
    return format_pb(election, anonymised(profile))


def published_result(process: Process) -> dict[str, object] | None:
    """The published result, or None before publication."""
    return None if process.result_json is None else json.loads(process.result_json)


def project_support(process: Process) -> dict[str, float]:
    """Citizen support per project: votes_p / voters, in [0, 1], from the published result."""
    result = published_result(process)
    if result is None:
        raise InputError("the citizens' budget has no published result yet",
                         fix="publish the result first", where=ErrorLocation(field="result"))
    voters = int(str(result["voters"]))
    rows = result["projects"]
    assert isinstance(rows, list)
    return {str(r["id"]): (int(r["votes"]) / voters if voters else 0.0) for r in rows}


def ambition_support(db: Session, process: Process) -> dict[str, float]:
    """Citizen support per ambition for ``byibalance.portfolio`` (``Problem.support``).

    support_a = max over the process's projects p with ambition_id = a of votes_p / voters, in
    [0, 1]; projects without an ambition are left out.
    """
    shares = project_support(process)
    out: dict[str, float] = {}
    for p in projects_of(db, process):
        if p.ambition_id:
            out[p.ambition_id] = max(out.get(p.ambition_id, 0.0), shares.get(p.code, 0.0))
    return out


def published_ambition_support(db: Session) -> dict[str, float]:
    """Citizen support per ambition over every citizens' budget with a published result: for
    each ambition the highest share of voters who chose a project linked to it (the newest
    process counts as much as an older one: support, once published, stays on record)."""
    out: dict[str, float] = {}
    for process in list_processes(db):
        if process.kind != Kind.BUDGET or published_result(process) is None:
            continue
        for ambition, share in ambition_support(db, process).items():
            out[ambition] = max(out.get(ambition, 0.0), share)
    return out


# --- hearings -----------------------------------------------------------------------------------

def respond_to_hearing(db: Session, process: Process, citizen: Citizen, *, body: object,
                       organisation: object = "", attachment: bytes | None = None,
                       attachment_name: str = "", attachment_type: str = "",
                       now: dt.datetime | None = None) -> HearingResponse:
    """Store a hearing response (checked in full first: deadline, sizes, attachment type)."""
    now = now or now_utc()
    deadline = aware(process.hearing_deadline)
    if process.kind != Kind.HEARING or deadline is None or now >= deadline:
        raise InputError("the hearing is closed", fix="responses are taken until the deadline",
                         where=ErrorLocation(field="hearing_deadline"))
    if attachment:
        if len(attachment) > ATTACHMENT_MAX:
            raise InputError(f"the attachment is larger than {ATTACHMENT_MAX // 1024 // 1024} MiB",
                             fix="attach a smaller file", where=ErrorLocation(field="attachment"))
        if attachment_type not in ATTACHMENT_TYPES:
            raise InputError(f"attachments of type '{attachment_type}' are not accepted",
                             fix="attach a PDF, PNG, JPEG or text file",
                             where=ErrorLocation(field="attachment"))
    response = HearingResponse(
        process_id=process.id, citizen_id=citizen.id,
        organisation=clean_text(organisation, "organisation", TITLE_MAX, required=False),
        body=clean_text(body, "body", TEXT_MAX), attachment=attachment or None,
        attachment_name=clean_text(attachment_name, "attachment", TITLE_MAX, required=False),
        attachment_type=attachment_type if attachment else "")
    db.add(response)
    db.commit()
    return response


def tag_response(db: Session, response: HearingResponse, topics: object) -> None:
    """Set a response's topics (comma-separated, each at most 40 characters)."""
    text = clean_text(topics, "topics", 500, required=False)
    tags = sorted({t.strip().lower() for t in text.split(",") if t.strip()})
    if any(len(t) > 40 for t in tags):
        raise InputError("a topic is longer than 40 characters", fix="use short topic names",
                         where=ErrorLocation(field="topics"))
    response.topics = ",".join(tags)
    db.commit()


@dataclass(frozen=True)
class TopicSummary:
    """For the council: a topic, how many responses name it, and short quotes from them."""

    topic: str
    count: int
    organisations: int
    quotes: tuple[str, ...]


def hearing_summary(db: Session, process: Process, quotes: int = 3,
                    quote_len: int = 240) -> list[TopicSummary]:
    """Responses per topic (most first), untagged ones under "untagged", with up to 3 quotes."""
    responses = list(db.scalars(select(HearingResponse)
                                .where(HearingResponse.process_id == process.id)
                                .order_by(HearingResponse.id)))
    by_topic: dict[str, list[HearingResponse]] = {}
    for r in responses:
        for t in (r.topics.split(",") if r.topics else ["untagged"]):
            by_topic.setdefault(t, []).append(r)
    counts = Counter({t: len(rs) for t, rs in by_topic.items()})
    out = []
    for topic, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        rs = by_topic[topic]
        out.append(TopicSummary(topic, n, sum(1 for r in rs if r.organisation),
                                tuple(_quote(r.body, quote_len) for r in rs[:quotes])))
    return out


def _quote(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- personal data (GDPR) -----------------------------------------------------------------------

def export_citizen(db: Session, citizen_id: int) -> dict[str, object]:
    """Everything stored about a citizen (art. 15/20): name, e-mail and what they wrote.

    Ballots are not linked to anybody and so cannot be exported per person.
    """
    citizen = get_row(db, Citizen, citizen_id)
    if citizen is None:
        raise ParticipationNotFoundError("no data is stored under this citizen id",
                                         fix="it may have been deleted already",
                                         where=ErrorLocation(field="citizen"))
    return {
        "display_name": citizen.display_name, "email": citizen.email,
        "created_at": citizen.created_at.isoformat(),
        "proposals": [{"id": p.id, "title": p.title, "description": p.description,
                       "district": p.district, "rough_cost": p.rough_cost}
                      for p in db.scalars(select(Proposal)
                                          .where(Proposal.citizen_id == citizen_id))],
        "comments": [{"id": c.id, "proposal": c.proposal_id, "body": c.body}
                     for c in db.scalars(select(Comment).where(Comment.citizen_id == citizen_id))],
        "supports": sorted(db.scalars(select(Support.proposal_id)
                                      .where(Support.citizen_id == citizen_id))),
        "hearing_responses": [{"id": r.id, "process": r.process_id, "organisation": r.organisation,
                               "body": r.body, "attachment": r.attachment_name}
                              for r in db.scalars(
                                  select(HearingResponse)
                                  .where(HearingResponse.citizen_id == citizen_id))],
    }


def delete_citizen(db: Session, citizen_id: int) -> None:
    """Erase a citizen (art. 17): their name, e-mail, supports, comments, hearing responses and
    proposals; a proposal already turned into a project stays, without its author."""
    citizen = get_row(db, Citizen, citizen_id)
    if citizen is None:
        raise ParticipationNotFoundError("no data is stored under this citizen id",
                                         fix="it may have been deleted already",
                                         where=ErrorLocation(field="citizen"))
    for model in (Support, Comment, HearingResponse):
        for row in db.scalars(select(model).where(model.citizen_id == citizen_id)):
            db.delete(row)
    for p in db.scalars(select(Proposal).where(Proposal.citizen_id == citizen_id)):
        if p.status == ProposalStatus.ACCEPTED:
            p.citizen_id = None
        else:
            db.delete(p)
    db.delete(citizen)
    db.commit()
