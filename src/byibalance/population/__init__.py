"""Population projection: cohort-component by single age and sex, housing-driven migration,
calibration to observed totals and back-test. A facade that only re-exports."""

from byibalance.population.api import project, project_many
from byibalance.population.backtest import BacktestResult, Score, backtest, backtest_many
from byibalance.population.overrides import PopulationOverrides
from byibalance.population.result import Components, Projection

__all__ = [
    "BacktestResult",
    "Components",
    "PopulationOverrides",
    "Projection",
    "Score",
    "backtest",
    "backtest_many",
    "project",
    "project_many",
]
