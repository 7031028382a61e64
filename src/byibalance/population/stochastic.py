"""Stochastic projections: many paths of the cohort-component model, as one array program.

The deterministic engine (:mod:`.engine`) runs ``[M, 2, 101]`` arrays. Here the leading axis is
``rows = municipalities x paths`` and every path gets its own draws (docs/model.md, Uncertainty):

- fertility: ``f_t = f * exp(x_t)``, ``x_t = phi_f x_{t-1} + s sigma_f e_t`` (AR(1) on log TFR
  around the local level, ``x_0 = 0``; ``phi_f``, ``sigma_f`` from the national TFR series);
- mortality: ``m_t = m (1 - r)^(t+1) exp(z_t)``, ``z_t = s sigma_m e_t`` (yearly level shifts
  around the trend; ``sigma_m`` from the detrended provincial death-rate levels);
- migration: extra net migration by 5-year age group ``g``, ``d_{t,g} P_0[a]`` at each age
  ``a`` of ``g`` with ``d_{t,g} = s tau[m] (u + e_t) + s_a sigma[m, g] (u_g + e_{t,g})``: a common
  part (``tau[m]``, the SD over the years of the municipality's own total residual net-migration
  rate, or of its gross flows' net rate where its levels come from them) and an age-specific part
  (``sigma[m, g]``, the same for the rate of group ``g``), each a level held for the whole path
  (``u``) plus yearly shifts (``e``); gains are added to in-migration, losses to the
  out-migration rate;
- housing timing: each project not begun before the first free (uncalibrated) year is delayed
  ``d`` whole years with probabilities ``delay_probabilities`` (an assumption).

``s`` (all draws but the age-specific migration) and ``s_a`` (the age-specific migration) are
two spread scales fitted on the 2015-2020 back-test (in-sample): ``s`` to the coverage of the
totals, ``s_a`` to that of the age groups. The steps themselves are the engine's
(``survive, migrate, add_housing, give_birth, calibrate``), so a path with all draws zero equals
the deterministic run. Pure: typed arrays in, typed arrays out; seeds come in as
:class:`numpy.random.SeedSequence` keys ``(seed, municipality code, chunk)`` so any split of the
work over processes or machines gives identical paths. A housing project's delay has its own
key ``(seed, municipality code, chunk, 1, CRC-32 of the project id)``, so a scenario that drops,
adds or moves one project keeps the other projects' delays of the baseline.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from byibalance.errors import PopulationError
from byibalance.population.engine import (
    STEPS,
    ModelInputs,
    StepState,
    YearInputs,
    ageing_ratio,
)
from byibalance.population.lifetable import survival_ratios
from byibalance.population.result import N_AGE, N_SEX, FloatArray
from byibalance.provenance import Status

CHUNK_PATHS = 1000
"""Paths per chunk: the unit of seeding, so results never depend on how work is split."""

DEFAULT_PERCENTILES = (10.0, 50.0, 90.0)

SERVICE_GROUPS: tuple[tuple[int, int], ...] = (
    (0, 2),
    (3, 5),
    (6, 16),
    (17, 24),
    (25, 64),
    (65, 79),
    (80, 100),
)
"""Age groups of the fans (both sexes): the service areas' groups, and the rest of life."""

FIVE_YEAR_GROUPS: tuple[tuple[int, int], ...] = (
    *((lo, lo + 4) for lo in range(0, 95, 5)),
    (95, 100),
)
"""0-4 ... 90-94 and 95+ (both sexes): the back-test's age groups."""


@dataclass(frozen=True)
class Labelled:
    """A number with its status and where it comes from (shown in every summary)."""

    value: float
    status: Status
    source: str


