"""Estimating the model's rates from the embedded data: pure functions on arrays.

- death rates: deaths / person-years of the province over the window, to single ages (log m);
- local fertility: the national age pattern scaled to a local TFR estimated from the
  child-woman ratio (status estimate);
- migration: net migration by the residual method (status estimate), split into in-migration
  counts (the positive part) and out-migration rates (the negative part).
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


def residual_net_migration(
    populations: FloatArray, survival: FloatArray, birth: FloatArray, asfr: FloatArray, srb: float
) -> tuple[FloatArray, FloatArray]:
    """Mean yearly net migration by age at year end, by the residual method.

    ``populations[M, Y+1, 2, 101]`` are consecutive 1 January populations. For each year,
    ``net[a] = P[t+1][a] - closed(P[t])[a]``, where ``closed`` is one model year without
    migration. Returns (mean net ``[M, 2, 101]``, mean survivors at risk ``[M, 2, 101]``).
    """
    transitions = populations.shape[1] - 1
    net = np.zeros(populations.shape[:1] + populations.shape[2:])
    at_risk = np.zeros_like(net)
    for y in range(transitions):
        end, survivors = closed_step(populations[:, y], survival, birth, asfr, srb)
        net += populations[:, y + 1] - end
        at_risk += survivors
    return net / transitions, at_risk / transitions


def split_net_migration(net: FloatArray, at_risk: FloatArray) -> tuple[FloatArray, FloatArray]:
    """In-migration counts ``I = max(net, 0)`` and out-migration rates
    ``o = min(max(-net, 0) / at_risk, 1)`` (0 where nobody is at risk)."""
    incoming = np.maximum(net, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(at_risk > 0, np.maximum(-net, 0.0) / at_risk, 0.0)
    return incoming, np.clip(rate, 0.0, 1.0)
