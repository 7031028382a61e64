"""Read and write the Pabulib ``.pb`` format, exactly and fast (pure: text in, text out).

Format (pabulib.org): sections ``META``, ``PROJECTS``, ``VOTES`` in order, each a name line, a
header line and ``;``-separated rows; a field holding ``;`` or ``"`` is quoted with inner ``"``
doubled; every field is trimmed. CRLF and LF line endings (mixed, too) and a missing final newline
are accepted. Errors name the source, the 1-based line and the field; nothing half-read is
returned.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from fractions import Fraction

import numpy as np

from byibalance.errors import ErrorLocation, PabulibFormatError
from byibalance.participation._fastvotes import fast_votes, numeric_ids, voters_unique
from byibalance.participation.model import (
    VOTE_TYPES,
    BallotLimits,
    Election,
    Profile,
    Project,
)

SECTIONS = ("META", "PROJECTS", "VOTES")
_VOTES_LINE = re.compile(r"^[ \t]*VOTES[ \t]*\r?$", re.MULTILINE)
REQUIRED_META = (
    "description",
    "country",
    "unit",
    "instance",
    "num_projects",
    "num_votes",
    "budget",
    "vote_type",
    "rule",
    "date_begin",
    "date_end",
)


def _err(
    source: str, line: int | None, fld: str | None, problem: str, fix: str
) -> PabulibFormatError:
    return PabulibFormatError(
        problem, fix=fix, where=ErrorLocation(file=source, line=line, field=fld)
    )


def _is_padded(block: str) -> bool:
    return (
        any(x in block for x in (" ;", "; ", " \n", "\n ", "\t"))
        or block[:1] == " "
        or block[-1:] == " "
    )


def _rows(
    lines: Sequence[str], first: int, source: str, padded: bool | None = None
) -> list[list[str]]:
    """Split ``lines`` (first line number ``first``) into trimmed fields, one row a line."""
    rows = list(csv.reader(lines, delimiter=";"))
    if len(rows) != len(lines):
        raise _err(
            source,
            first,
            None,
            "a quoted field runs over more than one line",
            "close every quote on the line where it opens",
        )
    if padded is None:
        padded = _is_padded("\n".join(lines))
    if padded:
        rows = [[f.strip() for f in r] for r in rows]
    return rows


def _columns(lines: Sequence[str], first: int, source: str) -> tuple[list[str], list[list[str]]]:
    """Header and columns of a section's rows; every row must have the header's width.

    Fast path: without quotes, one flat split of the whole block (each line checked to hold
    exactly width-1 separators first); otherwise the csv module.
    """
    header = [h.strip() for h in next(csv.reader(lines[:1], delimiter=";"))]
    width = len(header)
    body = lines[1:]
    block = "\n".join(body)
    if '"' not in block:
        counts = list(map(str.count, body, [";"] * len(body)))
        if all(c == width - 1 for c in counts):
            flat = block.replace("\n", ";").split(";") if body else []
            if _is_padded(block):
                flat = [f.strip() for f in flat]
            return header, [flat[i::width] for i in range(width)]
    rows = _rows(body, first + 1, source)
    for k, r in enumerate(rows):
        if len(r) != width:
            raise _err(
                source,
                first + 1 + k,
                None,
                f"row has {len(r)} fields, the header {width}",
                "the file may be truncated or a field is missing; every row needs every column",
            )
    return header, [[r[i] for r in rows] for i in range(width)]


def _fraction(text: str, source: str, line: int, fld: str) -> Fraction:
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise _err(
            source,
            line,
            fld,
            f"{text!r} is not a number",
            "write a plain number such as 125000 or 125000.50",
        ) from None


def _int(text: str, source: str, line: int, fld: str) -> int:
    value = _fraction(text, source, line, fld)
    if value.denominator != 1:
        raise _err(source, line, fld, f"{text!r} is not a whole number", "write a whole number")
    return int(value)


def _split_sections(text: str, source: str) -> tuple[list[str], list[int], str | None]:
    """Lines up to the VOTES header, section starts, and the VOTES rows as one LF-joined block.

    The rows of a large file are not split into lines here: the fast reader works on the block.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    rows: str | None = None
    found = _VOTES_LINE.search(text)
    if found is not None:
        votes_end = text.find("\n", found.end())
        header_end = text.find("\n", votes_end + 1) if votes_end != -1 else -1
        if header_end != -1:
            rows = text[header_end + 1 :]
            text = text[:header_end]
            text = text[:-1] if text.endswith("\r") else text
            rows = rows.replace("\r\n", "\n") if "\r" in rows else rows
            rows = rows[:-1] if rows.endswith("\n") else rows
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    starts: list[int] = []
    pos = 0
    for name in SECTIONS:
        while pos < len(lines) and lines[pos].strip() != name:
            pos += 1
        if pos >= len(lines):
            raise _err(
                source,
                len(lines) or None,
                None,
                f"section {name} is missing",
                "the file may be truncated: a .pb file has META, PROJECTS and VOTES in order",
            )
        starts.append(pos)
        pos += 1
    return lines, starts, rows


