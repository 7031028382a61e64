"""The 2020-reform equalisation (udligning) and general grants, from the law's formulas.

Pure functions on typed inputs (shared/docs/DOMAIN.md §4.1, [P udl]). Money in DKK, tax rates and
shares as fractions (0.256, not 25.6). National figures are inputs: the law fixes the rates, the
yearly national totals (tau, b_avg, Total, ...) come from ISM's yearly tables and are parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class EqualisationRates:
    """The rates and thresholds of udligningsloven (§§ 2-5, 13)."""

    general_rate: float  # 0.75, generel udligning af beskatningsgrundlag
    low_rate: float  # 0.20, supplerende udligning under 90 %
    low_threshold: float  # 0.90 of b_avg
    high_rate: float  # 0.18, reduction above 125 %
    high_threshold: float  # 1.25 of b_avg
    cap_floor_rate: float  # 0.2325: the § 13 cap uses max(t_own, 23.25 %)
    cap_share: float  # 0.93: the § 13 cap share
    need_rate: float  # 0.93, udligning af udgiftsbehov
    extra_need_rate: float  # 0.02, the extra need grant above the average
    age_share: float  # 0.67 of Total is age-based need
    socio_share: float  # 0.33 of Total is socio-economic need
    decline_share: float  # 0.0062: A raised for a declining municipality
    decline_threshold: float  # 1.25: only below 125 % of b_avg


@dataclass(frozen=True)
class NationalFigures:
    """National figures held fixed for one municipality (it is about 0.5 % of Denmark)."""

    tau: float  # average tax level (share)
    tax_base_per_inhabitant: float  # b_avg, DKK
    total_need: float  # Total, DKK: national spending that the need equalisation covers
    population: float  # N_DK
    extra_need_financing_per_inhabitant: float  # per-capita financing of the 2 % extra grant


@dataclass(frozen=True)
class MunicipalFigures:
    """One municipality's inputs for one year."""

    population: float  # N
    tax_base: float  # UG, DKK (b = UG / N)
    tax_rate: float  # t_own
    age_need: float  # A = sum_g N_g e[g], DKK
    socio_index: Mapping[str, float]  # criterion -> c_k/c_DK_k relative to N/N_DK (1 = average)
    socio_weights: Mapping[str, float]  # criterion -> w_k (sum 1)
    socio_need: float | None = None  # S given directly (criteria counts held fixed)
    declining: bool = False  # population fell over the last 5 years


@dataclass(frozen=True)
class Equalisation:
    """Components of the equalisation; positive = received by the municipality (DKK).

    ``total = general + low + high + need + extra_need + extra_need_financing``.
    """

    general: float
    low: float
    high: float
    need: float
    extra_need: float
    extra_need_financing: float
    low_rate_used: float
    tax_base_per_inhabitant: float
    need_per_inhabitant: float
    average_need_per_inhabitant: float
    age_need: float
    socio_need: float

    @property
    def tax_base_total(self) -> float:
        """Tax-base equalisation (§ 2 and § 13): general + low + high."""
        return self.general + self.low + self.high

    @property
    def need_total(self) -> float:
        """Expenditure-need equalisation (§§ 3-5): need + extra_need + its financing."""
        return self.need + self.extra_need + self.extra_need_financing

    @property
    def total(self) -> float:
        """All equalisation: tax-base part plus need part."""
        return self.tax_base_total + self.need_total


def capped_low_rate(rates: EqualisationRates, tax_rate: float, tau: float) -> float:
    """The § 13 cap on the supplementary rate.

    ``max_rate = max(t_own, 23.25 %) * 93 % / tau - 75 %``; the low-tax-base rate used is
    ``min(0.20, max(0, max_rate))``.
    """
    max_rate = max(tax_rate, rates.cap_floor_rate) * rates.cap_share / tau - rates.general_rate
    return min(rates.low_rate, max(0.0, max_rate))


