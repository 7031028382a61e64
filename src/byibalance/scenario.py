"""The scenario: a set of overrides on the baseline (STYLE point 2), read from YAML.

A scenario names the municipality and horizon and overrides the population model's defaults
(fertility, mortality, migration, the housing programme). Other domains add their own sections
(``services``, ``finance``, ``ambitions``); until they do, those sections are free mappings.
Unknown keys fail, so a misspelt key is an error naming its path, never silently ignored.

Example::

    name: Coop Byen two years late
    municipality: "165"
    end: 2040
    population:
      fertility: {multiplier: 0.95}
      housing:
        delay: {coop_byen_flats: 2, coop_byen_terraced: 2}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from byibalance.errors import ErrorLocation, ScenarioError, UnknownMunicipalityError
from byibalance.population.overrides import PopulationOverrides

FIRST_START, LAST_END = 2010, 2100


class Scenario(BaseModel):
    """A named set of overrides; every section is optional."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "baseline"
    description: str = ""
    municipality: str = "165"
    start: int | None = Field(default=None, ge=FIRST_START, le=LAST_END)
    end: int | None = Field(default=None, ge=FIRST_START + 1, le=LAST_END)
    population: PopulationOverrides = PopulationOverrides()
    services: dict[str, Any] = Field(default_factory=dict)
    finance: dict[str, Any] = Field(default_factory=dict)
    ambitions: dict[str, Any] = Field(default_factory=dict)

    @field_validator("municipality", mode="before")
    @classmethod
    def _code_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _end_after_start(self) -> Scenario:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"end {self.end} must be after start {self.start}")
        return self


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


_FIXES = {
    "extra_forbidden": "Remove the key or correct its spelling (see docs/model.md, 'Scenarios')",
    "greater_than_equal": "Use a value at or above the minimum",
    "less_than_equal": "Use a value at or below the maximum",
    "greater_than": "Use a value above the minimum",
    "missing": "Add the key",
}


def scenario_from_mapping(raw: object, file: str | None = None) -> Scenario:
    """Validate a parsed mapping; errors become :class:`ScenarioError` with the field path."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ScenarioError(
            "a scenario must be a mapping of keys to values",
            "start the file with keys such as 'name:' and 'population:'",
            ErrorLocation(file=file),
        )
    try:
        return Scenario.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        field = _path(tuple(first["loc"]))
        value = first.get("input")
        year = None
        if field.endswith(("year", "start", "end")) and isinstance(value, int):
            year = value
        problem = first["msg"]
        if first["type"] == "extra_forbidden":
            problem = f"unknown key '{first['loc'][-1]}'"
        elif not isinstance(value, dict | list):
            problem = f"{problem} (got {value!r})"
        fix = _FIXES.get(first["type"], "Correct the value (see docs/model.md, 'Scenarios')")
        raise ScenarioError(
            problem, fix, ErrorLocation(file=file, field=field, year=year)
        ) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file; every problem is one :class:`ScenarioError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ScenarioError(
            f"cannot read the scenario file: {err.strerror}",
            "check the path",
            ErrorLocation(file=str(path)),
        ) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ScenarioError(
            f"not valid YAML: {getattr(err, 'problem', None) or err}",
            "check the indentation and quoting around this line",
            ErrorLocation(file=str(path), line=None if mark is None else mark.line + 1),
        ) from None
    scenario = scenario_from_mapping(raw, str(path))
    from byibalance import data  # the embedded data: only at this I/O boundary

    try:
        data.municipality(scenario.municipality)
    except UnknownMunicipalityError as err:
        raise ScenarioError(
            err.problem, err.fix, ErrorLocation(file=str(path), field="municipality")
        ) from None
    return scenario
