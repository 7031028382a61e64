"""The capital-region comparison: pure core.

Takes typed per-municipality inputs (observed age structure, projected totals, tax rates, budget
key figures) and returns one row of key figures per municipality with its rank among the group.
It opens no files; :mod:`byibalance.benchmark.loader` gathers the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from byibalance.errors import ErrorLocation, InputError
from byibalance.messages import N_, Note

#: Metrics in display order: (key, Danish label, unit, higher_is_better or None when neutral).
METRICS: tuple[tuple[str, str, str, bool | None], ...] = (
    ("population_2020", "Indbyggere 2020", "persons", None),
    ("growth_2008_2020", "Vækst 2008-2020", "share", None),
    ("young_ratio", "Unge 0-14 pr. 100 15-64", "per 100", None),
    ("old_ratio", "Ældre 65+ pr. 100 15-64", "per 100", None),
    ("growth_to_2030", "Fremskrevet vækst til 2030", "share", None),
    ("growth_to_2040", "Fremskrevet vækst til 2040", "share", None),
    ("income_tax_pct", "Indkomstskat 2025", "pct", None),
    ("church_tax_pct", "Kirkeskat 2025", "pct", None),
    ("land_tax_per_mille", "Grundskyld 2025", "per mille", None),
    ("expenditure_per_inhabitant", "Driftsudgifter pr. indbygger", "DKK", None),
    ("operating_balance_per_inhabitant", "Driftsresultat pr. indbygger", "DKK", True),
)


@dataclass(frozen=True)
class MunicipalityInputs:
    """What the comparison needs about one municipality.

    ``age5`` maps ``year -> {age_start: persons}`` (both sexes, 5-year groups, observed);
    ``projected`` maps ``year -> persons`` (the model's projection); ``expenditure`` maps a service
    area to DKK in ``budget_year``; ``finance_status`` is ``published`` where the municipality has
    its own finance parameter file and ``estimate`` where national defaults stand in.
    """

    code: str
    name: str
    age5: Mapping[int, Mapping[int, float]]
    projected: Mapping[int, float]
    income_tax_pct: float | None
    church_tax_pct: float | None
    land_tax_per_mille: float | None
    budget_year: int | None = None
    budget_population: float | None = None
    expenditure: Mapping[str, float] = field(default_factory=dict)
    operating_balance: float | None = None
    finance_status: str = "estimate"
    housing_programme: bool = False


@dataclass(frozen=True)
class Row:
    """One municipality's key figures, its rank per metric (1 = highest value) and notes."""

    code: str
    name: str
    values: dict[str, float | None]
    ranks: dict[str, int | None]
    expenditure_per_inhabitant: dict[str, float]
    finance_status: str
    housing_programme: bool


@dataclass(frozen=True)
class Comparison:
    """The comparison of a group of municipalities, rows in input order."""

    group: str
    rows: tuple[Row, ...]
    notes: tuple[str, ...]

    def row(self, code: str) -> Row:
        """The row of ``code``; a clear error when it is not in the group."""
        for row in self.rows:
            if row.code == code:
                return row
        raise InputError(
            f"municipality {code} is not in the group '{self.group}'",
            "Choose one of " + ", ".join(r.code for r in self.rows) + " or --group all",
            ErrorLocation(field="--municipality"),
        )

    def records(self) -> list[dict[str, object]]:
        """Flat rows: code, name, each metric and its rank, expenditure per inhabitant by area."""
        out: list[dict[str, object]] = []
        for row in self.rows:
            rec: dict[str, object] = {"code": row.code, "name": row.name}
            for key, *_ in METRICS:
                rec[key] = row.values[key]
                rec[f"{key}_rank"] = row.ranks[key]
            for area, value in row.expenditure_per_inhabitant.items():
                rec[f"exp_{area}"] = value
            rec["finance_status"] = row.finance_status
            rec["housing_programme"] = row.housing_programme
            out.append(rec)
        return out


def _sum(groups: Mapping[int, float], lo: int, hi: int | None) -> float:
    return float(sum(v for a, v in groups.items() if a >= lo and (hi is None or a <= hi)))


def key_figures(m: MunicipalityInputs) -> tuple[dict[str, float | None], dict[str, float]]:
    """The key figures of one municipality.

    growth ``a→b`` = ``P_b / P_a - 1``; young ratio = ``100 * P(0-14) / P(15-64)``; old ratio =
    ``100 * P(65+) / P(15-64)`` in the last observed year; projected growth to 2030/2040 against the
    last observed 5-year-table year; per inhabitant = ``DKK / population`` of the budget year.
    """
    years = sorted(m.age5)
    if not years:
        raise InputError(
            f"municipality {m.code} has no observed age structure", "Check the embedded data",
            ErrorLocation(field="population_age5"),
        )  # fmt: skip
    first, last = years[0], years[-1]
    total = {y: _sum(m.age5[y], 0, None) for y in years}
    now = m.age5[last]
    working = _sum(now, 15, 64)
    values: dict[str, float | None] = {
        "population_2020": total[last],
        "growth_2008_2020": total[last] / total[first] - 1 if total[first] else None,
        "young_ratio": 100 * _sum(now, 0, 14) / working if working else None,
        "old_ratio": 100 * _sum(now, 65, None) / working if working else None,
    }
    for target in (2030, 2040):
        p = m.projected.get(target)
        values[f"growth_to_{target}"] = None if p is None else p / total[last] - 1
    values["income_tax_pct"] = m.income_tax_pct
    values["church_tax_pct"] = m.church_tax_pct
    values["land_tax_per_mille"] = m.land_tax_per_mille
    per: dict[str, float] = {}
    pop = m.budget_population
    if pop:
        per = {area: v / pop for area, v in m.expenditure.items()}
        values["expenditure_per_inhabitant"] = sum(per.values())
        values["operating_balance_per_inhabitant"] = (
            None if m.operating_balance is None else m.operating_balance / pop
        )
    else:
        values["expenditure_per_inhabitant"] = None
        values["operating_balance_per_inhabitant"] = None
    return values, per


def rank(values: Sequence[float | None]) -> list[int | None]:
    """Competition ranks, 1 = highest; ties share the best rank; missing values get ``None``."""
    present = sorted((v for v in values if v is not None), reverse=True)
    return [None if v is None else present.index(v) + 1 for v in values]


def compare(inputs: Sequence[MunicipalityInputs], group: str) -> Comparison:
    """Key figures and ranks of every municipality in ``inputs`` (see :func:`key_figures`)."""
    if not inputs:
        raise InputError("the comparison has no municipalities", "Choose --group k29 or all",
                         ErrorLocation(field="--group"))  # fmt: skip
    figures = [key_figures(m) for m in inputs]
    ranks = {key: rank([f[0][key] for f in figures]) for key, *_ in METRICS}
    rows = tuple(
        Row(code=m.code, name=m.name, values=vals,
            ranks={key: ranks[key][i] for key, *_ in METRICS},
            expenditure_per_inhabitant=per, finance_status=m.finance_status,
            housing_programme=m.housing_programme)
        for i, (m, (vals, per)) in enumerate(zip(inputs, figures, strict=True))
    )  # fmt: skip
    notes = [Note(N_("ranks: 1 = highest value among the group (not a judgement of better or "
                     "worse)"))]  # fmt: skip
    est = [m.code for m in inputs if m.finance_status != "published"]
    if est:
        notes.append(Note(
            N_("service and finance figures for {estimated} of {total} municipalities rest on "
               "national default parameters (estimate): they have no finance parameter file"),
            estimated=len(est), total=len(inputs)))  # fmt: skip
    with_housing = [m.code for m in inputs if m.housing_programme]
    if with_housing:
        notes.append(Note(
            N_("projected growth: baseline without a local housing programme, except {codes} "
               "whose housing programme is included"),
            codes=", ".join(with_housing)))  # fmt: skip
    else:
        notes.append(Note(N_("projected growth: baseline without a local housing programme")))
    return Comparison(group=group, rows=rows, notes=tuple(notes))
