"""Counting by district (Warsaw-style district budgets plus a city-wide part) and category caps
under MES and Phragmén, against hand-worked results and naive oracles."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.participation.conftest import build_election

from byibalance.errors import BallotError, PabulibFormatError, ParticipationError
from byibalance.participation import (
    RULES,
    Ballot,
    Election,
    Project,
    RuleOptions,
    count_by_district,
    format_pb,
    method_of_equal_shares,
    parse_pb,
    profile_from_ballots,
    sequential_phragmen,
)
from byibalance.participation.files import read_pb
from byibalance.participation.mes_engine import MesEngine

FIXTURE = Path(__file__).parent / "fixtures" / "two_districts.pb"


# --- the hand-worked two-district election (tests/participation/fixtures/two_districts.pb) ---
#
# Nord (budget 100): N1 60, N2 50, N3 40; Syd (60): S1 30, S2 40; city-wide (200-160 = 40):
# C1 40, C2 10. Ballots: v1 N1 N3 S1 C1 | v2 N1 N2 C1 | v3 N2 N3 C2 | v4 S1 S2 | v5 S2 C2 | v6 N1.
#
# Greedy. Nord votes N1 3, N2 2, N3 2: N1 (60), N2 would make 110, N3 makes 100. Syd S1 2, S2 2:
# S1 (30), S2 would make 70. City C1 2, C2 2: C1 (40), C2 would make 50.
# MES (cost utilities). Nord: 4 voters x 25; q(N1) = 20 over 3 supporters, rho 1/3; q(N2) = 25,
# rho 1/2; q(N3) = 20, rho 1/2 -> N1; then v1, v2 hold 5, v3 25: N2 and N3 get 30 < cost. Syd:
# 3 x 20; S1 q 15 rho 1/2, S2 q 20 rho 1/2, tie by id -> S1; S2 then gets 25 < 40. City: 4 x 10;
# C1 has 20 < 40, C2 q 5 -> C2.
# Phragmén. Nord: t = 20, 25, 20 -> N1 (id), then N2 (50+20)/2 = 35, N3 (40+20)/2 = 30 -> N3,
# budget full. Syd: S1 15, then S2 does not fit. City: C2 5, then C1 does not fit (50 > 40).
HAND = {
    "greedy": (("N1", "N3", "S1", "C1"), {"Nord": 100, "Syd": 30, None: 40}),
    "mes": (("N1", "S1", "C2"), {"Nord": 60, "Syd": 30, None: 10}),
    "phragmen": (("N1", "N3", "S1", "C2"), {"Nord": 100, "Syd": 30, None: 10}),
}


@pytest.mark.parametrize("rule", sorted(HAND))
def test_hand_worked_two_districts(rule: str) -> None:
    election, profile = read_pb(FIXTURE)
    assert election.district_budgets == {"Nord": 100, "Syd": 60}
    result = count_by_district(election, profile, rule)
    winners, spent = HAND[rule]
    assert result.selected == winners
    assert result.cost_by_district() == spent
    assert result.cost == sum(spent.values())
    assert result.merged.budget == 200
    assert [p.label for p in result.parts] == ["Nord", "Syd", "city-wide"]
    # v6 voted only in Nord, v4 only in Syd: they drop out of the other counts
    assert [p.profile.num_voters for p in result.parts] == [4, 3, 4]
    # every project is either bought or explained, once
    ids = sorted(result.selected + tuple(lost.project_id for lost in result.merged.losers))
    assert ids == sorted(election.project_ids)
    assert [r.number for r in result.merged.rounds] == list(range(1, len(winners) + 1))


def test_without_districts_greedy_would_leave_syd_empty() -> None:
    """The point of district budgets: the whole-city count buys nothing in Syd."""
    election, profile = read_pb(FIXTURE)
    whole = RULES["greedy"](election, profile)
    assert whole.selected == ("N1", "C1", "C2", "N2", "N3")
    assert count_by_district(election, profile, "greedy").part("Syd").outcome.selected == ("S1",)


def test_mes_explains_a_district_loser_within_its_part() -> None:
    election, profile = read_pb(FIXTURE)
    nord = count_by_district(election, profile, "mes").part("Nord")
    lost = {x.project_id: x for x in nord.outcome.losers}
    assert lost["N2"].reason == "its supporters could not pay its cost"
    assert lost["N2"].shortfall == 20  # v2 5 + v3 25 = 30 of 50
    assert lost["N3"].shortfall == 10


def test_pb_round_trip_keeps_districts() -> None:
    election, profile = read_pb(FIXTURE)
    again, _ = parse_pb(format_pb(election, profile))
    assert again.district_budgets == election.district_budgets
    assert [p.district for p in again.projects] == [p.district for p in election.projects]


def test_web_style_election_writes_districts_to_pb() -> None:
    """Projects with a district but no extra columns (the web app) keep it in the export."""
    election = Election(
        projects=(Project("a", Fraction(5), district="Nord"), Project("b", Fraction(5))),
        budget=Fraction(10),
        district_budgets={"Nord": Fraction(5)},
    )
    profile = profile_from_ballots(election, [Ballot("1", ("a", "b"))])
    again, _ = parse_pb(format_pb(election, profile))
    assert again.district_budgets == {"Nord": 5}
    assert [p.district for p in again.projects] == ["Nord", None]


# --- property: merged == each district counted on its own --------------------------------------

DISTRICTS = ("Nord", "Syd", "Vest")


@st.composite
def district_elections(draw: st.DrawFn) -> tuple[Election, list[Ballot]]:
    m = draw(st.integers(1, 8))
    costs = draw(st.lists(st.integers(1, 30), min_size=m, max_size=m))
    where = draw(st.lists(st.sampled_from((*DISTRICTS, None)), min_size=m, max_size=m))
    budgets = {d: Fraction(draw(st.integers(0, 60))) for d in DISTRICTS}
    total = sum(budgets.values(), Fraction(0)) + draw(st.integers(0, 60))
    projects = tuple(
        Project(f"p{i}", Fraction(c), district=d)
        for i, (c, d) in enumerate(zip(costs, where, strict=True))
    )
    election = Election(projects=projects, budget=total, district_budgets=budgets)
    raw = draw(st.lists(st.sets(st.integers(0, m - 1)), min_size=0, max_size=10))
    ballots = [Ballot(f"v{i}", tuple(f"p{j}" for j in sorted(b))) for i, b in enumerate(raw)]
    return election, ballots


def _separately(election: Election, ballots: list[Ballot], rule: str, options: RuleOptions):
    """The oracle: build each district's election and ballots from scratch and count it."""
    out: dict[str | None, tuple[str, ...]] = {}
    names: list[str | None] = list(election.district_budgets)
    if any(p.district is None for p in election.projects):
        names.append(None)
    for name in names:
        projects = tuple(p for p in election.projects if p.district == name)
        ids = {p.id for p in projects}
        budget = (
            election.budget - sum(election.district_budgets.values())
            if name is None
            else election.district_budgets[name]
        )
        sub = Election(projects=projects, budget=budget)
        mine = [
            Ballot(b.voter_id, tuple(p for p in b.projects if p in ids))
            for b in ballots
            if any(p in ids for p in b.projects)
        ]
        out[name] = RULES[rule](sub, profile_from_ballots(sub, mine), options=options).selected
    return out