def _limits(meta: Mapping[str, str], meta_lines: Mapping[str, int], source: str) -> BallotLimits:
    def opt_int(key: str) -> int | None:
        return _int(meta[key], source, meta_lines[key], key) if key in meta else None

    def opt_frac(key: str) -> Fraction | None:
        return _fraction(meta[key], source, meta_lines[key], key) if key in meta else None

    return BallotLimits(
        min_length=opt_int("min_length"),
        max_length=opt_int("max_length"),
        min_sum_cost=opt_frac("min_sum_cost"),
        max_sum_cost=opt_frac("max_sum_cost"),
        min_points=opt_int("min_points"),
        max_points=opt_int("max_points"),
        min_sum_points=opt_int("min_sum_points"),
        max_sum_points=opt_int("max_sum_points"),
    )


def _category_caps(
    meta: Mapping[str, str], meta_lines: Mapping[str, int], source: str
) -> dict[str, Fraction]:
    if "max_sum_cost_per_category" not in meta:
        return {}
    line = meta_lines["max_sum_cost_per_category"]
    cats = [c.strip() for c in meta.get("categories", "").split(",")]
    caps = [c.strip() for c in meta["max_sum_cost_per_category"].split(",")]
    if len(cats) != len(caps):
        raise _err(
            source,
            line,
            "max_sum_cost_per_category",
            f"{len(caps)} caps for {len(cats)} categories",
            "give one cap per entry of 'categories', in the same order",
        )
    return {
        c: _fraction(v, source, line, "max_sum_cost_per_category")
        for c, v in zip(cats, caps, strict=True)
    }


def _district_budgets(
    meta: Mapping[str, str], meta_lines: Mapping[str, int], source: str, budget: Fraction
) -> dict[str, Fraction]:
    """META ``districts`` and ``district_budgets`` (byibalance's extension, in the style of
    ``categories`` / ``max_sum_cost_per_category``): one budget per district, same order."""
    if "district_budgets" not in meta:
        return {}
    line = meta_lines["district_budgets"]
    if "districts" not in meta:
        raise _err(
            source,
            line,
            "districts",
            "META has 'district_budgets' but no 'districts'",
            "add a 'districts;A,B,...' row naming the districts in the budgets' order",
        )
    names = [d.strip() for d in meta["districts"].split(",")]
    amounts = [a.strip() for a in meta["district_budgets"].split(",")]
    if len(names) != len(amounts) or len(set(names)) != len(names) or "" in names:
        raise _err(
            source,
            line,
            "district_budgets",
            f"{len(amounts)} district budgets for {len(names)} districts ({meta['districts']})",
            "name each district once in 'districts' and give one budget per district, in the "
            "same order",
        )
    pairs = zip(names, amounts, strict=True)
    out = {d: _fraction(a, source, line, "district_budgets") for d, a in pairs}
    for d, a in out.items():
        if a < 0 or a > budget:
            raise _err(
                source,
                line,
                "district_budgets",
                f"district {d!r} has a budget of {a}, outside 0..{budget} (the total budget)",
                "give every district a budget between 0 and the total 'budget'",
            )
    total = sum(out.values(), Fraction(0))
    if total > budget:
        raise _err(
            source,
            line,
            "district_budgets",
            f"the district budgets add up to {total}, more than the total budget {budget}",
            "'budget' is the total of the districts and the city-wide part: raise it or lower "
            "the district budgets",
        )
    return out


