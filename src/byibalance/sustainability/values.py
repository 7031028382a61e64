"""Indicator values with their year, vintage and status; never overwritten.

Design rules (shared/docs/DOMAIN.md §6, rules 1–2):

- each value carries its ``year`` (the year it describes), its ``vintage`` (the date the figure
  was published or computed) and a :class:`ValueStatus`;
- a missing value is ``None`` with a GPC notation key (``NE`` not estimated, ``NO`` not
  occurring), shown as missing and never as 0;
- a recalculated series (ENS recalculates past years) is added with a later vintage; the old
  values stay, with their vintages (:meth:`ValueStore.history`);
- an estimate or a provisional figure never replaces a published value of the same year: adding
  one raises :class:`~byibalance.errors.IndicatorError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from byibalance.errors import ErrorLocation, IndicatorError


class ValueStatus(StrEnum):
    """How a stored value was obtained (DOMAIN §6 rule 1, DOMAIN §0 keys)."""

    published = "published"  # P: read from the official source
    secondary = "secondary"  # Q: published, read from a secondary source
    estimated = "estimated"  # E: an estimate, by its source or by byibalance
    provisional = "provisional"  # a preliminary figure, to be replaced by a published one
    derived = "derived"  # D: arithmetic on other values, the formula is stated
    not_available = "not_available"  # NF / NE: missing, shown as missing

    @property
    def is_published(self) -> bool:
        """True for figures read from a source (P or Q)."""
        return self in (ValueStatus.published, ValueStatus.secondary)


class Notation(StrEnum):
    """GPC notation keys for a missing value (DOMAIN §6 rule 2)."""

    NE = "NE"  # not estimated
    NO = "NO"  # not occurring


class IndicatorValue(BaseModel):
    """One stored value of one indicator for one year and one vintage."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    value: float | None
    status: ValueStatus
    vintage: dt.date
    source: str = Field(min_length=1)
    notation: Notation | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _missing_is_marked(self) -> IndicatorValue:
        if self.value is None and self.notation is None:
            raise ValueError("a missing value needs a notation key: NE (not estimated) or NO")
        if self.value is None and self.status is not ValueStatus.not_available:
            raise ValueError("a missing value must have status not_available")
        if self.value is not None and self.status is ValueStatus.not_available:
            raise ValueError("a value with status not_available must be empty (value: null)")
        return self

    @property
    def is_missing(self) -> bool:
        """True where no figure exists (shown as missing, never as 0)."""
        return self.value is None


class ValueStore:
    """All vintages of all stored values; :meth:`current` answers with the latest vintage."""

    def __init__(self, values: Iterable[IndicatorValue] = ()) -> None:
        self._values: dict[tuple[str, int], list[IndicatorValue]] = {}
        for value in values:
            self.add(value)

    def add(self, value: IndicatorValue, where: ErrorLocation | None = None) -> None:
        """Add a value; refuse a duplicate vintage or an estimate over a published figure."""
        key = (value.indicator, value.year)
        where = where or ErrorLocation(field=value.indicator, year=value.year)
        existing = self._values.setdefault(key, [])
        for old in existing:
            if old.vintage == value.vintage:
                raise IndicatorError(
                    f"'{value.indicator}' has two values for {value.year} with the same vintage "
                    f"{value.vintage.isoformat()}",
                    "Give the recalculated value a later vintage date; old values are kept",
                    where,
                )
            if old.status.is_published and not value.status.is_published:
                raise IndicatorError(
                    f"the {value.status.value} value {value.value} for '{value.indicator}' "
                    f"{value.year} would replace the {old.status.value} value {old.value}",
                    "An estimate never replaces a published figure; drop it or store it "
                    "under another indicator id",
                    where,
                )
        existing.append(value)
        existing.sort(key=lambda v: v.vintage)

    def current(self, indicator: str, year: int) -> IndicatorValue | None:
        """The value shown for ``indicator`` in ``year``: the latest vintage of the published
        figures if any exists, else the latest vintage; ``None`` if nothing is stored."""
        values = self._values.get((indicator, year))
        if not values:
            return None
        published = [v for v in values if v.status.is_published]
        return (published or values)[-1]

    def history(self, indicator: str, year: int) -> list[IndicatorValue]:
        """Every vintage for ``indicator`` in ``year``, oldest first."""
        return list(self._values.get((indicator, year), []))

    def series(self, indicator: str) -> dict[int, IndicatorValue]:
        """``{year: current value}`` for one indicator, by year."""
        years = sorted(y for (i, y) in self._values if i == indicator)
        out: dict[int, IndicatorValue] = {}
        for year in years:
            current = self.current(indicator, year)
            if current is not None:
                out[year] = current
        return out

    def indicators(self) -> set[str]:
        """Ids that have at least one stored value."""
        return {i for (i, _) in self._values}

    def __len__(self) -> int:
        return sum(len(v) for v in self._values.values())
