"""The scenario: a set of overrides on the baseline (STYLE point 2), read from YAML.

A scenario names the municipality and horizon and overrides the defaults of each domain: the
population model (fertility, mortality, migration, the housing programme), ``services``,
``finance`` and ``ambitions``. Every section is a typed model with ``extra="forbid"``, so a
misspelt key, a wrong type, a value out of range or a year outside the horizon is an error when
the file is read, naming the field path (``finance.income_tax_rate.2028``), the line of the YAML
file and the fix; never a silent default. The field reference in ``docs/scenario.md`` is
generated from these models (:func:`reference_table`).

Example::

    name: Coop Byen two years late
    municipality: "165"
    end: 2040
    population:
      fertility: {multiplier: 0.95}
      housing:
        delay: {coop_byen_flats: 2, coop_byen_terraced: 2}
    finance:
      income_tax_rate: {2028: 26.1}
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from byibalance.errors import ErrorLocation, ScenarioError, UnknownMunicipalityError
from byibalance.finance.scenario import FinanceOverrides, year_tagged
from byibalance.messages import N_, Note, note_or_text
from byibalance.population.api import DEFAULT_END  # the projection's end when none is given
from byibalance.population.overrides import PopulationOverrides
from byibalance.portfolio.scenario import AmbitionsOverrides
from byibalance.services.areas import AREA_NAMES
from byibalance.services.scenario import ServicesOverrides

FIRST_START, LAST_END = 2010, 2100
DOCS = "docs/scenario.md"


class Scenario(BaseModel):
    """A named set of overrides; every section is optional."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(default="baseline", description="The scenario's name, shown everywhere")
    description: str = Field(default="", description="Free text: what the scenario asks")
    municipality: str = Field(
        default="165", description="Municipality code, one of the 98 (e.g. 165 = Albertslund)"
    )
    start: int | None = Field(
        default=None, ge=FIRST_START, le=LAST_END,
        description=f"First year of the projection ({FIRST_START}-{LAST_END}); default: the "
        "latest observed year",
    )  # fmt: skip
    end: int | None = Field(
        default=None, ge=FIRST_START + 1, le=LAST_END,
        description=f"Last year of the projection and the budget, after start; default "
        f"{DEFAULT_END}",
    )  # fmt: skip
    population: PopulationOverrides = Field(
        default=PopulationOverrides(), description="Overrides of the population model"
    )
    services: ServicesOverrides = Field(
        default=ServicesOverrides(), description="Overrides of the services parameters"
    )
    finance: FinanceOverrides = Field(
        default=FinanceOverrides(), description="Overrides of the finance parameters"
    )
    ambitions: AmbitionsOverrides = Field(
        default=AmbitionsOverrides(), description="Pins, weights, support and extra ambitions"
    )

    @field_validator("municipality", mode="before")
    @classmethod
    def _code_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="before")
    @classmethod
    def _legacy_unit_costs(cls, data: Any, info: ValidationInfo) -> Any:
        """Move ``finance.unit_costs`` (no computation reads it) to ``services.unit_costs``.

        The web form wrote unit costs under ``finance`` until the sections were typed; the
        services model is where they take effect. In a stored scenario (validation context
        ``{"stored": True}``) a unit cost of an unknown area stays where it is, so the scenario
        still opens and its author sees it on the form; anywhere else it is an error.
        """
        if not isinstance(data, Mapping):
            return data
        finance = data.get("finance")
        services = data.get("services") or {}
        if not isinstance(finance, Mapping) or not isinstance(services, Mapping):
            return data
        legacy = finance.get("unit_costs") or {}
        current = services.get("unit_costs") or {}
        if not legacy or not isinstance(legacy, Mapping) or not isinstance(current, Mapping):
            return data
        for area, cost in legacy.items():
            if area in current and current[area] != cost:
                raise ValidationError.from_exception_data("Scenario", [_problem(
                    ("finance", "unit_costs", area), cost, "unit_cost_twice",
                    {"area": area, "a": current[area], "b": cost},
                )])  # fmt: skip
        stored = bool((info.context or {}).get("stored"))
        moved = {a: c for a, c in legacy.items() if a in AREA_NAMES or not stored}
        kept = {a: c for a, c in legacy.items() if a not in moved}
        rest = {k: v for k, v in finance.items() if k != "unit_costs"}
        return {
            **data,
            "finance": {**rest, "unit_costs": kept} if kept else rest,
            "services": {**services, "unit_costs": {**moved, **current}},
        }

    @model_validator(mode="after")
    def _end_after_start(self) -> Scenario:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"end {self.end} must be after start {self.start}")
        return self

    @field_validator("services")
    @classmethod
    def _marginal_shares(cls, value: ServicesOverrides) -> ServicesOverrides:
        missing = [a for a in AREA_NAMES if a not in value.marginal_share]
        if value.regulation == "marginal" and missing:
            problem = _problem(
                ("marginal_share",), dict(value.marginal_share), "marginal_share_missing",
                {"areas": ", ".join(missing)},
            )  # fmt: skip
            raise ValidationError.from_exception_data("services", [problem])
        return value

    @field_validator("finance")
    @classmethod
    def _finance_years(cls, value: FinanceOverrides, info: ValidationInfo) -> FinanceOverrides:
        years: list[tuple[tuple[int | str, ...], int]] = []
        if isinstance(value.income_tax_rate, dict):
            years += [(("income_tax_rate", y), y) for y in value.income_tax_rate]
        years += [(("price_index", y), y) for y in value.price_index or {}]
        years += [(("loans", i, "year"), loan.year) for i, loan in enumerate(value.loans)]
        _check_horizon("finance", years, info)
        return value

    @field_validator("ambitions")
    @classmethod
    def _ambitions_checks(
        cls, value: AmbitionsOverrides, info: ValidationInfo
    ) -> AmbitionsOverrides:
        problems: list[InitErrorDetails] = []
        for ambition, share in value.support.items():
            if not 0.0 <= share <= 1.0:  # a share of the votes: 0 to 1 by definition
                problems.append(_problem(
                    ("support", ambition), share, "support_share",
                    {"id": ambition, "value": share},
                ))  # fmt: skip
        both = sorted(set(value.pinned_in) & set(value.pinned_out))
        if both:
            problems.append(_problem(
                ("pinned_out",), list(value.pinned_out), "pinned_both_ways",
                {"ids": ", ".join(both)},
            ))  # fmt: skip
        if problems:
            raise ValidationError.from_exception_data("ambitions", problems)
        starts = [(("extra", i, "earliest_start"), a.earliest_start)
                  for i, a in enumerate(value.extra)]  # fmt: skip
        _check_horizon("ambitions", starts, info)
        return value


