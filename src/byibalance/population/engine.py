"""The cohort-component projection: pure and vectorised over municipalities.

The state is ``P[muni, sex, age]`` on 1 January. One projection year is a chain of steps, each
``StepState -> StepState`` (STYLE point 4)::

    survive -> migrate -> add_housing -> give_birth -> calibrate

and the components of change are recorded by age at the end of the year, so that, age by age,

    P_end = aged(P_start) - deaths + births + in_migration - out_migration
            + housing_migration + calibration

where ``aged`` moves age ``a`` to ``a + 1`` (99 and 100+ into 100+) and puts 0 at age 0.
Formulas follow shared/docs/DOMAIN.md §2.2; the choices are documented in docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from byibalance.errors import PopulationError
from byibalance.population.lifetable import OPEN_AGE, survival_ratios
from byibalance.population.result import N_AGE, N_SEX, FloatArray

MALE, FEMALE = 0, 1


@dataclass(frozen=True)
class ModelInputs:
    """Everything one run needs, as arrays over ``M`` municipalities and ``T`` years.

    - ``base_population[M, 2, 101]``: persons on 1 January of ``base_year``.
    - ``death_rates[M, 2, 101]``: central death rates in the base period.
    - ``mortality_improvement[M]``: yearly rate ``r``; ``m_t = m (1 - r)^(t - base_year + 1)``.
    - ``asfr[M, 101]``: births per woman and year by age of mother (local level, 0 outside 15-49).
    - ``srb``: sex ratio at birth (boys per girl); ``a0``: infants' average years lived.
    - ``in_migration[M, 2, 101]``: yearly in-migration counts by age at the end of the year.
    - ``out_rate[M, 2, 101]``: yearly out-migration share of the survivors, in [0, 1].
    - ``housing[M, T, 2, 101]``: net residents from the housing programme in year step ``k``.
    - ``calibration_targets[M, T, 3]``: observed total, men, women on 1 January of
      ``base_year + k + 1`` (NaN where none).
    - ``calibration_profile[M, 2, 101]``: how a positive calibration is spread (sums to 1).
    """

    codes: tuple[str, ...]
    base_year: int
    base_population: FloatArray
    death_rates: FloatArray
    mortality_improvement: FloatArray
    asfr: FloatArray
    srb: float
    a0: float
    in_migration: FloatArray
    out_rate: FloatArray
    housing: FloatArray
    calibration_targets: FloatArray
    calibration_profile: FloatArray

    @property
    def n_years(self) -> int:
        """Number of projection steps ``T``."""
        return int(self.housing.shape[1])

    def validate(self) -> None:
        """Check shapes and signs; raise :class:`PopulationError` naming the offending array."""
        m, t = len(self.codes), self.n_years
        expected = {
            "base_population": (m, N_SEX, N_AGE),
            "death_rates": (m, N_SEX, N_AGE),
            "mortality_improvement": (m,),
            "asfr": (m, N_AGE),
            "in_migration": (m, N_SEX, N_AGE),
            "out_rate": (m, N_SEX, N_AGE),
            "housing": (m, t, N_SEX, N_AGE),
            "calibration_targets": (m, t, 3),
            "calibration_profile": (m, N_SEX, N_AGE),
        }
        for name, shape in expected.items():
            array = getattr(self, name)
            if array.shape != shape:
                raise PopulationError(
                    f"input '{name}' has shape {array.shape}, expected {shape}",
                    fix="Build the inputs with byibalance.population.inputs",
                )
        for name in ("base_population", "death_rates", "asfr", "in_migration"):
            array = getattr(self, name)
            if not np.all(np.isfinite(array)) or np.any(array < 0):
                raise PopulationError(
                    f"input '{name}' has negative or non-finite values",
                    fix="Check the data the inputs were estimated from",
                )
        if np.any(self.out_rate < 0) or np.any(self.out_rate > 1):
            raise PopulationError(
                "input 'out_rate' has values outside [0, 1]",
                fix="Out-migration rates are shares of the population at risk",
            )


@dataclass(frozen=True)
class StepState:
    """One projection year in progress: the start population, the end population being built,
    and the components recorded so far (all ``[M, 2, 101]``)."""

    start: FloatArray
    end: FloatArray
    births: FloatArray
    deaths: FloatArray
    in_migration: FloatArray
    out_migration: FloatArray
    housing_migration: FloatArray
    calibration: FloatArray


@dataclass(frozen=True)
class YearInputs:
    """The inputs of one projection step ``k`` (``base_year + k`` to ``base_year + k + 1``)."""

    survival: FloatArray  # [M, 2, 101]: S[a] (a <= 98), S_open at 99 and 100
    ageing_ratio: FloatArray  # [M, 2, 101]: the survival ratio by age at the end (0 at age 0)
    survival_at_birth: FloatArray  # [M, 2]
    asfr: FloatArray  # [M, 101]
    srb: float
    in_migration: FloatArray
    out_rate: FloatArray
    housing: FloatArray  # [M, 2, 101]
    target: FloatArray  # [M, 3]
    calibration_profile: FloatArray


@dataclass(frozen=True)
class RunResult:
    """Populations ``[M, T+1, 2, 101]`` and components ``[M, T, 2, 101]`` of a run."""

    population: FloatArray
    births: FloatArray
    deaths: FloatArray
    in_migration: FloatArray
    out_migration: FloatArray
    housing_migration: FloatArray
    calibration: FloatArray


def aged(population: FloatArray) -> FloatArray:
    """The start population moved one year on: ``a -> a + 1``, 99 and 100+ into 100+, 0 at 0."""
    out = np.zeros_like(population)
    out[..., 1:OPEN_AGE] = population[..., : OPEN_AGE - 1]
    out[..., OPEN_AGE] = population[..., OPEN_AGE - 1] + population[..., OPEN_AGE]
    return out


def survive(state: StepState, year: YearInputs) -> StepState:
    """Survivors ``S[a] P[a]`` at age ``a + 1``; ``S_open (P[99] + P[100])`` at 100+."""
    moved = aged(state.start)
    survivors = moved * year.ageing_ratio
    return replace(state, end=survivors, deaths=moved - survivors)


def migrate(state: StepState, year: YearInputs) -> StepState:
    """Out-migration ``o P`` of the survivors (ages 1..100) and in-migration counts ``I``."""
    out = year.out_rate * state.end
    out[..., 0] = 0.0
    incoming = year.in_migration.copy()
    incoming[..., 0] = 0.0
    return replace(state, end=state.end - out + incoming, out_migration=out, in_migration=incoming)


def add_housing(state: StepState, year: YearInputs) -> StepState:
    """Net residents ``H`` from the housing programme (ages 1..100), never below zero persons."""
    housing = np.maximum(year.housing, -state.end)
    housing[..., 0] = 0.0
    return replace(state, end=state.end + housing, housing_migration=housing)


def give_birth(state: StepState, year: YearInputs) -> StepState:
    """Births ``B = sum_a f[a] 0.5 (W_start[a] + W_end[a])`` split by ``SRB``; infants survive
    with ``S_b`` and then migrate and move into new dwellings like everyone else (age 0)."""
    women = 0.5 * (state.start[:, FEMALE, :] + state.end[:, FEMALE, :])
    total = np.einsum("ma,ma->m", year.asfr, women)
    boys_share = year.srb / (1.0 + year.srb)
    born = np.stack([total * boys_share, total * (1.0 - boys_share)], axis=1)
    survivors = born * year.survival_at_birth
    out0 = year.out_rate[..., 0] * survivors
    in0 = year.in_migration[..., 0]
    housing0 = np.maximum(year.housing[..., 0], -(survivors - out0 + in0))
    return replace(
        state,
        end=_with_age0(state.end, survivors - out0 + in0 + housing0),
        births=_with_age0(state.births, born),
        deaths=_with_age0(state.deaths, born - survivors),
        out_migration=_with_age0(state.out_migration, out0),
        in_migration=_with_age0(state.in_migration, in0),
        housing_migration=_with_age0(state.housing_migration, housing0),
    )


def _with_age0(array: FloatArray, age0: FloatArray) -> FloatArray:
    """A new array: ``age0`` at age 0, ``array`` at ages 1..100."""
    return np.concatenate((age0[..., None], array[..., 1:]), axis=-1)


def ageing_ratio(survival: FloatArray) -> FloatArray:
    """The survival ratio by age at the end of the year: ``S[a-1]`` at ``a`` (``S_open`` at
    100), 0 at age 0 (newborns survive with ``S_b`` in :func:`give_birth`)."""
    ratio = np.empty_like(survival)
    ratio[..., 0] = 0.0
    ratio[..., 1:] = survival[..., :OPEN_AGE]
    return ratio


def _spread(change: FloatArray, profile: FloatArray, population: FloatArray) -> FloatArray:
    """Spread totals ``change[M]`` over ``[M, ages]``: gains by ``profile``, losses in
    proportion to ``population`` (so nobody is removed who is not there)."""
    prof_sum = profile.sum(axis=-1, keepdims=True)
    pop_sum = population.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = np.where(prof_sum > 0, profile / prof_sum, 0.0)
        loss = np.where(pop_sum > 0, population / pop_sum, 0.0)
    loss_total = np.minimum(-np.minimum(change, 0.0), pop_sum[..., 0])
    return np.maximum(change, 0.0)[..., None] * gain - loss_total[..., None] * loss


def calibrate(state: StepState, year: YearInputs) -> StepState:
    """Where an observed total exists, add ``target - projected`` as the calibration component.

    With men and women observed, each sex hits its own total; with only a total, the gap is
    spread over both sexes. Gains follow the calibration profile; losses are proportional to
    the population, so the result is never negative.
    """
    total_target, sex_target = year.target[:, 0], year.target[:, 1:]
    has_sex = np.all(np.isfinite(sex_target), axis=1)
    has_total = np.isfinite(total_target) & ~has_sex
    if not (has_sex.any() or has_total.any()):
        return state
    calibration = np.zeros_like(state.end)
    if has_sex.any():
        gap = np.where(has_sex[:, None], sex_target - state.end.sum(axis=-1), 0.0)
        per_sex = _spread(gap, year.calibration_profile, state.end)
        calibration += np.where(has_sex[:, None, None], per_sex, 0.0)
    if has_total.any():
        m = state.end.shape[0]
        gap_total = np.where(has_total, total_target - state.end.sum(axis=(1, 2)), 0.0)
        flat = _spread(
            gap_total,
            year.calibration_profile.reshape(m, -1),
            state.end.reshape(m, -1),
        ).reshape(state.end.shape)
        calibration += np.where(has_total[:, None, None], flat, 0.0)
    return replace(state, end=state.end + calibration, calibration=calibration)


STEPS = (survive, migrate, add_housing, give_birth, calibrate)


def year_inputs(
    inputs: ModelInputs, survival: FloatArray, ratio: FloatArray, birth: FloatArray, k: int
) -> YearInputs:
    """The inputs of step ``k`` from the run's inputs and precomputed survival."""
    return YearInputs(
        survival=survival[k],
        ageing_ratio=ratio[k],
        survival_at_birth=birth[k],
        asfr=inputs.asfr,
        srb=inputs.srb,
        in_migration=inputs.in_migration,
        out_rate=inputs.out_rate,
        housing=inputs.housing[:, k],
        target=inputs.calibration_targets[:, k],
        calibration_profile=inputs.calibration_profile,
    )


