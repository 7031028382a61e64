"""The housing module: net new residents from a programme of dwellings (DOMAIN §2.2 formula H).

``H[t] = sum_{p, c} D_p[c] pp_p eta (occ[t-c] - occ[t-c-1]) g_new - dV[t] pp_exist eta g_exist``

A project lists dwellings completed per year and dwellings taken out of use per year (for
renovation; they come back as completions of type ``existing`` when re-let). Pure: the programme
comes in as typed objects, the result is an array.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from byibalance.messages import N_, Note
from byibalance.population.result import FloatArray
from byibalance.provenance import Status

DwellingType = Literal["flat", "terraced", "detached", "youth", "elderly", "existing"]
DWELLING_TYPES: tuple[DwellingType, ...] = (
    "flat",
    "terraced",
    "detached",
    "youth",
    "elderly",
    "existing",
)
FIRST_YEAR, LAST_YEAR = 2000, 2100


class YearDwellings(BaseModel):
    """Dwellings in one year (completed, or taken out of use)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    dwellings: float = Field(ge=0, description="number of dwellings, never negative")


class HousingProject(BaseModel):
    """One project of a housing programme, with its yearly schedule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    name: str = ""
    type: DwellingType
    completions: tuple[YearDwellings, ...] = ()
    removals: tuple[YearDwellings, ...] = ()
    persons_per_dwelling: float | None = Field(default=None, gt=0, le=10)
    dwellings_status: Status = Status.ASSUMPTION
    schedule_status: Status = Status.ASSUMPTION
    source: str = ""
    note: str = ""

    def shifted(self, years: int) -> HousingProject:
        """The project with every completion and removal ``years`` later."""
        return self.model_copy(
            update={
                "completions": tuple(
                    YearDwellings(year=c.year + years, dwellings=c.dwellings)
                    for c in self.completions
                ),
                "removals": tuple(
                    YearDwellings(year=r.year + years, dwellings=r.dwellings) for r in self.removals
                ),
            }
        )

    def first_year(self) -> int | None:
        """The first year with a completion or removal."""
        years = [c.year for c in self.completions] + [r.year for r in self.removals]
        return min(years) if years else None

    def net_dwellings(self) -> float:
        """Completions minus removals over the whole schedule."""
        return sum(c.dwellings for c in self.completions) - sum(r.dwellings for r in self.removals)


@dataclass(frozen=True)
class DwellingFigure:
    """A persons-per-dwelling value with its status and source; ``downloaded`` marks a
    municipality's own figure from a snapshot of Statistics Denmark downloads (BOL106)."""

    value: float
    status: Status
    source: str
    downloaded: bool = False


@dataclass(frozen=True)
class HousingAssumptions:
    """Persons per new dwelling by type, the net-new share ``eta`` and the occupancy ramp.

    ``occupancy_ramp[j]`` is the cumulative share of a year's completions occupied by the end of
    year ``c + j``; the last value must be 1. ``figures`` says where each type's persons per
    dwelling comes from (empty where not recorded).
    """

    persons_per_dwelling: Mapping[str, float]
    net_new_share: float
    occupancy_ramp: tuple[float, ...]
    figures: Mapping[str, DwellingFigure] = field(default_factory=dict)


SNAPSHOT_USES: Mapping[str, str] = {
    "flat": "flat",
    "terraced": "terraced",
    "detached": "detached",
    "existing": "all",
}
"""The dwelling types a municipality's own BOL106 figures replace, and the BOL106 use each
takes (``all``: all dwellings with registered residents, for the existing stock). Youth and
elderly dwellings have no BOL106 use and keep their assumptions."""
OWN_FIGURE_KEPT = (Status.PUBLISHED, Status.SECONDARY)
"""The statuses with which a municipality's own figure (its ``housing.yaml``) stays in use
over a downloaded one; an estimate gives way to the published figure."""


def downloaded_figures(frame: pd.DataFrame, code: str, base_year: int) -> dict[str, DwellingFigure]:
    """The municipality's own persons per dwelling by dwelling type from BOL106
    (``code,year,type,persons,source``, :func:`byibalance.data.persons_per_dwelling`): for each
    type of :data:`SNAPSHOT_USES`, the newest year at or before ``base_year`` (BOL106 counts on
    1 January, the projection starts on 1 January of ``base_year``), status published, source
    ``<source>, <year>``. Types the frame lacks for ``code`` are left out."""
    rows = frame[(frame["code"] == code) & (frame["year"] <= base_year)]
    out: dict[str, DwellingFigure] = {}
    for kind, use in SNAPSHOT_USES.items():
        held = rows[rows["type"] == use]
        if held.empty:
            continue
        newest = held.loc[held["year"].idxmax()]
        out[kind] = DwellingFigure(
            float(newest["persons"]),
            Status.PUBLISHED,
            f"{newest['source']}, {int(newest['year'])}",
            downloaded=True,
        )
    return out