def horizon(start: int | None, end: int | None) -> tuple[int, int]:
    """The first and last year a scenario's year keys may name: its start and end, or defaults."""
    first = start if start is not None else FIRST_START
    last = end if end is not None else max(DEFAULT_END, first + 1)
    return first, last


# The scenario's own problems by kind: English templates of the catalogue (byibalance.messages),
# so the web app shows them in the page's language while the CLI keeps this English.
_PROBLEMS: dict[str, str] = {
    "unit_cost_twice": N_("the unit cost of '{area}' is given twice, {a} under services.unit_costs "
                          "and {b} under finance.unit_costs"),
    "marginal_share_missing": N_("regulation 'marginal' needs a marginal share for every area; "
                                 "missing: {areas}"),
    "support_share": N_("citizens' support for '{id}' is {value}; it is a share from 0 to 1"),
    "pinned_both_ways": N_("{ids} pinned both in and out"),
    "year_outside_horizon": N_("year {year} is outside the scenario's horizon {first}-{last}"),
}  # fmt: skip


def _problem(
    loc: tuple[int | str, ...], value: object, kind: str, ctx: dict[str, Any]
) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError(kind, _PROBLEMS[kind], ctx), loc=loc, input=value, ctx=ctx
    )


def _check_horizon(
    section: str, years: Sequence[tuple[tuple[int | str, ...], int]], info: ValidationInfo
) -> None:
    """Fail on every year outside the scenario's horizon (a value there would never be used)."""
    first, last = horizon(info.data.get("start"), info.data.get("end"))
    problems = [
        _problem(loc, year, "year_outside_horizon",
                 {"year": year, "first": first, "last": last})
        for loc, year in years if not first <= year <= last
    ]  # fmt: skip
    if problems:
        raise ValidationError.from_exception_data(section, problems)


