"""Read an ambitions catalogue from YAML, CSV or Excel (an adapter: this module does I/O).

YAML holds ``description``, optional ``headroom`` (``status``, ``source``, ``years``: rows of
``year, capital, liquidity, service`` in mio. DKK) and ``ambitions`` (a list of mappings with the
fields of :class:`~byibalance.portfolio.catalogue.Ambition`). CSV and Excel hold one ambition
per row, with the field names as column headers (Excel: the sheet ``ambitions``, or the first
sheet). ``requires`` and ``excludes`` are ids separated by commas. Every error names the file,
the line (the row) and the field.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from byibalance.errors import ErrorLocation, PortfolioError
from byibalance.parameters import municipality_folder, params_root
from byibalance.portfolio.catalogue import FIELDS, Ambition, Catalogue
from byibalance.portfolio.headroom import Headroom, headroom_from_rows
from byibalance.provenance import Status


@dataclass(frozen=True)
class CatalogueFile:
    """A catalogue as read from a file, with the file's illustrative headroom if it has one."""

    catalogue: Catalogue
    description: str
    headroom: Headroom | None


def _ambition(raw: object, file: str, line: int | None, prefix: str = "") -> Ambition:
    if not isinstance(raw, dict):
        raise PortfolioError(
            "an ambition must be a mapping of fields to values",
            "write 'id: ...', 'name: ...' and the other fields (docs/portfolio.md)",
            ErrorLocation(file=file, line=line),
        )
    cleaned = {k: v for k, v in raw.items() if v is not None and v != ""}
    try:
        return Ambition.model_validate(cleaned)
    except ValidationError as err:
        errors = sorted(err.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        field = prefix + ".".join(str(p) for p in first["loc"]) or None
        value = first.get("input")
        problem = first["msg"]
        if first["type"] == "extra_forbidden":
            problem = f"unknown field '{first['loc'][-1]}'"
        elif first["type"] == "missing":
            problem = f"the required field '{field}' is missing"
        elif not isinstance(value, dict | list):
            problem = f"{problem} (got {value!r})"
        known = ", ".join(f.name for f in FIELDS)
        raise PortfolioError(
            f"ambition '{raw.get('id', '?')}': {problem}",
            f"correct the value; the fields are {known} (docs/portfolio.md)",
            ErrorLocation(file=file, line=line, field=field),
        ) from None


def _check_columns(columns: list[str], file: str) -> None:
    known = {f.name for f in FIELDS}
    for i, name in enumerate(columns):
        if name not in known:
            raise PortfolioError(
                f"unknown column '{name}'",
                f"use the field names: {', '.join(sorted(known))}",
                ErrorLocation(file=file, line=1, field=name or f"column {i + 1}"),
            )
    for f in FIELDS:
        if f.required and f.name not in columns:
            raise PortfolioError(
                f"the required column '{f.name}' is missing",
                f"add a column '{f.name}' ({f.description}, {f.unit})",
                ErrorLocation(file=file, line=1, field=f.name),
            )


def _from_rows(header: list[str], rows: list[list[Any]], file: str) -> Catalogue:
    header = [str(h).strip() if h is not None else "" for h in header]
    _check_columns(header, file)
    ambitions = []
    for i, row in enumerate(rows):
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        raw = {
            h: (c.strip() if isinstance(c, str) else c) for h, c in zip(header, row, strict=False)
        }
        ambitions.append(_ambition(raw, file, i + 2))
    return Catalogue(ambitions, file)


def read_csv(path: Path) -> Catalogue:
    """One ambition per row; the first row names the fields."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle))
    except OSError as err:
        raise PortfolioError(
            f"cannot read the catalogue: {err.strerror}", "check the path", ErrorLocation(str(path))
        ) from None
    if not table:
        raise PortfolioError("the catalogue is empty", "add a header row and one row per ambition",
                             ErrorLocation(file=str(path)))  # fmt: skip
    return _from_rows(table[0], [list(r) for r in table[1:]], str(path))


def read_excel(path: Path) -> Catalogue:
    """The sheet ``ambitions`` (or the first sheet): one ambition per row under a header row."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as err:
        raise PortfolioError(
            f"cannot read the workbook: {err}", "save it as .xlsx", ErrorLocation(file=str(path))
        ) from None
    sheet = book["ambitions"] if "ambitions" in book.sheetnames else book.worksheets[0]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    if not table:
        raise PortfolioError("the sheet is empty", "add a header row and one row per ambition",
                             ErrorLocation(file=str(path)))  # fmt: skip
    return _from_rows(list(table[0]), table[1:], str(path))


def read_yaml(path: Path) -> CatalogueFile:
    """A YAML catalogue with ``ambitions`` and an optional illustrative ``headroom``."""
    file = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise PortfolioError(
            f"cannot read the catalogue: {err.strerror}", "check the path", ErrorLocation(file)
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise PortfolioError(
            f"not valid YAML: {getattr(err, 'problem', None) or err}",
            "check the indentation and quoting around this line",
            ErrorLocation(file=file, line=None if mark is None else mark.line + 1),
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("ambitions"), list):
        raise PortfolioError(
            "a YAML catalogue needs a list under 'ambitions'",
            "start the list with 'ambitions:' and one '- id: ...' per ambition",
            ErrorLocation(file=file, field="ambitions"),
        )
    unknown = set(raw) - {"description", "municipality", "headroom", "ambitions"}
    if unknown:
        raise PortfolioError(
            f"unknown key '{sorted(unknown)[0]}'",
            "use description, municipality, headroom and ambitions",
            ErrorLocation(file=file, field=sorted(unknown)[0]),
        )
    ambitions = [
        _ambition(a, file, None, f"ambitions[{i}].") for i, a in enumerate(raw["ambitions"])
    ]
    headroom = None
    if raw.get("headroom") is not None:
        h = raw["headroom"]
        try:
            status = Status(h["status"])
            headroom = headroom_from_rows(h["years"], status, str(h["source"]), file)
        except (KeyError, TypeError, ValueError):
            raise PortfolioError(
                "the headroom needs status, source and years (rows of year, capital, "
                "liquidity, service)",
                "see docs/portfolio.md",
                ErrorLocation(file=file, field="headroom"),
            ) from None
    return CatalogueFile(Catalogue(ambitions, file), str(raw.get("description", "")), headroom)


def read_catalogue(path: str | Path) -> CatalogueFile:
    """Read a catalogue by its suffix: ``.yaml``/``.yml``, ``.csv`` or ``.xlsx``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return read_yaml(path)
    if suffix == ".csv":
        return CatalogueFile(read_csv(path), "", None)
    if suffix in {".xlsx", ".xlsm"}:
        return CatalogueFile(read_excel(path), "", None)
    raise PortfolioError(
        f"cannot read a catalogue from a '{suffix}' file",
        "use .yaml, .csv or .xlsx",
        ErrorLocation(file=str(path)),
    )


def default_catalogue_path(code: str | int) -> Path:
    """The embedded catalogue of a municipality: ``params/municipalities/<code>/ambitions.yaml``."""
    path = params_root() / "municipalities" / municipality_folder(code) / "ambitions.yaml"
    if not path.is_file():
        raise PortfolioError(
            f"municipality {code} has no embedded ambitions catalogue",
            "give one with --catalogue FILE (YAML, CSV or Excel; docs/portfolio.md)",
            ErrorLocation(file=str(path)),
        )
    return path
