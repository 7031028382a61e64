"""Adapter: the stochastic inputs and the spreads of the draws, estimated from the embedded data.

Only data from before the base year is used, so a past base year is a fair back-test. The
estimators themselves are pure functions on arrays (``estimate_*``); ``prepare`` reads the data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from byibalance import data
from byibalance.errors import DataError, ErrorLocation
from byibalance.population import estimation
from byibalance.population.graduation import graduate
from byibalance.population.housing import project_residents
from byibalance.population.inputs import (
    FlowCube,
    _year_span,
    apply_housing_overrides,
    build_inputs,
    gross_flows,
    housing_assumptions,
    housing_programme,
    mortality_cube,
    population_cube,
    shape_for,
    whole_years,
)
from byibalance.population.lifetable import survival_ratios
from byibalance.population.overrides import PopulationOverrides
from byibalance.population.result import FloatArray
from byibalance.population.stochastic import (
    FIVE_YEAR_GROUPS,
    Labelled,
    SpreadSpec,
    StochasticInputs,
)
from byibalance.provenance import Status

DELAY_PROBABILITIES = (0.5, 0.3, 0.15, 0.05)
DELAY_SOURCE = (
    "byibalance assumption informed by Albertslund's slipped projects (DOMAIN §2.6: "
    "Galgebakken/Blokland re-letting undated, Coop Byen phased): delay 0-3 years"
)
SPREAD_SCALE = 1.5
AGE_SCALE = 0.5
SPREAD_SCALE_SOURCE = (
    "fitted in-sample on the 2015-2020 back-test of all 98 municipalities so that about 80 % "
    "of the actual totals and age groups fall in the 80 % band (docs/model.md, Uncertainty)"
)


def estimate_ar1(series: FloatArray) -> tuple[float, float]:
    """``(phi, sigma)`` of ``x_t = phi x_{t-1} + e_t`` for the demeaned rows of ``series[R, Y]``
    pooled: ``phi = sum x_t x_{t-1} / sum x_{t-1}^2``, ``sigma`` the residuals' RMS."""
    x = np.atleast_2d(series)
    x = x - x.mean(axis=1, keepdims=True)
    lag, now = x[:, :-1], x[:, 1:]
    denom = float((lag * lag).sum())
    phi = float((lag * now).sum()) / denom if denom > 0 else 0.0
    phi = float(np.clip(phi, -0.99, 0.99))
    resid = now - phi * lag
    return phi, float(np.sqrt((resid * resid).mean()))


