"""Adapter: runs the model for a scenario and builds the :class:`CouncilReport`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from byibalance import data
from byibalance.benchmark import load_comparison
from byibalance.portfolio import Explanation, Mode, Problem, Weights, explain, modes_for
from byibalance.portfolio.budget import (
    Verification,
    adjustments_for_plan,
    headroom_from_budget,
    solve_verified,
    verify,
)
from byibalance.portfolio.headroom import Rule
from byibalance.portfolio.loaders import default_catalogue_path, read_catalogue
from byibalance.reports.model import (
    AmbitionFrames,
    AmbitionLine,
    Breach,
    CouncilReport,
    FrameWarningLine,
    IndicatorLine,
    build_report,
    compare_reports,
)
from byibalance.runner import CityResult, run
from byibalance.scenario import Scenario, load_scenario
from byibalance.sustainability import compute_indicators
from byibalance.sustainability.loaders import load_account_inputs, observed_population


def indicator_lines(result: CityResult, notes: list[str]) -> list[IndicatorLine]:
    """The sustainability account of ``result`` (its projection and budget) as report lines."""
    registry, values, more = load_account_inputs(result.municipality)
    notes.extend(more)
    account = compute_indicators(
        registry, values, result.projection, result.budget,
        observed_population=observed_population(result.municipality),
        municipality=result.municipality,
    )  # fmt: skip
    lines = []
    for row in account.rows:
        ind, latest = row.indicator, row.latest
        lines.append(IndicatorLine(
            dimension=ind.dimension.value, name=ind.name_da, unit=ind.unit,
            value=None if latest is None else latest.value,
            year=None if latest is None else latest.year,
            status="ikke tilgængelig" if latest is None else latest.status.value,
            target=None if ind.target is None else ind.target.text, track=row.track.value,
        ))  # fmt: skip
    return lines


FRAME_MEANING_DA: Mapping[Rule, str] = {
    Rule.capital: "Anlægsrammen er en fælles ramme for kommunerne: overskrider budgetterne "
    "samlet rammen, kan op til 1 mia. kr. af bloktilskuddet modregnes kollektivt. At én kommune "
    "ligger over sin andel er ikke ulovligt, men øger den risiko.",
    Rule.service: "Servicerammen er kommunens andel af det aftalte serviceniveau: overskrider "
    "budgetterne samlet rammen, kan op til 3 mia. kr. af bloktilskuddet modregnes kollektivt; "
    "overskrides den i regnskabet, falder 40 % kollektivt og 60 % på de kommuner, der overskred.",
    Rule.liquidity: "Kassekreditreglen binder den enkelte kommune: gennemsnitslikviditeten over "
    "de seneste 365 dage skal være over 0, ellers kræves dispensation; gulvet derover er "
    "kommunalbestyrelsens eget likviditetsmål.",
}
"""The rules' meaning in Danish for the council report (portfolio's ``RULE_NATURE.meaning``)."""

MIO = 1e6  # the portfolio counts in mio. DKK; the report's figures are in DKK


def _da(amount: float) -> str:
    """``amount`` (mio. DKK) with one decimal, Danish separators."""
    return f"{amount:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


RULE_NAME_DA: Mapping[Rule, str] = {
    Rule.capital: "anlægsrammen",
    Rule.service: "servicerammen",
    Rule.liquidity: "kassekreditreglen og likviditetsmålet",
}
"""The rules' names in the Danish report."""

MODE_DA = {Mode.warning: "advarsel", Mode.hard: "hård"}


