"""Alias of the users command line (tools/users.py), kept so `python -m dashboards.users ...` works as the README
and earlier issues document it. Nothing else lives here."""

from tools.users import cli

if __name__ == "__main__":
    cli()
