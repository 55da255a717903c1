"""The users command line: who may sign in to the dashboard (the store itself is dashboards/security/users.py).

    python -m tools.users add EMAIL --role hub_lead --region MENA
    python -m tools.users add EMAIL --role donor --donor DON-01
    python -m tools.users add EMAIL --role programme_manager --lang fr   (the language the app speaks to them)
    python -m tools.users language EMAIL ar   (change it; "" for none: their browser's)
    python -m tools.users list | remove EMAIL | password EMAIL | unlock EMAIL

`python -m dashboards.users ...` runs the same command line (dashboards/users.py, the documented alias).
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from dashboards import settings
from dashboards.security import access, audit
from dashboards.security.users import (
    SIGN_IN_ROLES,
    UserError,
    add,
    list_users,
    remove,
    set_language,
    set_password,
    unlock,
)


def check_donor(donor_id: str) -> str:
    """The name of `donor_id` in the published database, or a UserError saying it is not there (a donor account
    tied to an id nobody publishes would only ever see an empty summary titled with the id)."""
    from dashboards.queries import db

    try:
        with db.acting_as(access.SYSTEM):
            known = db.frame("select donor_id, donor_name from stg_donors order by donor_id")
    except db.DatabaseMissing as exc:
        raise UserError(f"cannot check the donor {donor_id!r}: {exc}") from exc
    names = dict(zip(known["donor_id"], known["donor_name"], strict=True))
    if donor_id not in names:
        listed = "; ".join(f"{i} ({n})" for i, n in list(names.items())[:12])
        more = f" and {len(names) - 12} more" if len(names) > 12 else ""
        raise UserError(f"there is no donor {donor_id!r} in the published data ({settings.get().db_path}); "
                        f"donor ids are: {listed or 'none'}{more}")
    return names[donor_id]


cli = typer.Typer(help="Manage who may sign in to the SCN Impact Dashboard (the local user store).",
                  no_args_is_help=True)
# markup off: messages carry people's names and errors such as "[Errno 111] Connection refused", whose
# brackets rich would otherwise read as styles and drop; soft_wrap keeps a long line whole
console = Console(markup=False, soft_wrap=True, highlight=False)


@cli.command("add")
def add_command(
    email: str,
    role: str = typer.Option(..., help=f"One of: {', '.join(SIGN_IN_ROLES)}"),
    region: list[str] = typer.Option([], help="Hub leads: a region they lead (repeat for several)"),
    donor: str | None = typer.Option(None, help="Donors: the donor id whose grants they see"),
    name: str | None = typer.Option(None, help="Name shown in the app"),
    password: str | None = typer.Option(None, help="Prompted (hidden) when left out", hide_input=True),
    lang: str | None = typer.Option(None, "--lang", help="Preferred language: en, fr or ar (default: the browser's)"),
) -> None:
    """Add a user who may sign in."""
    try:
        if donor:
            check_donor(donor)
        password = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        user = add(email, password, role, regions=tuple(region), donor_id=donor, display_name=name, language=lang)
    except UserError as exc:
        console.print(f"Not added: {exc}", style="red")
        raise typer.Exit(1) from exc
    audit.record("user_added", actor="cli", subject=user.email, role=user.role)
    console.print(f"Added {user.email} as {access.ROLES[user.role].label}.")


@cli.command("list")
def list_command() -> None:
    """List users (never passwords)."""
    table = Table("e-mail", "role", "regions", "donor", "lang", "locked until", "last sign-in")
    for u in list_users():
        table.add_row(u["email"], u["role"], u["regions"].replace("|", ", "), u["donor_id"] or "",
                      u["language"] or "", u["locked_until"] or "", u["last_sign_in"] or "")
    console.print(table)


@cli.command("remove")
def remove_command(email: str) -> None:
    """Remove a user; their sessions end at their next request."""
    if not remove(email):
        console.print(f"No user {email}", style="red")
        raise typer.Exit(1)
    audit.record("user_removed", actor="cli", subject=email)
    console.print(f"Removed {email}.")


@cli.command("password")
def password_command(email: str) -> None:
    """Set a new password (prompted), unlock the account and sign out its sessions."""
    try:
        set_password(email, typer.prompt("New password", hide_input=True, confirmation_prompt=True))
    except UserError as exc:
        console.print(f"{exc}", style="red")
        raise typer.Exit(1) from exc
    console.print(f"Password of {email} changed; its sessions are signed out.")


@cli.command("language")
def language_command(email: str, lang: str) -> None:
    """Set the language the app speaks to a user (en, fr or ar; "" for none: their browser's)."""
    try:
        set_language(email, lang)
    except UserError as exc:
        console.print(f"{exc}", style="red")
        raise typer.Exit(1) from exc
    console.print(f"{email} reads the dashboard in {lang or 'their browser language'}.")


@cli.command("unlock")
def unlock_command(email: str) -> None:
    """Unlock an account locked after too many wrong passwords."""
    unlock(email)
    console.print(f"Unlocked {email}.")


if __name__ == "__main__":
    cli()
