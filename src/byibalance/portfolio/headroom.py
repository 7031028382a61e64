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
from byibalance.messages import N_, Note
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


class Mode(StrEnum):
    """How a yearly resource rule enters the optimisation."""

    hard = "hard"  # a constraint: no plan may break it (or make a baseline breach worse)
    warning = "warning"  # not a constraint: the plan's excess is reported per year, with amounts


@dataclass(frozen=True)
class RuleNature:
    """A resource rule's legal nature, which sets its default :class:`Mode`."""

    default: Mode
    collective: bool  # a frame for the municipalities together, not a limit on one of them
    finance_checks: tuple[str, ...]  # the ``finance.rules`` checks the rule stands for
    meaning: str  # what going above it means for the municipality
    source: str


RULE_NATURE: Mapping[Rule, RuleNature] = {
    Rule.capital: RuleNature(
        Mode.warning,
        collective=True,
        finance_checks=("capital_level",),
        meaning=Note(
            N_(
                "the capital-spending level (anlægsramme) is a frame for the municipalities "
                "together: if their budgets together exceed it, up to 1 bn DKK of the block "
                "grant can be cut collectively; one municipality above its share breaks no law "
                "but adds to that risk (finance.rules reports it as a warning)"
            )
        ),
        source="DOMAIN.md §1 (anlægsramme), §5 (budget sanction; budgetlov)",
    ),
    Rule.service: RuleNature(
        Mode.warning,
        collective=True,
        finance_checks=("service_ceiling",),
        meaning=Note(
            N_(
                "the service ceiling (serviceramme) is the municipality's share of the agreed "
                "service level: if the municipalities' budgets together exceed it, up to 3 bn "
                "DKK of the block grant can be cut collectively; if the accounts exceed it, the "
                "cut falls 40 % collectively and 60 % on the municipalities that overspent"
            )
        ),
        source="DOMAIN.md §5 (budget and accounts sanctions; budgetlov)",
    ),
    Rule.liquidity: RuleNature(
        Mode.hard,
        collective=False,
        finance_checks=("kassekreditreglen", "liquidity_target"),
        meaning=Note(
            N_(
                "kassekreditreglen binds each municipality: the average cash over the last 365 "
                "days must be above 0, or a dispensation is needed; the floor above it is the "
                "council's own liquidity target"
            )
        ),
        source="DOMAIN.md §5 (kassekreditreglen)",
    ),
}
"""The one table of the resource rules' legal nature. Binding rules (kassekreditreglen, the
council's liquidity target) are hard by default; the collective frames (anlægsramme,
serviceramme) are warnings by default. Borrowing rules also bind each municipality, but a plan
borrows nothing (``BudgetAdjustments.borrowing`` is 0), so they have no room to model; the
finance check of a plan still reports them."""

FRAMES: tuple[Rule, ...] = tuple(r for r, n in RULE_NATURE.items() if n.collective)
"""The collective frames: the rules ``--frames warning|hard`` switches."""

DEFAULT_MODES: Mapping[Rule, Mode] = {r: n.default for r, n in RULE_NATURE.items()}


def modes_for(frames: Mode | str) -> dict[Rule, Mode]:
    """The modes with the collective frames set to ``frames``; binding rules stay hard."""
    try:
        frame_mode = Mode(frames)
    except ValueError:
        raise PortfolioError(
            f"unknown mode '{frames}' for the collective frames",
            "use 'warning' (reported per year) or 'hard' (a constraint)",
            ErrorLocation(field="frames"),
        ) from None
    return {r: frame_mode if r in FRAMES else n.default for r, n in RULE_NATURE.items()}


