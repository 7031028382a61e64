"""Equalisation invariants: the general equalisation and the need equalisation are zero-sum
across Denmark when the national averages are the population-weighted means; the § 13 cap; the
§ 19 grant; the tax sanction."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byibalance.finance import (
    EqualisationRates,
    MunicipalFigures,
    NationalFigures,
    equalise,
    grant_19,
    tax_sanction,
)
from byibalance.finance.equalisation import capped_low_rate

RATES = EqualisationRates(
    general_rate=0.75, low_rate=0.20, low_threshold=0.90, high_rate=0.18, high_threshold=1.25,
    cap_floor_rate=0.2325, cap_share=0.93, need_rate=0.93, extra_need_rate=0.02,
    age_share=0.67, socio_share=0.33, decline_share=0.0062, decline_threshold=1.25,
)

municipality = st.tuples(
    st.floats(min_value=2_000, max_value=600_000),     # N
    st.floats(min_value=100_000, max_value=350_000),   # b per inhabitant
    st.floats(min_value=20_000, max_value=90_000),     # age need per inhabitant
)


@settings(max_examples=60, deadline=None)
@given(st.lists(municipality, min_size=2, max_size=12))
def test_general_and_need_equalisation_are_zero_sum(towns):
    n_dk = sum(n for n, _, _ in towns)
    b_avg = sum(n * b for n, b, _ in towns) / n_dk
    # socio need is zero here (index 0); Total is then the sum of the age needs
    total = sum(n * a for n, _, a in towns)
    national = NationalFigures(tau=0.25, tax_base_per_inhabitant=b_avg, total_need=total,
                               population=n_dk, extra_need_financing_per_inhabitant=0.0)
    results = [
        equalise(RATES, national, MunicipalFigures(
            population=n, tax_base=n * b, tax_rate=0.25, age_need=n * a,
            socio_index={"k": 0.0}, socio_weights={"k": 1.0}))
        for n, b, a in towns
    ]
    # zero up to floating-point rounding of the gross amounts (tolerance 1e-9 of them)
    assert abs(sum(r.general for r in results)) <= 1e-9 * b_avg * n_dk
    assert abs(sum(r.need for r in results)) <= 1e-9 * total
    for r in results:
        assert r.total == pytest.approx(r.tax_base_total + r.need_total)
        assert r.low >= 0 and r.high <= 0 and r.extra_need >= 0


def test_section_13_cap():
    # max(t, 23.25 %) * 0.93 / tau - 0.75: at tau = 25 % and t = 25 % the cap binds at 0.18
    assert capped_low_rate(RATES, 0.25, 0.25) == pytest.approx(0.18)
    # a high-tax municipality keeps the full 20 %
    assert capped_low_rate(RATES, 0.28, 0.25) == pytest.approx(0.20)
    # below 23.25 % the floor rate is used
    assert capped_low_rate(RATES, 0.20, 0.25) == pytest.approx(0.2325 * 0.93 / 0.25 - 0.75)


def test_grant_19_split_by_factor_times_population():
    # Albertslund (factor 2, 27,731 in 2020) among 423,577 weighted persons
    others = 423_577 - 2 * 27_731
    assert grant_19(604.6e6, 2, 27_731, others) == pytest.approx(604.6e6 * 55_462 / 423_577)
    assert grant_19(604.6e6, 0, 27_731, others) == 0.0


def test_tax_sanction_is_cut_over_four_years_and_ignores_cuts():
    rates = {2026: 0.25, 2027: 0.26, 2028: 0.26, 2029: 0.255, 2030: 0.255, 2031: 0.255}
    base = dict.fromkeys(rates, 1e9)
    cut = tax_sanction(rates, base, (0.75, 0.5, 0.5, 0.25))
    rise = 0.01 * 1e9
    assert cut == pytest.approx({2026: 0.0, 2027: -0.75 * rise, 2028: -0.5 * rise,
                                 2029: -0.5 * rise, 2030: -0.25 * rise, 2031: 0.0})
