"""Projection- and budget-like inputs for tests: the account only reads these attributes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class FakeProjection:
    """``years`` and ``population[year, sex, age]`` with ``totals[i]`` persons spread evenly."""

    years: npt.NDArray[np.int64]
    population: npt.NDArray[np.float64]


def projection(totals: dict[int, float]) -> FakeProjection:
    years = np.array(sorted(totals), dtype=np.int64)
    pop = np.zeros((len(years), 2, 101))
    for i, year in enumerate(years):
        pop[i] = totals[int(year)] / (2 * 101)
    return FakeProjection(years, pop)


@dataclass(frozen=True)
class FakeBudgetYear:
    year: int
    population: float
    operating_balance: float
    liquidity_average: float
    debt_end: float


@dataclass(frozen=True)
class FakeBudget:
    years: list[FakeBudgetYear]