def parse_pb(text: str, source: str = "<pb>") -> tuple[Election, Profile]:
    """Parse the text of a ``.pb`` file into an :class:`Election` and its :class:`Profile`.

    ``source`` names the file in error messages. Checks: sections in order, required META keys,
    ``num_projects``/``num_votes`` equal to the row counts, every row with as many fields as its
    header, costs >= 0 (a cost of 0 becomes 1, as Pabulib specifies), ballots naming known
    projects once each, within ``max_length`` and the points limits.
    """
    lines, (m, p, v), rows = _split_sections(text, source)
    if rows is None:
        rows = "\n".join(lines[v + 2 :])
        lines = lines[: v + 2]
    meta_rows = _rows(lines[m + 1 : p], m + 2, source, padded=True)
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    for k, row in enumerate(meta_rows[1:], start=m + 3):
        if not row or row == [""]:
            continue
        if len(row) != 2:
            raise _err(source, k, None, f"META row has {len(row)} fields", "write 'key;value'")
        meta[row[0]] = row[1]
        meta_lines[row[0]] = k
    for key in ("num_projects", "num_votes", "budget", "vote_type"):
        if key not in meta:
            raise _err(source, m + 1, key, f"META has no {key!r}", f"add a '{key};...' row to META")
    vote_type = meta["vote_type"]
    if vote_type not in VOTE_TYPES:
        raise _err(
            source,
            meta_lines["vote_type"],
            "vote_type",
            f"unknown vote type {vote_type!r}",
            f"use one of {', '.join(VOTE_TYPES)}",
        )
    budget = _fraction(meta["budget"], source, meta_lines["budget"], "budget")
    if budget < 0:
        raise _err(
            source,
            meta_lines["budget"],
            "budget",
            f"negative budget {meta['budget']}",
            "give a budget of 0 or more",
        )
    limits = _limits(meta, meta_lines, source)
    projects = _parse_projects(lines, p, v, source)
    if _int(meta["num_projects"], source, meta_lines["num_projects"], "num_projects") != len(
        projects
    ):
        raise _err(
            source,
            meta_lines["num_projects"],
            "num_projects",
            f"num_projects is {meta['num_projects']} but PROJECTS has {len(projects)} rows",
            "the file may be truncated; correct num_projects or the project rows",
        )
    election = Election(
        projects=tuple(projects),
        budget=budget,
        vote_type=vote_type,
        limits=limits,
        category_caps=_category_caps(meta, meta_lines, source),
        district_budgets=_district_budgets(meta, meta_lines, source, budget),
        meta=meta,
    )
    profile = _parse_votes(lines, v, rows, election, source)
    expected = _int(meta["num_votes"], source, meta_lines["num_votes"], "num_votes")
    if expected != profile.num_voters:
        raise _err(
            source,
            meta_lines["num_votes"],
            "num_votes",
            f"num_votes is {expected} but VOTES has {profile.num_voters} rows",
            "the file may be truncated; get the complete file or correct num_votes",
        )
    return election, profile


def _parse_projects(lines: list[str], p: int, v: int, source: str) -> list[Project]:
    rows = _rows(lines[p + 1 : v], p + 2, source, padded=True)
    if not rows:
        raise _err(source, p + 2, None, "PROJECTS has no header line", "add 'project_id;cost;...'")
    header = rows[0]
    for col in ("project_id", "cost"):
        if col not in header:
            raise _err(source, p + 2, col, f"PROJECTS header lacks {col!r}", f"add a {col} column")
    pid_col, cost_col = header.index("project_id"), header.index("cost")
    projects: list[Project] = []
    seen: set[str] = set()
    for k, row in enumerate(rows[1:], start=p + 3):
        if len(row) != len(header):
            raise _err(
                source,
                k,
                None,
                f"project row has {len(row)} fields, the header {len(header)}",
                "quote fields that contain ';' and give every column a value",
            )
        pid = row[pid_col]
        if not pid or pid in seen:
            raise _err(
                source,
                k,
                "project_id",
                f"project id {pid!r} is empty or repeated",
                "give every project its own id",
            )
        seen.add(pid)
        cost = _fraction(row[cost_col], source, k, "cost")
        if cost < 0:
            raise _err(
                source,
                k,
                "cost",
                f"project {pid!r} has a negative cost {row[cost_col]}",
                "give every project a cost of 0 or more",
            )
        if cost == 0:
            cost = Fraction(1)
        fields = dict(zip(header, row, strict=True))
        cats = fields.get("category", "")
        projects.append(
            Project(
                id=pid,
                cost=cost,
                name=fields.get("name", ""),
                categories=tuple(c.strip() for c in cats.split(",")) if cats else (),
                district=fields.get("district") or None,
                extra={h: x for h, x in fields.items() if h not in ("project_id", "cost")},
            )
        )
    return projects


