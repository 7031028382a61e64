"""The capital-region comparison: values against the embedded data and the engine, ranks as
invariants, and one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from byibalance import data
from byibalance.benchmark import MunicipalityInputs, compare, key_figures, load_comparison, rank
from byibalance.cli import main
from byibalance.cli.app import app
from byibalance.errors import InputError
from byibalance.runner import run


@pytest.fixture(scope="module")
def k29():  # type: ignore[no-untyped-def]
    return load_comparison("k29")


def test_all_29_run_from_embedded_data(k29) -> None:  # type: ignore[no-untyped-def]
    assert len(k29.rows) == 29
    assert {r.code for r in k29.rows} == set(data.municipality_codes("k29"))
    for row in k29.rows:
        for key in (
            "population_2020",
            "growth_2008_2020",
            "young_ratio",
            "old_ratio",
            "growth_to_2030",
            "growth_to_2040",
            "income_tax_pct",
            "land_tax_per_mille",
            "expenditure_per_inhabitant",
            "operating_balance_per_inhabitant",
        ):
            assert row.values[key] is not None, (row.code, key)
            assert row.ranks[key] is not None and 1 <= row.ranks[key] <= 29


def test_albertslund_values_equal_the_data_and_engine(k29) -> None:  # type: ignore[no-untyped-def]
    row = k29.row("165")
    pop = data.population_age5()
    alb = pop[pop["code"] == "165"]
    p2008 = alb[alb["year"] == 2008]["population"].sum()
    p2020 = alb[alb["year"] == 2020]["population"].sum()
    assert row.values["population_2020"] == p2020
    assert row.values["growth_2008_2020"] == pytest.approx(p2020 / p2008 - 1, rel=1e-12)
    y20 = alb[alb["year"] == 2020]
    work = y20[(y20["age_start"] >= 15) & (y20["age_start"] <= 60)]["population"].sum()
    old = y20[y20["age_start"] >= 65]["population"].sum()
    assert row.values["old_ratio"] == pytest.approx(100 * old / work, rel=1e-12)
    rates = data.tax_rates()
    assert row.values["income_tax_pct"] == float(
        rates[rates["code"] == "165"]["income_tax_pct"].iloc[-1]
    )
    # the finance figures equal the runner's own budget (housing programme included)
    result = run(municipality="165")
    year = result.budget.year(result.budget.budget_year)
    assert row.values["operating_balance_per_inhabitant"] == pytest.approx(
        year.operating_balance / year.population, rel=1e-9
    )
    assert row.values["growth_to_2040"] == pytest.approx(
        result.projection.in_year(2040).sum() / p2020 - 1, rel=1e-9
    )
    assert row.finance_status == "published" and row.housing_programme


def test_other_municipalities_finance_is_labelled_estimate(k29) -> None:  # type: ignore[no-untyped-def]
    assert k29.row("151").finance_status == "estimate"
    assert any("estimate" in n for n in k29.notes)
    assert any("housing programme" in n and "165" in n for n in k29.notes)


@given(st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6)), min_size=1, max_size=40))
def test_rank_invariants(values: list[float | None]) -> None:
    ranks = rank(values)
    present = [v for v in values if v is not None]
    for v, r in zip(values, ranks, strict=True):
        assert (r is None) == (v is None)
        if v is not None and r is not None:
            assert r == 1 + sum(1 for w in present if w > v)


def _inputs(code: str, p2008: float, p2020: float) -> MunicipalityInputs:
    return MunicipalityInputs(
        code=code, name=code, age5={2008: {0: p2008}, 2020: {0: p2020 * 0.2, 15: p2020 * 0.6,
                                                                65: p2020 * 0.2}},
        projected={2030: p2020 * 1.1}, income_tax_pct=25.0, church_tax_pct=None,
        land_tax_per_mille=7.0, budget_year=2027, budget_population=p2020,
        expenditure={"school": p2020 * 10_000}, operating_balance=p2020 * 1_000,
    )  # fmt: skip


def test_key_figures_by_hand() -> None:
    values, per = key_figures(_inputs("x", 1000, 1100))
    assert values["growth_2008_2020"] == pytest.approx(0.1)
    assert values["young_ratio"] == pytest.approx(100 * 0.2 / 0.6)
    assert values["growth_to_2030"] == pytest.approx(0.1)
    assert values["growth_to_2040"] is None  # missing stays missing, never zero
    assert values["church_tax_pct"] is None
    assert per == {"school": pytest.approx(10_000)}


def test_compare_ranks_and_unknown_member() -> None:
    result = compare([_inputs("a", 1000, 1100), _inputs("b", 1000, 1300)], "test")
    assert result.row("b").ranks["growth_2008_2020"] == 1
    assert result.row("a").ranks["growth_2008_2020"] == 2
    assert result.row("a").ranks["church_tax_pct"] is None
    with pytest.raises(InputError, match="not in the group"):
        result.row("165")
    with pytest.raises(InputError, match="no municipalities"):
        compare([], "test")


def test_unknown_group() -> None:
    with pytest.raises(InputError, match="unknown group 'k30'"):
        load_comparison("k30")


runner = CliRunner()


def test_cli_json_highlight() -> None:
    res = runner.invoke(app, ["benchmark", "--municipality", "Albertslund", "--format", "json",
                              "--no-budget"])  # fmt: skip
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    assert payload["highlight"] == "165" and len(payload["rows"]) == 29


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "999"], "'999' is not one of the 98"),
        (["--format", "xlsx", "--output", "/nonexistent-dir/x.xlsx"], "does not exist"),
        (["--format", "xlsx", "--output", "x.pdf"], "does not end in .xlsx"),
        (["--format", "xlsx"], "needs a file"),
    ],
)
def test_cli_bad_input_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["benchmark", "--no-budget", *args])
    assert exit_.value.code not in (0, None)
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "k29.xlsx"
    res = runner.invoke(app, ["benchmark", "--no-budget", "--format", "xlsx", "--output", str(out)])
    assert res.exit_code == 0, res.output
    import pandas as pd

    frame = pd.read_excel(out, sheet_name="comparison", dtype={"code": str})
    assert len(frame) == 29 and "165" in set(frame["code"])
