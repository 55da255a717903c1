"""Run a command in a child process and measure it: wall time, CPU time and peak resident memory.

Peak memory is the child's own maximum RSS as the kernel accounts it (`wait4`), so it includes everything the
process allocated natively: DuckDB's buffer pool, Arrow buffers, the Python heap.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass


@dataclass
class Run:
    """One measured child process."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    returncode: int
    load_before: float  # 1-minute load average when the run started: other work on the machine skews times

    def as_dict(self) -> dict:
        return asdict(self)


def run(command: list[str], *, cwd: str | None = None, env: dict | None = None) -> tuple[Run, str]:
    """Run `command` to completion; return its measurements and its combined output."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert child.stdout is not None
    output = child.stdout.read()  # read before waiting so a chatty child cannot block on a full pipe
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    measured = Run(wall_s=wall, cpu_s=usage.ru_utime + usage.ru_stime, peak_rss_mb=usage.ru_maxrss / 1024,
                   returncode=child.returncode, load_before=load)
    return measured, output.decode("utf-8", "replace")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
