"""Write assets/date_locales.js: the French and Arabic words of the date picker's calendar, from date-fns.

dash 4's dcc.DatePickerRange formats its months, weekdays and dates with date-fns, and takes the locale from
`window.dateFns.locale` (dash/dcc/async-datepicker.js): the entry matching one of the browser's languages, else
the first entry there is, else English. It has no locale property, and date-fns's locales are not in dash's bundle:
a page loads them itself, the date-fns documentation says from its CDN. No CDN here: this copies date-fns's own
browser builds of its `fr` and `ar` locales (package/locale/<lang>/cdn.min.js, MIT licence) into one asset, and
ends it with a few lines that show the picker only the page's language (`<html lang>`), so the calendar speaks
the page's language whatever the browser's, and English on an English page.

Run: `npm pack date-fns@4.4.0 && tar xzf date-fns-4.4.0.tgz`, then `python -m tools.date_locales package`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "assets" / "date_locales.js"
LANGUAGES = ("fr", "ar")
# each locale build ends by telling the console that the CDN files moved: nothing a reader of this app needs
_MOVED = re.compile(r",console\.log\(`date-fns CDN files have moved[^`]*`\)")

PAGE_LANGUAGE_ONLY = """\
(function () {
    "use strict";
    // The picker looks in window.dateFns.locale each time it draws (browser's languages first, then the first
    // entry): it finds there only the page's language, read from <html lang> when it looks.
    var all = (window.dateFns && window.dateFns.locale) || {};
    var fns = window.dateFns || {};
    Object.defineProperty(fns, "locale", {
        configurable: true,
        enumerable: true,
        get: function () {
            var lang = (document.documentElement.lang || "en").split("-")[0];
            var one = {};
            if (Object.prototype.hasOwnProperty.call(all, lang)) {
                one[lang] = all[lang];
            }
            return one;
        }
    });
    window.dateFns = fns;
})();
"""


def build(package: Path) -> str:
    """The asset's text from an unpacked date-fns npm package."""
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    parts = ["// Written by tools/date_locales.py: the date picker's calendar in the page's language (French,\n"
             f"// Arabic): date-fns {version}'s locales {', '.join(LANGUAGES)} (package/locale/<lang>/cdn.min.js; MIT\n"
             "// licence, copyright 2021 Sasha Koss and Lesha Koss), then the page's language only (dash 4's\n"
             "// picker reads window.dateFns.locale)."]
    for lang in LANGUAGES:
        text = (package / "locale" / lang / "cdn.min.js").read_text(encoding="utf-8").strip()
        parts.append(_MOVED.sub("", text))
    return "\n".join([*parts, PAGE_LANGUAGE_ONLY])


def main(package: str) -> None:
    OUT.write_text(build(Path(package)), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
