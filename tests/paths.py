"""Where the tests find the repository and their fixtures, written once (tests live at several depths)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"  # the committed demo sources
FIXTURES = ROOT / "tests" / "fixtures"
GOOD = FIXTURES / "good"  # valid files as real tools write them
BAD = FIXTURES / "bad"  # malformed source sets, each with the exact line it must print
# A source set made from real public data (tests/fixtures/realdata/README.md).
REAL = FIXTURES / "realdata" / "source"