def estimate_mortality_sigma(deaths: FloatArray, exposure: FloatArray) -> float:
    """SD of the log death-rate level around its linear trend, pooled over provinces.

    ``deaths, exposure[P, Y, 2, 21]``; level ``I[p, y] = D[p, y] / sum(E[p, y] mbar[p])`` with
    ``mbar`` the province's mean rates (indirect standardisation); each province's log level is
    detrended by least squares (the trend is the model's mortality improvement)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mbar = np.where(exposure.sum(1) > 0, deaths.sum(1) / exposure.sum(1), 0.0)
    expected = (exposure * mbar[:, None]).sum(axis=(2, 3))
    level = np.log(deaths.sum(axis=(2, 3)) / expected)
    years = np.arange(level.shape[1], dtype=np.float64)
    design = np.stack([np.ones_like(years), years], axis=1)
    coef, *_ = np.linalg.lstsq(design, level.T, rcond=None)
    resid = level - (design @ coef).T
    dof = resid.size - 2 * resid.shape[0]
    return float(np.sqrt((resid * resid).sum() / max(dof, 1)))


def residual_rates(
    populations: FloatArray, death_rates: FloatArray, asfr: FloatArray, a0: float, srb: float
) -> FloatArray:
    """Yearly net migration rates by 5-year group ``[M, Y-1, G]`` (both sexes, groups of
    :data:`FIVE_YEAR_GROUPS`): ``sum_g (P[t+1] - closed(P[t])) / sum_g P[t]``, where ``closed``
    is one model year without migration (the residual method per year); 0 where nobody lives."""
    survival, birth = survival_ratios(death_rates, a0)
    indicator = np.zeros((populations.shape[-1], len(FIVE_YEAR_GROUPS)))
    for g, (lo, hi) in enumerate(FIVE_YEAR_GROUPS):
        indicator[lo : hi + 1, g] = 1.0
    out = []
    for y in range(populations.shape[1] - 1):
        end, _ = estimation.closed_step(populations[:, y], survival, birth, asfr, srb)
        net = (populations[:, y + 1] - end).sum(axis=1) @ indicator
        start = populations[:, y].sum(axis=1) @ indicator
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append(np.where(start > 0, net / start, 0.0))
    return np.stack(out, axis=1)


def total_rates(
    populations: FloatArray, death_rates: FloatArray, asfr: FloatArray, a0: float, srb: float
) -> FloatArray:
    """Yearly total net migration rates ``[M, Y-1]``: ``(P[t+1] - closed(P[t])) / P[t]`` summed
    over sex and age (the residual method per year)."""
    survival, birth = survival_ratios(death_rates, a0)
    out = []
    for y in range(populations.shape[1] - 1):
        end, _ = estimation.closed_step(populations[:, y], survival, birth, asfr, srb)
        start = populations[:, y].sum(axis=(1, 2))
        out.append((populations[:, y + 1].sum(axis=(1, 2)) - end.sum(axis=(1, 2))) / start)
    return np.stack(out, axis=1)


def flow_rates(
    incoming: FloatArray, outgoing: FloatArray, start: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Yearly net migration rates from gross flows, as :func:`residual_rates` and
    :func:`total_rates` give them from the residual: by 5-year group ``[..., Y, G]`` and in total
    ``[..., Y]``.

    ``incoming``, ``outgoing`` ``[..., Y, 2, 101]`` are the moves of calendar year ``t`` by age
    at the move, ``start`` the 1 January population of ``t``. With ``net = shift(in - out)`` (by
    age at year end, :func:`estimation.age_at_year_end`, the ages the residual counts in):
    ``rate[t, g] = sum_{a in g} net[t, a] / sum_{a in g} P[t, a]`` (both sexes, 0 where nobody
    lives) and ``total[t] = sum (in - out) / sum P[t]``."""
    indicator = np.zeros((start.shape[-1], len(FIVE_YEAR_GROUPS)))
    for g, (lo, hi) in enumerate(FIVE_YEAR_GROUPS):
        indicator[lo : hi + 1, g] = 1.0
    net = estimation.age_at_year_end(incoming - outgoing).sum(axis=-2) @ indicator
    people = start.sum(axis=-2) @ indicator
    with np.errstate(divide="ignore", invalid="ignore"):
        rates: FloatArray = np.where(people > 0, net / people, 0.0)
    total: FloatArray = (incoming - outgoing).sum(axis=(-2, -1)) / start.sum(axis=(-2, -1))
    return rates, total


def _flow_spreads(
    flows: FlowCube,
    use: Sequence[bool],
    single: FloatArray,
    needed: int,
    mig_sigma: FloatArray,
    mig_total_sigma: FloatArray,
    residual_source: str,
) -> list[str]:
    """Replace, in place, the residual spreads of each municipality ``use`` marks (its
    deterministic inputs come from the gross flows) by the SDs of its flows' yearly net rates
    (:func:`flow_rates`, ``ddof=1``) where the flows hold at least ``needed`` of the years
    ``flows.years`` (``single[:, k]`` the 1 January population of ``flows.years[k]``).

    Returns each municipality's migration spread source: the flows and their years, or the
    residual's, and, where its deterministic inputs use the flows, why the residual's spread is
    kept."""
    sources = []
    for i in range(len(flows.codes)):
        held = np.flatnonzero(flows.held[i])
        years = _year_span([flows.years[k] for k in held]) if held.size else "-"
        if not use[i]:
            sources.append(residual_source)
        elif held.size < needed:
            sources.append(
                f"{residual_source}; the gross flows ({flows.source}) cover {held.size} of the "
                f"years {_year_span(flows.years)}: {years}; at least {needed} are needed for "
                "their spread"
            )
        else:
            rates, total = flow_rates(
                flows.incoming[i, held], flows.outgoing[i, held], single[i, held]
            )
            mig_sigma[i] = rates.std(axis=0, ddof=1)
            mig_total_sigma[i] = total.std(ddof=1)
            sources.append(f"own gross net migration {years} ({flows.source}), year by year")
    return sources