@settings(max_examples=120, deadline=None)
@given(
    district_elections(),
    st.sampled_from(sorted(RULES)),
    st.sampled_from(["none", "add1", "greedy"]),
)
def test_merged_equals_each_district_alone(
    data: tuple[Election, list[Ballot]], rule: str, completion: str
) -> None:
    election, ballots = data
    profile = profile_from_ballots(election, ballots)
    options = RuleOptions(completion=completion)  # type: ignore[arg-type]
    result = count_by_district(election, profile, rule, options)
    alone = _separately(election, ballots, rule, options)
    assert {p.district: p.outcome.selected for p in result.parts} == alone
    assert result.selected == tuple(s for sel in alone.values() for s in sel)
    district_of = {p.id: p.district for p in election.projects}
    for part in result.parts:
        assert part.outcome.cost <= part.election.budget  # no district overspends
        assert all(district_of[s] == part.district for s in part.outcome.selected)
    assert result.cost <= election.budget
    listed = result.selected + tuple(x.project_id for x in result.merged.losers)
    assert sorted(listed) == sorted(election.project_ids)


# --- bad input ----------------------------------------------------------------------------------


def test_project_in_a_district_without_budget_is_named() -> None:
    election = Election(
        projects=(
            Project("a", Fraction(5), district="Nord"),
            Project("b", Fraction(5), district="Øst"),
        ),
        budget=Fraction(10),
        district_budgets={"Nord": Fraction(5)},
    )
    profile = profile_from_ballots(election, [Ballot("1", ("a", "b"))])
    with pytest.raises(ParticipationError) as err:
        count_by_district(election, profile, "mes")
    text = str(err.value)
    assert "'b'" in text and "'Øst'" in text and "Nord" in text and "add a budget" in text


