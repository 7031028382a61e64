"""``byibalance ambitions``: which ambitions fit the budget, and why (thin adapter)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from byibalance.cli.app import app
from byibalance.errors import ErrorLocation, PortfolioError, ScenarioError

if TYPE_CHECKING:
    from rich.console import Console

    from byibalance.portfolio import Explanation, Headroom, Mode, Problem, Rule, Weights
    from byibalance.portfolio.budget import Verification
    from byibalance.portfolio.scenario import AmbitionsOverrides
    from byibalance.scenario import Scenario


class Frames(StrEnum):
    """The choices of ``--frames``: the values of :class:`byibalance.portfolio.Mode`, kept here so
    the command line starts without the optimiser (a test keeps the two equal)."""

    hard = "hard"
    warning = "warning"


class Format(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


class HeadroomSource(StrEnum):
    budget = "budget"
    catalogue = "catalogue"


def parse_weights(text: str) -> Weights:
    """``social=1,economic=1,climate=2`` -> :class:`Weights` (unnamed ones stay 1)."""
    from byibalance.portfolio import DIMENSIONS, Weights

    values: dict[str, float] = {}
    for part in text.split(","):
        name, _, number = part.partition("=")
        name = name.strip()
        if name not in (*DIMENSIONS, "support"):
            raise PortfolioError(
                f"unknown weight '{name}'",
                "write --weights social=1,economic=1,climate=1,environment=1",
                ErrorLocation(field="--weights"),
            )
        try:
            values[name] = float(number)
        except ValueError:
            raise PortfolioError(
                f"the weight of {name} is not a number ({number!r})",
                "write e.g. climate=2",
                ErrorLocation(field=f"--weights {name}"),
            ) from None
    return Weights(**values)


def ambitions_overrides(scenario: Scenario | None, file: str | None) -> AmbitionsOverrides:
    """Validate the scenario's ``ambitions`` section; errors name the field path."""
    from pydantic import ValidationError

    from byibalance.portfolio.scenario import AmbitionsOverrides

    if scenario is None:
        return AmbitionsOverrides()
    raw: Any = scenario.ambitions
    if isinstance(raw, AmbitionsOverrides):
        return raw
    try:
        return AmbitionsOverrides.model_validate(raw or {})
    except ValidationError as err:
        first = err.errors()[0]
        path = "ambitions." + ".".join(str(p) for p in first["loc"])
        raise ScenarioError(
            first["msg"], "see docs/portfolio.md, 'Scenario'", ErrorLocation(file=file, field=path)
        ) from None


def rule_modes(frames: Mode, capital_level: bool | None) -> dict[Rule, Mode]:
    """The modes for ``--frames``; the deprecated ``--[no-]capital-level`` still sets the
    capital-spending level alone (hard or warning), with a message on stderr."""
    from byibalance.portfolio import Mode, Rule, modes_for

    modes = modes_for(frames)
    if capital_level is not None:
        flag = "--capital-level" if capital_level else "--no-capital-level"
        typer.echo(
            f"{flag} is deprecated: use --frames hard|warning (it sets the capital-spending "
            "level and the service ceiling together); applied to the capital level only",
            err=True,
        )
        modes[Rule.capital] = Mode.hard if capital_level else Mode.warning
    return modes


def _budget_headroom(
    code: str, scenario: Scenario | None, file: str | None, growth: bool
) -> tuple[Headroom, Any]:
    from byibalance.finance import check_rules, compute_budget, finance_overrides
    from byibalance.finance.inputs import budget_parameters
    from byibalance.population import project
    from byibalance.portfolio.budget import adjustments_for_plan, headroom_from_budget, verify
    from byibalance.services import compute, services_overrides

    params = budget_parameters(code)
    projection = project(code, scenario=scenario, housing=growth)
    services = compute(projection, params, services_overrides(scenario.services if scenario
                                                              else None, file))  # fmt: skip
    f_ov = finance_overrides(scenario.finance if scenario else None, file)
    budget = compute_budget(projection, services, params, f_ov)
    baseline = check_rules(budget, params)
    years = [y.year for y in budget.years]

    def check(starts: Mapping[str, int], catalogue: Any) -> Verification:
        adj = adjustments_for_plan(catalogue, starts, years)
        with_plan = compute_budget(projection, services, params, f_ov, adjustments=adj)
        return verify(baseline, check_rules(with_plan, params))

    return headroom_from_budget(budget), check


