"""The population part of a scenario: overrides on the baseline (STYLE point 2).

Pydantic models with ``extra="forbid"`` so a misspelt key fails with its path.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from byibalance.population.housing import FIRST_YEAR, LAST_YEAR, HousingProject


class FertilityOverrides(BaseModel):
    """Set the local TFR, or multiply the estimated one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tfr: float | None = Field(default=None, gt=0, le=5, description="children per woman")
    multiplier: float = Field(default=1.0, gt=0, le=3)


class MortalityOverrides(BaseModel):
    """Yearly improvement ``r`` of death rates: ``m_t = m (1 - r)^(t - base)``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    improvement: float | None = Field(default=None, ge=-0.05, le=0.1)


class MigrationOverrides(BaseModel):
    """Scale in-migration counts and out-migration rates; add a fixed net number per year."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    in_scale: float = Field(default=1.0, ge=0, le=10)
    out_scale: float = Field(default=1.0, ge=0, le=10)
    net_per_year: float = Field(default=0.0, ge=-100_000, le=100_000)


class HousingOverrides(BaseModel):
    """Change the housing programme: add, move, delay or drop projects, or leave it out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    no_housing: bool = False
    add: tuple[HousingProject, ...] = ()
    drop: tuple[str, ...] = ()
    delay: dict[str, int] = Field(default_factory=dict, description="project id -> years later")
    move: dict[str, int] = Field(
        default_factory=dict, description="project id -> new first year of the schedule"
    )

    @model_validator(mode="after")
    def _years(self) -> HousingOverrides:
        for project_id, year in self.move.items():
            if not FIRST_YEAR <= year <= LAST_YEAR:
                raise ValueError(
                    f"move of '{project_id}' to {year} is outside {FIRST_YEAR}-{LAST_YEAR}"
                )
        return self


class PopulationOverrides(BaseModel):
    """The population section of a scenario."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fertility: FertilityOverrides = FertilityOverrides()
    mortality: MortalityOverrides = MortalityOverrides()
    migration: MigrationOverrides = MigrationOverrides()
    housing: HousingOverrides = HousingOverrides()