def test_no_district_budgets_is_refused_with_the_fix() -> None:
    election = Election(projects=(Project("a", Fraction(5)),), budget=Fraction(10))
    profile = profile_from_ballots(election, [Ballot("1", ("a",))])
    with pytest.raises(ParticipationError, match="no district budgets") as err:
        count_by_district(election, profile, "greedy")
    assert "district_budgets" in str(err.value)


def test_unknown_rule_is_named() -> None:
    election, profile = read_pb(FIXTURE)
    with pytest.raises(ParticipationError, match="'mess'"):
        count_by_district(election, profile, "mess")


def test_district_budget_above_total_names_the_district() -> None:
    with pytest.raises(BallotError, match="district 'Nord' has a budget of 300, above the total"):
        Election(projects=(), budget=Fraction(200), district_budgets={"Nord": Fraction(300)})


def test_district_budgets_above_total_together() -> None:
    with pytest.raises(BallotError, match="add up to 250, more than the total budget 200"):
        Election(
            projects=(),
            budget=Fraction(200),
            district_budgets={"Nord": Fraction(150), "Syd": Fraction(100)},
        )


def test_negative_district_budget() -> None:
    with pytest.raises(BallotError, match="'Syd' has a negative budget"):
        Election(projects=(), budget=Fraction(200), district_budgets={"Syd": Fraction(-1)})


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ("district_budgets;100,60\n", "no 'districts'"),
        ("districts;Nord\ndistrict_budgets;100,60\n", "2 district budgets for 1 districts"),
        ("districts;Nord,Syd\ndistrict_budgets;150,60\n", "add up to 210"),
        ("districts;Nord,Syd\ndistrict_budgets;100,x\n", "'x' is not a number"),
    ],
)
def test_pb_district_meta_errors(meta: str, message: str) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    text = text.replace("districts;Nord,Syd\ndistrict_budgets;100,60\n", meta)
    with pytest.raises(PabulibFormatError, match=message) as err:
        parse_pb(text, "two.pb")
    assert err.value.where is not None and err.value.where.line is not None


def test_shipped_district_files_are_single_district_elections(pbdir: Path) -> None:
    """Pabulib writes one file per district (META 'district' names it, 'budget' is its budget);
    such a file fills no district budgets and is counted as it is."""
    election, _ = read_pb(pbdir / "Poland_Warszawa_2023_Mokotow.pb")
    assert election.meta["district"] == "Mokotów"
    assert election.district_budgets == {}
    assert all(p.district is None for p in election.projects)


# --- category caps under MES and Phragmén -------------------------------------------------------


