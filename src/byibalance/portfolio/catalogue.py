"""The ambitions catalogue: what the council would like to do, with costs, timing and effects.

The fields of an ambition are declared once, in :class:`Ambition` (STYLE point 6): each field's
type, default and bounds come from the annotation, and its unit and description from
``Field(description=..., json_schema_extra={"unit": ...})``. Validation of YAML, CSV and Excel
input, the CSV/Excel column check and the field table in ``docs/portfolio.md`` all come from
:data:`FIELDS`, which is read off the model.

Money is in mio. DKK in fixed prices; a positive ``operating_per_year`` is a cost (*afledt
drift*), a negative one a saving. Effects are per year after completion.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from byibalance.errors import ErrorLocation, PortfolioError
from byibalance.provenance import Status

FIRST_YEAR, LAST_YEAR = 2000, 2100
DIMENSIONS = ("social", "economic", "climate", "environment")


class Category(StrEnum):
    """What kind of ambition it is (used to group the council's overview)."""

    schools_daycare = "schools_daycare"
    climate_adaptation = "climate_adaptation"
    housing_renovation = "housing_renovation"
    district_heating = "district_heating"
    cycling = "cycling"
    light_rail_area = "light_rail_area"
    climate = "climate"
    urban_development = "urban_development"
    welfare = "welfare"
    other = "other"


def _unit(unit: str) -> dict[str, Any]:
    return {"unit": unit}


class Ambition(BaseModel):
    """One ambition: a project the council may start in one year of its window.

    Its yearly cash effect, counted from start year ``s`` with duration ``d``:
    ``capital_per_year`` in years ``s .. s+d-1``; from year ``s+d`` on,
    ``operating_per_year - revenue_per_year``; ``revenue_one_off`` in year ``s+d``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(
        pattern=r"^[a-z0-9_]+$", max_length=60,
        description="unique identifier, lower-case ASCII snake_case",
        json_schema_extra=_unit("text"),
    )  # fmt: skip
    name: str = Field(
        min_length=1, description="name in Danish, as the council knows it",
        json_schema_extra=_unit("text"),
    )  # fmt: skip
    category: Category = Field(
        default=Category.other, description="kind of ambition", json_schema_extra=_unit("text")
    )
    capital_per_year: float = Field(
        ge=0, description="capital spending (anlæg) in each construction year",
        json_schema_extra=_unit("mio_DKK_per_year"),
    )  # fmt: skip
    operating_per_year: float = Field(
        default=0.0,
        description="operating cost (afledt drift, +) or saving (-) per year after completion; "
        "counts against the service ceiling",
        json_schema_extra=_unit("mio_DKK_per_year"),
    )
    revenue_per_year: float = Field(
        default=0.0,
        description="revenue per year after completion (e.g. tax from new residents)",
        json_schema_extra=_unit("mio_DKK_per_year"),
    )
    revenue_one_off: float = Field(
        default=0.0, description="one-off revenue in the completion year (e.g. a land sale)",
        json_schema_extra=_unit("mio_DKK"),
    )  # fmt: skip
    earliest_start: int = Field(
        ge=FIRST_YEAR, le=LAST_YEAR, description="first year it may start",
        json_schema_extra=_unit("year"),
    )  # fmt: skip
    latest_start: int = Field(
        ge=FIRST_YEAR, le=LAST_YEAR, description="last year it may start",
        json_schema_extra=_unit("year"),
    )  # fmt: skip
    duration: int = Field(
        ge=1, le=30, description="construction years (capital is spent in each)",
        json_schema_extra=_unit("years"),
    )  # fmt: skip
    requires: tuple[str, ...] = Field(
        default=(), description="ids that must be completed before it starts",
        json_schema_extra=_unit("ids"),
    )  # fmt: skip
    excludes: tuple[str, ...] = Field(
        default=(), description="ids that cannot be chosen together with it (either-or)",
        json_schema_extra=_unit("ids"),
    )  # fmt: skip
    priority: float = Field(
        default=1.0, ge=0, le=10, description="political priority (multiplies its value)",
        json_schema_extra=_unit("weight"),
    )  # fmt: skip
    social: float = Field(
        default=0.0, ge=-10, le=10, description="social effect, score -10..10",
        json_schema_extra=_unit("score"),
    )  # fmt: skip
    economic: float = Field(
        default=0.0, ge=-10, le=10, description="economic effect, score -10..10",
        json_schema_extra=_unit("score"),
    )  # fmt: skip
    climate: float = Field(
        default=0.0, description="greenhouse-gas reduction per year after completion",
        json_schema_extra=_unit("tonnes_CO2e_per_year"),
    )  # fmt: skip
    environment: float = Field(
        default=0.0, ge=-10, le=10, description="environmental effect, score -10..10",
        json_schema_extra=_unit("score"),
    )  # fmt: skip
    status: Status = Field(
        description="provenance of the costs and effects (published, estimate, assumption...)",
        json_schema_extra=_unit("text"),
    )  # fmt: skip
    source: str = Field(
        min_length=1, description="where the ambition and its figures come from",
        json_schema_extra=_unit("text"),
    )  # fmt: skip
    note: str = Field(default="", description="free remark", json_schema_extra=_unit("text"))

    @field_validator("requires", "excludes", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(
                part.strip() for part in value.replace(";", ",").split(",") if part.strip()
            )
        return value

    @model_validator(mode="after")
    def _window(self) -> Ambition:
        if self.latest_start < self.earliest_start:
            raise ValueError(
                f"latest_start {self.latest_start} is before earliest_start {self.earliest_start}"
            )
        if self.id in self.requires or self.id in self.excludes:
            raise ValueError(f"'{self.id}' cannot require or exclude itself")
        return self

    def effect(self, dimension: str) -> float:
        """The effect on one of :data:`DIMENSIONS`."""
        return float(getattr(self, dimension))

    def cash(self, start: int, year: int) -> float:
        """Net cash cost (mio. DKK) in ``year`` when started in ``start``; revenue is negative."""
        done = start + self.duration
        if start <= year < done:
            return self.capital_per_year
        if year >= done:
            one_off = self.revenue_one_off if year == done else 0.0
            return self.operating_per_year - self.revenue_per_year - one_off
        return 0.0

    def capital(self, start: int, year: int) -> float:
        """Capital spending (mio. DKK) in ``year`` when started in ``start``."""
        return self.capital_per_year if start <= year < start + self.duration else 0.0

    def operating(self, start: int, year: int) -> float:
        """Operating cost (+) or saving (-) in ``year`` when started in ``start``."""
        return self.operating_per_year if year >= start + self.duration else 0.0


@dataclass(frozen=True)
class FieldSpec:
    """One row of the field table: name, type, unit, default, description, required."""

    name: str
    type: str
    unit: str
    default: str
    description: str
    required: bool


def _field_table() -> tuple[FieldSpec, ...]:
    rows = []
    for name, info in Ambition.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        annotation = info.annotation
        type_name = getattr(annotation, "__name__", str(annotation))
        required = info.is_required()
        value = getattr(info.default, "value", info.default)
        default = "" if required else repr(value)
        rows.append(
            FieldSpec(
                name=name,
                type=type_name,
                unit=str(extra.get("unit", "")),
                default=default,
                description=info.description or "",
                required=required,
            )
        )
    return tuple(rows)


FIELDS: tuple[FieldSpec, ...] = _field_table()
"""The ambition's fields, read off :class:`Ambition` (the single declaration)."""


def fields_markdown() -> str:
    """The field table as Markdown, for docs/portfolio.md."""
    lines = ["| field | type | unit | default | description |", "|---|---|---|---|---|"]
    for f in FIELDS:
        default = "required" if f.required else f.default
        lines.append(f"| `{f.name}` | {f.type} | {f.unit} | {default} | {f.description} |")
    return "\n".join(lines)


class Catalogue(Mapping[str, Ambition]):
    """A validated set of ambitions: unique ids, and every ``requires``/``excludes`` id known."""

    def __init__(self, ambitions: Iterable[Ambition], origin: str | None = None):
        self.origin = origin
        self._items: dict[str, Ambition] = {}
        for i, ambition in enumerate(ambitions):
            if ambition.id in self._items:
                raise PortfolioError(
                    f"ambition id '{ambition.id}' appears twice",
                    "give every ambition its own id",
                    ErrorLocation(file=origin, line=i + 1, field="id"),
                )
            self._items[ambition.id] = ambition
        for i, ambition in enumerate(self._items.values()):
            for kind in ("requires", "excludes"):
                for other in getattr(ambition, kind):
                    if other not in self._items:
                        raise PortfolioError(
                            f"ambition '{ambition.id}' {kind} unknown ambition '{other}'",
                            "use the id of an ambition in the catalogue, or remove it",
                            ErrorLocation(file=origin, line=i + 1, field=kind),
                        )
        self._check_no_cycles()

    def _check_no_cycles(self) -> None:
        state: dict[str, int] = {}

        def visit(node: str, path: list[str]) -> None:
            state[node] = 1
            for nxt in self._items[node].requires:
                if state.get(nxt) == 1:
                    cycle = " -> ".join([*path, node, nxt])
                    raise PortfolioError(
                        f"ambitions require each other in a circle: {cycle}",
                        "remove one of these 'requires' entries",
                        ErrorLocation(file=self.origin, field="requires"),
                    )
                if nxt not in state:
                    visit(nxt, [*path, node])
            state[node] = 2

        for key in self._items:
            if key not in state:
                visit(key, [])

    def __getitem__(self, key: str) -> Ambition:
        try:
            return self._items[key]
        except KeyError:
            raise PortfolioError(
                f"no ambition with id '{key}' in the catalogue",
                "check the id against the catalogue (byibalance ambitions --format json)",
                ErrorLocation(file=self.origin, field="id"),
            ) from None

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def ambitions(self) -> list[Ambition]:
        """The ambitions in catalogue order."""
        return list(self._items.values())

    def extended(self, extra: Iterable[Ambition]) -> Catalogue:
        """This catalogue plus ``extra`` ambitions (ids must be new)."""
        return Catalogue([*self._items.values(), *extra], self.origin)
