"""Where a number comes from, and how far to trust it.

Every data value and parameter in byibalance carries a status. The user interface shows the
difference between a published figure and an estimate; a missing value is shown as missing,
never as zero.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Status(StrEnum):
    """How a value was obtained (shared/docs/DOMAIN.md §0 status keys)."""

    PUBLISHED = "published"  # P: read from the official source
    SECONDARY = "secondary"  # Q: published, read from a secondary source (press, encyclopaedia)
    ESTIMATE = "estimate"  # E: an estimate, by its source or by byibalance
    DERIVED = "derived"  # D: arithmetic on other values
    ASSUMPTION = "assumption"  # a modelling choice or illustrative value, no source
    MISSING = "missing"  # NF: not found; a user input, never shown as 0

    @property
    def is_estimate(self) -> bool:
        """True where the interface must mark the value as not published."""
        return self in (Status.ESTIMATE, Status.ASSUMPTION, Status.MISSING)


class Provenance(BaseModel):
    """Source and status of a value, as shown on screen beside it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Status
    source: str
    note: str | None = None