def _summary(codes: Sequence[str], sources: Sequence[str]) -> str:
    """One text for the run: the one source, or each source with its municipalities."""
    distinct = list(dict.fromkeys(sources))
    if len(distinct) == 1:
        return distinct[0]
    parts = []
    for text in distinct:
        mine = [c for c, s in zip(codes, sources, strict=True) if s == text]
        who = ", ".join(mine) if len(mine) <= 5 else f"{len(mine)} municipalities"
        parts.append(f"{who}: {text}")
    return " | ".join(parts)


def prepare(
    codes: Sequence[str | int],
    base_year: int,
    end_year: int,
    scale: float | None = None,
    calibrate: bool = True,
    age_scale: float | None = None,
    overrides: PopulationOverrides | None = None,
    housing: bool = True,
) -> StochasticInputs:
    """Deterministic inputs (:func:`build_inputs`) plus the spreads estimated before
    ``base_year``: national TFR 1973-, provincial mortality 2008-, the municipality's own residual
    migration 2008-, or its own gross flows where its deterministic inputs come from them and they
    hold at least ``gross_flow_spread_min_years`` years before ``base_year`` (:func:`flow_rates`).
    ``scale`` overrides the fitted spread scale (labelled assumption).

    ``overrides`` (a scenario's population section) and ``housing`` reach the deterministic inputs
    exactly as in :func:`byibalance.population.project` (fertility, mortality, migration, the
    housing programme's changes or no housing), and the housing delays are drawn for the
    scenario's projects; the spreads stay those estimated from the data."""
    code_list = [data.municipality(c).code for c in codes]
    overrides = overrides or PopulationOverrides()
    prepared = build_inputs(code_list, base_year, end_year, overrides, housing, calibrate=calibrate)
    mi = prepared.inputs
    # the spreads are the data's: measured against the baseline's rates, not the scenario's levers
    plain = overrides == PopulationOverrides()
    base_mi = mi if plain else build_inputs(code_list, base_year, end_year, calibrate=False).inputs

    asfr_frame = data.fertility_asfr()
    tfr = asfr_frame[asfr_frame["year"] < base_year].groupby("year")["rate_per_1000"].sum()
    if len(tfr) < 3:
        raise DataError(
            f"too few years of fertility before {base_year} to estimate its spread",
            "Choose a later start year",
            ErrorLocation(field="start", year=base_year),
        )
    tfr_phi, tfr_sigma = estimate_ar1(np.log(tfr.to_numpy(dtype=np.float64) / 1000.0)[None])
    tfr_span = f"{int(tfr.index.min())}-{int(tfr.index.max())}"

    provinces, m_years, deaths, exposure = mortality_cube()
    keep_p = [i for i, p in enumerate(provinces) if p != "All Denmark"]
    keep_y = [i for i, y in enumerate(m_years) if y < base_year]
    mort_sigma = estimate_mortality_sigma(
        deaths[np.ix_(np.array(keep_p), np.array(keep_y))],
        exposure[np.ix_(np.array(keep_p), np.array(keep_y))],
    )
    m_span = f"{m_years[keep_y[0]]}-{m_years[keep_y[-1]]}"

    cube = population_cube()
    years = [y for y in cube.years if y <= base_year]
    rows = np.array([cube.index(c) for c in code_list])
    cols = np.array([cube.years.index(y) for y in years])
    p5 = cube.values[np.ix_(rows, cols)]
    shapes = np.stack([shape_for(y, base_year) for y in years])
    single = graduate(p5, shapes[None], "national_shape")
    rates = residual_rates(single, base_mi.death_rates, base_mi.asfr, base_mi.a0, base_mi.srb)
    mig_sigma = rates.std(axis=1, ddof=1)
    net_total = total_rates(single, base_mi.death_rates, base_mi.asfr, base_mi.a0, base_mi.srb)
    mig_total_sigma = net_total.std(axis=1, ddof=1)
    residual_source = f"own residual net migration {years[0]}-{years[-1]}"
    mig_sources = [residual_source] * len(code_list)
    flows = gross_flows(code_list, years[:-1])
    if flows is not None:
        mig_sources = _flow_spreads(
            flows,
            [prepared.methods[c]["migration"] == "gross_flows" for c in code_list],
            single,
            whole_years("gross_flow_spread_min_years", base_year, 2),
            mig_sigma,
            mig_total_sigma,
            residual_source,
        )

    n_years = end_year - base_year
    gains_all, losses_all, movable_all = [], [], []
    ids_all: list[tuple[str, ...]] = []
    for i, code in enumerate(code_list):
        observed = np.flatnonzero(np.isfinite(mi.calibration_targets[i, :, 0]))
        # the first step after the last observed total: projects begun by then are not delayed
        first_free = int(observed[-1]) + 1 if observed.size else 0
        programme = housing_programme(code)
        projects = (
            apply_housing_overrides(programme.projects if programme else (), overrides.housing)
            if prepared.housing_on
            else ()
        )
        gains = np.zeros((len(projects), n_years))
        losses = np.zeros((len(projects), n_years))
        movable = np.zeros(len(projects), dtype=bool)
        ids_all.append(tuple(project.id for project in projects))
        if projects:
            assumptions = housing_assumptions(code, base_year)
            for j, project in enumerate(projects):
                gains[j], losses[j] = project_residents(project, assumptions, base_year, n_years)
                first = project.first_year()
                movable[j] = first is not None and first - base_year >= first_free
        gains_all.append(gains)
        losses_all.append(losses)
        movable_all.append(movable)

    with np.errstate(divide="ignore", invalid="ignore"):
        totals = mi.base_population.sum(axis=(1, 2), keepdims=True)
        existing = np.where(totals > 0, mi.base_population / totals, 0.0)
    used_scale = SPREAD_SCALE if scale is None else scale
    given = scale is not None or age_scale is not None
    spread = SpreadSpec(
        tfr_phi=Labelled(tfr_phi, Status.ESTIMATE, f"national TFR {tfr_span} (embedded ASFR)"),
        tfr_sigma=Labelled(tfr_sigma, Status.ESTIMATE, f"national TFR {tfr_span}"),
        mortality_sigma=Labelled(
            mort_sigma, Status.ESTIMATE, f"provincial death rates {m_span} (embedded)"
        ),
        migration_source=_summary(code_list, mig_sources),
        migration_sigma=mig_sigma,
        migration_total_sigma=mig_total_sigma,
        delay_probabilities=DELAY_PROBABILITIES,
        delay_status=Status.ASSUMPTION,
        delay_source=DELAY_SOURCE,
        scale=Labelled(
            used_scale,
            Status.ASSUMPTION if given else Status.ESTIMATE,
            "given by the user" if given else SPREAD_SCALE_SOURCE,
        ),
        age_scale=Labelled(
            AGE_SCALE if age_scale is None else age_scale,
            Status.ASSUMPTION if given else Status.ESTIMATE,
            "given by the user" if given else SPREAD_SCALE_SOURCE,
        ),
        migration_sources=tuple(mig_sources),
    )
    notes = {c: (*prepared.notes[c], *spread.notes(i)) for i, c in enumerate(code_list)}
    return StochasticInputs(
        model=mi,
        spread=spread,
        project_gains=tuple(gains_all),
        project_losses=tuple(losses_all),
        delayable=tuple(movable_all),
        project_ids=tuple(ids_all),
        new_profile=mi.calibration_profile,
        existing_profile=existing,
        notes=notes,
    )
