"""The service areas and their demand model (VIVE's model types, DOMAIN.md §3).

This is the schema of the services model: which ages drive each area and how. The numbers
(coverage, unit costs, capacity) are parameters in ``params/dk/services.yaml`` and the
municipality's own file, named ``<area>.<attribute>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ModelType = Literal["unit", "coverage", "intensity"]


@dataclass(frozen=True)
class AreaSpec:
    """A service area: its age group, VIVE model type and whether it counts as service spending.

    - ``unit``: ``cost = N[g] * unit_amount`` (type 1);
    - ``coverage``: ``users = N[g] * coverage``, ``cost = users * unit_cost`` (type 2);
    - ``intensity``: ``users_j = N[g] * share_j``, ``cost = sum_j users_j * unit_cost_j`` (type 3).
    """

    name: str
    label: str
    ages: tuple[int, int]
    model: ModelType
    service: bool = True
    capacity_unit: Literal["places", "classes"] | None = None


AREAS: tuple[AreaSpec, ...] = (
    AreaSpec("daycare_0_2", "Dagtilbud 0-2 år (vuggestue, dagpleje)", (0, 2), "coverage",
             capacity_unit="places"),
    AreaSpec("daycare_3_5", "Dagtilbud 3-5 år (børnehave)", (3, 5), "coverage",
             capacity_unit="places"),
    AreaSpec("school_6_16", "Folkeskole 6-16 år", (6, 16), "coverage", capacity_unit="classes"),
    AreaSpec("elderly_65_79", "Ældreområdet 65-79 år", (65, 79), "unit"),
    AreaSpec("elderly_80_plus", "Ældreområdet 80+ år", (80, 100), "intensity"),
    AreaSpec("special_needs", "Specialiserede område (alle indbyggere)", (0, 100), "unit"),
    AreaSpec("other_services", "Øvrig service (alle indbyggere)", (0, 100), "unit"),
    AreaSpec("income_transfers", "Overførsler 18-64 år", (18, 64), "unit", service=False),
)

AREA_NAMES: tuple[str, ...] = tuple(a.name for a in AREAS)
