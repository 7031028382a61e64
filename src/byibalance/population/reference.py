"""A straightforward per-age Python-loop implementation of the same model as :mod:`.engine`.

Slow on purpose: it is the oracle for the vectorised engine's tests and the baseline of
``benchmarks/population_all.py``. Same inputs, same formulas, one person-count at a time.
"""

from __future__ import annotations

import math

import numpy as np

from byibalance.population.engine import ModelInputs, RunResult
from byibalance.population.result import N_AGE, N_SEX

OPEN = N_AGE - 1
COMPONENTS = (
    "births",
    "deaths",
    "in_migration",
    "out_migration",
    "housing_migration",
    "calibration",
)


def _survival(m: list[float], a0: float) -> tuple[list[float], float]:
    q = [m[a] / (1 + 0.5 * m[a]) for a in range(N_AGE)]
    q[0] = m[0] / (1 + (1 - a0) * m[0])
    q = [min(max(x, 0.0), 1.0) for x in q]
    lx = [1.0]
    for a in range(N_AGE):
        lx.append(lx[a] * (1 - q[a]))
    big_l = [0.5 * (lx[a] + lx[a + 1]) for a in range(N_AGE)]
    big_l[0] = lx[1] + a0 * (lx[0] - lx[1])
    big_l[OPEN] = lx[OPEN] / max(m[OPEN], 1e-12)
    s = [big_l[a + 1] / big_l[a] if big_l[a] > 0 else 0.0 for a in range(OPEN - 1)]
    denominator = big_l[OPEN - 1] + big_l[OPEN]
    s.append(big_l[OPEN] / denominator if denominator > 0 else 0.0)
    return s, big_l[0]


def run_reference(inputs: ModelInputs) -> RunResult:
    """Populations ``[M, T+1, 2, 101]`` and components ``[M, T, 2, 101]`` with plain loops."""
    n_muni, n_years = len(inputs.codes), inputs.n_years
    out = np.zeros((n_muni, n_years + 1, N_SEX, N_AGE))
    comp = {name: np.zeros((n_muni, n_years, N_SEX, N_AGE)) for name in COMPONENTS}
    boys = inputs.srb / (1 + inputs.srb)
    for i in range(n_muni):
        pop = [[float(inputs.base_population[i, s, a]) for a in range(N_AGE)] for s in range(2)]
        out[i, 0] = pop
        tables: dict[float, list[tuple[list[float], float]]] = {}
        for k in range(n_years):
            factor = (1 - inputs.mortality_improvement[i]) ** (k + 1)
            if factor not in tables:  # the life table is recomputed only when rates change
                tables[factor] = [
                    _survival(
                        [float(inputs.death_rates[i, s, a]) * factor for a in range(N_AGE)],
                        inputs.a0,
                    )
                    for s in range(2)
                ]
            new = [[0.0] * N_AGE for _ in range(2)]
            year = {name: [[0.0] * N_AGE for _ in range(2)] for name in COMPONENTS}
            s_b = [tables[factor][0][1], tables[factor][1][1]]
            for s in range(2):
                surv = tables[factor][s][0]
                for a in range(1, N_AGE):
                    if a < OPEN:
                        before = pop[s][a - 1]
                        survivors = before * surv[a - 1]
                    else:
                        before = pop[s][OPEN - 1] + pop[s][OPEN]
                        survivors = before * surv[OPEN - 1]
                    leaving = inputs.out_rate[i, s, a] * survivors
                    arriving = inputs.in_migration[i, s, a]
                    value = survivors - leaving + arriving
                    housing = max(inputs.housing[i, k, s, a], -value)
                    new[s][a] = value + housing
                    year["deaths"][s][a] = before - survivors
                    year["out_migration"][s][a] = leaving
                    year["in_migration"][s][a] = arriving
                    year["housing_migration"][s][a] = housing
            births = 0.0
            for a in range(N_AGE):
                births += inputs.asfr[i, a] * 0.5 * (pop[1][a] + new[1][a])
            for s in range(2):
                born = births * (boys if s == 0 else 1 - boys)
                survivors = born * s_b[s]
                leaving = inputs.out_rate[i, s, 0] * survivors
                arriving = inputs.in_migration[i, s, 0]
                value = survivors - leaving + arriving
                housing = max(inputs.housing[i, k, s, 0], -value)
                new[s][0] = value + housing
                year["births"][s][0] = born
                year["deaths"][s][0] = born - survivors
                year["out_migration"][s][0] = leaving
                year["in_migration"][s][0] = arriving
                year["housing_migration"][s][0] = housing
            before_calibration = [list(new[0]), list(new[1])]
            target = inputs.calibration_targets[i, k]
            profile = inputs.calibration_profile[i]
            if not math.isnan(target[1]) and not math.isnan(target[2]):
                for s in range(2):
                    _calibrate(new[s], [float(x) for x in profile[s]], float(target[1 + s]))
            elif not math.isnan(target[0]):
                flat_pop = new[0] + new[1]
                flat_prof = [float(x) for x in profile[0]] + [float(x) for x in profile[1]]
                _calibrate(flat_pop, flat_prof, float(target[0]))
                new = [flat_pop[:N_AGE], flat_pop[N_AGE:]]
            for s in range(2):
                for a in range(N_AGE):
                    year["calibration"][s][a] = new[s][a] - before_calibration[s][a]
            pop = new
            out[i, k + 1] = pop
            for name in COMPONENTS:
                comp[name][i, k] = year[name]
    return RunResult(population=out, **comp)


def _calibrate(pop: list[float], profile: list[float], target: float) -> None:
    gap = target - sum(pop)
    if gap >= 0:
        total = sum(profile)
        for a in range(len(pop)):
            pop[a] += gap * profile[a] / total if total > 0 else 0.0
    else:
        total = sum(pop)
        loss = min(-gap, total)
        for a in range(len(pop)):
            pop[a] -= loss * pop[a] / total if total > 0 else 0.0
