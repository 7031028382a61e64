"""``byibalance pb``: count, describe and convert citizens' budget elections (thin adapter)."""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from byibalance.cli.app import app
from byibalance.errors import ErrorLocation, InputError

if TYPE_CHECKING:
    from fractions import Fraction

    from byibalance.participation import DistrictOutcome, Outcome
    from byibalance.participation.model import Election, Profile

pb_app = typer.Typer(
    help="Citizens' budget: count votes, describe and convert elections.", no_args_is_help=True
)
app.add_typer(pb_app, name="pb")


class RuleName(StrEnum):
    greedy = "greedy"
    mes = "mes"
    phragmen = "phragmen"


class UtilityName(StrEnum):
    cost = "cost"
    approval = "approval"


class CompletionName(StrEnum):
    none = "none"
    add1 = "add1"
    add1_exhaustive = "add1-exhaustive"
    greedy = "greedy"


class TieName(StrEnum):
    id = "id"
    votes = "votes"


class OutFormat(StrEnum):
    table = "table"
    json = "json"


def _num(x: Fraction) -> int | float:
    return int(x) if x.denominator == 1 else float(x)


def outcome_json(outcome: Outcome, explain: bool) -> dict[str, object]:
    """The JSON form of an outcome: selected (order bought), cost, budget, statistics, rounds."""
    s = outcome.statistics
    out: dict[str, object] = {
        "rule": outcome.rule,
        "selected": list(outcome.selected),
        "cost": _num(outcome.cost),
        "budget": _num(outcome.budget),
        "statistics": {
            "voters": s.voters,
            "share_no_funded": float(s.share_no_funded),
            "avg_funded_per_voter": float(s.avg_funded_per_voter),
            "budget_spent": float(s.budget_spent),
        },
    }
    if outcome.voter_budget is not None:
        out["voter_budget"] = float(outcome.voter_budget)
    if explain:
        out["rounds"] = [
            {
                "round": r.number,
                "project": r.project_id,
                "cost": _num(r.cost),
                "votes": r.votes,
                "price_per_voter": None if r.price_per_voter is None else float(r.price_per_voter),
                "payers": r.payers,
                "paid_all": r.paid_all,
            }
            for r in outcome.rounds
        ]
        out["losers"] = [
            {
                "project": lp.project_id,
                "cost": _num(lp.cost),
                "votes": lp.votes,
                "reason": lp.reason,
                "effective_support": lp.effective_support,
                "shortfall": None if lp.shortfall is None else float(lp.shortfall),
            }
            for lp in outcome.losers
        ]
    return out


def district_outcome_json(result: DistrictOutcome, explain: bool) -> dict[str, object]:
    """The JSON form of a count by district: the merged view and one entry per part
    (``district`` null for the city-wide part), each with its budget and outcome."""
    out = outcome_json(result.merged, explain)
    out["by_district"] = True
    out["districts"] = [
        {
            "district": part.district,
            "label": part.label,
            "budget": _num(part.election.budget),
            "cost": _num(part.outcome.cost),
            "voters": part.profile.num_voters,
            **{
                k: v
                for k, v in outcome_json(part.outcome, explain).items()
                if k not in ("cost", "budget")
            },
        }
        for part in result.parts
    ]
    return out


def _print_outcome(title: str, election: Election, outcome: Outcome, explain: bool) -> None:
    names = {p.id: p.name for p in election.projects}
    typer.echo(
        f"{title}: {len(outcome.selected)} projects, cost {_num(outcome.cost)} "
        f"of {_num(outcome.budget)}"
    )
    for r in outcome.rounds:
        price = "" if r.price_per_voter is None else f"  {float(r.price_per_voter):.2f}/voter"
        typer.echo(
            f"{r.number:>3}  {r.project_id:<10} {_num(r.cost):>12}  {r.votes:>7} votes"
            f"{price}  {names.get(r.project_id, '')[:50]}"
        )
    s = outcome.statistics
    typer.echo(
        f"voters with no funded project: {float(s.share_no_funded):.1%}; "
        f"funded projects per voter: {float(s.avg_funded_per_voter):.2f}; "
        f"budget spent: {float(s.budget_spent):.1%}"
    )
    if explain:
        for lp in outcome.losers:
            eff = (
                ""
                if lp.effective_support is None
                else f"; effective support {lp.effective_support:.0%}"
            )
            typer.echo(f"  lost {lp.project_id}: {lp.reason}{eff}")


