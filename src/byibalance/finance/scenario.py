"""The ``finance`` section of a scenario, and the budget adjustments an ambition plan adds.

Example::

    finance:
      income_tax_rate: {2027: 25.6, 2029: 26.0}      # percent; or {value: 0.26, unit: share}
      land_tax_per_mille: 9.1
      price_index: {2027: 1.02, 2028: 1.04, ...}     # every budget year; base year = 1
      liquidity_target_per_inhabitant: 6000          # DKK per inhabitant
      opening_liquidity: 250000000                   # DKK at the start of the budget year
      loans: [{year: 2028, amount: 50000000, purpose: energy_saving}]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from byibalance.errors import ErrorLocation, ScenarioError
from byibalance.messages import N_, Note

RATE_UNITS = {"percent": 0.01, "share": 1.0}
PER_MILLE_UNITS = {"per_mille": 1.0}
MONEY_UNITS = {"DKK": 1.0, "mio_DKK": 1e6}


class Quantity(BaseModel):
    """A value with its unit, for scenario values where a unit mix-up is easy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    unit: str


# The checks' messages are catalogue templates (byibalance.messages): the CLI and the API show
# their English, a web page its own language. What a unit is wrong for, by the check's name.
WRONG_UNIT = N_("unit '{unit}' is wrong for {what}; use {units}")
WHAT = {
    "a tax rate": N_("a tax rate"),
    "land tax": N_("land tax"),
    "an amount of money": N_("an amount of money"),
    "money": N_("money"),
    "a target": N_("a target"),
}
#: A check of one year's value (``{2028: 2}``) puts the year in front: ``[2028] ...``; the
#: scenario's error then names the year's own path (:func:`year_tagged`).
YEAR_TAG = "[{year}] {reason}"


