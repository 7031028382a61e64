"""Adapter: the parameters of one municipality, with its newest published tax rates.

This module reads embedded data (the tax rates); the domain functions never do.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from byibalance import data
from byibalance.data.generation import data_cached
from byibalance.parameters import (
    DatedValue,
    Parameter,
    ParameterSet,
    municipal_parameters,
    municipality_folder,
    params_root,
)
from byibalance.provenance import Status


@data_cached
def budget_parameters(code: str | int) -> ParameterSet:
    """National parameters overlaid with the municipality's ``services.yaml`` and
    ``finance.yaml``, and, for a municipality without its own finance file, the newest published
    income and land tax rates of :func:`byibalance.data.tax_rates` (the embedded 2025 page, or a
    snapshot's PSKAT; the source names which)."""
    folder = params_root() / "municipalities" / municipality_folder(code)
    params = municipal_parameters(code)
    if params.origin("revenue.income_tax_rate").startswith(str(folder)):
        return params
    rates = data.tax_rates()
    row = rates[rates["code"] == data.municipality(code).code]
    if row.empty:
        return params
    rows = row.sort_values("year")
    r = rows.iloc[-1]
    parameters = {"revenue.income_tax_rate": _rate(r, "income_tax_pct", 100.0)}
    # PSKAT may not publish the land tax (DST has it in EJDSK2): the newest year that has one
    land = rows[rows["land_tax_per_mille"].notna()]
    if not land.empty:
        parameters["revenue.land_tax_per_mille"] = _rate(land.iloc[-1], "land_tax_per_mille", 1.0)
    extra = ParameterSet(parameters, dict.fromkeys(parameters, "tax_rates.csv"))
    return params.merged(extra)


def _source(r: pd.Series) -> str:
    if r["source"] == data.EMBEDDED_SOURCE:
        return f"embedded tax_rates.csv ({int(r['year'])}), Skatteministeriet [P pskat]"
    return f"{r['source']}, {int(r['year'])}"


def _rate(r: pd.Series, column: str, divisor: float) -> Parameter:
    """The published rate of ``column`` in row ``r`` of ``data.tax_rates()`` as a parameter."""
    income = column == "income_tax_pct"
    value = DatedValue(
        **{
            "from": dt.date(int(r["year"]), 1, 1),
            "value": float(r[column]) / divisor,
            "status": Status.PUBLISHED,
            "source": _source(r),
        }
    )
    return Parameter(
        description="Kommunal indkomstskat" if income else "Grundskyld",
        unit="share" if income else "per_mille",
        values=[value],
    )