def naive_capped_mes(
    costs: list[int],
    cats: list[str | None],
    caps: dict[str, int],
    ballots: list[set[int]],
    budget: Fraction,
) -> list[int]:
    """MES per voter in fractions (cost utilities, ties by id string); a project whose purchase
    would break its category's cap is skipped for good."""
    n = len(ballots)
    money = [budget / n] * n
    chosen: list[int] = []
    dropped: set[int] = set()
    while True:
        best: tuple[Fraction, str, int, Fraction] | None = None
        for p, c in enumerate(costs):
            sup = [i for i in range(n) if p in ballots[i]]
            if p in chosen or p in dropped or not sup or sum(money[i] for i in sup) < c:
                continue
            lo = sorted(money[i] for i in sup)
            paid, q = Fraction(0), Fraction(0)
            for k, b in enumerate(lo):
                q = (c - paid) / (len(lo) - k)
                if q <= b:
                    break
                paid += b
            if best is None or (q / c, str(p)) < best[:2]:
                best = (q / c, str(p), p, q)
        if best is None:
            return chosen
        _, _, p, q = best
        cat = cats[p]
        if cat in caps and sum(costs[x] for x in chosen if cats[x] == cat) + costs[p] > caps[cat]:
            dropped.add(p)
            continue
        for i in range(n):
            if p in ballots[i]:
                money[i] -= min(money[i], q)
        chosen.append(p)


def naive_capped_phragmen(
    costs: list[int],
    cats: list[str | None],
    caps: dict[str, int],
    ballots: list[set[int]],
    budget: int,
) -> list[int]:
    n = len(ballots)
    load = [Fraction(0)] * n
    live = {p for p in range(len(costs)) if any(p in b for b in ballots)}
    chosen: list[int] = []
    while live:

        def t(p: int) -> Fraction:
            sup = [i for i in range(n) if p in ballots[i]]
            return (Fraction(costs[p]) + sum((load[i] for i in sup), Fraction(0))) / len(sup)

        p = min(live, key=lambda p: (t(p), str(p)))
        tp = t(p)
        live.discard(p)
        if sum(costs[x] for x in chosen) + costs[p] > budget:
            continue
        cat = cats[p]
        if cat in caps and sum(costs[x] for x in chosen if cats[x] == cat) + costs[p] > caps[cat]:
            continue
        for i in range(n):
            if p in ballots[i]:
                load[i] = tp
        chosen.append(p)
    return chosen


capped = st.integers(2, 7).flatmap(
    lambda m: st.tuples(
        st.lists(st.integers(1, 30), min_size=m, max_size=m),
        st.lists(st.sampled_from(["green", "play", None]), min_size=m, max_size=m),
        st.integers(0, 60),
        st.lists(st.sets(st.integers(0, m - 1)), min_size=1, max_size=12),
        st.integers(1, 120),
    )
)


@settings(max_examples=150, deadline=None)
@given(capped)
def test_capped_mes_and_phragmen_equal_naive(data) -> None:  # type: ignore[no-untyped-def]
    costs, cats, cap, ballots, budget = data
    election, profile = build_election(
        costs, ballots, budget, categories=cats, category_caps={"green": cap}
    )
    caps = {"green": cap}
    mes = method_of_equal_shares(election, profile)
    assert list(mes.selected) == [
        str(p) for p in naive_capped_mes(costs, cats, caps, ballots, Fraction(budget))
    ]
    phr = sequential_phragmen(election, profile)
    assert list(phr.selected) == [
        str(p) for p in naive_capped_phragmen(costs, cats, caps, ballots, budget)
    ]
    for out in (mes, phr):
        green = sum(costs[int(s)] for s in out.selected if cats[int(s)] == "green")
        assert green <= cap


