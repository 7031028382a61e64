"""The indicator registry: one field table, declared as data, from which validation and docs come.

Every indicator of the sustainability account is described by the same fields (after U4SSC and
ISO 37120, shared/docs/DOMAIN.md §6): ``id, name_da, name_en, dimension, definition, numerator,
denominator, unit, direction, basis, target, source``. :data:`FIELDS` is that table;
:class:`Indicator` validates against it and ``docs/sustainability.md`` prints it.

An indicator's value in year ``t`` is ``numerator(t) / denominator(t)`` where both are named
series (stored values, projection measures or budget lines, see :mod:`.account`); without a
denominator it is ``numerator(t)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Dimension(StrEnum):
    """The four dimensions of the balance view (no composite score, DOMAIN §6 rule 7)."""

    social = "social"
    economic = "economic"
    climate = "climate"
    environment = "environment"


class Direction(StrEnum):
    """Which way is better."""

    higher_better = "higher"
    lower_better = "lower"


class Basis(StrEnum):
    """What a value or a target is measured against (DOMAIN §6 registry fields)."""

    absolute = "absolute"
    per_capita = "per_capita"
    vs_baseline = "vs_baseline"


UNITS: dict[str, str] = {
    "tonnes_CO2e": "tonnes of CO2 equivalent per year",
    "tonnes_CO2e_per_person": "tonnes of CO2 equivalent per inhabitant per year",
    "MWh": "megawatt-hours per year",
    "MWh_per_person": "megawatt-hours per inhabitant per year",
    "litres_per_person_per_day": "litres per inhabitant per day",
    "kg_per_person": "kilograms per inhabitant per year",
    "share": "a fraction between 0 and 1",
    "persons": "persons",
    "DKK": "Danish kroner (fixed prices of the budget's base year)",
    "DKK_per_person": "Danish kroner per inhabitant",
    "ratio": "a ratio of two counts",
}
"""Units an indicator may be stated in, with what they mean."""


@dataclass(frozen=True)
class FieldSpec:
    """One row of the registry's field table."""

    name: str
    type: str
    required: bool
    description: str


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "text", True, "unique identifier, lower-case ASCII snake_case"),
    FieldSpec("name_da", "text", True, "name in Danish, as shown to the council"),
    FieldSpec("name_en", "text", True, "name in English"),
    FieldSpec("dimension", "social, economic, climate or environment", True, "dimension"),
    FieldSpec("definition", "text", True, "what is measured, and where the boundary is"),
    FieldSpec(
        "numerator", "series name", True,
        "series the value is read from: an indicator id with stored values, 'projection.<measure>'"
        " or 'budget.<line>'",
    ),
    FieldSpec("denominator", "series name", False, "series the numerator is divided by, if any"),
    FieldSpec("unit", "unit", True, "one of the units listed under Units"),
    FieldSpec("direction", "higher or lower", True, "which way is better"),
    FieldSpec("basis", "absolute, per_capita or vs_baseline", True, "what it is measured on"),
    FieldSpec("source", "text", True, "where the definition and the values come from"),
    FieldSpec(
        "target", "mapping", False,
        "value, year (optional for a standing threshold), basis, base_year (for vs_baseline), "
        "adopted (year the target was set), text (as stated), source",
    ),
)  # fmt: skip
"""The registry's field table: validation (:class:`Indicator`) and the docs come from it."""


def field_table_markdown() -> str:
    """The registry's field table (:data:`FIELDS`) and units (:data:`UNITS`) as Markdown."""
    lines = ["| field | type | required | description |", "|---|---|---|---|"]
    for spec in FIELDS:
        required = "yes" if spec.required else "no"
        lines.append(f"| `{spec.name}` | {spec.type} | {required} | {spec.description} |")
    lines += ["", "| unit | meaning |", "|---|---|"]
    lines += [f"| `{unit}` | {meaning} |" for unit, meaning in UNITS.items()]
    return "\n".join(lines) + "\n"


class Target(BaseModel):
    """A target: reach ``value`` (in the indicator's unit, or as a change for ``vs_baseline``).

    For ``basis = vs_baseline`` the target level is ``baseline value * (1 + value)`` where
    ``value`` is a signed share (``-0.10`` = 10 % down) against ``base_year``. A target without a
    year is a standing threshold (e.g. water use at most 100 l per person per day).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    year: int | None = Field(default=None, ge=1990, le=2100)
    basis: Basis = Basis.absolute
    base_year: int | None = Field(default=None, ge=1990, le=2100)
    adopted: int | None = Field(default=None, ge=1990, le=2100)
    text: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        if self.basis is Basis.vs_baseline and self.base_year is None:
            raise ValueError("a vs_baseline target needs a base_year")
        if self.year is not None and self.base_year is not None and self.year <= self.base_year:
            raise ValueError(
                f"target year {self.year} is in the past of its base year {self.base_year}"
            )
        if self.year is not None and self.adopted is not None and self.year < self.adopted:
            raise ValueError(
                f"target year {self.year} was already in the past when the target was adopted "
                f"({self.adopted})"
            )
        return self


class Indicator(BaseModel):
    """One indicator, as declared in the registry (fields: :data:`FIELDS`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$", max_length=60)
    name_da: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    dimension: Dimension
    definition: str = Field(min_length=1)
    numerator: str = Field(min_length=1)
    denominator: str | None = None
    unit: str
    direction: Direction
    basis: Basis
    source: str = Field(min_length=1)
    target: Target | None = None

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        if unit not in UNITS:
            raise ValueError(f"unknown unit '{unit}'; use one of: {', '.join(UNITS)}")
        return unit


class Registry(BaseModel):
    """The indicators of one account, in display order; ids are unique."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicators: tuple[Indicator, ...]

    @field_validator("indicators")
    @classmethod
    def _unique(cls, indicators: tuple[Indicator, ...]) -> tuple[Indicator, ...]:
        seen: set[str] = set()
        for indicator in indicators:
            if indicator.id in seen:
                raise ValueError(f"indicator id '{indicator.id}' appears twice")
            seen.add(indicator.id)
        return indicators

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id (``KeyError`` if unknown)."""
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def ids(self) -> list[str]:
        """Indicator ids in display order."""
        return [i.id for i in self.indicators]
