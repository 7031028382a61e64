"""The status rule on the cases in track_cases.yaml (economists add cases there)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from byibalance.sustainability import Indicator, Target, TrackStatus, observed_cells, track_status

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "track_cases.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_track_case(case: dict[str, Any]) -> None:
    target = Target(text=case["name"], source="track_cases.yaml", **case["target"])
    indicator = Indicator(
        id="case", name_da=case["name"], name_en=case["name"], dimension="climate",
        definition="test case", numerator="case", unit="tonnes_CO2e",
        direction=case["direction"], basis="absolute", source="track_cases.yaml", target=target,
    )  # fmt: skip
    status, reason = track_status(indicator, observed_cells(case["values"]), case["as_of"])
    assert status is TrackStatus(case["expected"]), reason
