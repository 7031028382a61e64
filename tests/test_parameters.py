"""Dated, referenced parameters: "the value at date t", and errors that name the file and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from byibalance.errors import ParameterError
from byibalance.parameters import (
    MUNICIPAL_PARAMETER_FILES,
    ParameterSet,
    municipal_parameters,
    national_parameters,
    params_root,
    read_parameter_file,
)

GOOD = """
description: test rules
parameters:
  rate:
    description: a rate that changed in 2021
    unit: share
    values:
      - {from: 2021-01-01, value: 0.75, status: published, source: law B}
      - {from: 2019-01-01, value: 0.61, status: published, source: law A}
"""


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_value_in_force_on_a_date(tmp_path: Path) -> None:
    params = ParameterSet.from_files([write(tmp_path, GOOD)])
    assert params.value("rate", 2019) == 0.61
    assert params.value("rate", dt.date(2020, 12, 31)) == 0.61
    assert params.value("rate", 2021) == 0.75
    assert params.at("rate", 2040).source == "law B"


def test_a_date_before_the_first_value_names_the_file_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    with pytest.raises(ParameterError) as err:
        ParameterSet.from_files([path]).value("rate", 2010)
    message = str(err.value)
    assert str(path) in message and "field 'rate'" in message
    assert "first value is from 2019-01-01" in message


def test_unknown_unit_is_refused_with_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("unit: share", "unit: furlongs"))
    with pytest.raises(ParameterError) as err:
        read_parameter_file(path)
    assert "parameters.rate.unit" in str(err.value)
    assert "unknown unit 'furlongs'" in str(err.value)


def test_two_values_on_one_date_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("2019-01-01", "2021-01-01"))
    with pytest.raises(ParameterError, match="each date may appear once"):
        read_parameter_file(path)


def test_a_value_without_its_source_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace(", source: law A", ""))
    with pytest.raises(ParameterError, match=r"values\.1\.source"):
        read_parameter_file(path)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "description: x\nparameters:\n  rate: [unclosed\n")
    with pytest.raises(ParameterError, match="line"):
        read_parameter_file(path)


def test_unknown_parameter_lists_the_known_ones(tmp_path: Path) -> None:
    params = ParameterSet.from_files([write(tmp_path, GOOD)])
    with pytest.raises(ParameterError, match="known parameters: rate"):
        params.value("rat", 2021)


def test_municipal_folder_reads_only_its_parameter_files() -> None:
    folder = params_root() / "municipalities" / "0165"
    # The folder also holds the housing programme, the ambitions catalogue and the indicators;
    # those are read by their own domains and must not be taken for parameter files.
    others = {p.name for p in folder.glob("*.yaml")} - set(MUNICIPAL_PARAMETER_FILES)
    assert {"housing.yaml", "ambitions.yaml"} <= others
    local = municipal_parameters("165")
    national = national_parameters()
    assert set(national) <= set(local)
    assert any(local.origin(name).startswith(str(folder)) for name in local)


def test_every_embedded_parameter_file_is_valid_and_sourced() -> None:
    files = sorted((params_root() / "dk").glob("*.yaml"))
    for folder in (params_root() / "municipalities").iterdir():
        files += [folder / n for n in MUNICIPAL_PARAMETER_FILES if (folder / n).is_file()]
    assert files
    for path in files:
        for name, parameter in read_parameter_file(path).parameters.items():
            for value in parameter.values:
                assert value.source.strip(), f"{path}: {name} has no source"