@dataclass(frozen=True)
class SpreadSpec:
    """The distributions of the draws (see the module docstring for the formulas).

    ``migration_sigma[M, G]`` is per municipality and 5-year age group (:data:`FIVE_YEAR_GROUPS`),
    ``migration_total_sigma[M]`` and ``migration_sources[M]`` (where each municipality's migration
    spread comes from: its residual or its gross flows; empty: ``migration_source`` for all) per
    municipality; everything else is shared. ``migration_source`` says it for the whole run.
    """

    tfr_phi: Labelled
    tfr_sigma: Labelled
    mortality_sigma: Labelled
    migration_source: str
    migration_sigma: FloatArray
    migration_total_sigma: FloatArray
    delay_probabilities: tuple[float, ...]
    delay_status: Status
    delay_source: str
    scale: Labelled
    age_scale: Labelled
    migration_sources: tuple[str, ...] = ()

    def migration_source_of(self, index: int) -> str:
        """Where the migration spread of the municipality at ``index`` comes from."""
        return self.migration_sources[index] if self.migration_sources else self.migration_source

    def validate(self, m: int) -> None:
        """Raise :class:`PopulationError` naming the bad field."""
        probs = np.asarray(self.delay_probabilities)
        if probs.size == 0 or np.any(probs < 0) or abs(probs.sum() - 1.0) > 1e-9:
            raise PopulationError(
                f"delay probabilities {self.delay_probabilities} must be >= 0 and sum to 1",
                fix="Give one probability per delay of 0, 1, 2, ... years, summing to 1",
            )
        if not -1.0 < self.tfr_phi.value < 1.0:
            raise PopulationError(
                f"tfr_phi = {self.tfr_phi.value} is not a stationary AR(1) coefficient",
                fix="Use a value strictly between -1 and 1",
            )
        for name in ("tfr_sigma", "mortality_sigma", "scale", "age_scale"):
            if not getattr(self, name).value >= 0:
                raise PopulationError(
                    f"{name} must be zero or positive", fix="Check the spread estimation"
                )
        if self.migration_total_sigma.shape != (m,) or np.any(~(self.migration_total_sigma >= 0)):
            raise PopulationError(
                f"migration_total_sigma has shape {self.migration_total_sigma.shape} or "
                f"negative values, expected ({m},) and >= 0",
                fix="Estimate one total migration spread per municipality",
            )
        if self.migration_sources and len(self.migration_sources) != m:
            raise PopulationError(
                f"migration_sources names {len(self.migration_sources)} sources for {m} "
                "municipalities",
                fix="Give one migration spread source per municipality, or none",
            )
        expected = (m, len(FIVE_YEAR_GROUPS))
        if self.migration_sigma.shape != expected or np.any(~(self.migration_sigma >= 0)):
            raise PopulationError(
                f"migration_sigma has shape {self.migration_sigma.shape} or negative values, "
                f"expected {expected} and >= 0",
                fix="Estimate one migration spread per municipality",
            )

    def notes(self, index: int | None = None) -> tuple[str, ...]:
        """One line per distribution, with its status, for summaries and reports: for the run
        (medians of the migration spreads), or for the municipality at ``index`` (its own)."""
        probs = ", ".join(f"{d}y {p:.0%}" for d, p in enumerate(self.delay_probabilities))
        if index is None:
            common = f"median SD {float(np.median(self.migration_total_sigma)):.4f}"
            by_age = float(np.median(self.migration_sigma))
            source = self.migration_source
        else:
            common = f"SD {float(self.migration_total_sigma[index]):.4f}"
            by_age = float(np.median(self.migration_sigma[index]))
            source = self.migration_source_of(index)
        return (
            f"fertility: AR(1) on log TFR, phi {self.tfr_phi.value:.3f}, sigma "
            f"{self.tfr_sigma.value:.4f} ({self.tfr_phi.status.value}: {self.tfr_phi.source})",
            f"mortality: yearly shifts of the log level, sigma {self.mortality_sigma.value:.4f} "
            f"({self.mortality_sigma.status.value}: {self.mortality_sigma.source})",
            f"migration: path level plus yearly shifts of the net rate, common ({common}) and by "
            f"age group (median SD {by_age:.4f}) (estimate: {source})",
            f"housing delays: {probs} ({self.delay_status.value}: {self.delay_source})",
            f"spread scales {self.scale.value:.2f} (totals) and {self.age_scale.value:.2f} "
            f"(age groups) ({self.scale.status.value}: {self.scale.source})",
        )


