"""The back-test of the stochastic model: how often the 80 % band held what happened.

Projects every municipality from ``base_year`` (with only the data known then) to
``target_year`` and counts the actual FOLK1B totals and 5-year age groups (both sexes) inside the
10-90 percentile band. ``fit_scale`` picks the spread scale whose coverage of totals and groups
together is nearest 80 % (an in-sample fit, said so wherever it is reported).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from byibalance import data
from byibalance.batch.prepare import prepare
from byibalance.population.inputs import observed_age5
from byibalance.population.stochastic import (
    FIVE_YEAR_GROUPS,
    StochasticInputs,
    coverage,
    run_paths,
)


@dataclass(frozen=True)
class Coverage:
    """Shares of actual outcomes inside the ``lower``-``upper`` percentile band."""

    scale: float
    age_scale: float
    paths: int
    municipalities: int
    totals: float
    groups: float

    @property
    def pooled(self) -> float:
        """Totals and groups together, each municipality's groups counted once per group."""
        n_g = len(FIVE_YEAR_GROUPS)
        return (self.totals + n_g * self.groups) / (1 + n_g)


def all_codes() -> list[str]:
    """The 98 municipalities' codes."""
    return [c for c in data.municipalities()["code"] if c != "000"]


def coverage_at(
    inputs: StochasticInputs,
    actual: np.ndarray,
    target_index: int,
    paths: int,
    seed: int,
    band: tuple[float, float] = (10.0, 90.0),
) -> tuple[float, float]:
    """(totals, groups) coverage of ``actual[M, 1 + G]`` (total, then the 5-year groups)."""
    result = run_paths(inputs, paths, seed, FIVE_YEAR_GROUPS)
    m = len(inputs.model.codes)
    groups = result.groups[:, target_index].reshape(m, paths, -1)
    totals = result.totals[:, target_index].reshape(m, paths)
    lo_t, hi_t = np.percentile(totals, band, axis=1)
    lo_g, hi_g = np.percentile(groups, band, axis=1)
    return (
        coverage(lo_t, hi_t, actual[:, 0]),
        coverage(lo_g, hi_g, actual[:, 1:]),
    )


def backtest_coverage(
    scales: Sequence[tuple[float, float]] = ((1.0, 1.0),),
    codes: Sequence[str] | None = None,
    base_year: int = 2015,
    target_year: int = 2020,
    paths: int = 400,
    seed: int = 2015,
) -> list[Coverage]:
    """Coverage of the 80 % band for each ``(scale, age_scale)`` (the back-test 2015-2020)."""
    codes = list(codes) if codes is not None else all_codes()
    actual = np.stack(
        [
            np.concatenate(
                [[observed_age5(c, target_year).sum()], _five_year(observed_age5(c, target_year))]
            )
            for c in codes
        ]
    )
    out = []
    for scale, age_scale in scales:
        inputs = prepare(
            codes, base_year, target_year, scale=scale, calibrate=False, age_scale=age_scale
        )
        tot, grp = coverage_at(inputs, actual, target_year - base_year, paths, seed)
        out.append(Coverage(scale, age_scale, paths, len(codes), tot, grp))
    return out


def _five_year(age5: np.ndarray) -> np.ndarray:
    """Both sexes by 0-4 ... 90-94 and 95+ from ``[2, 21]`` FOLK1B groups."""
    both = age5.sum(axis=0)
    return np.concatenate([both[:19], [both[19:].sum()]])


def fit_scale(results: Sequence[Coverage], target: float = 0.8) -> Coverage:
    """The result whose totals and groups coverages are both nearest ``target`` (the larger
    of the two distances is smallest)."""
    return min(results, key=lambda r: max(abs(r.totals - target), abs(r.groups - target)))


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m byibalance.batch.calibration [PATHS] [SCALE:AGE_SCALE ...]``: print the
    coverage of each pair (default: the fitted pair) on the 2015-2020 back-test."""
    import sys

    from byibalance.batch.prepare import AGE_SCALE, SPREAD_SCALE

    args = list(sys.argv[1:] if argv is None else argv)
    paths = int(args.pop(0)) if args else 500
    pairs = [tuple(float(x) for x in a.split(":")) for a in args] or [(SPREAD_SCALE, AGE_SCALE)]
    for scale, age_scale in pairs:
        c = backtest_coverage(scales=((scale, age_scale),), paths=paths)[0]
        print(
            f"scale {c.scale} age_scale {c.age_scale}: {c.municipalities} municipalities, "
            f"{c.paths} paths: totals {c.totals:.1%}, age groups {c.groups:.1%} in the 80 % band"
        )


if __name__ == "__main__":
    main()
