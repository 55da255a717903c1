"""Alias of tools/deliver.py, the delivery command line: `python -m dashboards.deliver --due` is the name the
issue and the README give for the sender that cron or a systemd timer runs. Everything lives in tools.deliver."""

from tools.deliver import cli

if __name__ == "__main__":
    cli()
