"""Small hand-made catalogues for the portfolio tests (money in mio. DKK)."""

from __future__ import annotations

from typing import Any

import pytest

from byibalance.portfolio import Ambition, Catalogue, Headroom, Mode, modes_for
from byibalance.provenance import Status


def ambition(id: str, **kw: Any) -> Ambition:
    data: dict[str, Any] = dict(
        id=id, name=id, capital_per_year=10.0, earliest_start=2027, latest_start=2030,
        duration=2, social=5.0, status="assumption", source="test",
    )  # fmt: skip
    data.update(kw)
    return Ambition(**data)


def headroom(capital: float = 15.0, liquidity: float = 40.0, service: float = 1.0,
             years: range = range(2027, 2031)) -> Headroom:  # fmt: skip
    n = len(years)
    return Headroom(
        years=tuple(years), capital=(capital,) * n,
        liquidity=tuple(liquidity + 10.0 * i for i in range(n)), service=(service,) * n,
        status=Status.ASSUMPTION, source="test",
    )  # fmt: skip


HARD = modes_for(Mode.hard)
"""Every resource rule a constraint: the tests of the constraints' mechanics use it."""


@pytest.fixture
def small() -> Catalogue:
    return Catalogue(
        [
            ambition("school", social=8.0),
            ambition("hall", social=4.0, requires=["school"]),
            ambition("heat_pump", social=0.0, climate=500.0, excludes=["biomass"]),
            ambition("biomass", social=0.0, climate=400.0, capital_per_year=5.0),
            ambition("lights", capital_per_year=2.0, operating_per_year=-0.5, climate=20.0),
        ]
    )
