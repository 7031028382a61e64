"""The participation migration creates its tables and its downgrade removes them cleanly."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from byibalance.web.db import downgrade, make_engine, migrate

TABLES = {"pp_processes", "pp_citizens", "pp_proposals", "pp_supports", "pp_comments",
          "pp_projects", "pp_voting_codes", "pp_ballots", "pp_hearing_responses"}


def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    migrate(engine)
    names = set(inspect(engine).get_table_names())
    assert names >= TABLES | {"users"}
    uniques = {u["name"] for u in inspect(engine).get_unique_constraints("pp_ballots")}
    assert "uq_pp_ballot_voter" in uniques
    code_index = [i for i in inspect(engine).get_indexes("pp_voting_codes")
                  if i["column_names"] == ["code_hash"]]
    assert code_index and code_index[0]["unique"]
    downgrade(engine, "0001")
    assert not set(inspect(engine).get_table_names()) & TABLES
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