@settings(max_examples=60, deadline=None)
@given(capped)
def test_capped_mes_on_the_fast_engine_equals_naive(data) -> None:  # type: ignore[no-untyped-def]
    """The same oracle with the fast engine forced (it normally serves 1,000 voters and more)."""
    costs, cats, cap, ballots, budget = data
    election, profile = build_election(
        costs, ballots, budget, categories=cats, category_caps={"green": cap}
    )
    saved = MesEngine.REFERENCE_BELOW_VOTERS
    MesEngine.REFERENCE_BELOW_VOTERS = 0
    try:
        out = method_of_equal_shares(election, profile)
    finally:
        MesEngine.REFERENCE_BELOW_VOTERS = saved
    expected = naive_capped_mes(costs, cats, {"green": cap}, ballots, Fraction(budget))
    assert list(out.selected) == [str(p) for p in expected]


@settings(max_examples=60, deadline=None)
@given(capped, st.sampled_from(["add1", "add1-exhaustive", "greedy"]))
def test_capped_mes_completions_keep_caps(data, completion: str) -> None:  # type: ignore[no-untyped-def]
    costs, cats, cap, ballots, budget = data
    election, profile = build_election(
        costs, ballots, budget, categories=cats, category_caps={"green": cap}
    )
    out = method_of_equal_shares(election, profile, options=RuleOptions(completion=completion))  # type: ignore[arg-type]
    green = sum(costs[int(s)] for s in out.selected if cats[int(s)] == "green")
    assert green <= cap
    assert out.cost <= budget