@dataclass(frozen=True)
class StochasticInputs:
    """The deterministic inputs plus what the draws act on.

    - ``project_gains[m]`` and ``project_losses[m]``: ``[J_m, T]`` net residents gained and lost
      per housing project and step (as :func:`.housing.project_residents`);
    - ``delayable[m]``: ``[J_m]`` bool, projects not begun before ``first_free_step``;
    - ``new_profile`` / ``existing_profile`` ``[M, 2, 101]``: how gains and losses are spread;
    - ``project_ids[m]``: the projects' ids (``J_m`` texts); each project's delay is drawn from
      its own generator keyed by its id, so dropping or adding a project in a scenario leaves
      the other projects' delays as in the baseline (empty: keyed by position).
    """

    model: ModelInputs
    spread: SpreadSpec
    project_gains: tuple[FloatArray, ...]
    project_losses: tuple[FloatArray, ...]
    delayable: tuple[np.ndarray, ...]
    new_profile: FloatArray
    existing_profile: FloatArray
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    project_ids: tuple[tuple[str, ...], ...] = ()

    def subset(self, indices: Sequence[int]) -> StochasticInputs:
        """The inputs of some municipalities only (same draws for each: seeds use codes)."""
        idx = list(indices)
        mi = self.model
        model = ModelInputs(
            codes=tuple(mi.codes[i] for i in idx),
            base_year=mi.base_year,
            base_population=mi.base_population[idx],
            death_rates=mi.death_rates[idx],
            mortality_improvement=mi.mortality_improvement[idx],
            asfr=mi.asfr[idx],
            srb=mi.srb,
            a0=mi.a0,
            in_migration=mi.in_migration[idx],
            out_rate=mi.out_rate[idx],
            housing=mi.housing[idx],
            calibration_targets=mi.calibration_targets[idx],
            calibration_profile=mi.calibration_profile[idx],
        )
        sources = self.spread.migration_sources
        spread = SpreadSpec(
            **{
                **self.spread.__dict__,
                "migration_sigma": self.spread.migration_sigma[idx],
                "migration_total_sigma": self.spread.migration_total_sigma[idx],
                "migration_sources": tuple(sources[i] for i in idx) if sources else (),
            }
        )
        return StochasticInputs(
            model=model,
            spread=spread,
            project_gains=tuple(self.project_gains[i] for i in idx),
            project_losses=tuple(self.project_losses[i] for i in idx),
            delayable=tuple(self.delayable[i] for i in idx),
            new_profile=self.new_profile[idx],
            existing_profile=self.existing_profile[idx],
            notes={c: self.notes[c] for c in model.codes if c in self.notes},
            project_ids=tuple(self.project_ids[i] for i in idx) if self.project_ids else (),
        )


@dataclass(frozen=True)
class Draws:
    """The random inputs of ``P`` paths of ``M`` municipalities (rows ``m * P + p``).

    ``tfr_log[N, T]``, ``mortality_log[N, T]``, ``migration_rate[N, T, G]``, ``delays[m]`` is
    ``[P, J_m]`` whole years.
    """

    tfr_log: FloatArray
    mortality_log: FloatArray
    migration_rate: FloatArray
    delays: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class PathResult:
    """Per path summaries of a chunk (rows ``m * P + p``; years ``base_year .. base_year+T``).

    ``totals[N, T+1]``; ``groups[N, T+1, G]`` both sexes for ``age_groups``; ``population`` the
    full ``[K, T+1, 2, 101]`` of the first ``keep`` paths of each municipality (rows ``m*K+k``).
    """

    codes: tuple[str, ...]
    paths: int
    base_year: int
    totals: FloatArray
    groups: FloatArray
    age_groups: tuple[tuple[int, int], ...]
    population: FloatArray


def seed_sequence(seed: int, code: str, chunk: int) -> np.random.SeedSequence:
    """The seed of one municipality's chunk of paths: ``SeedSequence(seed, spawn_key=(code,
    chunk))``, i.e. the child ``SeedSequence(seed).spawn`` would give at that key."""
    return np.random.SeedSequence(seed, spawn_key=(int(code), chunk))


def project_seed(seed: int, code: str, chunk: int, project: str) -> np.random.SeedSequence:
    """The seed of one housing project's delays: keyed by the project's id (CRC-32 of its
    UTF-8 text), so the draw of one project does not depend on which others are in the run."""
    return np.random.SeedSequence(
        seed, spawn_key=(int(code), chunk, 1, zlib.crc32(project.encode("utf-8")))
    )


