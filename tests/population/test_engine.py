"""The engine: components add up exactly, nobody is negative, the loop oracle agrees, and a
closed population follows its life table."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from byibalance.population.engine import ModelInputs, aged, run
from byibalance.population.lifetable import life_expectancy, survival_ratios
from byibalance.population.reference import run_reference
from byibalance.population.result import N_AGE


def random_inputs(seed: int, m: int = 3, t: int = 6, targets: bool = True) -> ModelInputs:
    rng = np.random.default_rng(seed)
    asfr = np.zeros((m, N_AGE))
    asfr[:, 15:50] = rng.uniform(0, 0.15, (m, 35))
    target = np.full((m, t, 3), np.nan)
    base = rng.uniform(0, 500, (m, 2, N_AGE)) * rng.integers(0, 2, (m, 2, N_AGE))
    if targets:
        total = base.sum(axis=(1, 2))
        target[:, 1, 0] = total * rng.uniform(0.5, 1.5, m)
        target[:, 3, 1:] = base.sum(axis=2) * rng.uniform(0.5, 1.5, (m, 2))
        target[:, 3, 0] = target[:, 3, 1:].sum(axis=1)
    profile = rng.uniform(0, 1, (m, 2, N_AGE))
    return ModelInputs(
        codes=tuple(str(i) for i in range(m)),
        base_year=2020,
        base_population=base,
        death_rates=rng.uniform(0, 0.5, (m, 2, N_AGE)) ** 2,
        mortality_improvement=rng.uniform(-0.02, 0.05, m),
        asfr=asfr,
        srb=float(rng.uniform(1.0, 1.1)),
        a0=0.5,
        in_migration=rng.uniform(0, 50, (m, 2, N_AGE)),
        out_rate=rng.uniform(0, 1, (m, 2, N_AGE)),
        housing=rng.normal(0, 80, (m, t, 2, N_AGE)),
        calibration_targets=target,
        calibration_profile=profile / profile.sum(axis=(1, 2), keepdims=True),
    )


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31))
def test_components_add_up_exactly_age_by_age(seed):
    inputs = random_inputs(seed)
    r = run(inputs)
    start = r.population[:, :-1]
    rebuilt = (
        aged(start)
        - r.deaths
        + r.births
        + r.in_migration
        - r.out_migration
        + r.housing_migration
        + r.calibration
    )
    scale = max(1.0, float(np.abs(r.population).max()))
    np.testing.assert_allclose(rebuilt, r.population[:, 1:], rtol=0, atol=1e-9 * scale)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31))
def test_no_negative_counts_or_components(seed):
    r = run(random_inputs(seed))
    assert r.population.min() >= -1e-9
    for name in ("births", "deaths", "in_migration", "out_migration"):
        assert getattr(r, name).min() >= -1e-9, name
    # out-migration never takes more than the survivors at that age
    survivors = aged(r.population[:, :-1]) - r.deaths + r.births
    assert np.all(r.out_migration <= survivors + 1e-9)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31))
def test_calibration_hits_observed_totals(seed):
    inputs = random_inputs(seed)
    r = run(inputs)
    np.testing.assert_allclose(
        r.population[:, 2].sum(axis=(1, 2)), inputs.calibration_targets[:, 1, 0], rtol=1e-9
    )
    np.testing.assert_allclose(
        r.population[:, 4].sum(axis=2), inputs.calibration_targets[:, 3, 1:], rtol=1e-9
    )


def test_vectorised_engine_matches_the_per_age_loop():
    for seed in range(5):
        inputs = random_inputs(seed, m=2, t=4)
        fast, slow = run(inputs), run_reference(inputs)
        for name in ("population", "births", "deaths", "in_migration", "out_migration",
                     "housing_migration", "calibration"):  # fmt: skip
            np.testing.assert_allclose(
                getattr(fast, name), getattr(slow, name), rtol=1e-10, atol=1e-8, err_msg=name
            )


def test_closed_population_follows_the_life_table():
    inputs = random_inputs(1, m=1, t=5, targets=False)
    zero = np.zeros_like(inputs.in_migration)
    closed = ModelInputs(
        **{
            **inputs.__dict__,
            "in_migration": zero,
            "out_rate": zero,
            "housing": np.zeros_like(inputs.housing),
            "asfr": np.zeros_like(inputs.asfr),
            "mortality_improvement": np.zeros(1),
        }
    )
    r = run(closed)
    s, _ = survival_ratios(closed.death_rates, closed.a0)
    p0, p1 = r.population[0, 0], r.population[0, 1]
    np.testing.assert_allclose(p1[:, 1:100], p0[:, :99] * s[0, :, :99], rtol=1e-12)
    np.testing.assert_allclose(p1[:, 100], (p0[:, 99] + p0[:, 100]) * s[0, :, 99], rtol=1e-12)
    assert np.all(p1[:, 0] == 0)


def test_life_table_of_constant_rate_gives_known_expectancy():
    # With m constant, e0 ~ 1/m (exponential survival), up to the discrete life-table formulas.
    m = np.full(101, 0.02)
    assert abs(life_expectancy(m, 0.5) - 50.0) < 0.1
