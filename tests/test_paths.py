"""One data folder for the web database, the secret key and the StatBank snapshots."""

from pathlib import Path

from byibalance.paths import data_home
from byibalance.sources.snapshots import snapshots_dir
from byibalance.web.settings import data_dir


def test_order_explicit_then_xdg_then_home() -> None:
    assert data_home({"BYIBALANCE_DATA_HOME": "/a", "XDG_DATA_HOME": "/x"}) == Path("/a")
    assert data_home({"XDG_DATA_HOME": "/x"}) == Path("/x/byibalance")
    assert data_home({}) == Path.home() / ".local" / "share" / "byibalance"


def test_web_app_and_snapshots_share_the_folder() -> None:
    assert data_dir() == data_home()
    assert snapshots_dir() == data_home() / "snapshots"
