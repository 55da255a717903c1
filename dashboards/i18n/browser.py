"""The words the browser's own scripts write (assets/keyboard.js, print.js, errors.js), in the reader's language.

The scripts cannot read the catalogs: the frame hands them these words, translated, in a hidden element's
`data-words` (JSON), and each script falls back to its English when the element is missing. Messages are whole, with
`{n}` or `{reference}` for what the script fills in; none depends on a count's plural form (the scripts do not know
the language's plural rules), so they are worded to read right for any number.
"""

from __future__ import annotations

import json

from dashboards.i18n import N_, _

ELEMENT_ID = "scn-words"
WORDS = {
    "filter_region": N_("Filter by region…"),
    "filter_country": N_("Filter by country…"),
    "open_city": N_("Open a city…"),
    "print_more": N_("Rows not printed: {n}. See the Excel export."),
    "print_none": N_("No rows for the chosen filters."),
    "could_not_load": N_("This could not load (reference {reference}). Reload the page; if it happens again, tell "
                         "the data team the reference."),
}


def words_json() -> str:
    """Every browser word in the current language, as the JSON the scripts read."""
    return json.dumps({key: _(text) for key, text in WORDS.items()}, ensure_ascii=False)
