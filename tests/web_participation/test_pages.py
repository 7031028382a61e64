"""Citizens' and staff pages: a whole citizens' budget, hearings, escaping, bad input, privacy."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import func, select

from byibalance.web.participation import service, texts
from byibalance.web.participation.identity import FakeIdentityProvider
from byibalance.web.participation.models import (
    BallotRow,
    Citizen,
    Comment,
    HearingResponse,
    Proposal,
    Support,
)

from .conftest import SECRET, citizen, csrf_of, open_voting, staff

SCRIPT = '<script>alert("x")</script>'


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.state.sessionmaker() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def _new_budget(app) -> int:  # type: ignore[no-untyped-def]
    admin, token = staff(app, "admin")
    answer = admin.post("/participation/budgets", data={
        "csrf_token": token, "title": "Borgerbudget 2027", "description": "Idéer til byen",
        "budget": "1.000.000", "ballot_type": "knapsack", "rule": "mes",
        "voting_closes": "2099-01-01T12:00"})
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def test_a_citizens_budget_from_idea_to_result(app) -> None:  # type: ignore[no-untyped-def]
    pid = _new_budget(app)
    c, token = citizen(app)
    page = c.get(f"/deltag/{pid}")
    assert page.status_code == 200 and "Kom med et forslag" in page.text
    made = c.post(f"/deltag/{pid}/forslag", data={
        "csrf_token": token, "display_name": "Maja", "title": f"Bænke {SCRIPT}",
        "description": "Flere bænke ved søen", "district": "Syd", "rough_cost": "250000"})
    assert made.status_code == 303
    proposal_url = made.headers["location"]
    shown = c.get(proposal_url).text
    assert SCRIPT not in shown and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in shown
    assert c.post(proposal_url + "/stoet", data={"csrf_token": token}).status_code == 303
    assert c.post(proposal_url + "/stoet", data={"csrf_token": token}).status_code == 303
    assert c.post(proposal_url + "/kommentar",
                  data={"csrf_token": token, "body": f"God idé {SCRIPT}"}).status_code == 303
    shown = c.get(proposal_url).text
    assert "1 støtter" in shown and "God idé &lt;script&gt;" in shown and SCRIPT not in shown
    prid = int(proposal_url.rsplit("/", 1)[1])
    dup = c.post(f"/deltag/{pid}/forslag", data={
        "csrf_token": token, "title": "Bænke ved søen", "description": "Samme idé",
        "rough_cost": "200000"})
    dup_id = int(dup.headers["location"].rsplit("/", 1)[1])
    spam = c.post(f"/deltag/{pid}/forslag", data={
        "csrf_token": token, "title": "Køb billige ure", "description": "reklame",
        "rough_cost": "1"})
    spam_id = int(spam.headers["location"].rsplit("/", 1)[1])
    other = c.post(f"/deltag/{pid}/forslag", data={
        "csrf_token": token, "title": "Cykelstativer", "description": "Ved stationen",
        "rough_cost": "900000"})
    other_id = int(other.headers["location"].rsplit("/", 1)[1])

    analyst, atoken = staff(app, "analyst")
    base = f"/participation/{pid}/proposals"
    assert analyst.post(f"{base}/{spam_id}/hide",
                        data={"csrf_token": atoken, "reason": "Reklame"}).status_code == 303
    assert analyst.post(f"{base}/{dup_id}/merge",
                        data={"csrf_token": atoken, "into": str(prid)}).status_code == 303
    listing = c.get(f"/deltag/{pid}").text
    assert "Køb billige ure" not in listing and "Bænke ved søen" not in listing
    assert "Reklame" in c.get(f"/deltag/{pid}/forslag/{spam_id}").text
    for p, cost in ((prid, "300000"), (other_id, "800000")):
        assert analyst.post(f"{base}/{p}/review", data={
            "csrf_token": atoken, "decision": "accept", "cost": cost, "note": "Kan lade sig gøre",
            "ambition_id": "groen"}).status_code == 303
    viewer, vtoken = staff(app, "viewer")
    assert viewer.post(f"{base}/{other_id}/hide",
                       data={"csrf_token": vtoken, "reason": "x"}).status_code == 403

    admin, token_a = staff(app, "admin")
    assert admin.post(f"/participation/{pid}/phase", data={"csrf_token": token_a}).status_code \
        == 303
    assert admin.post(f"/participation/{pid}/phase", data={"csrf_token": token_a}).status_code \
        == 303
    csv_codes = admin.post(f"/participation/{pid}/codes", data={"csrf_token": token_a,
                                                                 "count": "3"})
    assert csv_codes.status_code == 200 and csv_codes.headers["cache-control"] == "no-store"
    codes = [line.split(",")[1] for line in csv_codes.text.strip().splitlines()[1:]]
    assert len(codes) == 3 and all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", x)
                                   for x in codes)

    voter, vt = citizen(app)
    assert voter.post(f"/deltag/{pid}/stem", data={"csrf_token": vt, "code": codes[0]}) \
        .status_code == 303
    ballot = voter.get(f"/deltag/{pid}/stemmeseddel")
    assert "tilfældig rækkefølge" in ballot.text
    sub = re.search(r'name="submission_id" value="([^"]+)"', ballot.text).group(1)  # type: ignore[union-attr]
    over = voter.post(f"/deltag/{pid}/stemmeseddel", data={
        "csrf_token": vt, "submission_id": sub, "project": [f"p{prid}", f"p{other_id}"]})
    assert over.status_code == 422 and "more than the maximum 1000000" in over.text
    cast = voter.post(f"/deltag/{pid}/stemmeseddel", data={
        "csrf_token": vt, "submission_id": sub, "project": [f"p{other_id}"]})
    assert cast.status_code == 200 and "Din stemme er gemt." in cast.text
    changed = voter.post(f"/deltag/{pid}/stemmeseddel", data={
        "csrf_token": vt, "submission_id": sub + "2", "project": [f"p{prid}"]})
    assert "Din stemme er ændret" in changed.text
    assert f'value="p{prid}" checked' in voter.get(f"/deltag/{pid}/stemmeseddel").text
    assert _count(app, BallotRow) == 1

    assert admin.post(f"/participation/{pid}/publish", data={"csrf_token": token_a}) \
        .headers["location"] == f"/deltag/{pid}/resultat"
    result = c.get(f"/deltag/{pid}/resultat")
    assert result.status_code == 200 and "1 vælgere" in result.text
    assert "fik penge i runde 1" in result.text


def test_bad_input_is_refused_and_nothing_is_stored(app) -> None:  # type: ignore[no-untyped-def]
    pid = _new_budget(app)
    c, token = citizen(app)
    good = {"csrf_token": token, "display_name": "Ole", "title": "Titel",
            "description": "Tekst", "rough_cost": "100"}
    cases = [({"title": "x" * 201}, "'title' has 201 characters, more than 200"),
             ({"description": "x" * 5001}, "'description' has 5001 characters"),
             ({"rough_cost": "mange"}, "'rough_cost' is 'mange', not a whole number"),
             ({"rough_cost": "2000000"}, "outside 0..1000000"),
             ({"display_name": ""}, "'display_name' is empty"),
             ({"email": "ikke-en-adresse"}, "is not an e-mail address"),
             ({"title": "a\x00b"}, "control characters"),
             ({"csrf_token": "forkert"}, "security token")]
    for change, message in cases:
        answer = c.post(f"/deltag/{pid}/forslag", data=good | change)
        assert answer.status_code in (400, 403), change
        assert message in answer.text.replace("&#39;", "'"), (change, answer.text[:300])
    assert _count(app, Proposal) == 0 and _count(app, Citizen) == 0
    malformed = c.post("/api/participation/1/ballots", content=b"{not json",
                       headers={"content-type": "application/json"})
    assert malformed.status_code == 422
    wrong = c.post("/api/participation/1/ballots", json={"code": 5, "projects": "a"})
    assert wrong.status_code == 422 and {d["field"] for d in wrong.json()["detail"]} >= {
        "body.code", "body.projects", "body.submission_id"}
    assert c.get("/deltag/999").status_code == 404
    assert _count(app, BallotRow) == 0


def test_hearing_responses_tagged_and_summarised_for_the_council(app) -> None:  # type: ignore[no-untyped-def]
    admin, token = staff(app, "admin")
    made = admin.post("/participation/hearings", data={
        "csrf_token": token, "title": "Budgetforslag 2027", "document": "Forslaget ...",
        "deadline": "2099-09-30T12:00"})
    pid = int(made.headers["location"].rsplit("/", 1)[1])
    c, ct = citizen(app)
    bodies = [("Skolerne skal have flere lærere", "", "skoler"),
              ("Bevar biblioteket i Syd", "Syd Borgerforening", "kultur, skoler"),
              (f"Lavere skat {SCRIPT}", "", "")]
    for body, org, _ in bodies:
        answer = c.post(f"/deltag/{pid}/hoering", data={
            "csrf_token": ct, "display_name": "Kim", "body": body, "organisation": org},
            files={"attachment": ("svar.txt", b"bilag", "text/plain")})
        assert answer.status_code == 200, answer.text
    refused = c.post(f"/deltag/{pid}/hoering", data={"csrf_token": ct, "body": "med virus"},
                     files={"attachment": ("x.exe", b"MZ", "application/x-msdownload")})
    assert refused.status_code == 400 and "are not accepted" in refused.text
    assert _count(app, HearingResponse) == 3
    with app.state.sessionmaker() as db:
        ids = list(db.scalars(select(HearingResponse.id).order_by(HearingResponse.id)))
    for rid, (_, _, topics) in zip(ids, bodies, strict=True):
        if topics:
            assert admin.post(f"/participation/responses/{rid}/topics",
                              data={"csrf_token": token, "topics": topics}).status_code == 303
    with app.state.sessionmaker() as db:
        summary = service.hearing_summary(db, service.get_process(db, pid))
    assert [(t.topic, t.count, t.organisations) for t in summary] == [
        ("skoler", 2, 1), ("kultur", 1, 1), ("untagged", 1, 0)]
    assert summary[0].quotes == ("Skolerne skal have flere lærere", "Bevar biblioteket i Syd")
    staff_page = admin.get(f"/participation/{pid}").text
    assert "Sammenfatning til kommunalbestyrelsen" in staff_page and SCRIPT not in staff_page
    with app.state.sessionmaker() as db:
        db.get(service.Process, pid).hearing_deadline = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)  # type: ignore[union-attr]
        db.commit()
    late = c.post(f"/deltag/{pid}/hoering", data={"csrf_token": ct, "body": "for sent"})
    assert late.status_code == 400 and "the hearing is closed" in late.text


def test_a_citizen_can_export_and_delete_their_data(app) -> None:  # type: ignore[no-untyped-def]
    pid = _new_budget(app)
    c, token = citizen(app)
    url = c.post(f"/deltag/{pid}/forslag", data={
        "csrf_token": token, "display_name": "Ida", "email": "ida@example.dk", "title": "Træer",
        "description": "Plant træer", "rough_cost": "5000"}).headers["location"]
    c.post(url + "/stoet", data={"csrf_token": token})
    c.post(url + "/kommentar", data={"csrf_token": token, "body": "Ja tak"})
    data = json.loads(c.get("/deltag/mine-data/eksport").text)
    assert data["display_name"] == "Ida" and data["email"] == "ida@example.dk"
    assert [p["title"] for p in data["proposals"]] == ["Træer"]
    assert [x["body"] for x in data["comments"]] == ["Ja tak"] and len(data["supports"]) == 1
    gone = c.post("/deltag/mine-data/slet", data={"csrf_token": token})
    assert gone.status_code == 200 and "slettet" in gone.text
    for model in (Citizen, Proposal, Comment, Support):
        assert _count(app, model) == 0, model
    assert c.get("/deltag/mine-data/eksport").status_code == 400


def test_voting_through_the_identity_provider_test_double(app) -> None:  # type: ignore[no-untyped-def]
    v = open_voting(app)
    app.state.participation_idp = FakeIdentityProvider(secret=SECRET)
    c, _ = citizen(app)
    start = c.get(f"/deltag/{v.pid}/mitid")
    assert start.status_code == 303
    assert start.headers["location"].startswith("/deltag/test-idp/login")
    login = c.get(start.headers["location"])
    token = csrf_of(login.text)
    fields = dict(re.findall(r'name="(state|nonce|redirect_uri)" value="([^"]*)"', login.text))
    back = c.post("/deltag/test-idp/login", data={"csrf_token": token, "subject": "test-person-1",
                                            "municipality": "0165", **fields})
    assert back.status_code == 303, back.text[-600:]
    done = c.get(back.headers["location"].replace("http://testserver", ""))
    assert done.headers["location"] == f"/deltag/{v.pid}/stemmeseddel"
    page = c.get(done.headers["location"])
    sub = re.search(r'name="submission_id" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    cast = c.post(done.headers["location"], data={"csrf_token": token, "submission_id": sub,
                                                  "project": ["a"]})
    assert "Din stemme er gemt." in cast.text
    with app.state.sessionmaker() as db:
        credential = db.scalar(select(BallotRow.credential))
    assert credential is not None and credential.startswith("i:")
    assert "test-person" not in credential
    # a forged answer (wrong signature) is refused
    c.get(f"/deltag/{v.pid}/mitid")
    forged = c.get(f"/deltag/{v.pid}/mitid/svar?code=someone.0165.bad&state=x")
    assert forged.status_code == 403


def test_every_participation_text_has_a_danish_translation() -> None:
    from importlib import resources

    folder = resources.files("byibalance.web") / "templates" / "participation"
    found = set()
    for item in folder.iterdir():
        found |= set(re.findall(r'_\("([^"]+)"\)', item.read_text(encoding="utf-8")))
    missing = sorted(m for m in found if m not in texts.DA)
    assert missing == []


@pytest.mark.parametrize("phase", ["proposals", "review", "voting", "results"])
def test_phase_words_are_danish(phase: str) -> None:
    assert texts.gettext_for("da")(phase) != phase


def test_staff_hide_a_comment_from_the_proposal_page(app) -> None:  # type: ignore[no-untyped-def]
    pid = _new_budget(app)
    c, token = citizen(app)
    url = c.post(f"/deltag/{pid}/forslag", data={
        "csrf_token": token, "display_name": "Ole", "title": "Bålplads",
        "description": "Ved søen", "rough_cost": "40000"}).headers["location"]
    c.post(url + "/kommentar", data={"csrf_token": token, "body": "Køb billige ure her"})
    assert "Køb billige ure" in c.get(url).text
    assert "/participation/comments/" not in c.get(url).text  # citizens get no hide button
    analyst, atoken = staff(app, "analyst")
    page = analyst.get(url).text
    found = re.search(r'action="(/participation/comments/\d+/hide)"', page)
    assert found, "staff see a hide form under each comment"
    refused = analyst.post(found.group(1), data={"reason": "reklame"})
    assert refused.status_code in (400, 403) and _count(app, Comment) == 1
    hidden = analyst.post(found.group(1), data={"csrf_token": atoken, "reason": "reklame"})
    assert hidden.status_code == 303
    assert "Køb billige ure" not in c.get(url).text
