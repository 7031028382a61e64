"""``byibalance serve``, ``byibalance users`` and ``byibalance web``: start the web app, manage its
accounts, and keep its background jobs tidy."""

from __future__ import annotations

import datetime as dt

import typer

from byibalance.cli.app import app

users_app = typer.Typer(
    help="Staff accounts of the web app (admin, analyst, viewer).", no_args_is_help=True
)
app.add_typer(users_app, name="users")
web_app = typer.Typer(
    help="Upkeep of the web app: its background jobs and their files.", no_args_is_help=True
)
app.add_typer(web_app, name="web")


def _session():  # type: ignore[no-untyped-def]
    from byibalance.web.db import make_engine, make_sessionmaker, migrate
    from byibalance.web.settings import load_settings

    engine = make_engine(load_settings().database_url)
    migrate(engine)
    return make_sessionmaker(engine)()


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes."),
) -> None:
    """Start the web app (dashboard and scenario workbench) and print the address to open."""
    import uvicorn

    from byibalance.web.app import create_app
    from byibalance.web.settings import load_settings

    settings = load_settings()
    create_app(settings)  # migrate the database and check the settings before listening
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
    typer.echo(f"byibalance: open http://{shown}:{port}/ in your browser (Ctrl+C stops)")
    if workers > 1:
        uvicorn.run(
            "byibalance.web.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
    else:
        uvicorn.run(
            create_app(settings, migrate_db=False), host=host, port=port, log_level="warning"
        )


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option("viewer", help="admin, analyst or viewer."),
    full_name: str = typer.Option("", help="The person's name."),
    password: str = typer.Option(
        ...,
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="BYIBALANCE_NEW_PASSWORD",
        help="At least 10 characters (prompted if not given).",
    ),
) -> None:
    """Create a staff account."""
    from byibalance.web.accounts import add_user

    with _session() as db:
        user = add_user(db, username, password, role, full_name)
        typer.echo(f"added {user.username} ({user.role})")


@users_app.command("list")
def users_list() -> None:
    """List the accounts and their roles."""
    from byibalance.web.accounts import list_users

    with _session() as db:
        for user in list_users(db):
            typer.echo(f"{user.username}\t{user.role}\t{user.full_name}")


@users_app.command("set-role")
def users_set_role(
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Argument(..., help="admin, analyst or viewer."),
) -> None:
    """Change an account's role."""
    from byibalance.web.accounts import set_role

    with _session() as db:
        user = set_role(db, username, role)
        typer.echo(f"{user.username} is now {user.role}")


def _size(count: int) -> str:
    """A number of bytes for a person, exact too: ``1.2 MB (1234567 bytes)``."""
    value, unit = float(count), "bytes"
    for bigger in ("kB", "MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{count} bytes" if unit == "bytes" else f"{value:.1f} {unit} ({count} bytes)"


@web_app.command("prune-jobs")
def prune_jobs(
    older_than_days: int | None = typer.Option(
        None,
        "--older-than-days",
        min=0,
        help="Remove finished jobs older than this many days (default: the retention, "
        "BYIBALANCE_JOB_RETENTION_DAYS, 30 days unless set).",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Only count what would be removed; remove nothing."
    ),
) -> None:
    """Remove finished background jobs older than the retention, and their report PDFs.

    Only done or failed jobs: queued and running ones are never touched, nor any file outside
    the jobs' result folder. The web app does this by itself when it starts and every hour."""
    from byibalance.web.db import make_engine, make_sessionmaker, migrate
    from byibalance.web.jobs import JobQueue
    from byibalance.web.settings import load_settings

    settings = load_settings()
    days = settings.job_retention_days if older_than_days is None else older_than_days
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        queue = JobQueue(make_sessionmaker(engine), {}, settings.jobs_dir, run=False)
        pruned = queue.prune(dt.timedelta(days=days), dry_run=dry_run)
    finally:
        engine.dispose()
    verb = "would remove" if dry_run else "removed"
    typer.echo(
        f"{verb} {pruned.rows} finished job(s) older than {days} day(s) and "
        f"{pruned.files} result file(s), {_size(pruned.bytes)}, from {settings.jobs_dir}"
        + (" (dry run: nothing was removed)" if dry_run else "")
    )
    if pruned.refused:
        typer.echo(
            f"left alone {pruned.refused} result file name(s) that lead out of "
            f"{settings.jobs_dir}; look at those jobs' rows in the database",
            err=True,
        )
