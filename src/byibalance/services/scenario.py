"""The ``services`` section of a scenario: overrides on the services parameters.

Example::

    services:
      regulation: marginal
      marginal_share: {elderly_80_plus: 0.8}
      unit_costs: {school_6_16: 85000}
      coverage: {daycare_0_2: 0.7}
      healthy_ageing: {elderly_80_plus: 0.1}
      capacity: {school_6_16: 3200}
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from byibalance.errors import ErrorLocation, ScenarioError
from byibalance.messages import N_, Note
from byibalance.services.areas import AREA_NAMES


def _known_areas(values: dict[str, float]) -> dict[str, float]:
    for name in values:
        if name not in AREA_NAMES:
            raise ValueError(Note(N_("unknown service area '{name}'; use one of: {areas}"),
                                  name=name, areas=", ".join(AREA_NAMES)))  # fmt: skip
    return values


class ServicesOverrides(BaseModel):
    """Overrides of the services parameters; every key is optional (the baseline stays)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    regulation: Literal["full", "marginal"] = Field(
        default="full",
        description="How spending follows the number of users: 'full' (in proportion) or "
        "'marginal' (only the marginal_share of each area follows; every area needs one)",
    )
    marginal_share: dict[str, float] = Field(
        default_factory=dict,
        description="Share (0-1) of an area's spending that follows its users when regulation "
        "is marginal; by service area",
    )
    unit_costs: dict[str, float] = Field(
        default_factory=dict,
        description="DKK per user and year (per inhabitant for unit-amount areas), 0 or more; "
        "by service area",
    )
    coverage: dict[str, float] = Field(
        default_factory=dict, description="Share (0-1) of the age group that uses the service"
    )
    healthy_ageing: dict[str, float] = Field(
        default_factory=dict,
        description="Share (0-1) by which need falls as the elderly live healthier; by area",
    )
    capacity: dict[str, float] = Field(
        default_factory=dict, description="Places (or classes) available, 0 or more; by area"
    )

    @field_validator("marginal_share", "coverage", "healthy_ageing")
    @classmethod
    def _shares(cls, values: dict[str, float]) -> dict[str, float]:
        for name, value in values.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(Note(N_("'{name}' is {value!r}; a share lies between 0 and 1"),
                                      name=name, value=value))  # fmt: skip
        return _known_areas(values)

    @field_validator("unit_costs", "capacity")
    @classmethod
    def _non_negative(cls, values: dict[str, float]) -> dict[str, float]:
        for name, value in values.items():
            if value < 0:
                raise ValueError(Note(N_("'{name}' is {value!r}; it cannot be negative"),
                                      name=name, value=value))  # fmt: skip
        return _known_areas(values)


def services_overrides(
    raw: ServicesOverrides | dict[str, Any] | None, file: str | None = None
) -> ServicesOverrides:
    """Validate a scenario's ``services`` mapping; errors name the field path.

    A scenario's ``services`` is already a validated :class:`ServicesOverrides`; it is returned
    as it is.
    """
    if isinstance(raw, ServicesOverrides):
        return raw
    try:
        return ServicesOverrides.model_validate(raw or {})
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(["services", *(str(p) for p in first["loc"])])
        raise ScenarioError(
            first["msg"].removeprefix("Value error, "),
            "Correct the value (see docs/finance.md, 'Scenario sections')",
            ErrorLocation(file=file, field=field),
        ) from None
