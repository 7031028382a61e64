"""The Python API of the population projection: municipality codes in, typed results out.

``project`` and ``project_many`` load the inputs (the adapter :mod:`.inputs`), run the pure
engine once for all the municipalities asked for, and return :class:`Projection` objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from byibalance import data
from byibalance.errors import DataError, ErrorLocation
from byibalance.messages import N_, Note
from byibalance.population.engine import RunResult, run
from byibalance.population.graduation import GraduationMethod
from byibalance.population.inputs import PreparedRun, build_inputs, last_detailed_year
from byibalance.population.overrides import PopulationOverrides
from byibalance.population.result import Components, Projection

if TYPE_CHECKING:
    from byibalance.scenario import Scenario

DEFAULT_END = 2040


def latest_observed_year(code: str) -> int:
    """The latest 1 January with an observed total for ``code`` (2024 for Albertslund)."""
    observed = data.observed_totals()
    years = observed.loc[observed["code"] == code, "year"]
    return int(years.max()) if len(years) else last_detailed_year()


def _codes(municipalities: Sequence[str | int]) -> list[str]:
    return [data.municipality(c).code for c in municipalities]


def project_many(
    municipalities: Sequence[str | int],
    scenario: Scenario | None = None,
    start: int | None = None,
    end: int | None = None,
    housing: bool = True,
    graduation: GraduationMethod = "national_shape",
) -> dict[str, Projection]:
    """Project several municipalities in one vectorised run.

    ``start`` is the first year of the result; by default each municipality's latest observed
    total (the run starts from the last detailed year, 2020, and is calibrated to the observed
    totals after it). A ``start`` up to the last detailed year projects from that year with only
    the data known then. ``end`` defaults to the scenario's end or 2040.
    """
    overrides = scenario.population if scenario is not None else PopulationOverrides()
    if scenario is not None:
        start = start if start is not None else scenario.start
        end = end if end is not None else scenario.end
    codes = _codes(municipalities)
    last = last_detailed_year()
    base = last if start is None or start >= last else start
    end_year = end if end is not None else max(DEFAULT_END, (start or base) + 1)
    firsts = {c: start if start is not None else latest_observed_year(c) for c in codes}
    for code, first in firsts.items():
        if first >= end_year:
            raise DataError(
                Note(
                    N_("the projection of {code} would start in {first}, not before the end {end}"),
                    code=code,
                    first=first,
                    end=end_year,
                ),
                Note(N_("Choose an end year after {first}"), first=first),
                ErrorLocation(field="end", year=end_year),
            )
    prepared = build_inputs(codes, base, end_year, overrides, housing, True, graduation)
    result = run(prepared.inputs)
    return {code: _projection(prepared, result, i, firsts[code]) for i, code in enumerate(codes)}


def project(
    municipality: str | int = "165",
    scenario: Scenario | None = None,
    start: int | None = None,
    end: int | None = None,
    housing: bool = True,
    graduation: GraduationMethod = "national_shape",
) -> Projection:
    """Project one municipality (see :func:`project_many`); the scenario's municipality is used
    when ``municipality`` is left at its default and a scenario is given."""
    if scenario is not None and municipality == "165":
        municipality = scenario.municipality
    code = data.municipality(municipality).code
    return project_many([code], scenario, start, end, housing, graduation)[code]


def _projection(prepared: PreparedRun, result: RunResult, i: int, first: int) -> Projection:
    base = prepared.inputs.base_year
    n = result.population.shape[1]
    years = np.arange(base, base + n, dtype=np.int64)
    k = first - base
    components = Components(
        births=result.births[i, k:],
        deaths=result.deaths[i, k:],
        in_migration=result.in_migration[i, k:],
        out_migration=result.out_migration[i, k:],
        housing_migration=result.housing_migration[i, k:],
        calibration=result.calibration[i, k:],
    )
    code = prepared.inputs.codes[i]
    notes = prepared.notes[code]
    if k > 0:
        notes = (*notes, Note(N_("run from {base}; shown from {first}"), base=base, first=first))
    return Projection(
        municipality=code,
        years=years[k:],
        population=result.population[i, k:],
        components=components,
        housing=prepared.housing_on,
        notes=notes,
        housing_by_project={
            pid: values[k:] for pid, values in prepared.housing_by_project[code].items()
        },
    )
