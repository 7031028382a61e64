"""Back-test: project from a past base year with only the data known then, and compare.

The model is scored next to two naive forecasts: ``no_change`` (the base population stays) and
``ageing`` (survival and births, no migration). Scores compare sex x 5-year groups with the
observed FOLK1B population of the target year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from byibalance import data
from byibalance.errors import DataError, ErrorLocation
from byibalance.population.engine import run
from byibalance.population.graduation import group_totals
from byibalance.population.inputs import build_inputs, last_detailed_year, observed_age5
from byibalance.population.result import FloatArray

OLDEST_FROM_GROUP = 19  # 95-99 and 100+ are scored separately


@dataclass(frozen=True)
class Score:
    """How far a forecast of the target year is from what happened.

    ``total_error_pct = 100 (projected - actual) / actual``;
    ``age_group_mape_pct`` = mean over sex x groups 0-4 … 90-94 of
    ``100 |projected - actual| / actual`` (cells with nobody observed are left out);
    ``oldest_ape_pct`` = the same for 95+ (both sexes together).
    """

    total_projected: float
    total_error_pct: float
    age_group_mape_pct: float
    oldest_ape_pct: float


@dataclass(frozen=True)
class BacktestResult:
    """The model's and the naive forecasts' scores for one municipality."""

    municipality: str
    base_year: int
    target_year: int
    total_actual: float
    model: Score
    baselines: dict[str, Score]
    actual_groups: FloatArray  # [2, 21]
    projected_groups: FloatArray  # [2, 21]

    def as_dict(self) -> dict[str, object]:
        """The JSON form: model scores at the top level, naive ones under ``baselines``."""

        def score(s: Score) -> dict[str, float]:
            return {
                "total_projected": round(s.total_projected, 1),
                "total_error_pct": round(s.total_error_pct, 3),
                "age_group_mape_pct": round(s.age_group_mape_pct, 3),
                "oldest_ape_pct": round(s.oldest_ape_pct, 3),
            }

        return {
            "municipality": self.municipality,
            "base_year": self.base_year,
            "target_year": self.target_year,
            "total_actual": round(self.total_actual, 1),
            **score(self.model),
            "baselines": {name: score(s) for name, s in self.baselines.items()},
        }


def score(projected5: FloatArray, actual5: FloatArray) -> Score:
    """Score a forecast ``[2, 21]`` against the observed ``[2, 21]`` (see :class:`Score`)."""
    actual_total = actual5.sum()
    total = projected5.sum()
    cells_p = projected5[:, :OLDEST_FROM_GROUP]
    cells_a = actual5[:, :OLDEST_FROM_GROUP]
    mask = cells_a > 0
    ape = np.abs(cells_p[mask] - cells_a[mask]) / cells_a[mask] * 100.0
    old_a = actual5[:, OLDEST_FROM_GROUP:].sum()
    old_p = projected5[:, OLDEST_FROM_GROUP:].sum()
    return Score(
        total_projected=float(total),
        total_error_pct=float((total - actual_total) / actual_total * 100.0),
        age_group_mape_pct=float(ape.mean()) if ape.size else float("nan"),
        oldest_ape_pct=float(abs(old_p - old_a) / old_a * 100.0) if old_a > 0 else float("nan"),
    )


def backtest_many(
    municipalities: Sequence[str | int], base_year: int, target_year: int
) -> dict[str, BacktestResult]:
    """Back-test several municipalities in one vectorised run (no housing programme: the plans
    known at the base year are not in the data; no calibration: only data before the base)."""
    last = last_detailed_year()
    if not base_year < target_year <= last:
        raise DataError(
            f"target year {target_year} must be after the base year {base_year} and have "
            f"detailed data (up to {last})",
            f"Choose a target year from {base_year + 1} to {last}",
            ErrorLocation(field="target_year", year=target_year),
        )
    codes = [data.municipality(c).code for c in municipalities]
    prepared = build_inputs(codes, base_year, target_year, housing=False, calibrate=False)
    inputs = prepared.inputs
    model = run(inputs)
    zero = np.zeros_like(inputs.in_migration)
    ageing = run(replace(inputs, in_migration=zero, out_rate=zero))
    k = target_year - base_year
    out: dict[str, BacktestResult] = {}
    for i, code in enumerate(codes):
        actual = observed_age5(code, target_year)
        forecasts = {
            "model": group_totals(model.population[i, k]),
            "no_change": observed_age5(code, base_year),
            "ageing": group_totals(ageing.population[i, k]),
        }
        scores = {name: score(f, actual) for name, f in forecasts.items()}
        out[code] = BacktestResult(
            municipality=code,
            base_year=base_year,
            target_year=target_year,
            total_actual=float(actual.sum()),
            model=scores["model"],
            baselines={"no_change": scores["no_change"], "ageing": scores["ageing"]},
            actual_groups=actual,
            projected_groups=forecasts["model"],
        )
    return out


def backtest(municipality: str | int, base_year: int, target_year: int) -> BacktestResult:
    """Back-test one municipality (see :func:`backtest_many`)."""
    code = data.municipality(municipality).code
    return backtest_many([code], base_year, target_year)[code]


@dataclass(frozen=True)
class BacktestSummary:
    """The back-test over many municipalities: error quantiles and how often the model wins.

    ``quantiles[name]`` holds min, quartile 1, median, quartile 3, max and mean of the age-group
    MAPE (``model``, ``no_change``, ``ageing``) and of the model's absolute total error
    (``model_abs_total_error``); ``beats[name]`` counts municipalities where the model's
    age-group MAPE is lower than that naive forecast's (``both``: lower than both).
    """

    municipalities: int
    quantiles: dict[str, tuple[float, float, float, float, float, float]]
    beats: dict[str, int]
    beats_on_total: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        """The JSON form."""
        labels = ("min", "q1", "median", "q3", "max", "mean")
        return {
            "municipalities": self.municipalities,
            "quantiles": {
                k: dict(zip(labels, (round(x, 3) for x in v), strict=True))
                for k, v in self.quantiles.items()
            },
            "model_beats_on_age_groups": self.beats,
            "model_beats_on_total": self.beats_on_total,
        }


def summarise(results: dict[str, BacktestResult]) -> BacktestSummary:
    """Quantiles of the errors and the number of municipalities where the model wins."""

    def stats(values: FloatArray) -> tuple[float, float, float, float, float, float]:
        q = np.percentile(values, [0, 25, 50, 75, 100])
        return (*(float(x) for x in q), float(values.mean()))  # type: ignore[return-value]

    rows = list(results.values())
    model = np.array([r.model.age_group_mape_pct for r in rows])
    naive = {
        name: np.array([r.baselines[name].age_group_mape_pct for r in rows])
        for name in ("no_change", "ageing")
    }
    total = np.array([abs(r.model.total_error_pct) for r in rows])
    naive_total = {
        name: np.array([abs(r.baselines[name].total_error_pct) for r in rows])
        for name in ("no_change", "ageing")
    }
    return BacktestSummary(
        municipalities=len(rows),
        quantiles={
            "model": stats(model),
            **{name: stats(v) for name, v in naive.items()},
            "model_abs_total_error": stats(total),
            **{f"{name}_abs_total_error": stats(v) for name, v in naive_total.items()},
        },
        beats={
            **{name: int((model < v).sum()) for name, v in naive.items()},
            "both": int(((model < naive["no_change"]) & (model < naive["ageing"])).sum()),
        },
        beats_on_total={name: int((total < v).sum()) for name, v in naive_total.items()},
    )