def choose_persons_per_dwelling(
    national: Mapping[str, DwellingFigure],
    downloaded: Mapping[str, DwellingFigure],
    own: Mapping[str, DwellingFigure],
) -> dict[str, DwellingFigure]:
    """Persons per dwelling by type, in this order of precedence: the municipality's own figure
    (its ``housing.yaml``) with a status of :data:`OWN_FIGURE_KEPT`; its downloaded figure
    (BOL106, published); its own figure of another status (an estimate); the national value."""
    chosen = dict(national)
    for kind in national:
        mine = own.get(kind)
        if mine is not None and mine.status in OWN_FIGURE_KEPT:
            chosen[kind] = mine
        elif kind in downloaded:
            chosen[kind] = downloaded[kind]
        elif mine is not None:
            chosen[kind] = mine
    return chosen


def downloaded_figure_notes(assumptions: HousingAssumptions) -> list[Note]:
    """A note per dwelling type whose persons per dwelling is the municipality's downloaded
    figure: the value, its status and its source (snapshot and year)."""
    notes: list[Note] = []
    for kind, figure in assumptions.figures.items():
        if not figure.downloaded:
            continue
        args = {"value": figure.value, "status": str(figure.status), "source": figure.source}
        if kind == "existing":
            notes.append(
                Note(
                    N_(
                        "persons per dwelling of the existing stock (emptied or re-let): "
                        "{value:.2f} ({status:word}: {source})"
                    ),
                    **args,
                )
            )
        else:
            notes.append(
                Note(
                    N_(
                        "persons per new dwelling, {type:word}: {value:.2f} "
                        "({status:word}: {source})"
                    ),
                    type=kind,
                    **args,
                )
            )
    return notes


def project_residents(
    project: HousingProject, assumptions: HousingAssumptions, base_year: int, n_years: int
) -> tuple[FloatArray, FloatArray]:
    """(gains, losses) ``[T]`` of net residents for step ``k`` (``base_year + k`` to ``+ 1``).

    Gains: ``D[c] pp eta (occ[j] - occ[j-1])`` in step ``c + j``; losses: ``dV[c] pp eta`` in
    the step of year ``c``. Years before ``base_year`` are ignored (already in the data).
    """
    pp = project.persons_per_dwelling or assumptions.persons_per_dwelling[project.type]
    per_dwelling = pp * assumptions.net_new_share
    ramp = np.diff(np.concatenate([[0.0], np.asarray(assumptions.occupancy_ramp)]))
    gains = np.zeros(n_years)
    losses = np.zeros(n_years)
    for completion in project.completions:
        for j, share in enumerate(ramp):
            k = completion.year + j - base_year
            if 0 <= k < n_years:
                gains[k] += completion.dwellings * per_dwelling * share
    for removal in project.removals:
        k = removal.year - base_year
        if 0 <= k < n_years:
            losses[k] += removal.dwellings * per_dwelling
    return gains, losses


def housing_migration(
    projects: Sequence[HousingProject],
    assumptions: HousingAssumptions,
    base_year: int,
    n_years: int,
    new_profile: FloatArray,
    existing_profile: FloatArray,
) -> FloatArray:
    """``H[T, 2, 101]``: gains spread by the movers' profile ``g_new``, losses by ``g_exist``.

    Both profiles are ``[2, 101]`` and are normalised to sum to 1 here.
    """
    gains = np.zeros(n_years)
    losses = np.zeros(n_years)
    for project in projects:
        g, lo = project_residents(project, assumptions, base_year, n_years)
        gains += g
        losses += lo
    g_new = new_profile / new_profile.sum() if new_profile.sum() > 0 else new_profile
    g_exist = (
        existing_profile / existing_profile.sum()
        if existing_profile.sum() > 0
        else existing_profile
    )
    result: FloatArray = gains[:, None, None] * g_new[None] - losses[:, None, None] * g_exist[None]
    return result


def residents_by_project(
    projects: Sequence[HousingProject],
    assumptions: HousingAssumptions,
    base_year: int,
    n_years: int,
) -> dict[str, FloatArray]:
    """Net new residents per project and step ``[T]`` (gains minus losses), before the
    projection's clipping at zero persons: what each project contributes to ``H``."""
    out: dict[str, FloatArray] = {}
    for project in projects:
        gains, losses = project_residents(project, assumptions, base_year, n_years)
        out[project.id] = gains - losses
    return out
