"""Housing delays are drawn per project: a scenario that drops one project keeps the others'.

Before, all of a municipality's delays came from one block of draws, so dropping a project
shifted every later project's delay; a scenario's fan then mixed the scenario's change with
fresh luck (about a third of delays agreed with the baseline, what chance gives).
"""

from __future__ import annotations

import numpy as np

from byibalance.batch.prepare import prepare
from byibalance.population.inputs import last_detailed_year
from byibalance.population.stochastic import draw, project_seed
from byibalance.scenario import Scenario

CODE = "165"
END = 2040
SEED = 11
PATHS = 400


def _delays_by_project(inputs: object, seed: int = SEED) -> dict[str, np.ndarray]:
    drawn = draw(inputs, seed, 0, PATHS)  # type: ignore[arg-type]
    [ids] = inputs.project_ids  # type: ignore[attr-defined]
    [delays] = drawn.delays
    return {project: delays[:, j] for j, project in enumerate(ids)}


def test_dropping_a_project_keeps_every_other_projects_delays() -> None:
    base = prepare([CODE], last_detailed_year(), END)
    dropped = prepare(
        [CODE],
        last_detailed_year(),
        END,
        overrides=Scenario(population={"housing": {"drop": ["coop_byen_flats"]}}).population,
    )
    before = _delays_by_project(base)
    after = _delays_by_project(dropped)
    assert "coop_byen_flats" in before and "coop_byen_flats" not in after
    assert len(after) == len(before) - 1 >= 2
    for project, delays in after.items():
        assert np.array_equal(delays, before[project]), project
    # the delays are drawn at all: some paths are late, and projects differ from one another
    stacked = np.stack(list(after.values()))
    assert stacked.max() >= 1
    assert not all(np.array_equal(stacked[0], row) for row in stacked[1:])


def test_a_projects_delays_depend_on_its_id_and_the_seed() -> None:
    assert project_seed(1, CODE, 0, "a").generate_state(2).tolist() != (
        project_seed(1, CODE, 0, "b").generate_state(2).tolist()
    )
    base = prepare([CODE], last_detailed_year(), END)
    one, other = _delays_by_project(base, 1), _delays_by_project(base, 2)
    assert any(not np.array_equal(one[p], other[p]) for p in one)
