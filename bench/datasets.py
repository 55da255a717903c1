"""Demo source sets the benchmarks run on, generated once into `bench/data/scale-<N>/` and reused.

The demo generator is deterministic (same seed and scale, same bytes), so a cached set is as good as a fresh
one; a set is regenerated only when its folder is missing or incomplete. Scale 1 is the committed demo
(~62k attendance rows), 12 gives ~1.0M and 100 ~10.8M.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from data_pipeline.contract import TABLES

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SCALES = (1.0, 12.0, 100.0)
SEED = 42
_COUNTS = ".rows.json"


def folder_for(scale: float) -> Path:
    return DATA_DIR / f"scale-{scale:g}"


def _complete(folder: Path) -> bool:
    return (folder / _COUNTS).is_file() and all((folder / f"{t.name}.csv").is_file() for t in TABLES)


def ensure(scale: float, say=print) -> Path:
    """The folder of the demo set at `scale`, generating it (into a temporary folder, then renamed) if needed."""
    folder = folder_for(scale)
    if _complete(folder):
        return folder
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    say(f"generating the demo set at scale {scale:g} into {folder} (once; cached afterwards)")
    subprocess.run([sys.executable, "-m", "data_pipeline", "demo", "--out", str(partial), "--seed", str(SEED),
                    "--scale", f"{scale:g}"], check=True, capture_output=True)
    counts = {t.name: _data_lines(partial / f"{t.name}.csv") for t in TABLES}
    (partial / _COUNTS).write_text(json.dumps(counts, indent=2), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return folder


def rows(folder: Path) -> dict[str, int]:
    """Rows per source table of a generated set (counted when it was generated)."""
    return json.loads((folder / _COUNTS).read_text(encoding="utf-8"))


def size_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.csv"))


def _data_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 22), b"")) - 1
