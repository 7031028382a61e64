"""Dated, referenced parameters: the numbers of the law and of the municipality.

A parameter file is YAML::

    description: What this file holds
    parameters:
      tax_base_equalisation_rate:
        description: Udligningsniveau, generel landsudligning af beskatningsgrundlag (§ 2)
        unit: share
        values:
          - from: 2021-01-01
            value: 0.75
            status: published
            source: udligningsloven § 2, LBK nr. 63 af 19/01/2021

Code asks for "the value at date t" (:meth:`ParameterSet.at`). A rule that changes gets a new dated
value, never an ``if year >= 2021`` branch. Files live under ``byibalance/params/``: ``dk/`` for
national rules and ``municipalities/<code>/`` (four digits, e.g. ``0165``) for local numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from byibalance.errors import ErrorLocation, ParameterError
from byibalance.provenance import Provenance, Status

KNOWN_UNITS = frozenset(
    {
        "share", "percent", "per_mille", "DKK", "DKK_per_year", "DKK_per_person",
        "DKK_per_user", "DKK_per_place", "persons", "persons_per_dwelling", "dwellings",
        "years", "count", "places", "rate_per_1000", "ratio", "tonnes_CO2e", "kg_CO2e_per_MWh",
        "g_CO2e_per_kWh", "MWh", "DKK_per_tonne", "litres_per_person_per_day", "kg_per_person",
        "index", "weight",
    }
)


class DatedValue(BaseModel):
    """One value of a parameter, in force from a date until the next value's date."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    valid_from: dt.date = Field(alias="from")
    value: Any
    status: Status
    source: str = Field(min_length=1)
    note: str | None = None

    @property
    def provenance(self) -> Provenance:
        return Provenance(status=self.status, source=self.source, note=self.note)


class Parameter(BaseModel):
    """A named parameter with its unit and its dated values (sorted by date)."""

    model_config = ConfigDict(extra="forbid")

    description: str
    unit: str
    values: list[DatedValue] = Field(min_length=1)

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        if unit not in KNOWN_UNITS:
            raise ValueError(f"unknown unit '{unit}'; use one of: {', '.join(sorted(KNOWN_UNITS))}")
        return unit

    @field_validator("values")
    @classmethod
    def _sorted_dates(cls, values: list[DatedValue]) -> list[DatedValue]:
        dates = [v.valid_from for v in values]
        if len(set(dates)) != len(dates):
            raise ValueError("two values share one 'from' date; each date may appear once")
        return sorted(values, key=lambda v: v.valid_from)

    def at(self, when: dt.date) -> DatedValue:
        """The value in force on ``when``."""
        current: DatedValue | None = None
        for value in self.values:
            if value.valid_from <= when:
                current = value
        if current is None:
            raise ParameterError(
                f"no value in force on {when.isoformat()}; the first value is from "
                f"{self.values[0].valid_from.isoformat()}",
                fix="add a dated value that covers this date, or ask for a later year",
            )
        return current


class ParameterFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str
    parameters: dict[str, Parameter]


def _as_date(when: dt.date | int) -> dt.date:
    return dt.date(when, 1, 1) if isinstance(when, int) else when


class ParameterSet(Mapping[str, Parameter]):
    """A set of named parameters, read from one or more files; later files override earlier ones."""

    def __init__(self, parameters: Mapping[str, Parameter], origins: Mapping[str, str]):
        self._parameters = dict(parameters)
        self._origins = dict(origins)

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._parameters[name]
        except KeyError:
            raise ParameterError(
                f"unknown parameter '{name}'",
                fix=f"known parameters: {', '.join(sorted(self._parameters)) or 'none'}",
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __len__(self) -> int:
        return len(self._parameters)

    def origin(self, name: str) -> str:
        """The file a parameter was read from."""
        return self._origins[name]

    def at(self, name: str, when: dt.date | int) -> DatedValue:
        """The dated value of ``name`` in force on ``when`` (a year means 1 January)."""
        try:
            return self[name].at(_as_date(when))
        except ParameterError as err:
            raise ParameterError(
                err.problem,
                fix=err.fix,
                where=ErrorLocation(file=self._origins.get(name), field=name),
            ) from None

    def value(self, name: str, when: dt.date | int) -> Any:
        """Shorthand for ``at(name, when).value``."""
        return self.at(name, when).value

    def merged(self, other: ParameterSet) -> ParameterSet:
        """This set with ``other``'s parameters added or replacing these."""
        return ParameterSet(
            {**self._parameters, **other._parameters}, {**self._origins, **other._origins}
        )

    @classmethod
    def from_files(cls, paths: list[Path]) -> ParameterSet:
        parameters: dict[str, Parameter] = {}
        origins: dict[str, str] = {}
        for path in paths:
            for name, parameter in read_parameter_file(path).parameters.items():
                parameters[name] = parameter
                origins[name] = str(path)
        return cls(parameters, origins)


def read_parameter_file(path: Path) -> ParameterFile:
    """Read and validate one parameter file; errors name the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ParameterError(
            f"cannot read the parameter file: {err.strerror}", where=ErrorLocation(file=str(path))
        ) from None
    except yaml.YAMLError as err:
        line = getattr(getattr(err, "problem_mark", None), "line", None)
        raise ParameterError(
            f"not valid YAML: {getattr(err, 'problem', err)}",
            fix="check the indentation and the quoting around this line",
            where=ErrorLocation(file=str(path), line=None if line is None else line + 1),
        ) from None
    try:
        return ParameterFile.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ParameterError(
            first["msg"],
            fix="see docs/parameters.md for the layout of a parameter file",
            where=ErrorLocation(file=str(path), field=field),
        ) from None


def params_root() -> Path:
    """The folder of the embedded parameter files."""
    return Path(str(resources.files("byibalance") / "params"))


def municipality_folder(code: str | int) -> str:
    """The folder name of a municipality's parameters: the code with four digits (``0165``)."""
    return f"{int(code):04d}"


#: The files of a municipality's folder that hold dated parameters. The folder's other files are
#: read by their own domain: the housing programme (``housing.yaml``), the ambitions catalogue
#: (``ambitions.yaml``) and the sustainability registry and values (``indicators.yaml``,
#: ``climate.yaml``).
MUNICIPAL_PARAMETER_FILES = ("services.yaml", "finance.yaml")


@cache
def national_parameters() -> ParameterSet:
    """All national parameter files under ``params/dk``."""
    return ParameterSet.from_files(sorted((params_root() / "dk").glob("*.yaml")))


@cache
def municipal_parameters(code: str | int) -> ParameterSet:
    """National parameters overlaid with the municipality's own parameter files, if it has any
    (:data:`MUNICIPAL_PARAMETER_FILES`)."""
    folder = params_root() / "municipalities" / municipality_folder(code)
    own = [folder / name for name in MUNICIPAL_PARAMETER_FILES if (folder / name).is_file()]
    base = national_parameters()
    return base.merged(ParameterSet.from_files(own)) if own else base