def _parse_votes(lines: list[str], v: int, rows: str, election: Election, source: str) -> Profile:
    if len(lines) <= v + 1:
        raise _err(source, v + 1, None, "VOTES has no header line", "add 'voter_id;vote;...'")
    fast = _parse_votes_fast(lines, v, rows, election, source)
    if fast is not None:
        return fast
    header, columns = _columns(
        lines[v + 1 : v + 2] + (rows.split("\n") if rows else []), v + 2, source
    )
    for col in ("voter_id", "vote"):
        if col not in header:
            raise _err(source, v + 2, col, f"VOTES header lacks {col!r}", f"add a {col} column")
    first = v + 3
    cols = dict(zip(header, columns, strict=True))
    voter_ids = cols.pop("voter_id")
    if len(set(voter_ids)) != len(voter_ids):
        seen: set[str] = set()
        for k, vid in enumerate(voter_ids):
            if vid in seen:
                raise _err(
                    source,
                    first + k,
                    "voter_id",
                    f"voter {vid!r} has a second ballot",
                    "keep one ballot per voter",
                )
            seen.add(vid)
    votes = cols.pop("vote")
    index = election.index()
    lengths = np.fromiter((s.count(",") + 1 if s else 0 for s in votes), np.int64, len(votes))
    indptr = np.zeros(len(votes) + 1, np.int64)
    np.cumsum(lengths, out=indptr[1:])
    tokens = ",".join(s for s in votes if s).split(",") if indptr[-1] else []
    try:
        indices = np.fromiter((index[t] for t in tokens), np.int64, len(tokens))
    except KeyError as exc:
        pos = tokens.index(exc.args[0])
        k = int(np.searchsorted(indptr, pos, side="right")) - 1
        raise _err(
            source,
            first + k,
            "vote",
            f"ballot names unknown project {exc.args[0]!r}",
            "use only project ids listed in PROJECTS",
        ) from None
    points = None
    if "points" in cols:
        pts = cols.pop("points")
        plen = np.fromiter((s.count(",") + 1 if s else 0 for s in pts), np.int64, len(pts))
        if not np.array_equal(plen, lengths):
            k = int(np.flatnonzero(plen != lengths)[0])
            raise _err(
                source,
                first + k,
                "points",
                "points list and vote list differ in length",
                "give one number of points per project voted for",
            )
        ptoks = ",".join(s for s in pts if s).split(",") if indptr[-1] else []
        try:
            points = np.asarray([int(t) for t in ptoks], dtype=np.int64)
        except ValueError:
            bad = next(i for i, t in enumerate(ptoks) if not t.strip().lstrip("-").isdecimal())
            k = int(np.searchsorted(indptr, bad, side="right")) - 1
            raise _err(
                source,
                first + k,
                "points",
                f"{ptoks[bad]!r} is not a whole number",
                "write points as whole numbers",
            ) from None
    profile = Profile(
        voter_ids=tuple(voter_ids),
        indptr=indptr,
        indices=indices,
        points=points,
        extra={h: tuple(c) for h, c in cols.items()},
    )
    _check_ballots(election, profile, source, first)
    return profile


def _parse_votes_fast(
    lines: list[str], v: int, rows: str, election: Election, source: str
) -> Profile | None:
    """The numpy fast path (see :mod:`._fastvotes`), or None where it does not apply."""
    header = [h.strip() for h in next(csv.reader(lines[v + 1 : v + 2], delimiter=";"))]
    ids = numeric_ids(election.project_ids)
    if ids is None or "voter_id" not in header or "vote" not in header:
        return None
    fast = fast_votes(rows, header, ids)
    if fast is None:
        return None
    voter_ids, indptr, indices, extra = fast
    if not voters_unique(voter_ids):
        return None  # the general reader names the repeated voter
    profile = Profile(voter_ids=voter_ids, indptr=indptr, indices=indices, extra=extra)
    _check_ballots(election, profile, source, v + 3)
    return profile


