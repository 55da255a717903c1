"""Wall-clock time of each build step, kept on the BuildResult and in the report so a slow step shows itself.

Steps are named like `load attendance.csv`, `validate attendance`, `model kpi_by_period`, `test unique ...`;
the benchmark (`bench/`) reads them to profile a build. Timing is a `perf_counter` pair per step: free next to
the queries it measures.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

Timings = dict[str, float]


@contextmanager
def timed(timings: Timings | None, name: str) -> Iterator[None]:
    """Add the wall time of the `with` block to `timings[name]` (nothing when `timings` is None)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
