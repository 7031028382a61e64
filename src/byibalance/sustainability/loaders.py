"""Read the indicator registry, a municipality's values and targets, and its climate inventory.

The only module of :mod:`byibalance.sustainability` that opens files. Every error names the file,
the line and the field, and says how to fix it (STYLE point 9):

- ``sustainability/registry.yaml``: the indicator definitions, the same for every municipality;
- ``params/municipalities/<code>/indicators.yaml``: the municipality's targets and stored values;
- ``params/municipalities/<code>/climate.yaml``: its climate inventory by GPC sector.

A municipality without these files gets the definitions with every stored value missing (shown
as missing), and the indicators computed from the projection and the budget.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from byibalance.data.generation import data_cached
from byibalance.errors import ErrorLocation, IndicatorError
from byibalance.parameters import params_root
from byibalance.sustainability.climate import (
    ClimateInventory,
    ClimateTarget,
    EmissionFactor,
    InventoryEntry,
    TotalEntry,
)
from byibalance.sustainability.registry import Indicator, Registry, Target
from byibalance.sustainability.series import Cell
from byibalance.sustainability.values import IndicatorValue, ValueStatus, ValueStore

LINE = "__line__"
M = TypeVar("M", bound=BaseModel)


_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_Base):  # type: ignore[valid-type,misc]
    """A safe loader that records the line (1-based) of every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> dict[str, Any]:
    """The YAML mapping in ``path``, every mapping carrying its ``__line__``."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except OSError as err:
        raise IndicatorError(
            f"cannot read the file: {err.strerror}", "Check the path",
            ErrorLocation(file=str(path)),
        ) from None  # fmt: skip
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise IndicatorError(
            f"not valid YAML: {getattr(err, 'problem', err)}",
            "Check the indentation and the quoting around this line",
            ErrorLocation(file=str(path), line=None if mark is None else mark.line + 1),
        ) from None
    if not isinstance(raw, dict):
        raise IndicatorError(
            "the file is not a YAML mapping", "Start the file with 'description:'",
            ErrorLocation(file=str(path)),
        )  # fmt: skip
    return raw


def _strip(raw: Any) -> Any:
    if isinstance(raw, dict):
        return {k: _strip(v) for k, v in raw.items() if k != LINE}
    if isinstance(raw, list):
        return [_strip(v) for v in raw]
    return raw


def _line(raw: Any, loc: tuple[int | str, ...]) -> int | None:
    """The line of the innermost mapping on the error's path."""
    line = raw.get(LINE) if isinstance(raw, dict) else None
    node = raw
    for key in loc:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and LINE in node:
            line = node[LINE]
    return line


def validate(model: type[M], raw: Any, path: Path, prefix: str, year_key: str | None = "year") -> M:
    """``model`` validated from ``raw``; a failure names the file, line, field and year."""
    try:
        return model.model_validate(_strip(raw))
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in (prefix, *loc) if p != "")
        year = raw.get(year_key) if isinstance(raw, dict) and year_key else None
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "missing":
            message = f"'{loc[-1]}' is missing"
        raise IndicatorError(
            message,
            "See docs/sustainability.md for the fields and their units",
            ErrorLocation(
                file=str(path), line=_line(raw, loc), field=field,
                year=year if isinstance(year, int) else None,
            ),
        ) from None  # fmt: skip


def _items(raw: dict[str, Any], key: str, path: Path) -> list[Any]:
    items = raw.get(key, [])
    if not isinstance(items, list):
        raise IndicatorError(
            f"'{key}' must be a list", "Write each item on a line starting with '- '",
            ErrorLocation(file=str(path), line=_line(raw, (key,)), field=key),
        )  # fmt: skip
    return items


def registry_path() -> Path:
    """The embedded indicator definitions."""
    return Path(str(resources.files("byibalance.sustainability") / "registry.yaml"))


def municipal_file(code: str, name: str) -> Path:
    """``params/municipalities/<four-digit code>/<name>``."""
    return params_root() / "municipalities" / code.zfill(4) / name


