"""``byibalance ambitions``: JSON contract, scenario pins, one-line errors (catalogue headroom,
so no budget is computed and the tests stay fast)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from byibalance.cli import main

CATALOGUE = """
description: test catalogue
headroom:
  status: assumption
  source: test room
  years:
    - {year: 2027, capital: 15, liquidity: 20, service: 1}
    - {year: 2028, capital: 15, liquidity: 30, service: 1}
    - {year: 2029, capital: 15, liquidity: 35, service: 1}
ambitions:
  - {id: skole, name: Skole, capital_per_year: 10, earliest_start: 2027, latest_start: 2028,
     duration: 2, social: 8, status: assumption, source: test}
  - {id: hal, name: Hal, capital_per_year: 6, earliest_start: 2027, latest_start: 2029,
     duration: 1, social: 3, requires: [skole], status: assumption, source: test}
  - {id: varmepumpe, name: Varmepumpe, capital_per_year: 8, earliest_start: 2027,
     latest_start: 2029, duration: 1, climate: 500, excludes: [biomasse],
     status: assumption, source: test}
  - {id: biomasse, name: Biomasse, capital_per_year: 4, earliest_start: 2027,
     latest_start: 2029, duration: 1, climate: 300, status: assumption, source: test}
  - {id: cykelsti, name: Cykelsti, capital_per_year: 3, earliest_start: 2027,
     latest_start: 2029, duration: 1, climate: 50, social: 2, status: assumption, source: test}
