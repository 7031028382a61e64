"""A citizens' budget with district budgets is counted district by district on the result page."""

from __future__ import annotations

import datetime as dt

import pytest

from byibalance.errors import InputError
from byibalance.web.participation import service
from byibalance.web.participation.models import Phase

from .conftest import SECRET, client_of, staff

# The hand-worked election of tests/participation/fixtures/two_districts.pb, in thousands of
# kroner: Nord 100, Syd 60, total 200 (city-wide 40). The web app counts MES with a greedy fill:
# Nord N1 then the fill N3; Syd S1 (S2 no longer fits); city-wide C2 (C1 no longer fits).
PROJECTS = {"N1": (60, "Nord"), "N2": (50, "Nord"), "N3": (40, "Nord"), "S1": (30, "Syd"),
            "S2": (40, "Syd"), "C1": (40, ""), "C2": (10, "")}
BALLOTS = [("N1", "N3", "S1", "C1"), ("N1", "N2", "C1"), ("N2", "N3", "C2"), ("S1", "S2"),
           ("S2", "C2"), ("N1",)]


def test_result_page_counts_each_district_with_its_own_budget(app) -> None:  # type: ignore[no-untyped-def]
    with app.state.sessionmaker() as db:
        with pytest.raises(InputError, match=r"add up to 250000 kr\., more than the budget"):
            service.create_budget(db, title="For meget", description="", budget=200_000,
                                  ballot_type="approval", district_budgets="Nord = 150000\n"
                                  "Syd = 100000")
        process = service.create_budget(
            db, title="Bydelsbudget 2027", description="", budget=200_000, ballot_type="approval",
            rule="mes", voting_closes=service.now_utc() + dt.timedelta(days=1),
            district_budgets="Nord = 100000\nSyd = 60000")
        with pytest.raises(InputError, match="district 'Øst' has no budget") as err:
            service.add_project(db, process, code="X1", title="Øst", cost=10, district="Øst")
        assert "Nord, Syd" in str(err.value)
        for code, (cost, district) in PROJECTS.items():
            service.add_project(db, process, code=code, title=f"Projekt {code}",
                                cost=cost * 1000, district=district)
        process.phase = Phase.VOTING.value
        db.commit()
        codes = service.generate_codes(db, process, len(BALLOTS), SECRET)
        now = service.now_utc()
        for n, (code, ballot) in enumerate(zip(codes, BALLOTS, strict=True)):
            credential = service.credential_for_code(db, process, code, SECRET, now)
            service.cast_ballot(db, process, credential, ballot, None, f"submission-{n:04d}", now)
        pid = process.id

    admin, token = staff(app, "admin")
    assert admin.post(f"/participation/{pid}/publish", data={"csrf_token": token}) \
        .headers["location"] == f"/deltag/{pid}/resultat"
    with app.state.sessionmaker() as db:
        result = service.published_result(service.get_process(db, pid))
    assert result is not None
    assert result["selected"] == ["N1", "N3", "S1", "C2"]
    assert result["districts"] == [
        {"district": "Nord", "budget": 100_000, "cost": 100_000, "voters": 4,
         "selected": ["N1", "N3"]},
        {"district": "Syd", "budget": 60_000, "cost": 30_000, "voters": 3, "selected": ["S1"]},
        {"district": None, "budget": 40_000, "cost": 10_000, "voters": 4, "selected": ["C2"]},
    ]
    page = client_of(app).get(f"/deltag/{pid}/resultat")
    assert page.status_code == 200
    assert "Resultat pr. bydel" in page.text and "hele byen" in page.text
    assert "<td>100.000</td><td>100.000</td><td>4</td><td>2</td>" in page.text
    exported = client_of(app).get(f"/deltag/{pid}/stemmer.pb").text
    assert "districts;Nord,Syd" in exported and "district_budgets;100000,60000" in exported