def _payload(problem: Problem, e: Explanation, verification: Verification | None) -> dict[str, Any]:
    from byibalance.portfolio import RULE_NATURE

    cat = problem.catalogue
    h = problem.headroom
    return {
        "municipality_headroom": {
            "status": h.status.value,
            "source": h.source,
            "notes": list(h.notes),
        },
        "modes": {
            rule.value: {
                "mode": problem.mode(rule).value,
                "collective": RULE_NATURE[rule].collective,
                "finance_checks": list(RULE_NATURE[rule].finance_checks),
                "meaning": RULE_NATURE[rule].meaning,
                "source": RULE_NATURE[rule].source,
            }
            for rule in RULE_NATURE
        },
        "baseline_breaches": [
            {
                "rule": v.rule.value,
                "year": v.year,
                "amount": round(v.amount, 3),
                "text": v.describe(),
            }
            for v in e.baseline_breaches
        ],
        "baseline_breach_summary": e.breach_lines(),
        "warnings": [
            {
                "rule": w.rule.value,
                "year": w.year,
                "over": round(w.over, 3),
                "baseline_over": round(w.baseline_over, 3),
                "ambitions_add": round(w.plan_adds, 3),
                "limit": None if w.limit is None else round(w.limit, 3),
                "text": w.describe(),
            }
            for w in e.warnings
        ],
        "warning_summary": e.warning_lines(),
        "objective": round(e.plan.objective, 6),
        "proven_optimal": e.plan.proven_optimal,
        "weights": problem.weights.__dict__,
        "selected": [
            {
                "id": c.id,
                "name": cat[c.id].name,
                "start": c.start,
                "completion": c.start + cat[c.id].duration,
                "cost": round(c.capital_total, 3),
                "value": round(c.value, 6),
                "value_loss_if_removed": c.value_loss_if_removed,
                "would_come_in": list(c.would_come_in),
                "reason": c.reason,
                "status": cat[c.id].status.value,
            }
            for c in e.chosen
        ],
        "rejected": [
            {
                "id": r.id,
                "name": cat[r.id].name,
                "reason": r.reason,
                "money_needed": None if r.money_needed is None else round(r.money_needed, 3),
                "best_start": r.best_start,
                "displaces": None if r.displaces is None else list(r.displaces),
                "value_loss": r.value_loss,
                "violations": [
                    {"rule": v.rule.value, "year": v.year, "amount": round(v.amount, 3)}
                    for v in r.violations
                ],
            }
            for r in e.rejected
        ],
        "years": [
            {
                "year": u.year,
                "capital_spending": round(u.capital, 3),
                "capital_room": round(u.capital_room, 3),
                "liquidity_use": round(u.liquidity, 3),
                "liquidity_room": round(u.liquidity_room, 3),
                "service_use": round(u.service, 3),
                "service_room": round(u.service_room, 3),
            }
            for u in e.plan.years
        ],
        "binding": [
            {
                "rule": rule.value,
                "year": year,
                "largest_shortfall": round(amount, 3),
                "keeps_out": list(ids),
            }
            for rule, year, amount, ids in e.binding()
        ],
        "verified_by_finance_rules": None if verification is None else verification.ok,
        "finance_new_problems": []
        if verification is None
        else [
            {"rule": c.rule, "year": c.year, "status": c.status, "reason": c.reason}
            for c in verification.new_problems
        ],
        "finance_warnings": []
        if verification is None
        else [
            {"rule": c.rule, "year": c.year, "status": c.status, "reason": c.reason}
            for c in verification.warned
        ],
        "money_unit": "mio. DKK, fixed prices",
    }


