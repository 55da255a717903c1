"""Write assets/plotly_locales.js: plotly.js locales for French and Arabic whose month, day and number words are
the ones the rest of the app uses (Babel's CLDR data, as dashboards/formatting.py), plus plotly.js's own French
words for its toolbar (from the npm package plotly.js-locales, MIT licence, Plotly Technologies Inc.).

Run: `npm pack plotly.js-locales && tar xzf plotly.js-locales-*.tgz`, then
`python -m tools.plotly_locales package/fr.js`. plotly.js's own Arabic locale names the months in their Levantine
forms (and March twice) and numbers them on short axes; the CLDR names match the app's text.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from babel import Locale

OUT = Path(__file__).resolve().parent.parent / "assets" / "plotly_locales.js"
LANGUAGES = ("fr", "ar")


def _format(lang: str) -> dict:
    loc = Locale.parse(lang)
    days = [loc.days["format"]["wide"][(i + 6) % 7] for i in range(7)]  # CLDR counts from Monday, plotly Sunday
    short_days = [loc.days["format"]["abbreviated"][(i + 6) % 7] for i in range(7)]
    symbols = loc.number_symbols.get("latn", loc.number_symbols)
    return {"days": days, "shortDays": short_days,
            "months": [loc.months["format"]["wide"][i] for i in range(1, 13)],
            "shortMonths": [loc.months["format"]["abbreviated"][i] for i in range(1, 13)],
            "decimal": symbols["decimal"], "thousands": symbols["group"], "date": "%d/%m/%Y"}


def _dictionary(npm_file: Path) -> dict:
    """plotly.js's toolbar words from its locale file (a CommonJS module of plain string pairs)."""
    text = npm_file.read_text(encoding="utf-8")
    block = text[text.index("dictionary: {") + len("dictionary: {"): text.index("},\n    format")]
    return {json.loads('"' + a.replace('"', '\\"') + '"'): json.loads('"' + b.replace('"', '\\"') + '"')
            for a, b in re.findall(r"'((?:[^'\\]|\\.)*)'\s*:\s*'((?:[^'\\]|\\.)*)'", block.replace("\\'", "’"))}


def main(npm_fr: str) -> None:
    locales = [{"moduleType": "locale", "name": lang, "format": _format(lang),
                "dictionary": _dictionary(Path(npm_fr)) if lang == "fr" else {}} for lang in LANGUAGES]
    OUT.write_text(
        "// Written by tools/plotly_locales.py: plotly.js locales for French and Arabic, month, day and number words\n"
        "// from CLDR (Babel, as the app's text), the toolbar's French words from plotly.js-locales 3.7.0 (MIT\n"
        "// licence, copyright 2016-2024 Plotly Technologies Inc.). A graph picks one by its config's `locale`\n"
        "// (components/chart_card.graph_config). Registered once window.Plotly exists.\n"
        "(function () {\n    \"use strict\";\n"
        f"    var locales = {json.dumps(locales, ensure_ascii=False, indent=4)};\n"
        "    (function register() {\n"
        "        if (window.Plotly && window.Plotly.register) {\n"
        "            locales.forEach(function (locale) { window.Plotly.register(locale); });\n"
        "        } else {\n            setTimeout(register, 20);\n        }\n    })();\n})();\n",
        encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
