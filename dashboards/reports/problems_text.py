"""The validation report as the browser shows it, in the reader's language.

The pipeline writes each problem in English (data_pipeline, `Problem.message`), and that is what it keeps: the
build log, the CLI, the stored report of a version and the tests read those words. A page showing a report to a
French or Arabic reader passes its rows through `rows` (or one message through `message`) at display time: the
fixed phrases below are translated, with the values they quote (a file's value, a line, a column name, codes) put
back as they were. A message no phrase matches stays English, whole: never half translated. Phrases are tried
in order, the first whole match wins: a specific phrase comes before a general one it also fits.

Each phrase is written once, in English exactly as the pipeline writes it, with `{named}` places; the same text is
the catalog's message and, places made wildcards, the pattern that recognises it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from dashboards import formatting as fmt
from dashboards.i18n import N_, _, current_language

PHRASES = (
    N_("value is required but empty"),
    N_("required column is missing"),
    N_("column is not in the data contract and is ignored"),
    N_("looks like personal data and is refused; remove the column"),
    N_("value looks like an e-mail address; personal data is refused"),
    N_("value looks like a phone number; personal data is refused"),
    N_("contains an e-mail address ({value}); personal data is refused: remove it"),
    N_("contains what looks like a phone number ({value}); personal data is refused: remove it"),
    N_("file is missing; expected {names}"),
    N_("file is empty; expected a header row"),
    N_("file has a header but no rows"),
    N_("cannot be read: {why}"),
    N_("row has {n} fields; expected {expected} as in the header"),
    N_("... and {n} more rows like this"),
    N_("{value} is not a number"),
    N_("{value} is not a whole number"),
    N_("{value} is not true or false"),
    N_("{value} is not a date; expected YYYY-MM-DD"),
    N_("{value} is not one of: {codes}"),
    N_("{value} is not an ISO 3166-1 alpha-3 country code"),
    N_("{value} is not an ISO 4217 currency code"),
    N_("{value} is not a known {column} in {table}"),
    N_("{value} is out of range; expected {low} to {high}"),
    N_("{value} is out of range; expected at least {low}"),
    N_("{value} is out of range; expected at most {high}"),
    N_("{value} holds control characters (shown as \\x.. escapes); remove them"),
    N_("value is {n} characters long; at most {limit} are allowed here"),
    N_("{first} is filled but {second} is empty"),
    N_("{date} is before the network was founded (earliest {earliest}); a typing slip?"),
    N_("{date} is before {column} {other}"),  # after the phrase above, which it would match too
    N_("{date} is too early to be plausible (earliest {earliest}); a typing slip?"),
    N_("{date} is more than {days} days after today ({today})"),
    N_("{date} is more than {days} days after {column} {other}; a typing slip in the year?"),
    N_("no USD rate for {currency} on or before {date} in fx_rates"),
    N_("duplicate {key} {values}, first on line {line}"),
    N_("repeats line {line} exactly (the same rows pasted twice?); if both are real, tell them apart in the "
       "`reference` column"),
)
SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning")}
_PLACE = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    """Each phrase as a pattern: its words literal, each place any text (the shortest that makes the whole match)."""
    found = []
    for phrase in PHRASES:
        parts = _PLACE.split(phrase)  # literal, place, literal, place, ...
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        found.append((re.compile(regex, re.DOTALL), phrase))
    return tuple(found)


def message(text: str) -> str:
    """One problem's message in the reader's language; as it is in English or when no phrase matches."""
    if current_language() == "en" or not text:
        return text
    for pattern, phrase in _patterns():
        if match := pattern.fullmatch(text):
            places = match.groupdict()
            if "n" in places and re.fullmatch(r"\d{1,3}(,\d{3})*", places["n"]):  # "1,234" as the reader writes it
                places["n"] = fmt.number(int(places["n"].replace(",", "")))
            return _(phrase).format(**places)
    return text


def severity(word: str) -> str:
    """"error" / "warning" in the reader's language."""
    return _(SEVERITY_WORDS[word]) if word in SEVERITY_WORDS else word


def rows(problems: Iterable[Mapping | object]) -> list[dict]:
    """A report's rows for a grid, in the reader's language: each problem (a `Problem` or a dict with severity,
    file, line, column and message, as a version's stored report or a query gives them) as a dict with its
    message and severity translated; file, line and column as they are (they name what is in the file)."""
    out = []
    for p in problems:
        row = dict(p) if isinstance(p, Mapping) else {k: getattr(p, k) for k in
                                                        ("severity", "file", "line", "column", "message")}
        row["message"] = message(row.get("message") or "")
        row["severity"] = severity(row.get("severity") or "")
        out.append(row)
    return out