@pb_app.command("run")
def run(
    file: Path,
    rule: RuleName = typer.Option(RuleName.greedy, help="Counting rule."),
    utility: UtilityName = typer.Option(UtilityName.cost, help="MES utilities."),
    completion: CompletionName = typer.Option(CompletionName.none, help="MES completion."),
    threshold: int = typer.Option(0, help="Minimum votes a project needs (greedy)."),
    tie_breaking: TieName = typer.Option(TieName.id, help="id, or votes then cost then id."),
    explain: bool = typer.Option(False, help="Show the rounds and why projects lost."),
    fmt: OutFormat = typer.Option(OutFormat.table, "--format", help="table or json."),
    by_district: bool = typer.Option(
        False,
        "--by-district",
        help="Count each district with its own budget, and the city-wide part with the rest.",
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        help="Processes that count Add1's steps ahead (same result; e.g. the number of cores).",
    ),
) -> None:
    """Count an election in a .pb file and print the projects bought, in order.

    With --by-district every district (META districts / district_budgets, project column
    district) is counted on its own with the same rule, and the projects without a district with
    what is left of the budget; one table per part, then the total.
    """
    from byibalance.participation import RULES, RuleOptions
    from byibalance.participation.districts import count_by_district
    from byibalance.participation.files import read_pb

    if threshold < 0:
        raise InputError(
            "--threshold is negative",
            fix="give 0 or more votes",
            where=ErrorLocation(field="threshold"),
        )
    election, profile = read_pb(file)
    options = RuleOptions(
        utility=utility.value,
        completion=completion.value,
        threshold=threshold,
        tie_breaking=tie_breaking.value,
        add1_workers=workers,
    )
    if by_district:
        result = count_by_district(election, profile, rule.value, options)
        if fmt is OutFormat.json:
            data = district_outcome_json(result, explain)
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for part in result.parts:
            _print_outcome(f"{part.label} ({rule.value})", part.election, part.outcome, explain)
            typer.echo("")
        typer.echo(
            f"all parts: {len(result.selected)} projects, cost {_num(result.cost)} "
            f"of {_num(election.budget)}; "
            + ", ".join(f"{p.label} {_num(p.outcome.cost)}" for p in result.parts)
        )
        return
    outcome = RULES[rule.value](election, profile, options=options)
    if fmt is OutFormat.json:
        typer.echo(json.dumps(outcome_json(outcome, explain), ensure_ascii=False, indent=2))
        return
    _print_outcome(rule.value, election, outcome, explain)


@pb_app.command("stats")
def stats(file: Path) -> None:
    """Describe an election: voters, projects, budget, vote type, ballot lengths."""
    from byibalance.participation.districts import CITY_WIDE_LABEL, city_wide_budget
    from byibalance.participation.files import read_pb

    election, profile = read_pb(file)
    typer.echo(f"voters: {profile.num_voters}")
    typer.echo(f"projects: {len(election.projects)}")
    typer.echo(f"budget: {_num(election.budget)}")
    typer.echo(f"vote type: {election.vote_type}")
    if election.district_budgets:
        per = Counter(p.district for p in election.projects)
        for name, amount in election.district_budgets.items():
            typer.echo(f"district {name}: budget {_num(amount)}, {per[name]} projects")
        typer.echo(
            f"{CITY_WIDE_LABEL}: budget {_num(city_wide_budget(election))} "
            f"(the rest), {per[None]} projects"
        )
    elif "district" in election.meta:
        typer.echo(f"district: {election.meta['district']} (the whole file is this district)")
    dist = Counter(profile.lengths().tolist())
    typer.echo("ballot length: " + ", ".join(f"{k}: {dist[k]}" for k in sorted(dist)))


def _load(path: Path, template: Path | None) -> tuple[Election, Profile]:
    from byibalance.participation.ballot_table import profile_from_csv, read_excel
    from byibalance.participation.files import read_pb

    suffix = path.suffix.lower()
    if suffix == ".pb":
        return read_pb(path)
    if suffix == ".xlsx":
        return read_excel(path)
    if suffix == ".csv":
        if template is None:
            raise InputError(
                "a CSV holds only ballots",
                fix="give --template ELECTION.pb",
                where=ErrorLocation(file=str(path)),
            )
        election, _ = read_pb(template)
        text = path.read_text(encoding="utf-8")
        return election, profile_from_csv(text, election, str(path))
    raise InputError(
        f"unknown file type {suffix!r}",
        fix="use .pb, .csv or .xlsx",
        where=ErrorLocation(file=str(path)),
    )


@pb_app.command("convert")
def convert(
    source: Path,
    target: Path,
    template: Path | None = typer.Option(None, help="The .pb election a CSV's ballots belong to."),
) -> None:
    """Convert between .pb, a ballots CSV and an Excel workbook (by the file extensions)."""
    from byibalance.participation.ballot_table import ballots_to_csv, write_excel
    from byibalance.participation.files import write_pb

    election, profile = _load(source, template)
    suffix = target.suffix.lower()
    if suffix == ".pb":
        write_pb(target, election, profile)
    elif suffix == ".xlsx":
        write_excel(target, election, profile)
    elif suffix == ".csv":
        target.write_text(ballots_to_csv(election, profile), encoding="utf-8")
    else:
        raise InputError(
            f"unknown file type {suffix!r}",
            fix="use .pb, .csv or .xlsx",
            where=ErrorLocation(file=str(target)),
        )
    typer.echo(f"wrote {target} ({profile.num_voters} ballots)")