def _delays(
    seed: int, code: str, chunk: int, paths: int, ids: Sequence[str], probs: FloatArray
) -> np.ndarray:
    """``[P, J]`` whole years of delay, one column per project from its own generator."""
    out = np.zeros((paths, len(ids)), dtype=np.int64)
    for j, project in enumerate(ids):
        rng = np.random.default_rng(project_seed(seed, code, chunk, project))
        out[:, j] = rng.choice(len(probs), size=paths, p=probs)
    return out


def _ar1(rng: np.random.Generator, n: int, t: int, phi: float, sigma: float) -> FloatArray:
    """``x_k = phi x_{k-1} + sigma e_k``, ``x_{-1} = 0``, ``[n, t]``."""
    shocks = rng.standard_normal((n, t)) * sigma
    out = np.empty((n, t))
    prev = np.zeros(n)
    for k in range(t):
        prev = phi * prev + shocks[:, k]
        out[:, k] = prev
    return out


def draw(inputs: StochasticInputs, seed: int, chunk: int, paths: int) -> Draws:
    """Draw ``paths`` paths for every municipality, each from its own generator
    ``seed_sequence(seed, code, chunk)`` (so subsets and splits give the same paths)."""
    sp = inputs.spread
    s = sp.scale.value
    t = inputs.model.n_years
    probs = np.asarray(sp.delay_probabilities)
    tfr, mort, mig, delays = [], [], [], []
    for i, code in enumerate(inputs.model.codes):
        rng = np.random.default_rng(seed_sequence(seed, code, chunk))
        tfr.append(_ar1(rng, paths, t, sp.tfr_phi.value, s * sp.tfr_sigma.value))
        mort.append(rng.standard_normal((paths, t)) * s * sp.mortality_sigma.value)
        sigma = sp.age_scale.value * sp.migration_sigma[i]  # [G]
        n_groups = sigma.shape[0]
        level = rng.standard_normal((paths, 1, n_groups))
        own = sigma * (level + rng.standard_normal((paths, t, n_groups)))
        tau = s * float(sp.migration_total_sigma[i])
        common = tau * (rng.standard_normal((paths, 1, 1)) + rng.standard_normal((paths, t, 1)))
        mig.append(own + common)
        j = len(inputs.delayable[i])
        ids = inputs.project_ids[i] if inputs.project_ids else tuple(f"#{k}" for k in range(j))
        if len(ids) != j:
            raise PopulationError(
                f"municipality {code} has {len(ids)} project ids for {j} housing projects",
                "Build the stochastic inputs with byibalance.batch.prepare, which names them all",
            )
        delays.append(_delays(seed, code, chunk, paths, ids, probs))
    return Draws(np.concatenate(tfr), np.concatenate(mort), np.concatenate(mig), tuple(delays))


def zero_draws(inputs: StochasticInputs, paths: int) -> Draws:
    """Draws that are all zero: every path is the deterministic projection."""
    n, t = len(inputs.model.codes) * paths, inputs.model.n_years
    zeros = np.zeros((n, t))
    return Draws(
        zeros,
        zeros,
        np.zeros((n, t, len(FIVE_YEAR_GROUPS))),
        tuple(np.zeros((paths, len(d)), dtype=np.int64) for d in inputs.delayable),
    )


def _housing_shift(inputs: StochasticInputs, draws: Draws, paths: int) -> tuple[FloatArray, ...]:
    """(extra gains, extra losses) ``[N, T]`` of persons from delaying projects."""
    t = inputs.model.n_years
    m = len(inputs.model.codes)
    gains = np.zeros((m * paths, t))
    losses = np.zeros((m * paths, t))
    for i in range(m):
        movable = np.flatnonzero(inputs.delayable[i])
        rows = slice(i * paths, (i + 1) * paths)
        for j in movable:
            for series, out in (
                (inputs.project_gains[i][j], gains),
                (inputs.project_losses[i][j], losses),
            ):
                if not np.any(series):
                    continue
                d = draws.delays[i][:, j]  # [P]
                idx = np.arange(t)[None, :] - d[:, None]  # [P, T]
                shifted = np.where(idx >= 0, series[np.clip(idx, 0, t - 1)], 0.0)
                out[rows] += shifted - series[None, :]
    return gains, losses