def _table(payload: dict[str, Any], console: Console) -> None:
    from rich.table import Table

    console.print(f"Headroom: {payload['municipality_headroom']['source']} "
                  f"(status: {payload['municipality_headroom']['status']})")  # fmt: skip
    for note in payload["municipality_headroom"]["notes"]:
        console.print(f"  note: {note}")
    for rule, m in payload["modes"].items():
        console.print(
            f"  {rule}: {m['mode']} ({'collective frame' if m['collective'] else 'binding'})"
        )
    for line in payload["baseline_breach_summary"]:
        console.print(f"Note: {line}")
    chosen = Table(title=f"Chosen ambitions (value {payload['objective']:.2f}, "
                   f"proven optimal: {payload['proven_optimal']})")  # fmt: skip
    for col in ("id", "start", "capital (mio. DKK)", "what it costs the others"):
        chosen.add_column(col)
    for s in payload["selected"]:
        chosen.add_row(s["id"], str(s["start"]), f"{s['cost']:,.1f}", s["reason"])
    console.print(chosen)
    left = Table(title="Left out, and what would bring them in")
    for col in ("id", "binding reason", "money needed", "would displace"):
        left.add_column(col)
    for r in payload["rejected"]:
        money = "-" if r["money_needed"] is None else f"{r['money_needed']:,.1f}"
        left.add_row(r["id"], r["reason"], money, ", ".join(r["displaces"] or []))
    console.print(left)
    years = Table(title="Room used per year (mio. DKK)")
    for col in ("year", "capital", "of room", "liquidity", "of room", "service", "of room"):
        years.add_column(col)
    for y in payload["years"]:
        years.add_row(str(y["year"]), f"{y['capital_spending']:,.1f}", f"{y['capital_room']:,.1f}",
                      f"{y['liquidity_use']:,.1f}", f"{y['liquidity_room']:,.1f}",
                      f"{y['service_use']:,.1f}", f"{y['service_room']:,.1f}")  # fmt: skip
    console.print(years)
    if payload["warnings"]:
        warn = Table(title="Warnings: collective frames above the municipality's share (mio. DKK)")
        for col in ("year", "frame", "over", "of which baseline", "of which ambitions"):
            warn.add_column(col)
        for w in payload["warnings"]:
            warn.add_row(str(w["year"]), w["rule"], f"{w['over']:,.1f}",
                         f"{w['baseline_over']:,.1f}", f"{w['ambitions_add']:,.1f}")  # fmt: skip
        console.print(warn)
        for line in payload["warning_summary"]:
            console.print(f"Warning: {line}")
    console.print("Every ambition's cost and effect is an illustrative estimate unless its status "
                  "says otherwise.")  # fmt: skip
    if payload["verified_by_finance_rules"] is not None:
        console.print(f"Checked by the finance rules: {payload['verified_by_finance_rules']}")


def _xlsx(payload: dict[str, Any], output: Path) -> None:
    import pandas as pd

    with pd.ExcelWriter(output, engine="xlsxwriter") as writer:
        pd.DataFrame(payload["selected"]).to_excel(writer, sheet_name="selected", index=False)
        rejected = [
            {k: v for k, v in r.items() if k != "violations"}
            | {"displaces": ", ".join(r["displaces"] or [])}
            for r in payload["rejected"]
        ]
        pd.DataFrame(rejected).to_excel(writer, sheet_name="rejected", index=False)
        pd.DataFrame(payload["years"]).to_excel(writer, sheet_name="years", index=False)
        binding = [b | {"keeps_out": ", ".join(b["keeps_out"])} for b in payload["binding"]]
        pd.DataFrame(binding).to_excel(writer, sheet_name="binding", index=False)
        columns = ["rule", "year", "over", "baseline_over", "ambitions_add", "limit", "text"]
        warnings = pd.DataFrame(payload["warnings"], columns=columns)
        warnings.to_excel(writer, sheet_name="warnings", index=False)


