"""A malformed scenario gets one error naming the field path, the YAML line, the year and a fix.

Each case is a broken file and what its message must say: every section (services, finance,
ambitions, population, top level), with a misspelt key, a wrong type, a value out of range and
a year outside the horizon.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byibalance.errors import ScenarioError
from byibalance.scenario import (
    DEFAULT_END,
    FIRST_START,
    Scenario,
    field_problems,
    field_reference,
    load_scenario,
    reference_table,
    scenario_from_mapping,
    scenario_from_yaml_text,
)

DOCS = Path(__file__).parents[2] / "docs" / "scenario.md"

EXTRA_AMBITION = (
    "{id: ny_hal, name: Ny hal, capital_per_year: 20, earliest_start: %d, latest_start: 2049, "
    "duration: 2, social: 4, status: assumption, source: forslag}"
)

# (text, field, line, year, words the message must hold)
CASES = [
    # services
    ("name: s\nservices:\n  unit_cost: {school_6_16: 85000}\n",
     "services.unit_cost", 3, None, ["unknown key 'unit_cost'", "did you mean 'unit_costs'"]),
    ("name: s\nservices:\n  regulation: half\n",
     "services.regulation", 3, None, ["'half'", "Use 'full' or 'marginal'"]),
    ("name: s\nservices:\n  capacity:\n    daycare_0_2: 900\n    school_6_16: -1\n",
     "services.capacity.school_6_16", 5, None, ["cannot be negative"]),
    ("name: s\nservices:\n  coverage: {daycare_0_2: 1.5}\n",
     "services.coverage.daycare_0_2", 3, None, ["between 0 and 1"]),
    ("name: s\nservices:\n  coverage: {vuggestue: 0.5}\n",
     "services.coverage.vuggestue", 3, None, ["unknown service area 'vuggestue'",
                                                "daycare_0_2"]),
    ("name: s\nservices:\n  unit_costs: {school_6_16: lots}\n",
     "services.unit_costs.school_6_16", 3, None, ["valid number", "'lots'"]),
    ("name: s\nservices:\n  regulation: marginal\n  marginal_share: {elderly_80_plus: 0.8}\n",
     "services.marginal_share", 4, None, ["missing: daycare_0_2", "regulation: full"]),
    # finance
    ("name: s\nfinance:\n  tax_ratee: {2027: 26.1}\n",
     "finance.tax_ratee", 3, None, ["unknown key 'tax_ratee'", "did you mean 'income_tax_rate'"]),
    ("name: s\nfinance:\n  income_tax_rate:\n    2027: 25.6\n    2028: 0.261\n",
     "finance.income_tax_rate.2028", 5, 2028, ["0.261 is not a tax rate", "percent"]),
    ("name: s\nfinance:\n  income_tax_rate: {2028: high}\n",
     "finance.income_tax_rate.2028", 3, 2028, ["valid number", "'high'"]),
    ("name: s\nfinance:\n  income_tax_rate:\n    2027: 25.6\n    2045: 26.0\n",
     "finance.income_tax_rate.2045", 5, 2045, ["outside the scenario's horizon 2010-2040",
                                               "Use a year from 2010 to 2040"]),
    ("name: s\nfinance:\n  income_tax_rate: {value: 26, unit: pct}\n",
     "finance.income_tax_rate", 3, None, ["unit 'pct'", "percent or share"]),
    ("name: s\nfinance:\n  income_tax_rate: {value: 26}\n",
     "finance.income_tax_rate.unit", 3, None, ["'unit' is missing", "Add the key"]),
    ("name: s\nfinance:\n  land_tax_per_mille: 40\n",
     "finance.land_tax_per_mille", 3, None, ["outside 0-34"]),
    ("name: s\nend: 2030\nfinance:\n  price_index: {2027: 1.0, 2031: 1.1}\n",
     "finance.price_index.2031", 4, 2031, ["horizon 2010-2030"]),
    ("name: s\nfinance:\n  price_index: {2027: 0}\n",
     "finance.price_index", 3, None, ["must be positive"]),
    ("name: s\nfinance:\n  loans:\n    - {year: 2028, amount: 5e7, purpose: energy_saving}\n"
     "    - {year: 2028, amount: -5, purpose: energy_saving}\n",
     "finance.loans[1].amount", 5, None, ["greater than 0", "above 0"]),
    ("name: s\nfinance:\n  loans:\n    - {year: 2050, amount: 5e7, purpose: energy_saving}\n",
     "finance.loans[0].year", 4, 2050, ["outside the scenario's horizon"]),
    ("name: s\nfinance:\n  loans:\n    - {year: 2028, amount: 5e7}\n",
     "finance.loans[0].purpose", 4, None, ["'purpose' is missing"]),
    ("name: s\nfinance:\n  opening_liquidity: {value: 3, unit: EUR}\n",
     "finance.opening_liquidity", 3, None, ["unit 'EUR'", "DKK or mio_DKK"]),
    ("name: s\nfinance:\n  unit_costs: {school_6_16: 90000}\nservices:\n"
     "  unit_costs: {school_6_16: 85000}\n",
     "finance.unit_costs.school_6_16", 3, None, ["given twice", "services.unit_costs only"]),
    # ambitions
    ("name: s\nambitions:\n  pin_everything: true\n",
     "ambitions.pin_everything", 3, None, ["unknown key", "pinned_in"]),
    ("name: s\nambitions:\n  weights: {social: -2}\n",
     "ambitions.weights.social", 3, None, ["greater than or equal to 0"]),
    ("name: s\nambitions:\n  weights: {sociale: 2}\n",
     "ambitions.weights.sociale", 3, None, ["did you mean 'social'"]),
    ("name: s\nambitions:\n  support: {cykelsti: 80}\n",
     "ambitions.support.cykelsti", 3, None, ["share from 0 to 1"]),
    ("name: s\nambitions:\n  pinned_in: [a, b]\n  pinned_out: [b]\n",
     "ambitions.pinned_out", 4, None, ["b pinned both in and out"]),
    ("name: s\nambitions:\n  pinned_in: a\n",
     "ambitions.pinned_in", 3, None, ["valid tuple", "Write a list"]),
    ("name: s\nambitions:\n  extra:\n    - " + EXTRA_AMBITION % 2047 + "\n",
     "ambitions.extra[0].earliest_start", 4, 2047, ["outside the scenario's horizon"]),
    # population and the top level
    ("name: s\npopulation:\n  fertility: {multipler: 0.9}\n",
     "population.fertility.multipler", 3, None, ["did you mean 'multiplier'"]),
    ("name: s\npopulation:\n  migration: {net_per_year: many}\n",
     "population.migration.net_per_year", 3, None, ["valid number"]),
    ("name: s\nend: 2200\n", "end", 2, 2200, ["less than or equal to 2100"]),
    ("name: s\nyear: 2030\n", "year", 2, 2030, ["unknown key 'year'"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "field", "line", "year", "words"), CASES,
                         ids=[c[1] for c in CASES])  # fmt: skip
def test_a_broken_scenario_names_field_line_year_and_fix(
    tmp_path: Path, text: str, field: str, line: int, year: int | None, words: list[str]
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    err = caught.value
    assert err.where.file == str(path)
    assert err.where.field == field
    assert err.where.line == line
    assert err.where.year == year
    assert err.fix  # every error says how to fix it
    message = str(err)
    for word in words:
        assert word in message, message
    assert "\n" not in message and "Traceback" not in message
    assert "dict[" not in message and "Quantity" not in message  # no pydantic union branches


def test_a_second_problem_elsewhere_is_counted() -> None:
    text = "name: s\nfinance:\n  income_tax_rate: abc\n  land_tax_per_mille: 40\n"
    with pytest.raises(ScenarioError, match="and 1 more problem elsewhere"):
        scenario_from_yaml_text(text, "two.yaml")


def test_a_mapping_without_a_file_still_names_the_path() -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_mapping({"finance": {"income_tax_rate": {"2028": 61}}})
    assert caught.value.where.field == "finance.income_tax_rate.2028"
    assert caught.value.where.line is None


def test_sections_are_typed_and_keep_what_the_file_says() -> None:
    scenario = scenario_from_yaml_text(
        "name: s\nservices: {unit_costs: {school_6_16: 85000}}\n"
        "finance: {income_tax_rate: {2028: 26.1}, loans: [{year: 2028, amount: 5e7, "
        "purpose: energy_saving}]}\nambitions: {pinned_in: [a], weights: {social: 2}}\n"
    )
    assert scenario.services.unit_costs == {"school_6_16": 85000.0}
    assert scenario.finance.tax_rate(2027) is None
    assert scenario.finance.tax_rate(2030) == pytest.approx(0.261)
    assert scenario.finance.loans[0].amount == 5e7
    assert scenario.ambitions.pinned_in == ("a",)
    assert scenario.ambitions.weights is not None and scenario.ambitions.weights.social == 2


def test_unit_costs_under_finance_move_to_services() -> None:
    """The web form stored unit costs under finance, where nothing read them."""
    scenario = scenario_from_mapping({"finance": {"unit_costs": {"school_6_16": 90000}}})
    assert scenario.services.unit_costs == {"school_6_16": 90000.0}
    assert scenario.finance.unit_costs == {}


@settings(max_examples=60, deadline=None)
@given(year=st.integers(1900, 2200), end=st.none() | st.integers(2025, 2060))
def test_a_tax_year_loads_exactly_when_it_is_inside_the_horizon(year: int, end: int | None) -> None:
    raw = {"name": "h", "finance": {"income_tax_rate": {year: 25.6}}}
    if end is not None:
        raw["end"] = end
    last = end if end is not None else DEFAULT_END
    if FIRST_START <= year <= last:
        assert scenario_from_mapping(raw).finance.income_tax_rate == {year: 25.6}
    else:
        with pytest.raises(ScenarioError) as caught:
            scenario_from_mapping(raw)
        assert caught.value.where.year == year
        assert caught.value.where.field == f"finance.income_tax_rate.{year}"


def test_every_field_has_a_description() -> None:
    missing = [path for path, _, text in field_reference() if not text]
    assert missing == []
    paths = {path for path, _, _ in field_reference()}
    for section in ("services", "finance", "ambitions"):
        model = type(getattr(Scenario(), section))
        assert {f"{section}.{name}" for name in model.model_fields} <= paths


def test_the_docs_hold_the_generated_field_reference() -> None:
    """docs/scenario.md holds reference_table() verbatim: regenerate it when a field changes."""
    assert reference_table() in DOCS.read_text(encoding="utf-8"), (
        "docs/scenario.md is out of date: paste "
        "python -c 'from byibalance.scenario import reference_table; print(reference_table())'"
    )


@pytest.mark.parametrize("command", ["budget", "services", "ambitions", "project"])
def test_every_command_reads_the_sections_and_ends_with_one_line(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from byibalance.cli import main

    path = tmp_path / "plan.yaml"
    path.write_text("name: x\nservices:\n  capacity: {school_6_16: 3200}\n  coverage: {x: 2}\n",
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(SystemExit) as stop:
        main([command, "--scenario", str(path)])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert f"{path}, line 4, field 'services.coverage.x'" in err


PATHS = [path for path, _, _ in field_reference()]
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(), st.text(max_size=4),
    st.lists(st.integers(1990, 2060) | st.text(max_size=3), max_size=3),
    st.dictionaries(
        st.integers(1990, 2060) | st.sampled_from(["school_6_16", "value", "unit", "x"]),
        st.floats(-1, 100) | st.text(max_size=3) | st.none(), max_size=3),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(entries=st.lists(st.tuples(st.sampled_from(PATHS), st.booleans(), VALUES), max_size=4))
def test_any_mapping_loads_or_gives_one_scenario_error(entries: list) -> None:  # type: ignore[type-arg]
    """Never a traceback: whatever a file holds, it loads or ends in one ScenarioError."""
    raw: dict = {}  # type: ignore[type-arg]
    for path, misspell, value in entries:
        parts = path.split(".")
        if misspell:
            parts[-1] += "x"
        node = raw
        for part in parts[:-1]:
            node = node.setdefault(part, {}) if isinstance(node.get(part, {}), dict) else {}
        node[parts[-1]] = value
    try:
        scenario_from_mapping(raw, "fuzz.yaml")
    except ScenarioError as err:
        assert err.problem and err.fix
        assert "\n" not in str(err)


@pytest.mark.parametrize("doc", ["scenario.md", "model.md", "portfolio.md"])
def test_the_scenario_examples_in_the_docs_load(doc: str) -> None:
    text = (DOCS.parent / doc).read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```yaml\n")[1:]]
    examples = [b for b in blocks if "name:" in b.split("\n", 1)[0] or b.startswith("ambitions:")]
    assert examples, doc
    for block in examples:
        scenario_from_yaml_text(block, doc)


def test_field_problems_lists_each_place_once() -> None:
    """For forms: every wrong place, a union's failed branches counted as one."""
    raw = {"finance": {"income_tax_rate": "abc", "land_tax_per_mille": 40},
           "services": {"capacty": {}}}  # fmt: skip
    problems = field_problems(raw)
    assert [p[0] for p in problems] == [
        "services.capacty", "finance.income_tax_rate", "finance.land_tax_per_mille"]  # fmt: skip
    assert "valid number" in problems[1][1] and problems[1][2].startswith("Write a number")
    assert field_problems({"name": "ok"}) == []
