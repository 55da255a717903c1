"""The delivery command line: pack sets, subscriptions, and the sender cron or a systemd timer runs.

    python -m dashboards.deliver --due                      send every pack that is due (idempotent; retries)
    python -m dashboards.deliver sets                       the pack sets
    python -m dashboards.deliver save-set NAME --chart overview/map --chart training/events [--query "?..."]
    python -m dashboards.deliver subscribe SET --role steering_committee --cadence quarterly [--lang en]
    python -m dashboards.deliver subscriptions | unsubscribe ID | ledger | retry ID
    python -m dashboards.deliver make SET --as EMAIL --out pack.pdf [--lang fr]   a set's pack as one person gets it

It acts as the data team (access.SYSTEM) to keep sets and subscriptions; every pack is made as its recipient.
`python -m tools.deliver` is the same command (dashboards/deliver.py is the alias the issue names).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from dashboards.reports import delivery
from dashboards.reports import pack as packs
from dashboards.security import access, users

cli = typer.Typer(help="Scheduled packs of the SCN Impact Dashboard: pack sets, subscriptions and the sender.",
                  invoke_without_command=True, no_args_is_help=False)
# markup off: messages carry people's names and errors such as "[Errno 111] Connection refused", whose
# brackets rich would otherwise read as styles and drop; soft_wrap keeps a long line whole
console = Console(markup=False, soft_wrap=True, highlight=False)
ACTOR = access.Viewer("cli", "admin")  # the data team at the server's shell


def _fail(exc: Exception) -> None:
    console.print(f"{exc}", style="red")
    raise typer.Exit(1) from exc


@cli.callback()
def main(ctx: typer.Context,
         due: bool = typer.Option(False, "--due", help="Send every pack that is due now (run it from cron)"),
         now: str | None = typer.Option(None, help="Act as if it were this UTC time (ISO), to check a schedule")
         ) -> None:
    """Send what is due with --due, or manage pack sets and subscriptions with a command."""
    if ctx.invoked_subcommand is not None:
        return
    if not due:
        console.print(ctx.get_help())
        raise typer.Exit(0)
    try:
        when = dt.datetime.fromisoformat(now).replace(tzinfo=dt.UTC) if now else None
        report = delivery.run_due(now=when)
    except delivery.DeliveryError as exc:
        _fail(exc)
    for sub, period, email in report.sent:
        console.print(f"sent: subscription {sub}, {period}, to {email}")
    for sub, period, email, error in report.failed:
        console.print(f"failed, will retry: subscription {sub}, {period}, to {email}: {error}", style="yellow")
    for sub, period, email in report.gave_up:
        console.print(f"given up (administrators told): subscription {sub}, {period}, to {email}", style="red")
    if report.held:
        console.print(f"nothing sent: {report.held}", style="red")
    console.print(f"{len(report.sent)} sent, {len(report.failed)} to retry, {len(report.gave_up)} given up, "
                  f"{report.skipped} already sent or waiting to retry.")
    raise typer.Exit(0 if report.ok else 1)


@cli.command("sets")
def sets_command() -> None:
    """List the pack sets."""
    table = Table("id", "name", "charts", "filters", "kept by", "updated")
    for s in packs.list_sets():
        table.add_row(str(s.id), s.name, ", ".join(i.chart for i in s.spec.items), s.spec.query or "(default)",
                      s.owner, s.updated_at)
    console.print(table)


@cli.command("save-set")
def save_set_command(
    name: str,
    chart: list[str] = typer.Option(..., help="A chart id (repeat); the charts command lists them"),
    query: str = typer.Option("", help="The pack's filters, as the filter bar writes them: '?period=2026-Q3'"),
    summary: bool = typer.Option(True, help="Start with the impact summary's words"),
    replace: bool = typer.Option(False, help="Replace the set of that name"),
) -> None:
    """Keep a pack set (a named choice of charts and filters) for subscriptions."""
    try:
        kept = packs.save_set(ACTOR, name, {"title": name, "query": query, "charts": chart, "summary": summary},
                              replace=replace)
    except (packs.PackRefused, ValueError) as exc:
        _fail(exc)
    console.print(f"Kept the pack set {kept.name!r} (id {kept.id}, {len(kept.spec.items)} charts).")


@cli.command("charts")
def charts_command() -> None:
    """List the charts a pack can hold."""
    from dashboards.reports import charts

    table = Table("id", "chart", "options")
    for c in charts.CHARTS.values():
        table.add_row(c.id, c.label, ", ".join(f"{k} (default {d!r})" for k, (_, d) in c.options.items()))
    console.print(table)


@cli.command("subscribe")
def subscribe_command(
    pack_set: str = typer.Argument(..., help="The pack set's name or id"),
    role: str = typer.Option(..., help=f"One of: {', '.join(delivery.SEND_ROLES)}"),
    cadence: str = typer.Option(..., help="monthly, quarterly or publish"),
    lang: str = typer.Option("en", help="en, fr or ar"),
    email: list[str] = typer.Option([], help="Only these people of the role (repeat); default: all of it"),
) -> None:
    """Subscribe everyone of a role (or named people of it) to a pack set."""
    try:
        sub = delivery.subscribe(ACTOR, pack_set, role=role, cadence=cadence, lang=lang, emails=tuple(email))
    except (delivery.DeliveryError, packs.PackRefused) as exc:
        _fail(exc)
    console.print(f"Subscription {sub.id}: {sub.role} ({', '.join(sub.emails) or 'everyone'}), {sub.cadence}, "
                  f"{sub.lang}.")


@cli.command("subscriptions")
def subscriptions_command() -> None:
    """List the subscriptions."""
    names = {s.id: s.name for s in packs.list_sets()}
    table = Table("id", "pack set", "role", "people", "cadence", "lang", "since", "by")
    for s in delivery.subscriptions():
        table.add_row(str(s.id), names.get(s.pack_set, f"(removed {s.pack_set})"), s.role,
                      ", ".join(s.emails) or "everyone", s.cadence, s.lang, s.since.isoformat(), s.created_by)
    console.print(table)


@cli.command("unsubscribe")
def unsubscribe_command(sub_id: int) -> None:
    """End a subscription (its ledger is kept)."""
    try:
        delivery.unsubscribe(ACTOR, sub_id)
    except delivery.DeliveryError as exc:
        _fail(exc)
    console.print(f"Subscription {sub_id} ended.")


@cli.command("ledger")
def ledger_command(limit: int = typer.Option(50)) -> None:
    """What was sent, failed or given up, newest first."""
    table = Table("subscription", "period", "recipient", "status", "attempts", "next attempt", "sent", "last error")
    for r in delivery.ledger(limit=limit):
        table.add_row(str(r["subscription_id"]), r["period"], r["recipient"], r["status"], str(r["attempts"]),
                      r["next_attempt_at"] or "", r["sent_at"] or "", (r["last_error"] or "")[:60])
    console.print(table)


@cli.command("retry")
def retry_command(sub_id: int) -> None:
    """Try a subscription's given-up sends again at the next run."""
    count = delivery.retry(ACTOR, sub_id)
    console.print(f"{count} send(s) of subscription {sub_id} will be tried at the next run.")


@cli.command("make")
def make_command(
    pack_set: str,
    as_email: str = typer.Option(..., "--as", help="Make it as this person gets it (their role and limits)"),
    out: Path = typer.Option(..., help="Where to write the PDF"),
    lang: str = typer.Option("en", help="The pack's language: en, fr or ar (labels, numbers, dates, summary)"),
) -> None:
    """Make a pack set's PDF as one person would receive it (to check a set before subscribing people)."""
    user = users.get(as_email)
    if user is None:
        _fail(ValueError(f"no active account {as_email}"))
    try:
        pdf = packs.make(user.viewer(), packs.get_set(pack_set).spec, lang)
    except (packs.PackRefused, ValueError, RuntimeError) as exc:
        _fail(exc)
    out.write_bytes(pdf)
    console.print(f"Wrote {out} ({len(pdf) // 1024} KB).")


@cli.command("spec")
def spec_command(pack_set: str) -> None:
    """Print a pack set's spec as JSON."""
    try:
        console.print_json(json.dumps(packs.get_set(pack_set).spec.as_json()))
    except packs.PackRefused as exc:
        _fail(exc)


if __name__ == "__main__":
    cli()
