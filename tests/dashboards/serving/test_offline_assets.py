"""Nothing the app serves or runs names an address off this machine (the dashboard must work with no internet).

The browser tests refuse every request that leaves the machine on the pages they open (tests/browser); this
reads every file instead, so an address in code no test happens to run (a default, a link, a fallback) is
caught too. The only addresses allowed are the XML namespace names SVG needs, which are never fetched, and
this machine's own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.paths import ROOT

ADDRESS = re.compile(r"\b(?:https?|wss?|ftp)://[^\s\"'`)<>\\]+", re.IGNORECASE)
ALLOWED = re.compile(r"(?:https?://www\.w3\.org/(?:1999|2000|XML)/|https?://(?:127\.0\.0\.1|localhost)[:/])")
SERVED = sorted(p for p in (ROOT / "assets").rglob("*") if p.is_file() and p.suffix in (".js", ".css", ".json"))
CODE = [ROOT / "app.py", *sorted((ROOT / "dashboards").rglob("*.py"))]


def addresses_off_the_machine(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return {found for found in ADDRESS.findall(text) if not ALLOWED.match(found)}


@pytest.mark.parametrize("path", SERVED + CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_of_the_app_names_an_address_off_this_machine(path: Path) -> None:
    assert not addresses_off_the_machine(path)


def test_the_check_finds_an_address(tmp_path: Path) -> None:
    sample = tmp_path / "x.js"
    sample.write_text('a="http://www.w3.org/2000/svg";b="https://cdn.plot.ly/un/";c="http://127.0.0.1:8050/"')
    assert addresses_off_the_machine(sample) == {"https://cdn.plot.ly/un/"}
    assert len(SERVED) >= 5 and any(p.name == "plotly-scn.min.js" for p in SERVED)
