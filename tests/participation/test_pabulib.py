"""Reading and writing .pb files: round trips on every shipped file, and broken files' messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from byibalance.errors import BallotError, PabulibFormatError
from byibalance.participation import (
    Ballot,
    anonymised,
    format_pb,
    parse_pb,
    profile_from_ballots,
    validate_ballot,
)
from byibalance.participation.ballot_table import (
    ballots_to_csv,
    profile_from_csv,
    read_excel,
    write_excel,
)

SMALL = """META\r
key;value\r
description;test\r
country;Denmark\r
unit;Albertslund\r
instance;2026\r
num_projects;3\r
num_votes;3\r
budget;100\r
vote_type;approval\r
rule;greedy\r
date_begin;2026\r
date_end;2026\r
max_length;2\r
PROJECTS\r
project_id;cost;name\r
a;60;"Park; with bench"\r
b;50;"The ""big"" tree"\r
c;40;Library\r
VOTES\r
voter_id;vote\r
1;a,b\r
2;b\r
3;c,a\r
"""


def test_small_file_reads_quirks() -> None:
    election, profile = parse_pb(SMALL, "small.pb")
    assert [p.name for p in election.projects] == ["Park; with bench", 'The "big" tree', "Library"]
    assert profile.indices.tolist() == [0, 1, 1, 2, 0]
    assert profile.indptr.tolist() == [0, 2, 3, 5]


def test_lf_and_no_final_newline_read_the_same() -> None:
    a = parse_pb(SMALL, "a")
    b = parse_pb(SMALL.replace("\r\n", "\n").rstrip("\n"), "b")
    assert a[0] == b[0]
    assert a[1].indices.tolist() == b[1].indices.tolist()


def _fields(text: str) -> list[list[str]]:
    import csv

    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    return [[f.strip() for f in r] for r in csv.reader(lines, delimiter=";")]


def test_round_trip_every_shipped_file(pbdir: Path) -> None:
    for path in sorted(pbdir.glob("*.pb")):
        text = path.read_bytes().decode("utf-8")
        election, profile = parse_pb(text, path.name)
        written = format_pb(election, profile)
        again = parse_pb(written, path.name)
        assert again[0] == election, path.name
        assert np.array_equal(again[1].indices, profile.indices), path.name
        assert again[1].extra == profile.extra, path.name
        assert again[1].voter_ids == profile.voter_ids, path.name
        assert _fields(written) == _fields(text), path.name


def _broken(old: str, new: str) -> str:
    assert old in SMALL
    return SMALL.replace(old, new)


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        (SMALL[: SMALL.index("VOTES")], None, None, "section VOTES is missing"),
        (SMALL.rsplit("3;c,a", 1)[0], 8, "num_votes", "VOTES has 2 rows"),
        (_broken("3;c,a", "3;c,zz"), 24, "vote", "unknown project 'zz'"),
        (_broken("c;40;Library", "c;-40;Library"), 19, "cost", "negative cost"),
        (_broken("1;a,b", "1;a,b,c"), 22, "vote", "maximum length 2"),
        (_broken("2;b", "2;b;x"), 23, None, "3 fields"),
        (_broken("1;a,b", "1;a,a"), 22, "vote", "twice"),
        (_broken("budget;100", "budget;lots"), 9, "budget", "not a number"),
    ],
    ids=["truncated", "missing-rows", "unknown", "negative", "too-long", "fields", "twice", "nan"],
)
def test_broken_files_name_line_and_field(
    text: str, line: int | None, field: str | None, words: str
) -> None:
    with pytest.raises(PabulibFormatError) as err:
        parse_pb(text, "bad.pb")
    assert err.value.where.file == "bad.pb"
    if line is not None:
        assert err.value.where.line == line
    assert err.value.where.field == field
    assert words in str(err.value)


def test_ballot_validation_in_memory() -> None:
    election, _ = parse_pb(SMALL, "small.pb")
    validate_ballot(election, Ballot("x", ("a", "c")))
    with pytest.raises(BallotError, match="more than the maximum 2"):
        validate_ballot(election, Ballot("x", ("a", "b", "c")))
    with pytest.raises(BallotError, match="unknown project 'q'"):
        validate_ballot(election, Ballot("x", ("q",)))
    with pytest.raises(BallotError, match="more than one ballot"):
        profile_from_ballots(election, [Ballot("x", ("a",)), Ballot("x", ("b",))])


def test_knapsack_and_points_limits() -> None:
    from dataclasses import replace
    from fractions import Fraction

    election, _ = parse_pb(SMALL, "small.pb")
    knap = replace(election, limits=replace(election.limits, max_sum_cost=Fraction(100)))
    with pytest.raises(BallotError, match="costs 110 in total"):
        validate_ballot(knap, Ballot("x", ("a", "b")))
    cumul = replace(
        election,
        vote_type="cumulative",
        limits=replace(election.limits, max_points=3, max_sum_points=4),
    )
    validate_ballot(cumul, Ballot("x", ("a", "b"), (3, 1)))
    with pytest.raises(BallotError, match="5 points in total"):
        validate_ballot(cumul, Ballot("x", ("a", "b"), (3, 2)))
    with pytest.raises(BallotError, match="more than the maximum 3"):
        validate_ballot(cumul, Ballot("x", ("a",), (4,)))


def test_anonymised_export_keeps_ballots_not_ids() -> None:
    election, profile = parse_pb(SMALL, "small.pb")
    anon = anonymised(profile)
    text = format_pb(election, anon)
    assert "\r\n1;a,b\r\n" in text and anon.voter_ids == ("1", "2", "3")


def test_csv_and_excel_round_trip(tmp_path: Path) -> None:
    election, profile = parse_pb(SMALL, "small.pb")
    back = profile_from_csv(ballots_to_csv(election, profile), election, "b.csv")
    assert back.indices.tolist() == profile.indices.tolist()
    write_excel(tmp_path / "e.xlsx", election, profile)
    e2, p2 = read_excel(tmp_path / "e.xlsx")
    assert e2.projects == election.projects and p2.indices.tolist() == profile.indices.tolist()


def test_csv_error_names_csv_line() -> None:
    election, _ = parse_pb(SMALL, "small.pb")
    with pytest.raises(PabulibFormatError) as err:
        profile_from_csv("voter_id,vote\n1,a\n2,zz\n", election, "b.csv")
    assert err.value.where.line == 3 and "zz" in str(err.value)


NUMERIC = SMALL.replace("a;60", "10;60").replace("b;50", "20;50").replace("c;40", "30;40")
NUMERIC = NUMERIC.replace("1;a,b", "1;10,20").replace("2;b", "2;20").replace("3;c,a", "3;30,10")


def test_fast_path_equals_general_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    from byibalance.participation import pabulib

    text = NUMERIC.replace("voter_id;vote", "voter_id;vote;sex").replace("1;10,20", "1;10,20;F")
    text = text.replace("2;20", "2;20;M").replace("3;30,10", "3;30,10;Ø")
    text = text.replace("\r\n3;30,10;Ø", "\r\n3;30,10;Ø\r\n4;;M").replace(
        "num_votes;3", "num_votes;4"
    )
    _, fast = parse_pb(text, "n.pb")
    assert type(fast.voter_ids).__name__ == "ByteColumn"
    monkeypatch.setattr(pabulib, "_parse_votes_fast", lambda *a: None)
    _, general = parse_pb(text, "n.pb")
    assert np.array_equal(fast.indptr, general.indptr)
    assert np.array_equal(fast.indices, general.indices)
    assert list(fast.voter_ids) == list(general.voter_ids)
    assert list(fast.extra) == list(general.extra)
    assert list(fast.extra["sex"]) == ["F", "M", "Ø", "M"]


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("3;30,10", "3;30,11", "unknown project '11'"),
        ("3;30,10", "3;30,,10", "''"),
        ("3;30,10", "3;030", "'030'"),
        ("2;20", "1;20", "second ballot"),
    ],
)
def test_fast_path_falls_back_for_errors(old: str, new: str, words: str) -> None:
    with pytest.raises(PabulibFormatError) as err:
        parse_pb(NUMERIC.replace(old, new), "n.pb")
    assert words in str(err.value)
    assert err.value.where.line in (23, 24)


@pytest.mark.parametrize("length", [3, 20])
def test_repeated_project_found_in_short_and_long_ballots(length: int) -> None:
    projects = "\n".join(f"{i};1" for i in range(1, 31))
    ballot = ",".join(str(i) for i in range(1, length)) + ",2"
    text = (
        "META\nkey;value\nnum_projects;30\nnum_votes;2\nbudget;10\nvote_type;approval\n"
        f"PROJECTS\nproject_id;cost\n{projects}\nVOTES\nvoter_id;vote\n1;1,2\n2;{ballot}\n"
    )
    with pytest.raises(PabulibFormatError) as err:
        parse_pb(text, "d.pb")
    assert err.value.where.line == 42 and "twice" in str(err.value)
