"""Spreadsheet adapter: ballots as CSV or an Excel workbook a municipality can export or open.

- CSV: one row per ballot, columns ``voter_id``, ``vote`` (project ids, comma-separated) and
  optionally ``points``; the election (projects, budget) comes from a ``.pb`` template.
- Excel: sheets ``meta`` (key, value), ``projects`` (project_id, cost, name, ...) and ``ballots``
  (as the CSV); it holds a whole election.

Errors name the file, the row and the column; ballots are validated like ``.pb`` ballots.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from byibalance.errors import ErrorLocation, PabulibFormatError
from byibalance.participation.model import Election, Profile
from byibalance.participation.pabulib import format_pb, parse_pb


def _pb_lines(rows: list[list[str]]) -> list[str]:
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows(rows)
    return buf.getvalue().rstrip("\n").split("\n") if rows else []


def ballots_to_csv(election: Election, profile: Profile) -> str:
    """The ballots as CSV text (comma-separated columns; the vote list is quoted)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    has_points = profile.points is not None
    w.writerow(["voter_id", "vote"] + (["points"] if has_points else []))
    for b in profile.ballots(election):
        row = [b.voter_id, ",".join(b.projects)]
        if has_points and b.points is not None:
            row.append(",".join(str(x) for x in b.points))
        w.writerow(row)
    return buf.getvalue()


def profile_from_csv(text: str, template: Election, source: str = "<csv>") -> Profile:
    """Ballots from CSV text, validated against ``template`` (line numbers are the CSV's)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "voter_id" not in rows[0] or "vote" not in rows[0]:
        raise PabulibFormatError(
            "the CSV header lacks voter_id and vote",
            fix="start the file with the line: voter_id,vote",
            where=ErrorLocation(file=source, line=1),
        )
    election_text = format_pb(
        template, Profile((), np.zeros(1, np.int64), np.zeros(0, np.int64)), newline="\n"
    )
    head = election_text.split("\nVOTES\n")[0].split("\n")
    head = [ln for ln in head if not ln.startswith("num_votes;")]
    head.insert(2, f"num_votes;{len(rows) - 1}")
    text_pb = "\n".join([*head, "VOTES", *_pb_lines(rows)]) + "\n"
    offset = len(head) + 1
    try:
        return parse_pb(text_pb, source)[1]
    except PabulibFormatError as exc:
        line = exc.where.line - offset if exc.where.line is not None else None
        raise PabulibFormatError(
            exc.problem,
            fix=exc.fix,
            where=ErrorLocation(file=source, line=line, field=exc.where.field),
        ) from None


def write_excel(path: str | Path, election: Election, profile: Profile) -> None:
    """Write the whole election to an Excel workbook (sheets meta, projects, ballots)."""
    from openpyxl import Workbook

    text = format_pb(election, profile, newline="\n")
    wb = Workbook()
    for empty in list(wb.worksheets):
        wb.remove(empty)
    sections = {"META": "meta", "PROJECTS": "projects", "VOTES": "ballots"}
    sheet = None
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if len(row) == 1 and row[0] in sections:
            sheet = wb.create_sheet(sections[row[0]])
            continue
        if sheet is not None:
            sheet.append(row)
    wb.save(str(path))


def read_excel(path: str | Path) -> tuple[Election, Profile]:
    """Read an election written by :func:`write_excel` (or made by hand in the same shape)."""
    from openpyxl import load_workbook

    source = str(path)
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise PabulibFormatError(
            f"cannot open the workbook ({exc})",
            fix="save it as .xlsx",
            where=ErrorLocation(file=source),
        ) from None
    parts: list[str] = []
    for section, name in (("META", "meta"), ("PROJECTS", "projects"), ("VOTES", "ballots")):
        if name not in wb.sheetnames:
            raise PabulibFormatError(
                f"the workbook has no sheet {name!r}",
                fix="add sheets meta, projects and ballots",
                where=ErrorLocation(file=source),
            )
        rows = [
            ["" if v is None else str(v) for v in r] for r in wb[name].iter_rows(values_only=True)
        ]
        parts += [section, *_pb_lines(rows)]
    return parse_pb("\n".join(parts) + "\n", source)