def test_mes_cap_is_explained_and_counting_goes_on() -> None:
    """Three voters x 30. Round 1: g2 (green, 30) has q 10, rho 1/3, and is bought (all hold 20).
    Round 2: g1 (green, 40: q 20, rho 1/2) ties p (20: q 10, rho 1/2) and wins by id, but would
    take green to 70 > cap 50: it is skipped, with the cap as its reason, and p is bought.
    Without the cap MES buys g2, g1, p. Phragmén: g2 (t 10, by id over p), p (t 20), then g1
    (t 35) fits the budget (90) but not the cap."""
    election = Election(
        projects=(
            Project("g1", Fraction(40), categories=("green",)),
            Project("g2", Fraction(30), categories=("green",)),
            Project("p", Fraction(20), categories=("play",)),
        ),
        budget=Fraction(90),
        category_caps={"green": Fraction(50)},
    )
    ballots = [
        Ballot("1", ("g1", "g2")),
        Ballot("2", ("g1", "g2", "p")),
        Ballot("3", ("g2", "p")),
    ]
    profile = profile_from_ballots(election, ballots)
    uncapped = Election(projects=election.projects, budget=election.budget)
    assert method_of_equal_shares(uncapped, profile).selected == ("g2", "g1", "p")
    assert sequential_phragmen(uncapped, profile).selected == ("g2", "p", "g1")
    for out in (method_of_equal_shares(election, profile), sequential_phragmen(election, profile)):
        assert out.selected == ("g2", "p")
        lost = {x.project_id: x for x in out.losers}
        assert lost["g1"].reason == "would break its category's spending cap"


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_run_by_district_json_and_table() -> None:
    import json

    from typer.testing import CliRunner

    from byibalance.cli.app import app

    runner = CliRunner()
    args = ["pb", "run", str(FIXTURE), "--rule", "mes", "--by-district"]
    res = runner.invoke(app, [*args, "--format", "json", "--explain"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["selected"] == ["N1", "S1", "C2"]
    assert [(d["district"], d["budget"], d["cost"]) for d in data["districts"]] == [
        ("Nord", 100, 60),
        ("Syd", 60, 30),
        (None, 40, 10),
    ]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "Syd (mes): 1 projects, cost 30 of 60" in table.output
    assert "all parts: 3 projects, cost 100 of 200; Nord 60, Syd 30, city-wide 10" in table.output
    stats = runner.invoke(app, ["pb", "stats", str(FIXTURE)])
    assert "district Nord: budget 100, 3 projects" in stats.output
    assert "city-wide: budget 40 (the rest), 2 projects" in stats.output


def test_cli_by_district_without_budgets_says_how_to_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from byibalance.cli import main

    text = FIXTURE.read_text(encoding="utf-8").replace(
        "districts;Nord,Syd\ndistrict_budgets;100,60\n", ""
    )
    path = tmp_path / "plain.pb"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["pb", "run", str(path), "--by-district"])
    assert exit_info.value.code == 6
    err = capsys.readouterr().err
    assert "no district budgets" in err and "district_budgets" in err


def test_amsterdam_mes_keeps_its_category_caps(pbdir: Path) -> None:
    """Amsterdam 335's META caps each of five categories; MES without the caps overspends one,
    with them every category stays within its cap and the count goes on."""
    election, profile = read_pb(pbdir / "Netherlands_Amsterdam_335.pb")
    caps = election.category_caps
    assert len(caps) == 5

    def by_category(selected: tuple[str, ...]) -> dict[str, Fraction]:
        spent: dict[str, Fraction] = {}
        for p in election.projects:
            if p.id in selected:
                for c in p.categories:
                    spent[c] = spent.get(c, Fraction(0)) + p.cost
        return spent

    free = method_of_equal_shares(
        Election(projects=election.projects, budget=election.budget), profile
    )
    assert any(v > caps[c] for c, v in by_category(free.selected).items() if c in caps)
    capped = method_of_equal_shares(election, profile)
    assert all(v <= caps[c] for c, v in by_category(capped.selected).items() if c in caps)
    reasons = [x.reason for x in capped.losers]
    assert "would break its category's spending cap" in reasons


@pytest.mark.parametrize("completion", ["add1", "add1-exhaustive"])
def test_add1_stops_once_the_caps_leave_nothing_to_buy(completion: str) -> None:
    """100 voters x 30 approve all three 1,000 projects: g1 is bought, g2 capped out (green cap
    1,000), p bought; the outcome (2,000) stays below the budget (3,000) at any per-voter budget,
    so Add1 must stop because nothing is left to buy, not raise the budget 970 times."""
    election = Election(
        projects=(
            Project("g1", Fraction(1000), categories=("green",)),
            Project("g2", Fraction(1000), categories=("green",)),
            Project("p", Fraction(1000), categories=("play",)),
        ),
        budget=Fraction(3000),
        category_caps={"green": Fraction(1000)},
    )
    ballots = [Ballot(str(i), ("g1", "g2", "p")) for i in range(100)]
    profile = profile_from_ballots(election, ballots)
    out = method_of_equal_shares(election, profile, options=RuleOptions(completion=completion))  # type: ignore[arg-type]
    assert out.selected == ("g1", "p")
    assert out.voter_budget == 30


def test_points_go_with_their_projects_into_each_district() -> None:
    """Cumulative ballots: in Nord A has 2 votes but 2 points, B 1 vote but 3 points; greedy by
    points buys B. v1's 5 points on S count only in Syd."""
    election = Election(
        projects=(
            Project("A", Fraction(10), district="Nord"),
            Project("B", Fraction(10), district="Nord"),
            Project("S", Fraction(10), district="Syd"),
        ),
        budget=Fraction(20),
        vote_type="cumulative",
        district_budgets={"Nord": Fraction(10), "Syd": Fraction(10)},
    )
    ballots = [
        Ballot("v1", ("A", "S"), (1, 5)),
        Ballot("v2", ("B",), (3,)),
        Ballot("v3", ("A",), (1,)),
    ]
    result = count_by_district(election, profile_from_ballots(election, ballots), "greedy")
    nord, syd = result.part("Nord"), result.part("Syd")
    assert nord.profile.points is not None and nord.profile.points.tolist() == [1, 3, 1]
    assert syd.profile.voter_ids == ("v1",) and syd.profile.points.tolist() == [5]  # type: ignore[union-attr]
    assert result.selected == ("B", "S")
    with pytest.raises(ParticipationError, match="no part named 'Øst'"):
        result.part("Øst")
