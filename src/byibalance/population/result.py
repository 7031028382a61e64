"""The typed result of a population projection: the contract every later step builds on.

Arrays are float64 persons. Axis order is always ``[year, sex, age]``: sex 0 = men (``m``),
1 = women (``f``); age 0..100 where 100 means 100 and over. ``population[i]`` is the population on
1 January of ``years[i]``; ``components`` row ``i`` is the change from ``years[i]`` to
``years[i] + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

N_SEX = 2
N_AGE = 101
SEXES = ("m", "f")
AGES = np.arange(N_AGE)

COMPONENTS = (
    "births",
    "deaths",
    "in_migration",
    "out_migration",
    "housing_migration",
    "calibration",
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Components:
    """The components of change, one row per projection step (year ``t`` to ``t + 1``).

    Each array is ``[step, sex, age]`` (age at the end of the step; births at age 0).
    ``population_end = population_start - deaths + births + in_migration - out_migration
    + housing_migration + calibration`` holds exactly, age by age.
    """

    births: FloatArray
    deaths: FloatArray
    in_migration: FloatArray
    out_migration: FloatArray
    housing_migration: FloatArray
    calibration: FloatArray


@dataclass(frozen=True)
class Projection:
    """Persons by year, sex and single age for one municipality, with the components of change."""

    municipality: str
    years: IntArray
    population: FloatArray
    components: Components
    housing: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)
    housing_by_project: dict[str, FloatArray] = field(default_factory=dict)
    """Net new residents per housing project and step (rows as ``components``)."""

    def totals(self) -> FloatArray:
        """Total population per year."""
        return self.population.sum(axis=(1, 2))

    def in_year(self, year: int) -> FloatArray:
        """The ``[sex, age]`` population on 1 January of ``year``."""
        idx = np.searchsorted(self.years, year)
        if idx >= len(self.years) or self.years[idx] != year:
            from byibalance.errors import PopulationError

            raise PopulationError(
                f"year {year} is outside the projection {self.years[0]}-{self.years[-1]}",
                fix="choose a year inside the projection, or extend it with --end",
            )
        return self.population[idx]

    def age_group(self, lo: int, hi: int) -> FloatArray:
        """Persons aged ``lo``..``hi`` (inclusive) per year, both sexes."""
        return self.population[:, :, lo : hi + 1].sum(axis=(1, 2))

    def to_frame(self) -> pd.DataFrame:
        """``municipality,year,sex,age,population`` (sex ``m``/``f``, age 100 = 100+)."""
        import pandas as pd

        index = pd.MultiIndex.from_product(
            [self.years, list(SEXES), range(N_AGE)], names=["year", "sex", "age"]
        )
        frame = pd.DataFrame({"population": self.population.reshape(-1)}, index=index)
        frame = frame.reset_index()
        frame.insert(0, "municipality", self.municipality)
        return frame

    def components_frame(self) -> pd.DataFrame:
        """One row per year ``t`` with the components of change from ``t`` to ``t + 1``.

        Columns ``municipality,year,births,deaths,in_migration,out_migration,
        housing_migration,population_start,population_end,calibration``, where
        ``population_end = population_start + births - deaths + in_migration - out_migration
        + housing_migration + calibration``.
        """
        import pandas as pd

        totals = self.totals()
        columns: dict[str, object] = {
            "municipality": self.municipality,
            "year": self.years[:-1],
        }
        sums = {name: getattr(self.components, name).sum(axis=(1, 2)) for name in COMPONENTS}
        for name in COMPONENTS[:-1]:
            columns[name] = sums[name]
        columns["population_start"] = totals[:-1]
        columns["population_end"] = totals[1:]
        columns["calibration"] = sums["calibration"]
        return pd.DataFrame(columns)
