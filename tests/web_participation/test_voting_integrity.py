"""A code votes once; a changed ballot replaces the old one; refusals name the reason."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import func, select

from byibalance.errors import AuthError, BallotError, InputError
from byibalance.participation.pabulib import parse_pb
from byibalance.participation.rules import RULES
from byibalance.web.participation import service
from byibalance.web.participation.models import BallotRow, Process

from .conftest import SECRET, citizen, open_voting, staff


def _sub() -> str:
    return uuid.uuid4().hex


def _api(client, pid: int, code: str, projects: list[str], sub: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(f"/api/participation/{pid}/ballots",
                       json={"code": code, "projects": projects, "submission_id": sub or _sub()})


def _ballots(app, pid: int) -> list[BallotRow]:  # type: ignore[no-untyped-def]
    with app.state.sessionmaker() as db:
        return list(db.scalars(select(BallotRow).where(BallotRow.process_id == pid)))


def test_a_code_has_one_ballot_and_the_last_one_counts(app) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app)
    c, _ = citizen(app)
    first = _api(c, v.pid, v.codes[0], ["a", "b"])
    assert first.status_code == 200, first.text
    assert first.json() == {"version": 1, "projects": ["a", "b"], "replaced": False}
    second = _api(c, v.pid, v.codes[0].lower().replace("-", " "), ["c"])
    assert second.json() == {"version": 2, "projects": ["c"], "replaced": True}
    rows = _ballots(app, v.pid)
    assert [(r.projects, r.version) for r in rows] == [("c", 2)]
    assert rows[0].credential.startswith("c:") and v.codes[0] not in rows[0].credential


def test_a_retried_submission_changes_nothing(app) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app)
    c, _ = citizen(app)
    sub = _sub()
    assert _api(c, v.pid, v.codes[0], ["a"], sub).json()["version"] == 1
    again = _api(c, v.pid, v.codes[0], ["a"], sub)
    assert again.status_code == 200 and again.json()["version"] == 1
    assert len(_ballots(app, v.pid)) == 1


def test_concurrent_double_submission_leaves_one_ballot(app) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app, codes=1)
    c, _ = citizen(app)
    barrier = threading.Barrier(8)
    answers: list[int] = []

    def vote(i: int) -> None:
        barrier.wait()
        answers.append(_api(c, v.pid, v.codes[0], ["a"] if i % 2 else ["b"]).status_code)

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200] * 8
    rows = _ballots(app, v.pid)
    assert len(rows) == 1 and rows[0].version == 8 and rows[0].projects in ("a", "b")


@pytest.mark.parametrize(("code", "status", "words"), [
    ("ZZZZ-ZZZZ-ZZZZ", 403, "not known"),
    ("ABC", 400, "12 letters"),
    ("OOOO-0000-1111", 400, "12 letters"),
])
def test_unknown_or_malformed_codes_are_refused(app, code: str, status: int, words: str) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app)
    c, _ = citizen(app)
    answer = _api(c, v.pid, code, ["a"])
    assert answer.status_code == status
    assert words in answer.json()["detail"]["problem"]
    assert answer.json()["detail"]["field"] == "code"
    assert _ballots(app, v.pid) == []


def test_an_expired_code_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app, expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    c, _ = citizen(app)
    answer = _api(c, v.pid, v.codes[0], ["a"])
    assert answer.status_code == 403 and "expired" in answer.json()["detail"]["problem"]


def test_a_code_of_another_process_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    v1, v2 = open_voting(app), open_voting(app)
    c, _ = citizen(app)
    assert _api(c, v2.pid, v1.codes[0], ["a"]).status_code == 403


def test_ballot_over_the_budget_is_refused_with_the_reason(app) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app, ballot_type="knapsack", budget=1000)
    c, _ = citizen(app)
    answer = _api(c, v.pid, v.codes[0], ["a", "b", "c"])  # 400+300+500 = 1200 > 1000
    assert answer.status_code == 400
    assert "costs 1200 in total, more than the maximum 1000" in answer.json()["detail"]["problem"]
    assert _ballots(app, v.pid) == []


def test_ballot_over_the_length_limit_is_refused_with_the_reason(app) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app, ballot_type="approval", max_length=2)
    c, _ = citizen(app)
    answer = _api(c, v.pid, v.codes[0], ["a", "b", "c"])
    assert answer.status_code == 400
    assert "chooses 3 projects, more than the maximum 2" in answer.json()["detail"]["problem"]
    assert _api(c, v.pid, v.codes[0], ["a", "zz"]).json()["detail"]["problem"].endswith(
        "names unknown project 'zz'")


def test_votes_after_the_deadline_are_refused(app) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app)
    c, _ = citizen(app)
    assert _api(c, v.pid, v.codes[0], ["a"]).status_code == 200
    with app.state.sessionmaker() as db:
        db.get(Process, v.pid).voting_closes = service.now_utc() - dt.timedelta(seconds=1)  # type: ignore[union-attr]
        db.commit()
    late = _api(c, v.pid, v.codes[1], ["b"])
    assert late.status_code == 400 and "voting closed" in late.json()["detail"]["problem"]
    assert late.json()["detail"]["field"] == "voting_closes"
    assert len(_ballots(app, v.pid)) == 1


def test_service_refusals_are_domain_errors(app) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app, ballot_type="points", rule="greedy", max_points=10)
    with app.state.sessionmaker() as db:
        process = service.get_process(db, v.pid)
        now = service.now_utc()
        cred = service.credential_for_code(db, process, v.codes[0], SECRET, now)
        with pytest.raises(BallotError, match="gives 11 points in total"):
            service.cast_ballot(db, process, cred, ["a", "b"], [5, 6], _sub(), now)
        with pytest.raises(InputError, match="submission id"):
            service.cast_ballot(db, process, cred, ["a"], [5], "x", now)
        with pytest.raises(AuthError):
            service.credential_for_code(db, process, "2222-3333-4444", SECRET, now)
        assert service.cast_ballot(db, process, cred, ["a", "b"], [4, 6], _sub(), now).version == 1
        assert db.scalar(select(func.count()).select_from(BallotRow)) == 1


def test_published_count_equals_a_recount_of_the_pb_export(app) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app, codes=12)
    c, _ = citizen(app)
    choices = [["a", "b"], ["a"], ["c"], ["c", "d"], ["b", "d"], ["a", "d"], ["c"], ["b"],
               ["a", "b", "d"], ["d"], ["c", "d"], ["a"]]
    for code, chosen in zip(v.codes, choices, strict=True):
        assert _api(c, v.pid, code, chosen).status_code == 200
    admin, token = staff(app, "admin")
    assert admin.post(f"/participation/{v.pid}/publish",
                      data={"csrf_token": token}).status_code == 303
    result = c.get(f"/api/participation/{v.pid}/result").json()
    election, profile = parse_pb(c.get(f"/deltag/{v.pid}/stemmer.pb").text, "export.pb")
    assert profile.num_voters == 12 == result["voters"]
    recount = RULES["mes"](election, profile, options=service.RULE_OPTIONS["mes"])
    assert list(recount.selected) == result["selected"]
    votes = dict(zip(election.project_ids, profile.approval_counts(4).tolist(), strict=True))
    assert votes == {"a": 5, "b": 4, "c": 4, "d": 6}
    assert {p["id"]: p["votes"] for p in result["projects"]} == votes
    assert all(line.split(";")[0].isdigit() for line in
               c.get(f"/deltag/{v.pid}/stemmer.pb").text.split("VOTES")[1].splitlines()[2:])
    with app.state.sessionmaker() as db:
        process = service.get_process(db, v.pid)
        shares = service.project_support(process)
        assert shares == pytest.approx({"a": 5 / 12, "b": 4 / 12, "c": 4 / 12, "d": 6 / 12})
        assert service.ambition_support(db, process) == pytest.approx({"groen": 5 / 12})
        # Every published citizens' budget feeds the ambitions optimiser's citizen support.
        assert service.published_ambition_support(db) == pytest.approx({"groen": 5 / 12})


def test_citizen_support_enters_the_ambitions_optimiser(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from byibalance.portfolio import budget
    from byibalance.web import ambitions_model

    seen: list[dict[str, float]] = []
    real = budget.solve_verified

    def spy(problem, check):  # type: ignore[no-untyped-def]
        seen.append(dict(problem.support))
        return real(problem, check)

    monkeypatch.setattr(budget, "solve_verified", spy)
    view = ambitions_model.compute_ambitions(None, "165", citizen_support={"supercykelsti": 0.6})
    assert seen == [{"supercykelsti": 0.6}]
    assert view.citizen_support == {"supercykelsti": 0.6}


def test_a_workers_cached_process_never_lets_a_ballot_in_after_the_phase_changed(app) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app)
    c, _ = citizen(app)
    assert _api(c, v.pid, v.codes[0], ["a"]).status_code == 200  # the worker caches the process
    with app.state.sessionmaker() as db:  # another worker closes the voting meanwhile
        db.get(Process, v.pid).phase = "results"  # type: ignore[union-attr]
        db.commit()
    late = _api(c, v.pid, v.codes[1], ["b"])
    assert late.status_code == 400 and late.json()["detail"]["field"] == "phase"
    assert [r.projects for r in _ballots(app, v.pid)] == ["a"]