@app.command()
def ambitions(
    municipality: str = typer.Option("165", "--municipality", help="municipality code"),
    scenario_file: Path | None = typer.Option(None, "--scenario", help="scenario YAML"),
    catalogue_file: Path | None = typer.Option(
        None, "--catalogue", help="ambitions as YAML, CSV or Excel"
    ),
    weights: str | None = typer.Option(
        None, "--weights", help="social=1,economic=1,climate=1,environment=1[,support=1]"
    ),
    output_format: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None, "--output", help="file to write (xlsx needs it)"),
    headroom_source: HeadroomSource = typer.Option(
        HeadroomSource.budget,
        "--headroom",
        help="budget: room left by byibalance's budget; catalogue: the file's illustrative room",
    ),
    growth: bool = typer.Option(
        True, "--growth/--no-growth", help="with or without the housing programme"
    ),
    frames: Frames = typer.Option(
        Frames.warning,
        "--frames",
        help="the collective frames (capital-spending level, service ceiling): warning (reported "
        "per year) or hard (constraints); kassekreditreglen is always hard",
    ),
    capital_level: bool | None = typer.Option(
        None,
        "--capital-level/--no-capital-level",
        help="deprecated: use --frames; sets the capital-spending level alone",
    ),
    rank: str | None = typer.Option(
        None, "--rank", help="extra mio. DKK a year to try, e.g. 0,10,20,40"
    ),
    pareto_dims: str | None = typer.Option(
        None, "--pareto", help="two dimensions, e.g. climate,social"
    ),
    deep: bool = typer.Option(True, "--deep/--fast", help="re-solve per ambition to explain"),
    workers: int = typer.Option(
        2,
        "--workers",
        min=1,
        help="re-solves run at once for the reasons (threads; 1 = one after another, the same "
        "answers)",
    ),
) -> None:
    """Choose the ambitions that fit the budget's yearly rules, and say why each is in or out."""
    from rich.console import Console

    from byibalance.portfolio import Mode, Problem, Weights, explain, pareto, rank_by_budget
    from byibalance.portfolio.budget import solve_verified
    from byibalance.portfolio.loaders import default_catalogue_path, read_catalogue
    from byibalance.scenario import load_scenario

    scenario = None
    file = None
    if scenario_file is not None:
        scenario = load_scenario(scenario_file)
        file = str(scenario_file)
        municipality = scenario.municipality if municipality == "165" else municipality
    overrides = ambitions_overrides(scenario, file)
    source = catalogue_file or default_catalogue_path(municipality)
    cat_file = read_catalogue(source)
    catalogue = cat_file.catalogue.extended(overrides.extra)
    if weights is not None:
        w = parse_weights(weights)
    elif overrides.weights is not None:
        w = overrides.weights.as_weights()
    else:
        w = Weights()
    check = None
    if headroom_source is HeadroomSource.catalogue:
        if cat_file.headroom is None:
            raise PortfolioError(
                "the catalogue has no headroom section",
                "use --headroom budget, or add 'headroom:' to the YAML catalogue",
                ErrorLocation(file=str(source), field="headroom"),
            )
        room = cat_file.headroom
    else:
        room, budget_check = _budget_headroom(municipality, scenario, file, growth)

        def check(starts: Mapping[str, int]) -> Verification:
            return budget_check(starts, catalogue)

    problem = Problem(
        catalogue, room, w, dict(overrides.support), frozenset(overrides.pinned_in),
        frozenset(overrides.pinned_out), rule_modes(Mode(frames.value), capital_level),
    )  # fmt: skip
    verification = None
    if check is not None:
        plan, problem, verification = solve_verified(problem, check)
    else:
        from byibalance.portfolio import solve

        plan = solve(problem)
    e = explain(problem, plan, deep=deep, workers=workers)
    payload = _payload(problem, e, verification)
    if rank:
        steps = [float(x) for x in rank.split(",")]
        payload["ranking"] = [
            {"extra_per_year": s.extra_per_year, "objective": round(s.objective, 6),
             "entered": list(s.entered), "left": list(s.left)}
            for s in rank_by_budget(problem, steps)
        ]  # fmt: skip
    if pareto_dims:
        x_dim, _, y_dim = pareto_dims.partition(",")
        payload["pareto"] = [
            {x_dim: p.x, y_dim: p.y, "selected": list(p.selected)}
            for p in pareto(replace(problem), x_dim.strip(), y_dim.strip())
        ]
    if output_format is Format.json:
        text = json.dumps(payload, ensure_ascii=False, indent=2, default=str)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
        else:
            typer.echo(text)
    elif output_format is Format.xlsx:
        if output is None:
            raise PortfolioError("--format xlsx needs --output FILE.xlsx", "add --output")
        _xlsx(payload, output)
    else:
        console = Console(width=160)
        _table(payload, console)
        for step in payload.get("ranking", []):
            console.print(f"+{step['extra_per_year']:g} mio. DKK a year: objective "
                          f"{step['objective']:.2f}; in: {', '.join(step['entered']) or '-'}; "
                          f"out: {', '.join(step['left']) or '-'}")  # fmt: skip
        for point in payload.get("pareto", []):
            console.print(str(point))
