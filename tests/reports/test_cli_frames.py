"""``byibalance report --frames``: the council report's collective frames mode reaches the
report loader (warning by default, hard on request, anything else a one-line error)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import byibalance.reports as reports
from byibalance.cli import main
from byibalance.portfolio.headroom import Mode


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def fake_load(scenario: Path | None = None, **kwargs: Any) -> str:
        seen.append(kwargs)
        return "built"

    def fake_write(built: str, output: Path) -> None:
        Path(output).write_text(built)

    monkeypatch.setattr(reports, "load_report", fake_load)
    monkeypatch.setattr(reports, "write_html", fake_write)
    return seen


def run(args: list[str]) -> None:
    try:
        main(args)
    except SystemExit as exit_:
        assert exit_.code in (0, None)


@pytest.mark.parametrize(
    ("extra", "mode"), [([], Mode.warning), (["--frames", "hard"], Mode.hard),
                        (["--frames", "warning"], Mode.warning)],
)  # fmt: skip
def test_frames_reach_the_loader(
    calls: list[dict[str, Any]], tmp_path: Path, extra: list[str], mode: Mode
) -> None:
    run(["report", "--output", str(tmp_path / "r.html"), *extra])
    assert calls == [{"region": True, "compare": None, "frames": mode}]
    assert (tmp_path / "r.html").read_text() == "built"


def test_unknown_frames_mode_is_refused(
    calls: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--output", str(tmp_path / "r.html"), "--frames", "soft"])
    assert exit_.value.code not in (0, None)
    assert calls == []
    assert "soft" in capsys.readouterr().err
