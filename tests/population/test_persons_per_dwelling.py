"""The municipality's own persons per dwelling (BOL106 in a snapshot) in the housing assumptions:
without a snapshot nothing changes; with one, Albertslund's flats, terraced and detached houses
and existing stock take the snapshot's newest year at or before the base year, its estimate of
2.3 for the existing stock gives way, a published or secondary figure of its own and a project's
own figure still win, youth and elderly keep their assumptions, and the notes say so.

The snapshot figures are TEST VALUES (near the national 2020 ones), not Statistics Denmark's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from byibalance.parameters import params_root
from byibalance.population import inputs
from byibalance.population.housing import (
    DWELLING_TYPES,
    DwellingFigure,
    HousingAssumptions,
    HousingProject,
    YearDwellings,
    choose_persons_per_dwelling,
    housing_migration,
    project_residents,
)
from byibalance.population.inputs import build_inputs, housing_assumptions
from byibalance.provenance import Status
from byibalance.web.i18n import localise
from byibalance.web.translations.danish import DA

from .flow_snapshots import TableDownload, write

BASE = 2020
# TEST VALUES: (code, year) -> persons per dwelling of flat, terraced, detached, all
OWN = {
    ("165", 2019): (2.0, 2.5, 2.8, 2.4),
    ("165", 2020): (1.9, 2.4, 2.7, 2.2),
    ("165", 2021): (1.8, 2.3, 2.6, 2.0),
    ("101", 2020): (1.7, 2.2, 2.9, 1.8),
}
USES = ("flat", "terraced", "detached", "all")


def bol106(cells=OWN) -> TableDownload:
    rows = [
        (code, year, use, value)
        for (code, year), values in cells.items()
        for use, value in zip(USES, values, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["code", "year", "type", "persons"])
    return TableDownload("BOL106", {"persons_per_dwelling": frame}, tuple({c for c, _ in cells}))


def national_and_yaml() -> HousingAssumptions:
    """The assumptions read straight from the parameter files (the national values and
    Albertslund's housing.yaml), independently of ``housing_assumptions``."""
    params = yaml.safe_load((params_root() / "dk" / "population.yaml").read_text("utf-8"))
    values = params.get("parameters", params)

    def first(name: str):
        return values[name]["values"][0]["value"]

    pp = {t: float(first(f"persons_per_dwelling_{t}")) for t in DWELLING_TYPES}
    own = yaml.safe_load(inputs.programme_path("165").read_text("utf-8"))
    pp["existing"] = float(own["persons_per_dwelling_existing"]["value"])
    ramp = tuple(float(v) for v in first("occupancy_ramp"))
    return HousingAssumptions(pp, float(first("housing_net_new_share")), ramp)


def test_without_a_snapshot_the_housing_component_is_the_parameter_files_own(home):
    run = build_inputs(("165",), BASE, 2034)
    assumptions = national_and_yaml()
    assert dict(housing_assumptions("165", BASE).persons_per_dwelling) == dict(
        assumptions.persons_per_dwelling
    )
    assert dict(assumptions.persons_per_dwelling)["existing"] == 2.3  # the estimate
    programme = inputs.housing_programme("165")
    assert programme is not None
    expected = housing_migration(
        programme.projects,
        assumptions,
        BASE,
        14,
        run.inputs.calibration_profile[0],
        run.inputs.base_population[0],
    )
    np.testing.assert_array_equal(run.inputs.housing[0], expected)
    assert not any("persons per" in note for note in run.notes["165"])


def test_a_snapshot_without_the_municipality_changes_nothing(home):
    before = build_inputs(("165",), BASE, 2034)
    write(home, [bol106({("101", 2020): OWN[("101", 2020)]})])
    after = build_inputs(("165",), BASE, 2034)
    np.testing.assert_array_equal(after.inputs.housing, before.inputs.housing)
    assert after.notes == before.notes


def test_the_snapshot_replaces_the_national_values_and_the_estimate(home):
    before = build_inputs(("165",), BASE, 2034)
    snap = write(home, [bol106()])
    assumptions = housing_assumptions("165", BASE)
    assert dict(assumptions.persons_per_dwelling) == {
        "flat": 1.9,
        "terraced": 2.4,
        "detached": 2.7,
        "youth": 1.0,
        "elderly": 1.2,
        "existing": 2.2,
    }
    existing = assumptions.figures["existing"]
    assert existing.status == Status.PUBLISHED
    assert existing.source == f"snapshot {snap.name} (Statistics Denmark BOL106), 2020"
    assert assumptions.figures["youth"].status == Status.ASSUMPTION

    after = build_inputs(("165",), BASE, 2034)
    assert not np.array_equal(after.inputs.housing, before.inputs.housing)
    # each project's residents scale with its type's persons per dwelling, and nothing else
    ratio = {"flat": 1.9 / 1.8, "terraced": 2.4 / 1.9, "detached": 2.7 / 2.6, "existing": 2.2 / 2.3}
    programme = inputs.housing_programme("165")
    assert programme is not None
    for project in programme.projects:
        np.testing.assert_allclose(
            after.housing_by_project["165"][project.id],
            before.housing_by_project["165"][project.id] * ratio[project.type],
            rtol=1e-12,
            err_msg=project.id,
        )
    # the 550 dwellings emptied in 2020 remove 550 x 2.2 persons instead of 550 x 2.3
    first = after.housing_by_project["165"]["galgebakken_blokland_renovation"][0]
    assert first == pytest.approx(-550 * 2.2)


def test_the_notes_name_each_value_and_its_source_in_english_and_danish(home):
    snap = write(home, [bol106()])
    notes = build_inputs(("165",), BASE, 2034).notes["165"]
    source = f"snapshot {snap.name} (Statistics Denmark BOL106), 2020"
    mine = [n for n in notes if "persons per" in n]
    assert mine == [
        f"persons per new dwelling, flat: 1.90 (published: {source})",
        f"persons per new dwelling, terraced: 2.40 (published: {source})",
        f"persons per new dwelling, detached: 2.70 (published: {source})",
        f"persons per dwelling of the existing stock (emptied or re-let): 2.20 (published: "
        f"{source})",
    ]
    for note in mine:
        assert DA.get(note.message), note.message  # the Danish catalogue has the template
    assert (
        localise(mine[1], "da")
        == f"personer pr. ny bolig, rækkehus: 2,40 (offentliggjort: {source})"
    )


def test_the_newest_year_at_or_before_the_base_year_is_used(home):
    write(home, [bol106({k: v for k, v in OWN.items() if k[1] != 2020})])
    assumptions = housing_assumptions("165", BASE)
    assert assumptions.persons_per_dwelling["existing"] == 2.4  # 2019, not 2021
    assert assumptions.figures["existing"].source.endswith("BOL106), 2019")
    earlier = housing_assumptions("165", 2018)  # no year at or before 2018: as without
    assert earlier.persons_per_dwelling["existing"] == 2.3
    assert earlier.figures["existing"].status == Status.ESTIMATE
    assert earlier.persons_per_dwelling["flat"] == 1.8


@pytest.mark.parametrize(
    ("status", "kept"), [("published", 2.5), ("secondary", 2.5), ("estimate", 2.2)]
)
def test_a_published_or_secondary_figure_of_the_municipality_still_wins(
    home, monkeypatch, status, kept
):
    write(home, [bol106()])
    programme = inputs.housing_programme("165")
    assert programme is not None
    figure = {"value": 2.5, "status": status, "source": "the municipality's own count (test)"}
    own = programme.model_copy(
        update={
            "persons_per_dwelling_existing": programme.persons_per_dwelling_existing.__class__(
                **figure
            )
        }
    )
    monkeypatch.setattr(inputs, "housing_programme", lambda code: own)
    assert housing_assumptions("165", BASE).persons_per_dwelling["existing"] == kept


def test_a_projects_own_persons_per_dwelling_still_wins(home):
    project = HousingProject(
        id="own_figure",
        type="flat",
        completions=(YearDwellings(year=2022, dwellings=100),),
        persons_per_dwelling=2.5,
    )
    plain = project.model_copy(update={"persons_per_dwelling": None})
    without = housing_assumptions("165", BASE)
    write(home, [bol106()])
    with_own = housing_assumptions("165", BASE)
    for a, b in zip(
        project_residents(project, without, BASE, 14),
        project_residents(project, with_own, BASE, 14),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)
    gains_without = project_residents(plain, without, BASE, 14)[0]
    gains_with = project_residents(plain, with_own, BASE, 14)[0]
    np.testing.assert_allclose(gains_with, gains_without * 1.9 / 1.8, rtol=1e-12)


def test_the_order_of_precedence():
    national = {"existing": DwellingFigure(2.1, Status.PUBLISHED, "national")}
    downloaded = {"existing": DwellingFigure(2.2, Status.PUBLISHED, "snapshot", downloaded=True)}
    estimate = {"existing": DwellingFigure(2.3, Status.ESTIMATE, "own estimate")}
    secondary = {"existing": DwellingFigure(2.5, Status.SECONDARY, "own count")}
    assert choose_persons_per_dwelling(national, {}, {})["existing"].value == 2.1
    assert choose_persons_per_dwelling(national, {}, estimate)["existing"].value == 2.3
    assert choose_persons_per_dwelling(national, downloaded, estimate)["existing"].value == 2.2
    assert choose_persons_per_dwelling(national, downloaded, secondary)["existing"].value == 2.5