def plan_frames(explanation: Explanation, frames: Mode) -> AmbitionFrames:
    """The plan's frames as report data: the mode, per-year warnings, the warned frames'
    meanings and the baseline's breaches of hard rules (the portfolio's own figures)."""
    plan = explanation.plan
    lines = tuple(
        FrameWarningLine(
            w.year, RULE_NAME_DA[w.rule], w.over * MIO, w.baseline_over * MIO, w.plan_adds * MIO
        )
        for w in sorted(plan.warnings, key=lambda w: (w.year, w.rule.value))
    )
    warned = sorted({w.rule for w in plan.warnings}, key=lambda r: r.value)
    meanings = tuple((RULE_NAME_DA[r], FRAME_MEANING_DA[r]) for r in warned)
    breaches = tuple(
        Breach(RULE_NAME_DA[v.rule], v.year, f"{_da(v.amount)} mio. kr.: {v.detail}")
        for v in plan.baseline_breaches
        if v.year is not None
    )
    return AmbitionFrames(MODE_DA[frames], lines, meanings, breaches)


def ambition_lines(
    result: CityResult, notes: list[str], frames: Mode = Mode.warning
) -> tuple[list[AmbitionLine], AmbitionFrames | None]:
    """The default catalogue solved against ``result``'s budget headroom (equal weights, the
    collective frames in ``frames`` mode), each ambition chosen or left out with the portfolio's
    reason (as ``byibalance ambitions``), and the plan's frames (:func:`plan_frames`)."""
    path = default_catalogue_path(result.municipality)
    if not path.exists():
        notes.append(f"no ambitions catalogue for {result.municipality}: section left empty")
        return [], None
    catalogue = read_catalogue(path).catalogue
    years = [y.year for y in result.budget.years]

    def check(starts: Mapping[str, int]) -> Verification:
        _, rules = result.with_adjustments(adjustments_for_plan(catalogue, starts, years))
        return verify(result.rules, rules)

    problem = Problem(
        catalogue, headroom_from_budget(result.budget), Weights(), modes=modes_for(frames)
    )
    plan, problem, _ = solve_verified(problem, check)
    e = explain(problem, plan, deep=False)
    lines = [AmbitionLine(c.id, catalogue[c.id].name, True, c.start, c.reason) for c in e.chosen]
    lines += [AmbitionLine(r.id, catalogue[r.id].name, False, None, r.reason) for r in e.rejected]
    notes.append("ambitions: default catalogue, equal weights of the four dimensions (assumption)")
    return lines, plan_frames(e, frames)


def load_report(
    scenario_file: Path | None = None,
    *,
    region: bool = True,
    compare: Path | None = None,
    scenario: Scenario | None = None,
    frames: Mode = Mode.warning,
) -> CouncilReport:
    """With ``compare``, the second scenario's report is built too and its figures set side by
    side (:func:`~byibalance.reports.model.compare_reports`).

    ``frames`` sets the collective frames' mode for the ambitions' plan (warnings by default).
    Run ``scenario_file`` (the default scenario if None) with and without its housing
    programme, its sustainability account and its K29 position, and build the report."""
    if scenario is None:
        scenario = load_scenario(scenario_file) if scenario_file else Scenario()
    where = str(scenario_file) if scenario_file else None
    result = run(scenario, file=where)
    baseline = run(scenario, housing=False, file=where)
    notes: list[str] = []
    lines = indicator_lines(result, notes)
    chosen, plan = ambition_lines(result, notes, frames)
    row, size = None, 29
    if region and result.municipality in data.municipality_codes("k29"):
        comparison = load_comparison("k29")
        row, size = comparison.row(result.municipality), len(comparison.rows)
        notes.extend(comparison.notes)
    report = build_report(
        result, baseline, name=data.municipality(result.municipality).name,
        scenario=scenario_file.stem if scenario_file else (
            scenario.name if scenario.name != "baseline" else "standardscenariet"),
        indicators=lines, region=row, ambitions=chosen, region_size=size, notes=notes,
    )  # fmt: skip
    report = replace(report, frames=plan)
    if compare is None:
        return report
    other = load_report(compare, region=False)
    return replace(report, compared_with=compare.stem,
                   comparison=compare_reports(report, other))  # fmt: skip