def _first_repeat(row_of: np.ndarray, indices: np.ndarray, n_proj: int, longest: int) -> int | None:
    """The first ballot naming a project twice, or None.

    Short ballots: compare each vote with the next ``longest - 1`` votes of the same ballot
    (a few passes); long ballots: sort (ballot, project) keys.
    """
    if longest <= 16:
        bad = np.zeros(len(indices), bool)
        for d in range(1, longest):
            bad[d:] |= (indices[d:] == indices[:-d]) & (row_of[d:] == row_of[:-d])
        return int(row_of[bad.argmax()]) if bad.any() else None
    keys = np.sort(row_of * n_proj + indices)
    same = keys[1:] == keys[:-1]
    return int(keys[1:][same][0] // n_proj) if same.any() else None


def _check_ballots(election: Election, profile: Profile, source: str, first: int) -> None:
    """Vectorised limit checks; the error names the first offending line."""
    lengths = profile.lengths()
    n_proj = len(election.projects)
    row_of = np.repeat(np.arange(profile.num_voters), lengths)
    dup_row = _first_repeat(row_of, profile.indices, n_proj, int(lengths.max(initial=0)))
    if dup_row is not None:
        raise _err(
            source,
            first + dup_row,
            "vote",
            "ballot names a project twice",
            "name each project at most once per ballot",
        )
    lim = election.limits
    checks: list[tuple[np.ndarray, str, str]] = []
    if lim.max_length is not None:
        checks.append(
            (
                lengths > lim.max_length,
                "vote",
                f"ballot names more projects than the maximum length {lim.max_length}",
            )
        )
    if profile.points is not None:
        sums = np.add.reduceat(profile.points, profile.indptr[:-1]) if len(profile.points) else None
        per_row_max = np.zeros(profile.num_voters, np.int64)
        if sums is not None:
            sums = np.where(lengths > 0, sums, 0)
            if lim.max_sum_points is not None:
                checks.append(
                    (
                        sums > lim.max_sum_points,
                        "points",
                        f"ballot gives more points than the maximum {lim.max_sum_points}",
                    )
                )
            np.maximum.at(per_row_max, row_of, profile.points)
            if lim.max_points is not None:
                checks.append(
                    (
                        per_row_max > lim.max_points,
                        "points",
                        f"a project gets more points than the maximum {lim.max_points}",
                    )
                )
            neg = np.zeros(profile.num_voters, bool)
            np.logical_or.at(neg, row_of, profile.points < 0)
            checks.append((neg, "points", "a project gets negative points"))
    for bad, fld, problem in checks:
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise _err(source, first + k, fld, problem, "correct or remove this ballot")


def _quote(field: str) -> str:
    if any(c in field for c in ';"\n\r') or field != field.strip():
        return '"' + field.replace('"', '""') + '"'
    return field


def _line(fields: Sequence[str]) -> str:
    return ";".join(_quote(f) for f in fields)


def _fmt_number(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator)
    as_float = float(x)
    if Fraction(repr(as_float)) == x:
        return repr(as_float)
    raise PabulibFormatError(
        f"{x} has no exact decimal form", fix="give costs and budgets as decimal numbers"
    )


def format_pb(election: Election, profile: Profile, newline: str = "\r\n") -> str:
    """The ``.pb`` text of an election and profile (inverse of :func:`parse_pb`).

    META keeps the election's ``meta`` order, with ``budget``, ``num_projects``, ``num_votes`` and
    ``vote_type`` taken from the objects; the project and vote columns keep their order.
    """
    meta = dict(election.meta)
    meta.setdefault("description", "")
    if election.district_budgets:
        meta["districts"] = ",".join(election.district_budgets)
        meta["district_budgets"] = ",".join(
            _fmt_number(a) for a in election.district_budgets.values()
        )
    meta.update(
        budget=_fmt_number(election.budget),
        vote_type=election.vote_type,
        num_projects=str(len(election.projects)),
        num_votes=str(profile.num_voters),
    )
    out = ["META", "key;value"]
    out += [_line((k, val)) for k, val in meta.items()]
    pcols = ["project_id", "cost"]
    for p in election.projects:
        pcols += [k for k in p.extra if k not in pcols]
    if "district" not in pcols and any(p.district for p in election.projects):
        pcols.append("district")
    out += ["PROJECTS", _line(pcols)]
    for p in election.projects:
        values = {"project_id": p.id, "cost": _fmt_number(p.cost), **p.extra}
        if p.name and "name" not in p.extra:
            values["name"] = p.name
        if p.district and "district" not in p.extra:
            values["district"] = p.district
        out.append(_line([values.get(c, "") for c in pcols]))
    vcols = (
        ["voter_id", "vote"]
        + (["points"] if profile.points is not None else [])
        + list(profile.extra)
    )
    out += ["VOTES", _line(vcols)]
    ids = election.project_ids
    ind, ptr = profile.indices.tolist(), profile.indptr.tolist()
    pts = profile.points.tolist() if profile.points is not None else None
    extra = list(profile.extra.values())
    for i, vid in enumerate(profile.voter_ids):
        a, b = ptr[i], ptr[i + 1]
        row = [vid, ",".join(ids[j] for j in ind[a:b])]
        if pts is not None:
            row.append(",".join(str(x) for x in pts[a:b]))
        row += [col[i] for col in extra]
        out.append(_line(row))
    return newline.join(out) + newline
