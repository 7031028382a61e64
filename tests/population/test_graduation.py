"""Graduation keeps every 5-year group total exactly; the national-shape method is never
negative; Sprague falls back where it would go negative (DOMAIN §2.4)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from byibalance.population.graduation import (
    SPRAGUE,
    graduate_national_shape,
    graduate_sprague,
    group_totals,
)
from byibalance.population.inputs import population_cube, shape_for

groups = arrays(np.float64, 21, elements=st.floats(0, 1e5))
shapes = arrays(np.float64, 101, elements=st.floats(0, 1e5))


@settings(max_examples=200, deadline=None)
@given(groups, shapes)
def test_national_shape_keeps_totals_and_is_never_negative(p5, shape):
    single = graduate_national_shape(p5, shape)
    assert np.all(single >= 0)
    np.testing.assert_allclose(group_totals(single), p5, rtol=1e-12, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(groups, shapes)
def test_sprague_keeps_totals_and_is_never_negative(p5, shape):
    single = graduate_sprague(p5, shape)
    assert np.all(single >= 0)
    np.testing.assert_allclose(group_totals(single), p5, rtol=1e-9, atol=1e-6)


def test_sprague_columns_sum_to_one_within_own_group():
    np.testing.assert_allclose(group_totals(SPRAGUE.T), np.eye(21), atol=1e-12)


def test_sprague_is_exact_for_a_linear_population():
    # Sprague reproduces polynomials up to degree 4: a linear single-year population comes back.
    single = 100.0 + 2.0 * np.arange(101)
    single[100] = 7.0
    p5 = group_totals(single)
    np.testing.assert_allclose(graduate_sprague(p5, np.ones(101))[:100], single[:100], atol=1e-9)


def test_sprague_falls_back_on_albertslund_oldest_ages():
    cube = population_cube()
    p5 = cube.values[cube.index("165"), cube.years.index(2020)]
    raw = p5 @ SPRAGUE.T
    assert raw.min() < -1  # DOMAIN §2.4: Sprague gives negative counts at 95-99
    fixed = graduate_sprague(p5, shape_for(2020, 2020))
    assert fixed.min() >= 0
    np.testing.assert_allclose(group_totals(fixed), p5, atol=1e-9)
