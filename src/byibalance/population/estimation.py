"""Estimating the model's rates from the embedded data: pure functions on arrays.

- death rates: deaths / person-years of the province over the window, to single ages (log m);
- local fertility: the national age pattern scaled to a local TFR estimated from the
  child-woman ratio (status estimate);
- migration: net migration by the residual method (status estimate), split into in-migration
  counts (the positive part) and out-migration rates (the negative part);
- or, where a snapshot holds them, the municipality's own published fertility rates (FOD407) and
  gross migration flows (FLY66, VAN1AAR, VAN2AAR): in-migration counts and out-migration rates
  by age at year end (:func:`age_at_year_end`, :func:`gross_migration`).
"""

from __future__ import annotations

import numpy as np

from byibalance.population.engine import (
    FEMALE,
    StepState,
    YearInputs,
    ageing_ratio,
    give_birth,
    survive,
)
from byibalance.population.lifetable import rates_single_age
from byibalance.population.result import N_AGE, N_SEX, FloatArray

WOMEN_GROUPS = slice(3, 10)  # 5-year groups 15-19 … 45-49
CHILD_GROUP = 0  # 0-4


def death_rates(deaths5: FloatArray, person_years5: FloatArray) -> FloatArray:
    """Single-year central death rates ``m[..., 101]`` from summed deaths and person-years by
    5-year group ``[..., 21]``: ``m5 = deaths / person_years``, then log-m interpolation."""
    with np.errstate(divide="ignore", invalid="ignore"):
        m5 = np.where(person_years5 > 0, deaths5 / person_years5, 0.0)
    return rates_single_age(m5)


def child_woman_ratio(p5: FloatArray) -> FloatArray:
    """``CWR = (children 0-4, both sexes) / (women 15-49)`` from ``p5[..., sex, 21]``."""
    children = p5[..., :, CHILD_GROUP].sum(axis=-1)
    women = p5[..., FEMALE, WOMEN_GROUPS].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = np.where(women > 0, children / women, np.nan)
    return result


def local_tfr(national_tfr: float, cwr_local: FloatArray, cwr_national: FloatArray) -> FloatArray:
    """``TFR_loc = TFR_nat * mean_y(CWR_loc[y] / CWR_nat[y])`` over the window's years.

    ``cwr_local[M, Y]`` and ``cwr_national[Y]``. A municipality without women 15-49 gets the
    national level.
    """
    ratio = cwr_local / cwr_national[None, :]
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(np.where(np.isfinite(ratio), ratio, np.nan), axis=1)
    result: FloatArray = national_tfr * np.where(np.isfinite(mean), mean, 1.0)
    return result


def scaled_asfr(asfr_per_1000: FloatArray, tfr: FloatArray) -> FloatArray:
    """``f[m, a] = TFR_loc[m] / TFR_ref * f_ref[a] / 1000`` as births per woman and year.

    ``asfr_per_1000[101]`` is the reference schedule per 1,000 women (0 outside 15-49).
    """
    reference_tfr = asfr_per_1000.sum() / 1000.0
    result: FloatArray = (tfr / reference_tfr)[:, None] * (asfr_per_1000 / 1000.0)[None, :]
    return result


def closed_step(
    start: FloatArray, survival: FloatArray, birth: FloatArray, asfr: FloatArray, srb: float
) -> tuple[FloatArray, FloatArray]:
    """One year without migration: returns (end population, survivors before migration).

    Uses the engine's own ``survive`` and ``give_birth`` steps, so the residual is measured
    against exactly the model that will project it.
    """
    m = start.shape[0]
    zeros = np.zeros((m, N_SEX, N_AGE))
    year = YearInputs(
        survival=survival,
        ageing_ratio=ageing_ratio(survival),
        survival_at_birth=birth,
        asfr=asfr,
        srb=srb,
        in_migration=zeros,
        out_rate=zeros,
        housing=zeros,
        target=np.full((m, 3), np.nan),
        calibration_profile=zeros,
    )
    state = StepState(start, start, zeros, zeros, zeros, zeros, zeros, zeros)
    state = give_birth(survive(state, year), year)
    return state.end, state.end