def simulate(
    inputs: StochasticInputs,
    draws: Draws,
    paths: int,
    age_groups: Sequence[tuple[int, int]] = SERVICE_GROUPS,
    keep: int = 0,
) -> PathResult:
    """Run ``paths`` paths of every municipality with the engine's steps (rows ``m * P + p``).

    Per step ``k`` and row: ``f = f_m exp(x_k)``; ``S`` from ``m_m (1 - r)^(k+1) exp(z_k)``;
    ``I = I_m + max(d_k[g(a)], 0) P_0[a]``, ``o = min(o_m + max(-d_k[g(a)], 0), 1)``; ``H = H_m[k] +
    dG_k g_new - dL_k g_exist``; then ``survive, migrate, add_housing, give_birth, calibrate``.
    """
    mi = inputs.model
    mi.validate()
    m, t = len(mi.codes), mi.n_years
    inputs.spread.validate(m)
    n = m * paths
    if draws.tfr_log.shape != (n, t):
        raise PopulationError(
            f"draws have shape {draws.tfr_log.shape}, expected {(n, t)}",
            fix="Draw as many paths as are simulated",
        )
    keep = min(keep, paths)
    row_muni = np.repeat(np.arange(m), paths)
    exposure = mi.base_population[row_muni]  # [N, 2, 101]
    group_of_age = np.zeros(N_AGE, dtype=np.int64)
    for g, (lo, hi) in enumerate(FIVE_YEAR_GROUPS):
        group_of_age[lo : hi + 1] = g
    in_profile = mi.calibration_profile[row_muni]
    new_profile = inputs.new_profile[row_muni]
    existing_profile = inputs.existing_profile[row_muni]
    extra_gain, extra_loss = _housing_shift(inputs, draws, paths)
    indicator = np.zeros((N_AGE, len(age_groups)))
    for g, (lo, hi) in enumerate(age_groups):
        indicator[lo : hi + 1, g] = 1.0

    totals = np.empty((n, t + 1))
    groups = np.empty((n, t + 1, len(age_groups)))
    kept_rows = (np.arange(m)[:, None] * paths + np.arange(keep)[None, :]).reshape(-1)
    population = np.empty((m * keep, t + 1, N_SEX, N_AGE))

    current = mi.base_population[row_muni]
    zeros = np.zeros((n, N_SEX, N_AGE))
    rates = mi.death_rates[row_muni]
    improvement = (1.0 - mi.mortality_improvement[row_muni])[:, None, None]
    asfr = mi.asfr[row_muni]
    in_base = mi.in_migration[row_muni]
    out_base = mi.out_rate[row_muni]
    targets = mi.calibration_targets[row_muni]
    housing = mi.housing[row_muni]

    def record(k: int, pop: FloatArray) -> None:
        totals[:, k] = pop.sum(axis=(1, 2))
        groups[:, k] = pop.sum(axis=1) @ indicator
        if keep:
            population[:, k] = pop[kept_rows]

    record(0, current)
    for k in range(t):
        step_rates = (
            rates * improvement ** (k + 1) * np.exp(draws.mortality_log[:, k])[:, None, None]
        )
        survival, birth = survival_ratios(step_rates, mi.a0)
        d = draws.migration_rate[:, k][:, None, group_of_age]  # [N, 1, 101]
        year = YearInputs(
            survival=survival,
            ageing_ratio=ageing_ratio(survival),
            survival_at_birth=birth,
            asfr=asfr * np.exp(draws.tfr_log[:, k])[:, None],
            srb=mi.srb,
            in_migration=in_base + np.maximum(d, 0.0) * exposure,
            out_rate=np.minimum(out_base + np.maximum(-d, 0.0), 1.0),
            housing=housing[:, k]
            + extra_gain[:, k, None, None] * new_profile
            - extra_loss[:, k, None, None] * existing_profile,
            target=targets[:, k],
            calibration_profile=in_profile,
        )
        state = StepState(current, current, zeros, zeros, zeros, zeros, zeros, zeros)
        for step in STEPS:
            state = step(state, year)
        current = state.end
        record(k + 1, current)
    return PathResult(
        codes=mi.codes,
        paths=paths,
        base_year=mi.base_year,
        totals=totals,
        groups=groups,
        age_groups=tuple(age_groups),
        population=population,
    )


