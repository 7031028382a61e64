"""Adapter: the parameters of one municipality, with its published 2025 tax rates.

This module reads embedded data (the tax rates); the domain functions never do.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from byibalance import data
from byibalance.parameters import (
    DatedValue,
    Parameter,
    ParameterSet,
    municipal_parameters,
    municipality_folder,
    params_root,
)
from byibalance.provenance import Status


@cache
def budget_parameters(code: str | int) -> ParameterSet:
    """National parameters overlaid with the municipality's ``services.yaml`` and
    ``finance.yaml``, and the published 2025 income and land tax rates of ``tax_rates.csv`` for a
    municipality without its own finance file."""
    folder = params_root() / "municipalities" / municipality_folder(code)
    params = municipal_parameters(code)
    if params.origin("revenue.income_tax_rate").startswith(str(folder)):
        return params
    rates = data.tax_rates()
    row = rates[rates["code"] == data.municipality(code).code]
    if row.empty:
        return params
    r = row.sort_values("year").iloc[-1]
    when = dt.date(int(r["year"]), 1, 1)
    if r["source"] == data.EMBEDDED_SOURCE:
        source = f"embedded tax_rates.csv ({int(r['year'])}), Skatteministeriet [P pskat]"
    else:
        source = f"{r['source']}, {int(r['year'])}"
    extra = ParameterSet(
        {
            "revenue.income_tax_rate": Parameter(
                description="Kommunal indkomstskat",
                unit="share",
                values=[
                    DatedValue(
                        **{
                            "from": when,
                            "value": float(r["income_tax_pct"]) / 100,
                            "status": Status.PUBLISHED,
                            "source": source,
                        }
                    )
                ],
            ),
            "revenue.land_tax_per_mille": Parameter(
                description="Grundskyld",
                unit="per_mille",
                values=[
                    DatedValue(
                        **{
                            "from": when,
                            "value": float(r["land_tax_per_mille"]),
                            "status": Status.PUBLISHED,
                            "source": source,
                        }
                    )
                ],
            ),
        },
        {"revenue.income_tax_rate": "tax_rates.csv", "revenue.land_tax_per_mille": "tax_rates.csv"},
    )
    return params.merged(extra)
