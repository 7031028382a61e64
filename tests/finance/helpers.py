"""Synthetic inputs for the services and finance tests: projections and parameter edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from byibalance.parameters import DatedValue, Parameter, ParameterSet
from byibalance.population.result import Components, Projection
from byibalance.provenance import Status


def synthetic_projection(
    per_age: float = 150.0, start: int = 2024, end: int = 2040, growth: float = 0.0,
    code: str = "165",
) -> Projection:
    """``per_age`` persons of each sex at each age 0..100, growing by ``growth`` a year."""
    years = np.arange(start, end + 1)
    factor = (1.0 + growth) ** (years - start)
    population = np.ones((len(years), 2, 101)) * per_age * factor[:, None, None]
    zeros = np.zeros((len(years) - 1, 2, 101))
    components = Components(zeros, zeros, zeros, zeros, zeros, zeros)
    return Projection(municipality=code, years=years, population=population,
                      components=components)


def with_values(params: ParameterSet, values: dict[str, Any]) -> ParameterSet:
    """``params`` with some parameters replaced by one value in force from 2000."""
    extra = {
        name: Parameter(
            description="test value", unit=params[name].unit if name in params else "ratio",
            values=[DatedValue(**{"from": dt.date(2000, 1, 1), "value": value,
                                  "status": Status.ASSUMPTION, "source": "test"})],
        )
        for name, value in values.items()
    }
    return params.merged(ParameterSet(extra, dict.fromkeys(extra, "test")))
