"""The scenario upload field offers what the server takes: the YAML file and the workbench's
downloaded Excel workbook, said in Danish and in English."""

from __future__ import annotations

import re

from tests.web.conftest import signed_in


def _field(page: str) -> tuple[str, str]:
    label = re.search(r'<label for="file">([^<]*)</label>', page)
    accept = re.search(r'<input id="file"[^>]* accept="([^"]*)"', page)
    assert label and accept, "the upload field is missing"
    return label.group(1), accept.group(1)


def test_upload_field_takes_yaml_and_xlsx_in_danish_and_english(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "analyst")
    label, accept = _field(c.get("/scenarios").text)
    assert label == "Scenariefil (.yaml eller .xlsx)"
    kinds = set(accept.split(","))
    assert {".yaml", ".yml", ".xlsx"} <= kinds
    assert "Upload et scenarie (YAML eller Excel)" in c.get("/scenarios").text
    c.post("/language", data={"lang": "en", "next": "/scenarios", "csrf_token": token})
    page = c.get("/scenarios").text
    assert _field(page) == ("Scenario file (.yaml or .xlsx)", accept)
    assert "Upload a scenario (YAML or Excel)" in page
