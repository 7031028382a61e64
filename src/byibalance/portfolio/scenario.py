"""The ``ambitions`` section of a scenario: pins, weights, citizens' support, extra ambitions.

Example::

    ambitions:
      pinned_in: [vridsloese_skole]
      pinned_out: [letbane_byudvikling]
      weights: {social: 2, economic: 1, climate: 1, environment: 1}
      support: {cykelsuperstier: 0.8}
      extra:
        - {id: ny_hal, name: Ny idrætshal, capital_per_year: 20, earliest_start: 2027,
           latest_start: 2030, duration: 2, social: 4, status: assumption, source: forslag}
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from byibalance.portfolio.catalogue import Ambition
from byibalance.portfolio.optimise import Weights


class WeightOverrides(BaseModel):
    """The council's weights over the four dimensions and of citizens' support (0 or more)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    social: float = Field(default=1.0, ge=0)
    economic: float = Field(default=1.0, ge=0)
    climate: float = Field(default=1.0, ge=0)
    environment: float = Field(default=1.0, ge=0)
    support: float = Field(default=1.0, ge=0)

    def as_weights(self) -> Weights:
        """The optimiser's :class:`Weights`."""
        return Weights(**self.model_dump())


class AmbitionsOverrides(BaseModel):
    """Pins in or out, weights, citizens' support shares and extra ambitions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pinned_in: tuple[str, ...] = ()
    pinned_out: tuple[str, ...] = ()
    weights: WeightOverrides | None = None
    support: dict[str, float] = Field(default_factory=dict)
    extra: tuple[Ambition, ...] = ()