def yearly_survival(inputs: ModelInputs) -> tuple[FloatArray, FloatArray]:
    """Survival ratios ``[T, M, 2, 101]`` and at birth ``[T, M, 2]`` with mortality improvement
    ``m_k = m (1 - r)^(k + 1)`` for step ``k`` (the base period's rates precede the base year).

    Without improvement the life table is computed once and shared by every year."""
    if not np.any(inputs.mortality_improvement):
        survival, birth = survival_ratios(inputs.death_rates, inputs.a0)
        t = inputs.n_years
        return (
            np.broadcast_to(survival, (t, *survival.shape)),
            np.broadcast_to(birth, (t, *birth.shape)),
        )
    steps = np.arange(1, inputs.n_years + 1, dtype=np.float64)
    factor = (1.0 - inputs.mortality_improvement[None, :]) ** steps[:, None]
    rates = inputs.death_rates[None] * factor[:, :, None, None]
    return survival_ratios(rates, inputs.a0)


def run(inputs: ModelInputs) -> RunResult:
    """Project every municipality ``T`` years: ``P[t+1] = steps(P[t])``, with its components."""
    inputs.validate()
    survival, birth = yearly_survival(inputs)
    ratio = (
        np.broadcast_to(ageing_ratio(survival[0]), survival.shape)
        if not np.any(inputs.mortality_improvement)
        else ageing_ratio(survival)
    )
    m, t = len(inputs.codes), inputs.n_years
    # time-major while running (each year is one contiguous block), [M, T, ...] views at the end
    # one block for all outputs: fewer page faults than seven separate allocations
    block = np.empty((7 * t + 1, m, N_SEX, N_AGE))
    population = block[: t + 1]
    population[0] = inputs.base_population
    names = (
        "births",
        "deaths",
        "in_migration",
        "out_migration",
        "housing_migration",
        "calibration",
    )
    components = {name: block[t + 1 + j * t : t + 1 + (j + 1) * t] for j, name in enumerate(names)}
    zeros = np.zeros((m, N_SEX, N_AGE))
    current = inputs.base_population
    for k in range(t):
        year = year_inputs(inputs, survival, ratio, birth, k)
        state = StepState(current, current, zeros, zeros, zeros, zeros, zeros, zeros)
        for step in STEPS:
            state = step(state, year)
        current = state.end
        population[k + 1] = current
        for name in names:
            components[name][k] = getattr(state, name)
    return RunResult(
        population=np.moveaxis(population, 0, 1),
        **{name: np.moveaxis(array, 0, 1) for name, array in components.items()},
    )
