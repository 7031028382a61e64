"""Life-table survival from single-year central death rates (shared/docs/DOMAIN.md §2.2).

Pure numpy, vectorised over any leading axes (``[..., age]`` with age 0..100, 100 = 100+).
"""

from __future__ import annotations

import numpy as np

from byibalance.population.result import N_AGE, FloatArray

OPEN_AGE = N_AGE - 1


def survival_ratios(m: FloatArray, a0: float) -> tuple[FloatArray, FloatArray]:
    """Survival ratios ``S`` and survival at birth ``S_b`` from central death rates ``m``.

    Formulas (DOMAIN §2.2)::

        q[a] = m[a] / (1 + 0.5 m[a])            (a >= 1);  q[0] = m[0] / (1 + (1 - a0) m[0])
        l[0] = 1;  l[a+1] = l[a] (1 - q[a])
        L[a] = 0.5 (l[a] + l[a+1]);  L[0] = l[1] + a0 (l[0] - l[1]);  L[100] = l[100] / m[100]
        S[a] = L[a+1] / L[a]  (a <= 98);  S_open = L[100] / (L[99] + L[100]);  S_b = L[0]

    Returns ``S`` shaped like ``m`` where ``S[..., a]`` (a <= 98) moves age ``a`` to ``a + 1``,
    ``S[..., 99]`` is ``S_open`` (applied to ``P[99] + P[100]``) and ``S[..., 100]`` is unused
    (set to ``S_open``); and ``S_b`` with the leading shape of ``m``.
    """
    m = np.asarray(m, dtype=np.float64)
    q = m / (1.0 + 0.5 * m)
    q[..., 0] = m[..., 0] / (1.0 + (1.0 - a0) * m[..., 0])
    q = np.clip(q, 0.0, 1.0)
    l_x = np.ones((*m.shape[:-1], N_AGE + 1))
    l_x[..., 1:] = np.cumprod(1.0 - q, axis=-1)
    big_l = 0.5 * (l_x[..., :-1] + l_x[..., 1:])
    big_l[..., 0] = l_x[..., 1] + a0 * (l_x[..., 0] - l_x[..., 1])
    m_open = np.maximum(m[..., OPEN_AGE], 1e-12)
    big_l[..., OPEN_AGE] = l_x[..., OPEN_AGE] / m_open
    s = np.empty_like(m)
    with np.errstate(divide="ignore", invalid="ignore"):
        s[..., : OPEN_AGE - 1] = np.where(
            big_l[..., : OPEN_AGE - 1] > 0,
            big_l[..., 1:OPEN_AGE] / big_l[..., : OPEN_AGE - 1],
            0.0,
        )
        denominator = big_l[..., OPEN_AGE - 1] + big_l[..., OPEN_AGE]
        s_open = np.where(denominator > 0, big_l[..., OPEN_AGE] / denominator, 0.0)
    s[..., OPEN_AGE - 1] = s_open
    s[..., OPEN_AGE] = s_open
    return s, big_l[..., 0].copy()


def life_expectancy(m: FloatArray, a0: float) -> FloatArray:
    """Life expectancy at birth ``e0 = sum_a L[a]`` (``l[0] = 1``) from central death rates."""
    m = np.asarray(m, dtype=np.float64)
    q = m / (1.0 + 0.5 * m)
    q[..., 0] = m[..., 0] / (1.0 + (1.0 - a0) * m[..., 0])
    q = np.clip(q, 0.0, 1.0)
    l_x = np.ones((*m.shape[:-1], N_AGE + 1))
    l_x[..., 1:] = np.cumprod(1.0 - q, axis=-1)
    big_l = 0.5 * (l_x[..., :-1] + l_x[..., 1:])
    big_l[..., 0] = l_x[..., 1] + a0 * (l_x[..., 0] - l_x[..., 1])
    big_l[..., OPEN_AGE] = l_x[..., OPEN_AGE] / np.maximum(m[..., OPEN_AGE], 1e-12)
    result: FloatArray = big_l.sum(axis=-1)
    return result


def rates_single_age(m5: FloatArray) -> FloatArray:
    """Single-year central death rates from 5-year-group rates, interpolated in log m.

    ``m5[..., g]`` is the rate of ages ``5g..5g+4`` (g = 0..19) and ``m5[..., 20]`` of 100+.
    ``log m`` is interpolated linearly between group mid-points ``5g + 2.5`` (flat beyond the
    first and last), evaluated at ``a + 0.5``, then each group is rescaled so that its mean rate
    equals ``m5`` exactly. Groups with a zero rate stay zero. The 100+ rate is copied.
    """
    m5 = np.asarray(m5, dtype=np.float64)
    lead = m5.shape[:-1]
    flat5 = m5.reshape(-1, m5.shape[-1])
    out = np.zeros((flat5.shape[0], N_AGE))
    mids = np.arange(20) * 5 + 2.5
    ages = np.arange(OPEN_AGE) + 0.5
    for i, row in enumerate(flat5):
        closed = row[:20]
        positive = closed > 0
        if positive.sum() >= 2:
            log_m = np.interp(ages, mids[positive], np.log(closed[positive]))
            single = np.exp(log_m).reshape(20, 5)
            scale = np.where(positive, closed / single.mean(axis=1), 0.0)
            out[i, :OPEN_AGE] = (single * scale[:, None]).ravel()
        else:
            out[i, :OPEN_AGE] = np.repeat(closed, 5)
        out[i, OPEN_AGE] = row[20]
    return out.reshape((*lead, N_AGE))