def socio_need(
    total_need: float, socio_share: float, population: float, national_population: float,
    index: Mapping[str, float], weights: Mapping[str, float],
) -> float:
    """``S = socio_share * Total * sum_k w_k * c_k / c_DK_k``.

    The counts are given relative to population: ``c_k / c_DK_k = index_k * N / N_DK``.
    """
    weighted = sum(weights[k] * index.get(k, 1.0) for k in weights)
    return socio_share * total_need * weighted * population / national_population


def equalise(
    rates: EqualisationRates, national: NationalFigures, municipal: MunicipalFigures
) -> Equalisation:
    """Equalisation of one municipality in one year (udligningsloven, 2020 reform).

    With ``b = UG/N``::

        general = 0.75*tau*(b_avg - b)*N
        low     = r_low*tau*max(0, 0.9*b_avg - b)*N        r_low capped by § 13
        high    = -0.18*tau*max(0, b - 1.25*b_avg)*N
        A'      = A * (1 + 0.0062) if declining over 5 years and b < 1.25*b_avg, else A
        v       = (A' + S)/N,  v_avg = Total/N_DK
        need    = 0.93*(v - v_avg)*N
        extra   = 0.02*max(0, v - v_avg)*N,  financed per capita
    """
    n = municipal.population
    b = municipal.tax_base / n
    b_avg = national.tax_base_per_inhabitant
    tau = national.tau
    r_low = capped_low_rate(rates, municipal.tax_rate, tau)
    general = rates.general_rate * tau * (b_avg - b) * n
    low = r_low * tau * max(0.0, rates.low_threshold * b_avg - b) * n
    high = -rates.high_rate * tau * max(0.0, b - rates.high_threshold * b_avg) * n
    s_need = municipal.socio_need if municipal.socio_need is not None else socio_need(
        national.total_need, rates.socio_share, n, national.population,
        municipal.socio_index, municipal.socio_weights,
    )
    age_need = municipal.age_need
    if municipal.declining and b < rates.decline_threshold * b_avg:
        age_need *= 1.0 + rates.decline_share
    v = (age_need + s_need) / n
    v_avg = national.total_need / national.population
    need = rates.need_rate * (v - v_avg) * n
    extra = rates.extra_need_rate * max(0.0, v - v_avg) * n
    financing = -national.extra_need_financing_per_inhabitant * n
    return Equalisation(
        general=general, low=low, high=high, need=need, extra_need=extra,
        extra_need_financing=financing, low_rate_used=r_low, tax_base_per_inhabitant=b,
        need_per_inhabitant=v, average_need_per_inhabitant=v_avg,
        age_need=age_need, socio_need=s_need,
    )


def grant_19(pool: float, factor: float, population: float, others_weighted: float) -> float:
    """§ 19 grant: ``pool * f * N / (f * N + sum_{j != i} f_j * N_j)`` (the others held fixed)."""
    if factor == 0:
        return 0.0
    return pool * factor * population / (others_weighted + factor * population)


def tax_sanction(
    rate_by_year: Mapping[int, float], tax_base_by_year: Mapping[int, float],
    shares: tuple[float, ...],
) -> dict[int, float]:
    """Block-grant cut for tax rises, individual part ([D skattesank]).

    A rise ``inc = (t[y] - t[y-1]) * UG[y]`` in year ``y`` is cut ``s[k] * inc`` in year
    ``y + k`` (``s = 0.75, 0.5, 0.5, 0.25``); the collective part is not modelled (its formula is
    not known). Returns the cut per year as a negative amount.
    """
    years = sorted(rate_by_year)
    cut = {y: 0.0 for y in years}
    for prev, year in pairwise(years):
        rise = rate_by_year[year] - rate_by_year[prev]
        if rise <= 0:
            continue
        inc = rise * tax_base_by_year[year]
        for k, share in enumerate(shares):
            if year + k in cut:
                cut[year + k] -= share * inc
    return cut