def _choices(names: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a or b or c``: with each ``or`` in the page's language."""
    text: str = names[0]
    for name in names[1:]:
        text = Note(N_("{first} or {last}"), first=text, last=name)
    return text


def _wrong_unit(unit: str, what: str, units: Sequence[str]) -> Note:
    return Note(WRONG_UNIT, unit=unit, what=Note(WHAT[what]), units=_choices(units))


def year_tagged(message: str) -> tuple[str, str] | None:
    """``(year, message)`` of a message a check tagged with its year (``[2028] ...``), the
    message kept as the note the check raised; None for an untagged message."""
    if isinstance(message, Note) and message.message == YEAR_TAG:
        return str(message.args["year"]), message.args["reason"]
    tag = re.match(r"\[([^\]]+)\] (.*)", message)
    return (tag.group(1), tag.group(2)) if tag else None


def _in_unit(value: float | Quantity, units: Mapping[str, float], default: str, what: str) -> float:
    if isinstance(value, Quantity):
        if value.unit not in units:
            raise ValueError(_wrong_unit(value.unit, what, list(units)))
        return value.value * units[value.unit]
    return float(value) * units[default]


def _rate(value: float | Quantity) -> float:
    share = _in_unit(value, RATE_UNITS, "percent", "a tax rate")
    if not 0.05 <= share <= 0.5:  # municipal income tax is 22-27 %; outside 5-50 % is a unit slip
        raise ValueError(
            Note(
                N_(
                    "{value} is not a tax rate; give percent (e.g. 25.6) or "
                    "{{value: 0.256, unit: share}}"
                ),
                value=value if not isinstance(value, Quantity) else value.value,
            )
        )
    return share


class Loan(BaseModel):
    """A loan taken in ``year``; repaid in equal parts over ``term`` years from the next year."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int = Field(description="The year the loan is taken")
    amount: float = Field(gt=0, description="DKK, above 0")
    purpose: str = Field(description="What the loan pays for (the borrowing rules check it)")
    term: int | None = Field(default=None, gt=0, description="Years to repay, above 0")


class FinanceOverrides(BaseModel):
    """Overrides of the finance parameters; every key is optional (the baseline stays).

    Tax rates are percent (plain numbers) or ``{value, unit}`` with unit ``percent``/``share``;
    land tax is per mille; money is DKK (or ``{value, unit: mio_DKK}``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    income_tax_rate: float | Quantity | dict[int, float | Quantity] | None = Field(
        default=None,
        description="Municipal income tax rate in percent (or {value, unit: share}); one rate, "
        "or rates by year, each in force from its year on. 5-50 % is a sanity bound against "
        "unit slips (the 98 municipalities lie between 22 and 27 %)",
    )
    land_tax_per_mille: float | Quantity | None = Field(
        default=None,
        description="Land tax (grundskyld) in per mille of the land value, 0-34 (a sanity bound: "
        "34 per mille was the ceiling before the 2024 reform)",
    )
    price_index: dict[int, float] | None = Field(
        default=None,
        description="Price index by budget year, base year = 1; every value above 0",
    )
    liquidity_target_per_inhabitant: float | Quantity | None = Field(
        default=None,
        description="The council's liquidity target in DKK per inhabitant "
        "(or {value, unit: DKK_per_person})",
    )
    opening_liquidity: float | Quantity | None = Field(
        default=None,
        description="Cash at the start of the budget year in DKK (or {value, unit: mio_DKK})",
    )
    loans: list[Loan] = Field(
        default_factory=list,
        description="Loans: {year, amount (DKK, above 0), purpose, term (years, optional)}",
    )
    unit_costs: dict[str, float] = Field(
        default_factory=dict,
        description="Read by no computation: a scenario moves it to services.unit_costs",
    )

    @field_validator("income_tax_rate")
    @classmethod
    def _check_rate(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for year, item in value.items():
                try:
                    _rate(item)
                except ValueError as err:
                    raise ValueError(Note(YEAR_TAG, year=year, reason=err.args[0])) from None
        elif value is not None:
            _rate(value)
        return value

    @field_validator("land_tax_per_mille")
    @classmethod
    def _check_land(cls, value: Any) -> Any:
        if value is not None:
            per_mille = _in_unit(value, PER_MILLE_UNITS, "per_mille", "land tax")
            if not 0.0 <= per_mille <= 34.0:
                raise ValueError(
                    Note(
                        N_("{per_mille} per mille is outside 0-34, the legal range"),
                        per_mille=per_mille,
                    )
                )
        return value

    @field_validator("liquidity_target_per_inhabitant")
    @classmethod
    def _check_target(cls, value: Any) -> Any:
        if isinstance(value, Quantity) and value.unit != "DKK_per_person":
            raise ValueError(_wrong_unit(value.unit, "a target", ["DKK_per_person"]))
        return value

    @field_validator("opening_liquidity")
    @classmethod
    def _check_money(cls, value: Any) -> Any:
        if value is not None:
            _in_unit(value, MONEY_UNITS, "DKK", "an amount of money")
        return value

    @field_validator("price_index")
    @classmethod
    def _positive_index(cls, value: dict[int, float] | None) -> dict[int, float] | None:
        for year, index in (value or {}).items():
            if index <= 0:
                raise ValueError(
                    Note(
                        N_("the price index for {year} is {index}; it must be positive"),
                        year=year,
                        index=index,
                    )
                )
        return value

    def tax_rate(self, year: int) -> float | None:
        """The overridden income tax rate in force in ``year`` (share), or None."""
        value = self.income_tax_rate
        if value is None:
            return None
        if not isinstance(value, dict):
            return _rate(value)
        earlier = [y for y in value if y <= year]
        return _rate(value[max(earlier)]) if earlier else None

    def land_tax(self) -> float | None:
        """The overridden land tax in per mille, or None."""
        if self.land_tax_per_mille is None:
            return None
        return _in_unit(self.land_tax_per_mille, PER_MILLE_UNITS, "per_mille", "land tax")

    def liquidity_target(self) -> float | None:
        """The overridden liquidity target in DKK per inhabitant, or None."""
        value = self.liquidity_target_per_inhabitant
        return None if value is None else (value.value if isinstance(value, Quantity) else value)

    def opening_cash(self) -> float | None:
        """The overridden opening liquidity in DKK, or None."""
        value = self.opening_liquidity
        return None if value is None else _in_unit(value, MONEY_UNITS, "DKK", "money")


@dataclass(frozen=True)
class BudgetAdjustments:
    """Extra amounts per year (DKK, base-year prices) that an ambition plan adds to the budget.

    ``capital``: extra capital spending; ``operating``: extra operating spending (a saving is
    negative; counts as service spending); ``revenue``: extra revenue; ``borrowing``: extra loans
    (for an allowed purpose, ``purpose``).
    """

    capital: Mapping[int, float] = field(default_factory=dict)
    operating: Mapping[int, float] = field(default_factory=dict)
    revenue: Mapping[int, float] = field(default_factory=dict)
    borrowing: Mapping[int, float] = field(default_factory=dict)
    purpose: str = "loan_pool"


def finance_overrides(
    raw: FinanceOverrides | dict[str, Any] | None, file: str | None = None
) -> FinanceOverrides:
    """Validate a scenario's ``finance`` mapping; errors name the field path and the year.

    A scenario's ``finance`` is already a validated :class:`FinanceOverrides`; it is returned as
    it is.
    """
    if isinstance(raw, FinanceOverrides):
        return raw
    try:
        return FinanceOverrides.model_validate(raw or {})
    except ValidationError as err:
        first = err.errors()[0]
        loc = [str(p) for p in first["loc"]]
        # drop pydantic's union-branch names (e.g. 'float', 'Quantity', 'dict[int,...]')
        path = [p for p in loc if not (p[:1].isalpha() and p[:1].islower() is False)
                and p not in {"float", "Quantity"} and not p.startswith(("dict[", "function-"))]
        message = first["msg"].removeprefix("Value error, ")
        error = (first.get("ctx") or {}).get("error")
        reason = error.args[0] if isinstance(error, ValueError) and error.args else None
        if isinstance(reason, Note) and reason == message:  # a check's own note
            message = reason
        tagged = year_tagged(message)
        if tagged is not None:
            tag, message = tagged
            path.append(tag)
        year = next((int(p) for p in path if p.isdecimal() and len(p) == 4), None)
        raise ScenarioError(
            message,
            Note(N_("Correct the value (see {docs})"), docs="docs/finance.md, 'Scenario sections'"),
            ErrorLocation(file=file, field=".".join(["finance", *path]), year=year),
        ) from None
