"""The registry as data, and broken input files: each error names the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from byibalance.errors import IndicatorError
from byibalance.sustainability import FIELDS, UNITS, Indicator, Registry
from byibalance.sustainability.loaders import (
    load_account_inputs,
    load_climate,
    load_registry,
    load_values,
)

FIXTURES = Path(__file__).parent / "fixtures"


def test_field_table_is_the_model() -> None:
    """Validation and docs come from one table: every field of the table is a model field."""
    assert [f.name for f in FIELDS] == list(Indicator.model_fields)
    required = {f.name for f in FIELDS if f.required}
    model_required = {n for n, f in Indicator.model_fields.items() if f.is_required()}
    assert required == model_required


def test_embedded_registry_covers_the_four_dimensions() -> None:
    registry = load_registry()
    dims = {i.dimension.value for i in registry.indicators}
    assert dims == {"social", "economic", "climate", "environment"}
    assert all(i.unit in UNITS for i in registry.indicators)
    assert len(registry.ids()) == len(set(registry.ids())) >= 20


def test_unknown_unit_names_file_line_and_field() -> None:
    with pytest.raises(IndicatorError) as err:
        load_registry(FIXTURES / "bad_unit.yaml")
    message = str(err.value)
    assert "bad_unit.yaml" in message
    assert "line 13" in message  # the mapping of the second indicator
    assert "field 'indicators[1].unit'" in message
    assert "unknown unit 'gallons_per_day'" in message
    assert "litres_per_person_per_day" in message  # the fix lists the known units


def test_value_without_year_names_line_and_field() -> None:
    with pytest.raises(IndicatorError) as err:
        load_values(load_registry(), FIXTURES / "value_without_year.yaml")
    message = str(err.value)
    assert "value_without_year.yaml, line 5, field 'values[1].year'" in message
    assert "'year' is missing" in message


def test_target_in_the_past_is_refused() -> None:
    with pytest.raises(IndicatorError) as err:
        load_values(load_registry(), FIXTURES / "target_in_past.yaml")
    message = str(err.value)
    assert "target_in_past.yaml, line 4, field 'targets.co2_territorial'" in message
    assert "target year 2020 was already in the past when the target was adopted (2021)" in message


def test_estimate_never_replaces_a_published_value() -> None:
    with pytest.raises(IndicatorError) as err:
        load_values(load_registry(), FIXTURES / "estimate_over_published.yaml")
    message = str(err.value)
    assert "line 5" in message and "year 2019" in message
    assert "estimated value 95.0 for 'water_use' 2019 would replace the published value 92.0" in (
        message
    )
    assert "An estimate never replaces a published figure" in message


def test_climate_target_needs_level_or_change() -> None:
    with pytest.raises(IndicatorError) as err:
        load_climate("165", FIXTURES / "climate_bad_target.yaml")
    message = str(err.value)
    assert "line 3, field 'targets[0]'" in message
    assert "give either 'tonnes' (a level) or 'change'" in message


def test_unknown_indicator_in_values(tmp_path: Path) -> None:
    path = tmp_path / "values.yaml"
    path.write_text(
        "description: x\nvalues:\n  - {indicator: co2_total, year: 2015, value: 1,"
        " status: published, vintage: 2026-11-29, source: t}\n",
        encoding="utf-8",
    )
    with pytest.raises(IndicatorError, match=r"line 3.*value for unknown indicator 'co2_total'"):
        load_values(load_registry(), path)


def test_duplicate_ids_refused() -> None:
    indicator = load_registry().indicators[0]
    with pytest.raises(ValueError, match="appears twice"):
        Registry(indicators=(indicator, indicator))


def test_municipality_without_files_gets_missing_values() -> None:
    registry, values, notes = load_account_inputs("101")
    assert len(values) == 0
    assert notes and "shown as missing" in notes[0]
    assert len(registry.indicators) == len(load_registry().indicators)


def test_docs_show_the_field_table() -> None:
    """docs/sustainability.md carries the field table generated from FIELDS and UNITS."""
    from byibalance.sustainability.registry import field_table_markdown

    docs = Path(__file__).parents[2] / "docs" / "sustainability.md"
    assert field_table_markdown() in docs.read_text(encoding="utf-8")