def residual_by_year(
    populations: FloatArray, survival: FloatArray, birth: FloatArray, asfr: FloatArray, srb: float
) -> tuple[FloatArray, FloatArray]:
    """Net migration of each year by age at year end, by the residual method.

    ``populations[M, Y+1, 2, 101]`` are consecutive 1 January populations. For each year,
    ``net[t][a] = P[t+1][a] - closed(P[t])[a]``, where ``closed`` is one model year without
    migration. Returns (net ``[M, Y, 2, 101]``, survivors at risk ``[M, Y, 2, 101]``: the
    population of 1 January ``t`` survived to the year's end, by age at year end, with the
    year's surviving births at age 0).
    """
    transitions = populations.shape[1] - 1
    net = np.zeros((populations.shape[0], transitions, *populations.shape[2:]))
    at_risk = np.zeros_like(net)
    for y in range(transitions):
        end, survivors = closed_step(populations[:, y], survival, birth, asfr, srb)
        net[:, y] = populations[:, y + 1] - end
        at_risk[:, y] = survivors
    return net, at_risk


def residual_net_migration(
    populations: FloatArray, survival: FloatArray, birth: FloatArray, asfr: FloatArray, srb: float
) -> tuple[FloatArray, FloatArray]:
    """Mean yearly net migration by age at year end, by the residual method
    (:func:`residual_by_year` averaged over the years).

    Returns (mean net ``[M, 2, 101]``, mean survivors at risk ``[M, 2, 101]``).
    """
    return mean_of_years(*residual_by_year(populations, survival, birth, asfr, srb))


def mean_of_years(net: FloatArray, at_risk: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The means over the years (axis 1) of :func:`residual_by_year`'s two arrays, summed year
    by year in order (so the figures stay exactly those of the earlier one-pass mean)."""
    transitions = net.shape[1]
    net_sum = np.zeros(net.shape[:1] + net.shape[2:])
    risk_sum = np.zeros_like(net_sum)
    for y in range(transitions):
        net_sum += net[:, y]
        risk_sum += at_risk[:, y]
    return net_sum / transitions, risk_sum / transitions


def split_net_migration(net: FloatArray, at_risk: FloatArray) -> tuple[FloatArray, FloatArray]:
    """In-migration counts ``I = max(net, 0)`` and out-migration rates
    ``o = min(max(-net, 0) / at_risk, 1)`` (0 where nobody is at risk)."""
    incoming = np.maximum(net, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(at_risk > 0, np.maximum(-net, 0.0) / at_risk, 0.0)
    return incoming, np.clip(rate, 0.0, 1.0)


def age_at_year_end(flows: FloatArray) -> FloatArray:
    """Moves by age at the move ``[..., 101]`` as moves by age at the end of the year.

    A mover aged ``a`` at the move belongs to one of two birth cohorts (the two triangles of the
    Lexis square of age ``a`` in the year), equal in size when moves and birthdays are spread
    evenly over the year: half are ``a`` at the year's end, half ``a + 1``. So
    ``F_end[a] = (F[a] + F[a-1]) / 2`` for ``a`` = 1..99, ``F_end[0] = F[0] / 2`` (infants born in
    the year), ``F_end[100] = F[100] + F[99] / 2`` (100 is the open group). Keeps the total.
    """
    out = 0.5 * flows
    out[..., 1:] += 0.5 * flows[..., :-1]
    out[..., -1] += 0.5 * flows[..., -1]
    return out


def gross_migration(
    incoming: FloatArray, outgoing: FloatArray, at_risk: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """In-migration counts and out-migration rates from mean yearly gross flows.

    ``incoming`` and ``outgoing`` ``[..., 101]`` are moves by age at the move (into and out of
    the municipality, from and to other municipalities and abroad); ``at_risk`` the survivors at
    risk by age at year end over the same years (as :func:`residual_by_year` gives them).
    ``I = age_at_year_end(incoming)``, ``o = min(age_at_year_end(outgoing) / at_risk, 1)`` (0
    where nobody is at risk), the same split the engine applies to the residual.
    """
    leaving = age_at_year_end(outgoing)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(at_risk > 0, leaving / at_risk, 0.0)
    return age_at_year_end(incoming), np.clip(rate, 0.0, 1.0)


def tfr_from_groups(rates_per_1000: FloatArray) -> FloatArray:
    """``TFR = 5 * sum_g rate[g] / 1000`` from rates per 1,000 women of 5-year groups
    ``[..., groups]`` (each woman spends 5 years in each group)."""
    result: FloatArray = 5.0 * rates_per_1000.sum(axis=-1) / 1000.0
    return result
