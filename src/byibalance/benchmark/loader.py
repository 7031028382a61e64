"""Adapter: gathers the comparison's inputs from the embedded data and the engine.

Population by 5-year group and the 2025 tax rates come from the embedded data; projected totals
from one vectorised :func:`byibalance.population.project_many` run; expenditure and the operating
balance from the services and finance model, run per municipality on each one's parameters.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from byibalance import data
from byibalance.benchmark.compare import Comparison, MunicipalityInputs, compare
from byibalance.errors import ErrorLocation, InputError
from byibalance.finance import compute_budget
from byibalance.finance.inputs import budget_parameters
from byibalance.parameters import municipality_folder, params_root
from byibalance.population import project_many
from byibalance.services import compute

GROUPS = ("k29", "all")


def _age5(frame: pd.DataFrame) -> dict[str, dict[int, dict[int, float]]]:
    sums = frame.groupby(["code", "year", "age_start"])["population"].sum()
    out: dict[str, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for (code, year, age), value in sums.items():
        out[str(code)][int(year)][int(age)] = float(value)
    return out


def _optional(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def load_inputs(group: str = "k29", *, budget: bool = True) -> list[MunicipalityInputs]:
    """The inputs for every municipality of ``group`` (``k29`` or ``all``).

    ``budget=False`` leaves the service and finance figures missing (faster).
    """
    if group not in GROUPS:
        raise InputError(f"unknown group '{group}'", "Use --group k29 or --group all",
                         ErrorLocation(field="--group"))  # fmt: skip
    codes = data.municipality_codes(group)
    names = dict(zip(data.municipalities()["code"], data.municipalities()["name"], strict=True))
    age5 = _age5(data.population_age5())
    rates = data.tax_rates().sort_values("year").groupby("code").last()
    projections = project_many(codes, housing=True)
    out: list[MunicipalityInputs] = []
    for code in codes:
        proj = projections[code]
        totals = dict(zip((int(y) for y in proj.years), proj.totals().tolist(), strict=True))
        rate = rates.loc[code] if code in rates.index else None
        finance_file = params_root() / "municipalities" / municipality_folder(code) / "finance.yaml"
        extra: dict[str, object] = {}
        if budget:
            params = budget_parameters(code)
            result = compute_budget(proj, compute(proj, params), params)
            year = result.year(result.budget_year)
            extra = {
                "budget_year": result.budget_year, "budget_population": year.population,
                "expenditure": {k: v for k, v in year.expenditure.items() if v},
                "operating_balance": year.operating_balance,
            }  # fmt: skip
        out.append(MunicipalityInputs(
            code=code, name=str(names.get(code, code)), age5=age5[code], projected=totals,
            income_tax_pct=None if rate is None else _optional(rate["income_tax_pct"]),
            church_tax_pct=None if rate is None else _optional(rate["church_tax_pct"]),
            land_tax_per_mille=None if rate is None else _optional(rate["land_tax_per_mille"]),
            finance_status="published" if finance_file.exists() else "estimate",
            housing_programme=bool(proj.housing_by_project), **extra,  # type: ignore[arg-type]
        ))  # fmt: skip
    return out


def load_comparison(group: str = "k29", *, budget: bool = True) -> Comparison:
    """:func:`load_inputs` then :func:`byibalance.benchmark.compare.compare`."""
    return compare(load_inputs(group, budget=budget), group)