@dataclass(frozen=True)
class Headroom:
    """Room per year for the ambitions' combined use of each rule (mio. DKK).

    - ``capital[i]``: capital-spending level minus the baseline capital spending in ``years[i]``;
    - ``liquidity[i]``: baseline liquidity minus its floor at the end of ``years[i]``; the plan's
      cumulative net cash cost up to that year must stay within it;
    - ``service[i]``: service ceiling minus the baseline service spending; the plan's operating
      costs (afledt drift, savings negative) in that year must stay within it.

    ``baseline`` optionally holds, per rule, the baseline's own signed slack (limit minus use;
    negative when the baseline is already over the limit before any ambition); without it the
    room is taken as the slack. :meth:`from_slack` builds both from the slack with the room
    ``max(0, slack)``. ``limits`` optionally holds the limits themselves per rule (for display).
    """

    years: tuple[int, ...]
    capital: tuple[float, ...]
    liquidity: tuple[float, ...]
    service: tuple[float, ...]
    status: Status
    source: str
    limits: Mapping[Rule, tuple[float, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    baseline: Mapping[Rule, tuple[float, ...]] = field(default_factory=dict)

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
        for rule, values in self.baseline.items():
            if rule not in RESOURCE_RULES or len(values) != n:
                raise PortfolioError(
                    f"the baseline slack of '{rule}' has {len(values)} values for {n} years",
                    "give one value per budget year for capital, liquidity or service",
                    ErrorLocation(field=f"baseline.{rule}"),
                )
        for a, b in zip(self.years, self.years[1:], strict=False):
            if b != a + 1:
                raise PortfolioError(
                    f"budget years must follow each other; {b} comes after {a}",
                    "list consecutive years",
                    ErrorLocation(field="years", year=b),
                )

    @classmethod
    def from_slack(
        cls,
        years: Sequence[int],
        slack: Mapping[Rule, Sequence[float]],
        status: Status,
        source: str,
        limits: Mapping[Rule, tuple[float, ...]] | None = None,
        notes: Sequence[str] = (),
    ) -> Headroom:
        """The headroom from the baseline's signed slack per rule (limit minus use).

        The room for ambitions is ``max(0, slack)``: where the baseline is already over a
        limit, the ambitions together may use nothing more there (their use must be <= 0, i.e.
        the plan may not make the excess worse; a saving may reduce it). For liquidity, whose
        use is the plan's cumulative net cash, room 0 means the plan may not lower that year's
        liquidity. Each such year is named in ``notes``; the signed slack is kept in
        ``baseline`` so that the excess can be reported (:meth:`baseline_slack`).
        """
        found = list(notes)
        for rule in RESOURCE_RULES:
            for y, value in zip(years, slack[rule], strict=False):
                if value < 0:
                    found.append(
                        Note(
                            N_("{year}: the baseline budget is already {amount:,.1f} mio. DKK "
                               "over the {rule:word} limit before any ambition (as a hard rule: "
                               "room 0 there)"),
                            year=y, amount=-value, rule=rule.value,
                        )
                    )  # fmt: skip
        return cls(
            years=tuple(years),
            capital=tuple(max(0.0, float(v)) for v in slack[Rule.capital]),
            liquidity=tuple(max(0.0, float(v)) for v in slack[Rule.liquidity]),
            service=tuple(max(0.0, float(v)) for v in slack[Rule.service]),
            status=status,
            source=source,
            limits=dict(limits or {}),
            notes=tuple(found),
            baseline={r: tuple(float(v) for v in slack[r]) for r in RESOURCE_RULES},
        )

    def room(self, rule: Rule) -> tuple[float, ...]:
        """The room per year under ``rule`` (one of :data:`RESOURCE_RULES`)."""
        return tuple(getattr(self, rule.value))

    def baseline_slack(self, rule: Rule) -> tuple[float, ...]:
        """The baseline's own signed slack under ``rule`` (negative: already over)."""
        return tuple(self.baseline.get(rule, self.room(rule)))

    def with_extra(self, per_year: float) -> Headroom:
        """This headroom with ``per_year`` mio. DKK more money for ambitions in each year.

        Capital room grows by ``per_year`` each year; the liquidity room by the money added so
        far, ``per_year * (i + 1)``; the service ceiling is a law and does not move. The extra
        money is added to the room (after an overdrawn year's room was set to 0); the baseline
        slack, against which the frames' warnings are measured, does not move.
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
            baseline=self.baseline,
        )


def headroom_from_rows(
    rows: Sequence[Mapping[str, object]], status: Status, source: str, file: str | None = None
) -> Headroom:
    """A :class:`Headroom` from rows ``{year, capital, liquidity, service}`` (mio. DKK): the
    baseline's slack under each rule, negative where it is already over (room ``max(0, slack)``,
    see :meth:`Headroom.from_slack`)."""
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
    return Headroom.from_slack(
        years, {r: columns[r.value] for r in RESOURCE_RULES}, status=status, source=source
    )
