"""Headroom: how much room the budget leaves for ambitions, per year and per rule.

The optimiser never knows the rules' formulas; it knows only the room each rule leaves (limit
minus the baseline budget's use). :func:`headroom_from_rows` builds it from plain per-year
figures; the finance adapter builds it from a ``Budget``. Money is in mio. DKK.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from byibalance.errors import ErrorLocation, PortfolioError
from byibalance.provenance import Status


class Rule(StrEnum):
    """The yearly rules an ambition plan must satisfy."""

    capital = "capital"  # anlægsramme: capital spending at most the capital-spending level
    liquidity = "liquidity"  # kassekreditreglen and the council's floor: cash above the floor
    service = "service"  # serviceramme: service spending at most the ceiling
    window = "window"  # start inside the ambition's window and the budget years
    requires = "requires"  # a required ambition is completed before the start
    excludes = "excludes"  # two ambitions that exclude each other
    pinned = "pinned"  # a scenario's pin in or out


RULE_NAMES_DA: Mapping[Rule, str] = {
    Rule.capital: "anlægsrammen (capital-spending level)",
    Rule.liquidity: "likviditetsgulvet (liquidity floor, kassekreditreglen)",
    Rule.service: "servicerammen (service ceiling)",
    Rule.window: "startvinduet (start window)",
    Rule.requires: "forudsætning (required ambition)",
    Rule.excludes: "udelukkelse (either-or)",
    Rule.pinned: "fastlåsning i scenariet (scenario pin)",
}

RESOURCE_RULES = (Rule.capital, Rule.liquidity, Rule.service)


@dataclass(frozen=True)
class Headroom:
    """Room per year for the ambitions' combined use of each rule (mio. DKK).

    - ``capital[i]``: capital-spending level minus the baseline capital spending in ``years[i]``;
    - ``liquidity[i]``: baseline liquidity minus its floor at the end of ``years[i]``; the plan's
      cumulative net cash cost up to that year must stay within it;
    - ``service[i]``: service ceiling minus the baseline service spending; the plan's operating
      costs (afledt drift, savings negative) in that year must stay within it.

    ``limits`` optionally holds the limits themselves per rule (for display).
    """

    years: tuple[int, ...]
    capital: tuple[float, ...]
    liquidity: tuple[float, ...]
    service: tuple[float, ...]
    status: Status
    source: str
    limits: Mapping[Rule, tuple[float, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.years:
            raise PortfolioError("the headroom has no years", "give at least one budget year")
        n = len(self.years)
        for rule in RESOURCE_RULES:
            values = getattr(self, rule.value)
            if len(values) != n:
                raise PortfolioError(
                    f"the {rule.value} headroom has {len(values)} values for {n} years",
                    "give one value per budget year",
                    ErrorLocation(field=rule.value),
                )
        for a, b in zip(self.years, self.years[1:], strict=False):
            if b != a + 1:
                raise PortfolioError(
                    f"budget years must follow each other; {b} comes after {a}",
                    "list consecutive years",
                    ErrorLocation(field="years", year=b),
                )

    def room(self, rule: Rule) -> tuple[float, ...]:
        """The room per year under ``rule`` (one of :data:`RESOURCE_RULES`)."""
        return tuple(getattr(self, rule.value))

    def with_extra(self, per_year: float) -> Headroom:
        """This headroom with ``per_year`` mio. DKK more money for ambitions in each year.

        Capital room grows by ``per_year`` each year; the liquidity room by the money added so
        far, ``per_year * (i + 1)``; the service ceiling is a law and does not move.
        """
        return Headroom(
            years=self.years,
            capital=tuple(c + per_year for c in self.capital),
            liquidity=tuple(v + per_year * (i + 1) for i, v in enumerate(self.liquidity)),
            service=self.service,
            status=Status.ASSUMPTION if per_year else self.status,
            source=f"{self.source}; plus {per_year:g} mio. DKK a year" if per_year else self.source,
            limits=self.limits,
            notes=self.notes,
        )


def headroom_from_rows(
    rows: Sequence[Mapping[str, object]], status: Status, source: str, file: str | None = None
) -> Headroom:
    """A :class:`Headroom` from rows ``{year, capital, liquidity, service}`` (mio. DKK)."""
    years: list[int] = []
    columns: dict[str, list[float]] = {r.value: [] for r in RESOURCE_RULES}
    for i, row in enumerate(rows):
        try:
            years.append(int(str(row["year"])))
            for name in columns:
                columns[name].append(float(str(row[name])))
        except KeyError as err:
            raise PortfolioError(
                f"headroom row has no '{err.args[0]}'",
                "give year, capital, liquidity and service (mio. DKK) on every row",
                ErrorLocation(file=file, line=i + 1, field=str(err.args[0])),
            ) from None
        except ValueError:
            raise PortfolioError(
                f"headroom row {i + 1} has a value that is not a number",
                "write numbers in mio. DKK",
                ErrorLocation(file=file, line=i + 1),
            ) from None
    return Headroom(
        years=tuple(years),
        capital=tuple(columns["capital"]),
        liquidity=tuple(columns["liquidity"]),
        service=tuple(columns["service"]),
        status=status,
        source=source,
    )