# --------------------------------------------------------------------------------------------
# Errors: pydantic's error -> one ScenarioError with the path, the line, the year and a fix.
# --------------------------------------------------------------------------------------------

_BRANCH_NAMES = {"float", "int", "str", "bool", "list", "dict", "tuple", "none"}
_MISSING = object()


def _is_branch(part: int | str) -> bool:
    """A pydantic union-branch or validator tag in an error's location, not a key of the data."""
    return isinstance(part, str) and (
        "[" in part or part in _BRANCH_NAMES or part[:1].isupper() or part.startswith("function")
    )


def _child(node: object, part: int | str) -> object:
    if isinstance(node, Mapping):
        for key in node:
            if key == part or str(key) == str(part):
                return node[key]
    elif isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _MISSING


@dataclass(frozen=True)
class _Place:
    """Where a pydantic error lies in the user's data."""

    path: list[int | str]  # the location without union-branch names
    found: int  # how many leading parts of ``path`` are in the data
    node: object  # the data at path[:found]
    site: tuple[int | str, ...]  # the union the error is a branch of (or the path itself)


def _clean(loc: Sequence[int | str], raw: object) -> _Place:
    path: list[int | str] = []
    found = 0
    node: object = raw
    at: object = raw
    site: tuple[int | str, ...] | None = None
    for part in loc:
        child = _child(node, part)
        if child is _MISSING and _is_branch(part):
            site = tuple(path) if site is None else site
            continue
        path.append(part)
        if child is not _MISSING and found == len(path) - 1:
            found += 1
            at = child
        node = child
    return _Place(path, found, at, tuple(path) if site is None else site)


