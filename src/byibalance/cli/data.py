"""``byibalance data``: download fresh tables from Statistics Denmark and choose the data in use.

A thin adapter over :mod:`byibalance.sources`: ``update`` downloads, checks and stores a snapshot;
``list`` shows the snapshots and which one is active; ``use`` pins one (or ``embedded``, or
``newest``); ``info`` shows a snapshot's provenance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand

from byibalance.cli.app import app
from byibalance.errors import ErrorLocation, InputError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from byibalance.sources import snapshots
    from byibalance.sources.statbank import ProgressCallback, StatBankClient

data_app = typer.Typer(
    help="Fresh data from Statistics Denmark: update, list, use and inspect snapshots.",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")

DEFAULT_TABLES = "FOLK1A"


def make_client(progress: ProgressCallback | None, retries: int, timeout: float) -> StatBankClient:
    """The StatBank client the commands use (tests replace it with a recorded one)."""
    from byibalance.sources.statbank import StatBankClient

    return StatBankClient(progress=progress, retries=retries, timeout=timeout)


def _codes(value: str) -> list[str]:
    from byibalance import data

    text = value.strip().lower()
    if text == "all":
        return [data.ALL_DENMARK_CODE, *data.municipality_codes("all")]
    if text == "k29":
        return data.municipality_codes("k29")
    return sorted({data.municipality(part).code for part in value.split(",") if part.strip()})


def _tables(value: str) -> list[str]:
    from byibalance.sources.statbank import TABLES, table_names

    if value.strip().lower() == "all":
        return list(TABLES)
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise InputError(
            "no table given",
            "Name tables such as FOLK1A,PSKAT or 'all'",
            ErrorLocation(field="--tables"),
        )
    return table_names(names)


def _progress_bar(console: Console) -> Progress:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TransferSpeedColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def _callback(bar: Progress) -> ProgressCallback:
    tasks: dict[str, int] = {}

    def report(label: str, received: int, total: int | None) -> None:
        if label not in tasks:
            tasks[label] = int(bar.add_task(label, total=total))
        bar.update(tasks[label], completed=received, total=total)  # type: ignore[arg-type]

    return report


def tables_help() -> str:
    """The ``--tables`` help: every table byibalance downloads, and the groups of tables."""
    from byibalance.sources.statbank import TABLE_GROUPS, TABLES

    return (
        "Comma list of StatBank tables, or 'all': "
        + ", ".join(TABLES)
        + "".join(f"; {k} = {' and '.join(v)}" for k, v in TABLE_GROUPS.items())
    )


class _UpdateCommand(TyperCommand):
    """``data update``, whose ``--tables`` help lists the StatBank tables: the list lives with
    the StatBank client (httpx, pandas), so it is read when the help is shown, not on start."""

    def format_help(self, ctx: Any, formatter: Any) -> None:  # Typer's own click types
        for param in self.params:
            if param.name == "tables":
                param.help = tables_help()  # type: ignore[attr-defined]
        super().format_help(ctx, formatter)


@data_app.command("update", cls=_UpdateCommand)
def update(
    municipality: str = typer.Option(
        "165", help="Municipality code or name, a comma list, 'k29', or 'all' (with 000)."
    ),
    tables: str = typer.Option(DEFAULT_TABLES, help="Comma list of StatBank tables, or 'all'."),
    retries: int = typer.Option(4, min=0, help="Retries after a network error, 429 or 5xx."),
    timeout: float = typer.Option(60.0, min=1.0, help="Seconds to wait for an answer."),
) -> None:
    """Download tables from StatBank, check them and store them as a new snapshot.

    Nothing is written unless every table downloads and passes its checks; the data in use
    stays as it was otherwise.
    """
    from rich.console import Console

    from byibalance import data
    from byibalance.sources import snapshots
    from byibalance.sources.statbank import Download, download_table

    codes = _codes(municipality)
    names = _tables(tables)
    console = Console(stderr=True)
    downloads: list[Download] = []
    with _progress_bar(console) as bar:
        client = make_client(_callback(bar), retries, timeout)
        for name in names:
            downloads.append(download_table(client, name, codes))
    snap = snapshots.write_snapshot(downloads)
    data.clear_cache()
    active = snapshots.active_snapshot()
    typer.echo(f"stored snapshot {snap.name} at {snap.path}")
    for entry in snap.tables:
        carried = f" (carried from {entry.carried_from})" if entry.carried_from else ""
        typer.echo(f"  {entry.table}: {len(entry.codes)} areas, {entry.period_range}{carried}")
    if active is None or active.name != snap.name:
        pin = active.name if active is not None else "embedded"
        typer.echo(f"note: {pin} stays in use (pinned); run: byibalance data use {snap.name}")


def _embedded_summary() -> tuple[str, str, str]:
    """Tables, areas and the population period of the embedded data, from its manifest."""
    from byibalance import data

    files = data.manifest().get("files", [])
    period = next(
        (str(e.get("period", "")) for e in files if e.get("file") == "population_age5.csv.gz"), ""
    )
    return "built in (docs/data.md)", "98 + 000", period


@data_app.command("list")
def list_snapshots(
    details: bool = typer.Option(
        False, "--details", help="Also say, per table, what the model does with it."
    ),
) -> None:
    """Show the snapshots, their tables and periods, and which one is in use."""
    from rich.console import Console
    from rich.table import Table

    from byibalance.sources import snapshots
    from byibalance.sources.statbank import MODEL_USE

    found = snapshots.list_snapshots()
    active = snapshots.active_snapshot()
    pin = snapshots.pinned()
    table = Table(title=f"Snapshots in {snapshots.snapshots_dir()}")
    for column in ("", "snapshot", "tables", "areas", "periods"):
        table.add_column(column)
    for snap in reversed(found):
        mark = "*" if active is not None and snap.name == active.name else ""
        names = ", ".join(t.table for t in snap.tables)
        areas = ", ".join(str(len(t.codes)) for t in snap.tables)
        periods = ", ".join(t.period_range for t in snap.tables)
        table.add_row(mark, snap.name, names, areas, periods)
    table.add_row("*" if active is None else "", "embedded", *_embedded_summary())
    Console(width=120).print(table)
    if not found and pin is None:
        typer.echo("in use: embedded (no snapshots yet; online: byibalance data update)")
        return
    how = "pinned" if pin is not None else "newest"
    typer.echo(f"in use ({how}): {active.name if active is not None else 'embedded'}")
    if details:
        for snap in reversed(found):
            typer.echo(f"{snap.name}:")
            for entry in snap.tables:
                use_ = MODEL_USE.get(entry.table, "stored, not used")
                typer.echo(f"  {entry.table} ({entry.period_range}): {use_}")
                typer.echo(f"    layout from: {_layout_source(entry.table)}")


@data_app.command("use")
def use(
    snapshot: str = typer.Argument(
        ..., metavar="SNAPSHOT", help="A snapshot name, 'embedded', or 'newest'."
    ),
) -> None:
    """Pin the data in use: a snapshot, the embedded data, or the newest snapshot again."""
    from byibalance import data
    from byibalance.sources import snapshots

    active = snapshots.use(snapshot)
    data.clear_cache()
    typer.echo(f"in use: {active.name if active is not None else 'embedded'}")


def _layout_source(name: str) -> str:
    """Where the layout byibalance expects of a download comes from (:data:`TABLES`)."""
    from byibalance.sources.statbank import TABLES

    spec = TABLES.get(name)
    return spec.layout_source if spec is not None else "unknown (not downloaded any more)"


def _info_lines(snap: snapshots.Snapshot) -> list[str]:
    from byibalance.sources.statbank import MODEL_USE

    lines = [f"snapshot {snap.name} (created {snap.created}) at {snap.path}"]
    for entry in snap.tables:
        lines.append(f"{entry.table}: {entry.title}")
        lines.append(f"  status {entry.status}; retrieved {entry.retrieved}")
        lines.append(f"  areas {', '.join(entry.codes) or '(national)'}")
        lines.append(f"  periods {entry.period_range} ({len(entry.periods)})")
        lines.append(f"  model: {MODEL_USE.get(entry.table, 'stored, not used')}")
        lines.append(f"  layout from: {_layout_source(entry.table)}")
        if entry.carried_from:
            lines.append(f"  carried from {entry.carried_from}")
        for item in entry.files:
            lines.append(f"  {item.file}: {item.rows} rows, sha256 {item.sha256[:16]}...")
    return lines


@data_app.command("info")
def info(
    snapshot: str = typer.Argument(
        "", metavar="[SNAPSHOT]", help="A snapshot name (default: the one in use)."
    ),
) -> None:
    """Show a snapshot's provenance: tables, areas, periods, retrieval time, files."""
    from byibalance.sources import snapshots

    show: Callable[[str], None] = typer.echo
    if snapshot:
        path = snapshots.snapshots_dir() / snapshot
        if not path.is_dir():
            raise InputError(
                f"there is no snapshot {snapshot!r}",
                "See: byibalance data list",
                ErrorLocation(field="SNAPSHOT"),
            )
        snap = snapshots.load_snapshot(path)
    else:
        active = snapshots.active_snapshot()
        if active is None:
            show("in use: embedded data (see docs/data.md and the manifest in byibalance/data)")
            return
        snap = active
    for line in _info_lines(snap):
        show(line)