def chunks(paths: int) -> list[tuple[int, int]]:
    """``(chunk index, paths in it)`` for ``paths`` paths in chunks of :data:`CHUNK_PATHS`."""
    if paths < 1:
        raise PopulationError(
            f"the number of paths must be at least 1, not {paths}",
            fix="Give --paths 1 or more (1,000 is a good start)",
        )
    full, rest = divmod(paths, CHUNK_PATHS)
    out = [(c, CHUNK_PATHS) for c in range(full)]
    if rest:
        out.append((full, rest))
    return out


def simulate_chunk(
    inputs: StochasticInputs,
    seed: int,
    chunk: int,
    paths: int,
    age_groups: Sequence[tuple[int, int]] = SERVICE_GROUPS,
    keep: int = 0,
) -> PathResult:
    """Draw and simulate one chunk: ``simulate(inputs, draw(inputs, seed, chunk, paths))``."""
    return simulate(inputs, draw(inputs, seed, chunk, paths), paths, age_groups, keep)


def combine(results: Sequence[PathResult]) -> PathResult:
    """Chunks of the same municipalities joined along the paths (in the order given)."""
    first = results[0]
    m = len(first.codes)
    total_paths = sum(r.paths for r in results)

    def join(name: str, per: int | None = None) -> FloatArray:
        parts = []
        for r in results:
            a = getattr(r, name)
            size = r.paths if per is None else (a.shape[0] // m if m else 0)
            parts.append(a.reshape(m, size, *a.shape[1:]))
        joined = np.concatenate(parts, axis=1)
        return joined.reshape(-1, *joined.shape[2:])

    return PathResult(
        codes=first.codes,
        paths=total_paths,
        base_year=first.base_year,
        totals=join("totals"),
        groups=join("groups"),
        age_groups=first.age_groups,
        population=join("population", per=0),
    )


def run_paths(
    inputs: StochasticInputs,
    paths: int,
    seed: int = 0,
    age_groups: Sequence[tuple[int, int]] = SERVICE_GROUPS,
    keep: int = 0,
) -> PathResult:
    """All paths in this process, chunk after chunk (the reference the Dask runs must equal)."""
    parts = []
    for chunk, size in chunks(paths):
        parts.append(
            simulate_chunk(inputs, seed, chunk, size, age_groups, keep if chunk == 0 else 0)
        )
    return combine(parts)


@dataclass(frozen=True)
class Fan:
    """Percentiles of one quantity: ``values[M, Q, T+1]`` for ``percentiles[Q]`` and ``years``."""

    codes: tuple[str, ...]
    years: np.ndarray
    percentiles: tuple[float, ...]
    values: FloatArray


def check_percentiles(percentiles: Sequence[float]) -> tuple[float, ...]:
    """Sorted unique percentiles, each in [0, 100]; a :class:`PopulationError` otherwise."""
    out = tuple(sorted({float(p) for p in percentiles}))
    if not out or out[0] < 0 or out[-1] > 100:
        raise PopulationError(
            f"percentiles {list(percentiles)} must be between 0 and 100",
            fix="Give e.g. --percentiles 10,50,90",
        )
    return out


def fan(
    values: FloatArray,
    codes: Sequence[str],
    base_year: int,
    paths: int,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
) -> Fan:
    """Percentiles over the paths of ``values[m * P + p, T+1]`` (linear interpolation)."""
    pct = check_percentiles(percentiles)
    m = len(codes)
    shaped = values.reshape(m, paths, -1)
    q = np.percentile(shaped, pct, axis=1)  # [Q, M, T+1]
    years = np.arange(base_year, base_year + shaped.shape[-1])
    return Fan(tuple(codes), years, pct, np.moveaxis(q, 0, 1))


def probability(values: FloatArray, codes: Sequence[str], paths: int, below: float) -> FloatArray:
    """``P(value < below)`` per municipality and year: the share of paths ``[M, T+1]``."""
    shaped = values.reshape(len(codes), paths, -1)
    result: FloatArray = (shaped < below).mean(axis=1)
    return result


def coverage(lower: FloatArray, upper: FloatArray, actual: FloatArray) -> float:
    """The share of ``actual`` inside ``[lower, upper]`` (all arrays alike)."""
    inside = (actual >= lower) & (actual <= upper)
    return float(inside.mean())
