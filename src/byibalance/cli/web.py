"""``byibalance serve`` and ``byibalance users``: start the web app and manage its accounts."""

from __future__ import annotations

import typer

from byibalance.cli.app import app

users_app = typer.Typer(
    help="Staff accounts of the web app (admin, analyst, viewer).", no_args_is_help=True
)
app.add_typer(users_app, name="users")


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
