"""Adapter for the web app and reports: one municipality's fans, service and budget paths.

Reads the data and the parameters (through :mod:`.prepare` and
:func:`byibalance.finance.inputs.budget_parameters`) and calls the pure core.
"""

from __future__ import annotations

from collections.abc import Sequence

from byibalance import data
from byibalance.batch.prepare import prepare
from byibalance.batch.run import Summary, run_local
from byibalance.finance.inputs import budget_parameters
from byibalance.population.api import DEFAULT_END, latest_observed_year
from byibalance.population.inputs import last_detailed_year
from byibalance.population.stochastic import DEFAULT_PERCENTILES, run_paths
from byibalance.uncertainty import EconomyPaths, path_projections, propagate


def population_fans(
    municipality: str | int = "165",
    paths: int = 1000,
    seed: int = 0,
    end: int = DEFAULT_END,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
) -> Summary:
    """Percentile fans of the population (total and age groups) per year, and per-path totals."""
    code = data.municipality(municipality).code
    inputs = prepare([code], last_detailed_year(), end)
    return run_local(inputs, paths, seed, percentiles)


def economy_paths(
    municipality: str | int = "165", paths: int = 200, seed: int = 0, end: int = DEFAULT_END
) -> EconomyPaths:
    """``paths`` stochastic paths (a run of that many paths with ``seed``; not the first paths of
    a larger run) through the services, the budget and its rules: feed
    :func:`byibalance.uncertainty.fans`, :func:`~byibalance.uncertainty.breach_probability` and
    :func:`~byibalance.uncertainty.probability_below`."""
    code = data.municipality(municipality).code
    inputs = prepare([code], last_detailed_year(), end)
    result = run_paths(inputs, paths, seed, keep=paths)
    projections = path_projections(result, 0, latest_observed_year(code))
    return propagate(projections, budget_parameters(code))