def field_path(path: Sequence[int | str]) -> str:
    """``finance.income_tax_rate.2028``; list items as ``add[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int) and not 1000 <= part <= 9999:
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _model_at(path: Sequence[int | str]) -> type[BaseModel] | None:
    """The model whose keys a mapping at ``path`` takes (for 'did you mean'), if any."""
    model: type[BaseModel] | None = Scenario
    for part in path:
        if model is None:
            return None
        info = model.model_fields.get(str(part))
        if info is None:
            if isinstance(part, int):
                continue  # a list index: stay on the item model
            return None
        model = _inner_model(info.annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


_FIXES: dict[str, str] = {
    "missing": N_("Add the key"),
    "int_parsing": N_("Write a whole number, e.g. 2030"),
    "int_from_float": N_("Write a whole number, e.g. 2030"),
    "int_type": N_("Write a whole number, e.g. 2030"),
    "float_parsing": N_("Write a number with a decimal point, e.g. 25.6"),
    "float_type": N_("Write a number with a decimal point, e.g. 25.6"),
    "string_type": N_("Write text (in quotes if it looks like a number)"),
    "bool_parsing": N_("Write true or false"),
    "dict_type": N_("Write a mapping of keys to values, e.g. {{2028: 26.1}}"),
    "model_type": N_("Write a mapping of keys to values"),
    "list_type": N_("Write a list, e.g. [a, b]"),
    "tuple_type": N_("Write a list, e.g. [a, b]"),
    "year_outside_horizon": N_("Use a year from {first} to {last}, or widen the scenario's "
                               "start/end"),
    "support_share": N_("Give the share of votes in favour, from 0 to 1"),
    "marginal_share_missing": N_("Give each area its share (0-1) under services.marginal_share "
                                 "(no national default exists), or use regulation: full"),
    "pinned_both_ways": N_("Keep each ambition in pinned_in or in pinned_out, not both"),
    "unit_cost_twice": N_("Keep the unit cost under services.unit_costs only"),
}  # fmt: skip

_BOUNDS = {
    "greater_than_equal": N_("Use a value at or above {ge} (see {docs})"),
    "greater_than": N_("Use a value above {gt} (see {docs})"),
    "less_than_equal": N_("Use a value at or below {le} (see {docs})"),
    "less_than": N_("Use a value below {lt} (see {docs})"),
}


def _fix(item: ErrorDetails, path: Sequence[int | str]) -> str:
    kind = item["type"]
    ctx = item.get("ctx") or {}
    if kind == "extra_forbidden":
        model = _model_at(path[:-1])
        keys = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(str(path[-1]), keys, n=1)
        if not keys:
            return Note(N_("Remove the key or correct its spelling: see {docs}"), docs=DOCS)
        if close:
            return Note(
                N_(
                    "Remove the key or correct its spelling: did you mean '{close}'? the "
                    "keys here are {keys}"
                ),
                close=close[0],
                keys=", ".join(keys),
            )
        return Note(N_("Remove the key or correct its spelling: the keys here are {keys}"),
                    keys=", ".join(keys))  # fmt: skip
    if kind in _BOUNDS:
        return Note(_BOUNDS[kind], docs=DOCS, **ctx)
    if kind in {"literal_error", "enum"}:
        return _choices(N_("Use {choices}"), ctx.get("expected")) or Note(
            N_("Use one of the allowed values")
        )
    if kind == "year_outside_horizon":
        return Note(_FIXES[kind], **ctx)
    if kind in _FIXES:
        return Note(_FIXES[kind])
    return Note(N_("Correct the value (see {docs})"), docs=DOCS)


def _choices(template: str, expected: object) -> Note | None:
    """``template`` with pydantic's list of allowed values (``'full' or 'marginal'``) as
    ``{choices}``, its 'or' a word of the catalogue."""
    if not isinstance(expected, str):
        return None
    first, sep, last = expected.rpartition(" or ")
    if not sep:
        return Note(template, choices=expected)
    return Note(template, choices=Note(N_("{first} or {last}"), first=first, last=last))


# pydantic's own messages of the common kinds, as templates of the catalogue. A message is used
# only when it reads exactly as pydantic wrote it; any other stays pydantic's English text.
_PYDANTIC: dict[str, str] = {
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "less_than": N_("Input should be less than {lt}"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "int_type": N_("Input should be a valid integer"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "float_type": N_("Input should be a valid number"),
    "string_type": N_("Input should be a valid string"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "bool_type": N_("Input should be a valid boolean"),
    "dict_type": N_("Input should be a valid dictionary"),
    "list_type": N_("Input should be a valid list"),
    "tuple_type": N_("Input should be a valid tuple"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
}  # fmt: skip


def validation_message(item: ErrorDetails) -> str:
    """The message of one pydantic error (of a scenario, or of a web request's parameters): a
    :class:`Note` of the catalogue with pydantic's English where it knows the kind, else the
    text."""
    return _message(item)


def _whole(value: object) -> object:
    """A bound as pydantic writes it in a message: 0.0 as 0."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _message(item: ErrorDetails) -> str:
    """The message of one pydantic error: a :class:`Note` of the catalogue for the common kinds
    (pydantic's, the scenario's own, a domain check's that raised a note), else the text."""
    text = str(item["msg"])
    kind = item["type"]
    ctx = dict(item.get("ctx") or {})
    candidates: list[Note | None] = []
    if kind in _PROBLEMS:
        candidates.append(Note(_PROBLEMS[kind], **ctx))
    elif kind in _PYDANTIC:
        candidates += [Note(_PYDANTIC[kind], **ctx),
                       Note(_PYDANTIC[kind], **{k: _whole(v) for k, v in ctx.items()})]  # fmt: skip
    elif kind in {"literal_error", "enum"}:
        candidates.append(_choices(N_("Input should be {choices}"), ctx.get("expected")))
    elif kind == "value_error":
        error = ctx.get("error")
        reason = error.args[0] if isinstance(error, Exception) and error.args else None
        if isinstance(reason, Note):
            text = text.removeprefix("Value error, ")
            candidates.append(reason)
    found = next((note for note in candidates if note is not None and note == text), None)
    return found if found is not None else text.removeprefix("Value error, ")


def _year(path: Sequence[int | str], item: ErrorDetails) -> int | None:
    for part in reversed(path):
        text = str(part)
        if text.isdecimal() and 1900 <= int(text) <= 2200:
            return int(text)
    value = item.get("input")
    last = str(path[-1]) if path else ""
    if isinstance(value, int) and last.endswith(("year", "start", "end")):
        return value
    return None


def _best(
    errors: list[ErrorDetails], raw: object, among: Sequence[int] | None = None
) -> tuple[int, list[int | str], int]:
    """The most specific error (of those ``among``), and how many other places have a problem.

    Of a union's failed branches, the one that went deepest into the user's data; where that
    data is a mapping, the branch that looked inside it (a missing key) rather than one that
    wanted a number.
    """
    places = [_clean(item["loc"], raw) for item in errors]

    unknown = {(p.site, str(p.path[-1])) for p, e in zip(places, errors, strict=True)
               if e["type"] == "extra_forbidden" and p.path}  # fmt: skip

    def branch(i: int) -> tuple[int | str, ...]:
        loc = tuple(errors[i]["loc"])
        return loc[: len(places[i].site) + 1]

    # A union branch that read a key as a year, where another branch knows the key: not meant.
    wrong = {branch(i) for i, (p, e) in enumerate(zip(places, errors, strict=True))
             if "[key]" in e["loc"] and (p.site, str(p.path[-1])) not in unknown}  # fmt: skip

    def score(i: int) -> tuple[bool, int, int, int, int]:
        p = places[i]
        inside = len(p.path) if isinstance(p.node, Mapping) else -len(p.path)
        return branch(i) not in wrong, p.found, inside, len(errors[i]["loc"]), -i

    best = max(range(len(errors)) if among is None else among, key=score)
    others = {p.site for p in places} - {places[best].site}
    return best, places[best].path, len(others)


def _sites(errors: list[ErrorDetails], raw: object) -> list[list[int]]:
    """The errors grouped by the place they are about (a union's branches are one place)."""
    groups: dict[tuple[int | str, ...], list[int]] = {}
    for i, item in enumerate(errors):
        groups.setdefault(_clean(item["loc"], raw).site, []).append(i)
    return list(groups.values())


def _named_key(path: list[int | str], message: str, raw: object) -> list[int | str]:
    """A mapping's validator that names the bad key in its message ('school_6_16' is -3): the
    path goes down to that key, so the line is the key's own."""
    node: object = raw
    for part in path:
        node = _child(node, part)
    if isinstance(node, Mapping):
        for name in re.findall(r"'([^']+)'", message):
            if _child(node, name) is not _MISSING:
                return [*path, name]
    return path


def _describe(
    item: ErrorDetails, path: list[int | str], raw: object
) -> tuple[list[int | str], str]:
    """The path and the message of one error, in the user's words."""
    message = _message(item)
    tag = year_tagged(message)  # the finance model's '[2028] ...' messages (a note stays a note)
    if tag:
        path = [*path, *(int(p) if p.isdecimal() else p for p in tag[0].split("."))]
        message = tag[1]
    elif item["type"] == "value_error":
        path = _named_key(path, message, raw)
    value = item.get("input")
    last = path[-1] if path else "?"
    if item["type"] == "extra_forbidden":
        message = Note(N_("unknown key '{key}'"), key=str(last))
    elif item["type"] == "missing":
        message = Note(N_("the key '{key}' is missing"), key=str(last))
    elif not isinstance(value, Mapping | list) and repr(value) not in message:
        message = note_or_text(N_("{message} (got {value!r})"), {"message": message}, value=value)
    return path, message


def field_problems(raw: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """Every problem of a scenario mapping as (field path, message, fix), one per place; empty
    when it validates. For forms, which show each problem beside its field."""
    try:
        Scenario.model_validate(dict(raw))
    except ValidationError as err:
        errors = err.errors()
        out = []
        for group in _sites(errors, raw):
            best, path, _ = _best(errors, raw, group)
            path, message = _describe(errors[best], path, raw)
            out.append((field_path(path), message, _fix(errors[best], path)))
        return out
    return []


def scenario_error(
    err: ValidationError,
    raw: object,
    file: str | None = None,
    line_of: Callable[[Sequence[int | str]], int | None] | None = None,
) -> ScenarioError:
    """One :class:`ScenarioError` for a failed validation: path, line, year and fix."""
    errors = err.errors()
    best, path, more = _best(errors, raw)
    item = errors[best]
    path, message = _describe(item, path, raw)
    if more:
        template = (N_("{message} (and {more} more problems elsewhere)") if more > 1
                    else N_("{message} (and {more} more problem elsewhere)"))  # fmt: skip
        message = note_or_text(template, {"message": message}, more=more)
    return ScenarioError(
        message,
        _fix(item, path),
        ErrorLocation(
            file=file,
            line=line_of(path) if line_of else None,
            field=field_path(path) or None,
            year=_year(path, item),
        ),
    )


def yaml_lines(node: yaml.Node | None) -> Callable[[Sequence[int | str]], int | None]:
    """A function from a field path to its line (1-based) in the YAML text ``node`` came from.

    The line of the deepest part of the path that is in the file: the key's line for a mapping
    entry, the item's line for a list item.
    """

    def line_of(path: Sequence[int | str]) -> int | None:
        current = node
        line = None
        for part in path:
            if isinstance(current, yaml.MappingNode):
                entry = next(((k, v) for k, v in current.value if str(k.value) == str(part)),
                             None)  # fmt: skip
                if entry is None:
                    break
                line, current = entry[0].start_mark.line + 1, entry[1]
            elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(current.value):
                    break
                current = current.value[part]
                line = current.start_mark.line + 1
            else:
                break
        return line

    return line_of


def scenario_from_mapping(
    raw: object, file: str | None = None, *, node: yaml.Node | None = None, stored: bool = False
) -> Scenario:
    """Validate a parsed mapping; errors become :class:`ScenarioError` with the field path.

    ``node`` is the YAML node tree the mapping was read from (``yaml.compose``): with it the error
    also names the line. ``stored``: the scenario was stored before the sections were typed (see
    ``Scenario._legacy_unit_costs``).
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ScenarioError(
            Note(N_("a scenario must be a mapping of keys to values")),
            Note(N_("start the file with keys such as 'name:' and 'population:'")),
            ErrorLocation(file=file, line=1 if node is not None else None),
        )
    try:
        return Scenario.model_validate(raw, context={"stored": stored})
    except ValidationError as err:
        raise scenario_error(err, raw, file, yaml_lines(node) if node else None) from None


def scenario_from_yaml_text(
    text: str, file: str | None = None, *, stored: bool = False
) -> Scenario:
    """Parse and validate a scenario's YAML text; errors name the line, the field and the fix."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ScenarioError(
            Note(
                N_("not valid YAML: {problem}"), problem=str(getattr(err, "problem", None) or err)
            ),
            Note(N_("check the indentation and quoting around this line")),
            ErrorLocation(file=file, line=None if mark is None else mark.line + 1),
        ) from None
    return scenario_from_mapping(raw, file, node=node, stored=stored)


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
    except UnicodeDecodeError:
        raise ScenarioError(
            "the scenario file is not UTF-8 text", "save it as UTF-8", ErrorLocation(file=str(path))
        ) from None
    scenario = scenario_from_yaml_text(text, str(path))
    from byibalance import data  # the embedded data: only at this I/O boundary

    try:
        data.municipality(scenario.municipality)
    except UnknownMunicipalityError as err:
        raise ScenarioError(
            err.problem, err.fix, ErrorLocation(file=str(path), field="municipality")
        ) from None
    return scenario


# --------------------------------------------------------------------------------------------
# The field reference (docs/scenario.md), generated from the models.
# --------------------------------------------------------------------------------------------

# Descriptions of fields whose models (in other domains) do not carry one yet.
_DESCRIPTIONS = {
    "population.fertility.multiplier": "Factor on the estimated fertility rates, above 0 to 3",
    "population.mortality.improvement": "Yearly improvement r of death rates, -0.05 to 0.1: "
    "m_t = m (1 - r)^(t - base)",
    "population.migration.in_scale": "Factor on in-migration, 0 to 10",
    "population.migration.out_scale": "Factor on out-migration rates, 0 to 10",
    "population.migration.net_per_year": "Persons added (or, negative, taken) by migration per "
    "year, -100,000 to 100,000",
    "population.housing.no_housing": "true: drop the whole housing programme",
    "population.housing.add": "New projects: {id, name, type, completions: [{year, dwellings}], "
    "removals, persons_per_dwelling} (docs/model.md)",
    "population.housing.drop": "Project ids of the housing plan to leave out",
    "ambitions.pinned_in": "Ambition ids that must be in the plan",
    "ambitions.pinned_out": "Ambition ids that must stay out of the plan (none also in pinned_in)",
    "ambitions.weights": "The council's weights: social, economic, climate, environment, "
    "support (each 0 or more, default 1)",
    "ambitions.support": "Citizens' support by ambition id, a share from 0 to 1",
    "ambitions.extra": "More ambitions, with the catalogue's fields (docs/portfolio.md); "
    "earliest_start within the horizon",
}
_LEAF_SECTIONS = {"population.housing.add", "ambitions.weights", "ambitions.extra", "finance.loans"}


def _type_name(annotation: Any) -> str:
    text = str(annotation) if not isinstance(annotation, type) else annotation.__name__
    text = re.sub(r"\b(?:[a-z_]+\.)+([A-Za-z_]\w*)", r"\1", text.replace("typing.", ""))
    text = text.replace("NoneType", "None").replace("Ellipsis", "...")
    return text


def field_reference() -> list[tuple[str, str, str]]:
    """Every field of a scenario as (path, type, description), in the models' order."""
    rows: list[tuple[str, str, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            inner = _inner_model(info.annotation)
            if (
                inner is not None
                and path not in _LEAF_SECTIONS
                and not isinstance(info.annotation, types.UnionType)
            ):
                walk(inner, path + ".")
                continue
            text = info.description or _DESCRIPTIONS.get(path, "")
            rows.append((path, _type_name(info.annotation), text))

    walk(Scenario, "")
    return rows


def reference_table() -> str:
    """The field reference as a Markdown table (docs/scenario.md holds it verbatim)."""
    lines = ["| field | type | meaning and range |", "|---|---|---|"]
    for path, kind, text in field_reference():
        kind = kind.replace("|", "\\|")
        lines.append(f"| `{path}` | `{kind}` | {text} |")
    return "\n".join(lines) + "\n"
