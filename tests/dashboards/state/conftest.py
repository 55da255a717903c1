"""The app state's tests use the committee pack's environment: a sample database and a private state file."""

from tests.dashboards.reports.conftest import pack_env  # noqa: F401  (a fixture, found by name)