"""


@pytest.fixture
def fast(tmp_path: Path) -> list[str]:
    path = tmp_path / "catalogue.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return ["ambitions", "--catalogue", str(path), "--headroom", "catalogue"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(fast: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([*fast, "--frames", "hard", "--format", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert {"selected", "rejected", "objective", "years", "binding", "warnings"} <= set(data)
    assert data["warnings"] == [] and data["modes"]["capital"]["mode"] == "hard"
    assert data["proven_optimal"] is True
    first = data["selected"][0]
    assert {"id", "start", "cost"} <= set(first)
    assert all({"id", "reason"} <= set(r) for r in data["rejected"])
    assert {"capital_spending", "capital_room", "liquidity_use", "liquidity_room"} <= set(
        data["years"][0]
    )
    for year in data["years"]:
        assert year["capital_spending"] <= year["capital_room"] + 1e-6
        assert year["liquidity_use"] <= year["liquidity_room"] + 1e-6
    assert data["municipality_headroom"]["status"] == "assumption"


def test_scenario_pins_and_weights(
    tmp_path: Path, fast: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: pins\nambitions:\n  pinned_in: [biomasse]\n"
        "  pinned_out: [cykelsti]\n  weights: {climate: 3}\n",
        encoding="utf-8",
    )
    code, out, err = run([*fast, "--scenario", str(scenario), "--format", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    ids = {s["id"] for s in data["selected"]}
    assert "biomasse" in ids and "cykelsti" not in ids and "varmepumpe" not in ids
    assert data["weights"]["climate"] == 3.0
    reasons = {r["id"]: r["reason"] for r in data["rejected"]}
    assert reasons["cykelsti"] == "pinned out by the scenario"
    assert "'biomasse' or 'varmepumpe', not both" in reasons["varmepumpe"]


def test_impossible_pins_give_one_line(
    tmp_path: Path, fast: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "ambitions:\n  pinned_in: [skole, hal, varmepumpe, cykelsti]\n", encoding="utf-8"
    )
    code, _, err = run([*fast, "--scenario", str(scenario)], capsys)
    assert code == 5
    line = err.strip()
    assert "\n" not in line and "Traceback" not in line
    assert (
        "the pinned ambitions (cykelsti, hal, skole, varmepumpe) break the liquidity rule "
        "in 2029 by 2.0 mio. DKK" in line
    )


def test_bad_weights_and_unknown_scenario_key(
    tmp_path: Path, fast: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run([*fast, "--weights", "social=1,beauty=2"], capsys)
    assert code == 5 and "unknown weight 'beauty'" in err
    scenario = tmp_path / "s.yaml"
    scenario.write_text("ambitions:\n  pin_everything: true\n", encoding="utf-8")
    code, _, err = run([*fast, "--scenario", str(scenario)], capsys)
    assert code == 2 and "ambitions.pin_everything" in err


def test_table_and_xlsx(
    tmp_path: Path, fast: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([*fast, "--rank", "0,10", "--pareto", "climate,social"], capsys)
    assert code == 0, err
    assert "Chosen ambitions" in out and "illustrative estimate" in out
    book = tmp_path / "a.xlsx"
    code, _, err = run([*fast, "--format", "xlsx", "--output", str(book)], capsys)
    assert code == 0, err
    from openpyxl import load_workbook

    assert load_workbook(book).sheetnames == [
        "selected", "rejected", "years", "binding", "warnings"
    ]  # fmt: skip


def test_frames_as_warnings_by_default_and_the_deprecated_flag(
    fast: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([*fast, "--format", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["modes"]["capital"]["mode"] == "warning"
    assert data["modes"]["liquidity"]["mode"] == "hard"
    # the capital level no longer binds: every year's warning is the spending above the room
    over = {y["year"]: y["capital_spending"] - y["capital_room"] for y in data["years"]}
    warned = {w["year"]: w for w in data["warnings"] if w["rule"] == "capital"}
    assert warned, "some year should go above the 15 mio. DKK of capital room"
    assert {y: round(v, 3) for y, v in over.items() if v > 1e-6} == {
        y: w["over"] for y, w in warned.items()
    }
    assert all(w["baseline_over"] == 0 and w["ambitions_add"] == w["over"] for w in warned.values())
    assert data["warning_summary"][0].startswith("anlægsrammen")
    hard = json.loads(run([*fast, "--frames", "hard", "--format", "json"], capsys)[1])
    assert hard["objective"] < data["objective"]
    code, out, err = run([*fast, "--no-capital-level", "--format", "json"], capsys)
    assert code == 0 and "--no-capital-level is deprecated: use --frames" in err
    assert json.loads(out)["modes"]["capital"]["mode"] == "warning"
    code, out, err = run([*fast, "--capital-level", "--format", "json"], capsys)
    assert json.loads(out)["objective"] == hard["objective"]


def test_baseline_over_a_hard_rule_is_named_in_the_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "over.yaml"
    path.write_text(
        CATALOGUE.replace("{year: 2027, capital: 15,", "{year: 2027, capital: -4,"), "utf-8"
    )
    args = ["ambitions", "--catalogue", str(path), "--headroom", "catalogue", "--format", "json"]
    hard = json.loads(run([*args, "--frames", "hard"], capsys)[1])
    assert [(b["rule"], b["year"], b["amount"]) for b in hard["baseline_breaches"]] == [
        ("capital", 2027, 4.0)
    ]
    assert "2027 (1 years), at most 4.0 mio. DKK" in hard["baseline_breach_summary"][0]
    assert hard["years"][0]["capital_room"] == 0.0 and hard["years"][0]["capital_spending"] == 0
    soft = json.loads(run(args, capsys)[1])
    assert soft["baseline_breaches"] == []
    first = soft["warnings"][0]
    assert (first["rule"], first["year"], first["baseline_over"]) == ("capital", 2027, 4.0)
    assert first["over"] == pytest.approx(4.0 + soft["years"][0]["capital_spending"])


def test_reasons_are_the_same_with_one_or_two_workers(
    fast: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """``--workers 1`` runs the re-solves one after another (the fallback if threads ever
    misbehave) and gives byte-identical output; 0 is refused before anything is solved."""
    outputs = []
    for workers in ("1", "2"):
        code, out, err = run([*fast, "--format", "json", "--workers", workers], capsys)
        assert code == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1]
    code, _, err = run([*fast, "--workers", "0"], capsys)
    assert code == 2 and "--workers" in err