def load_registry(path: Path | None = None) -> Registry:
    """The indicator definitions (``registry.yaml`` by default), validated field by field."""
    path = path or registry_path()
    raw = read_yaml(path)
    indicators = [
        validate(Indicator, item, path, f"indicators[{i}]", None)
        for i, item in enumerate(_items(raw, "indicators", path))
    ]
    try:
        return Registry(indicators=tuple(indicators))
    except ValidationError as err:
        raise IndicatorError(
            str(err.errors()[0]["msg"]).removeprefix("Value error, "),
            "Give every indicator its own id", ErrorLocation(file=str(path), field="indicators"),
        ) from None  # fmt: skip


def load_values(registry: Registry, path: Path) -> tuple[Registry, ValueStore]:
    """The registry with this municipality's targets, and its stored values.

    ``path`` holds ``targets: {indicator_id: target}`` and ``values: [indicator value, ...]``.
    A target or value for an indicator the registry does not know is an error.
    """
    raw = read_yaml(path)
    known = set(registry.ids())
    targets = raw.get("targets", {}) or {}
    updated = []
    for indicator in registry.indicators:
        if indicator.id in targets:
            target = validate(Target, targets[indicator.id], path, f"targets.{indicator.id}")
            indicator = indicator.model_copy(update={"target": target})
        updated.append(indicator)
    for name in targets:
        if name != LINE and name not in known:
            raise IndicatorError(
                f"target for unknown indicator '{name}'",
                f"Use one of: {', '.join(sorted(known))}",
                ErrorLocation(
                    file=str(path), line=_line(targets, (name,)), field=f"targets.{name}"
                ),
            )
    store = ValueStore()
    for i, item in enumerate(_items(raw, "values", path)):
        value = validate(IndicatorValue, item, path, f"values[{i}]")
        where = ErrorLocation(
            file=str(path), line=_line(item, ()), field=f"values[{i}].indicator", year=value.year
        )
        if value.indicator not in known:
            raise IndicatorError(
                f"value for unknown indicator '{value.indicator}'",
                f"Use one of: {', '.join(sorted(known))}", where,
            )  # fmt: skip
        store.add(value, where)
    return Registry(indicators=tuple(updated)), store


def load_account_inputs(code: str) -> tuple[Registry, ValueStore, list[str]]:
    """Registry, targets and values of one municipality; notes say what is missing."""
    registry = load_registry()
    path = municipal_file(code, "indicators.yaml")
    if not path.exists():
        note = f"no indicator values for {code}: stored indicators are shown as missing"
        return registry, ValueStore(), [note]
    registry, store = load_values(registry, path)
    return registry, store, []


def observed_population(code: str) -> dict[int, Cell]:
    """Observed 1 January totals of one municipality, with their status and source."""
    from byibalance import data

    return dict(_observed(data.municipality(code).code))


@data_cached
def _observed(code: str) -> tuple[tuple[int, Cell], ...]:
    from byibalance import data

    frame = data.observed_totals()
    frame = frame[frame["code"] == code]
    out: list[tuple[int, Cell]] = []
    for row in frame.itertuples(index=False):
        status = ValueStatus.secondary if row.status == "secondary" else ValueStatus.published
        cell = Cell(int(row.year), float(row.population), status, str(row.source))
        out.append((int(row.year), cell))
    return tuple(out)


def load_climate(code: str, path: Path | None = None) -> ClimateInventory:
    """The climate inventory of one municipality (empty, every figure missing, if no file)."""
    path = path or municipal_file(code, "climate.yaml")
    if not path.exists():
        return ClimateInventory(
            municipality=code, organisation=(f"no climate inventory for {code}: all missing",)
        )
    raw = read_yaml(path)
    parts: dict[str, list[Any]] = {}
    kinds: dict[str, type[BaseModel]] = {
        "entries": InventoryEntry, "totals": TotalEntry, "targets": ClimateTarget,
        "emission_factors": EmissionFactor,
    }  # fmt: skip
    for key, model in kinds.items():
        parts[key] = [
            validate(model, item, path, f"{key}[{i}]")
            for i, item in enumerate(_items(raw, key, path))
        ]
    organisation = [str(_strip(n)) for n in _items(raw, "organisation", path)]
    return ClimateInventory(
        municipality=code, entries=tuple(parts["entries"]), totals=tuple(parts["totals"]),
        targets=tuple(parts["targets"]), emission_factors=tuple(parts["emission_factors"]),
        organisation=tuple(organisation),
    )  # fmt: skip
