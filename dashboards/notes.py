"""The sentence under each chart that says what it is based on, and what it leaves out."""

from __future__ import annotations

# What "off track" means, in the words every page and the PDF use (the rule itself: docs/marts.md).
OFF_TRACK = ("target not met and, where progress can be measured from a baseline, less than 90% of the way "
             "there")


def based_on(count: int, unit: str, *, left_out: int = 0, why: str = "", ignored: list[str] | tuple = (),
             extra: str = "") -> str:
    """"Based on 1,204 events; 37 without a region are left out." plus filters that do not apply."""
    text = f"Based on {count:,} {unit}"
    if left_out:
        text += f"; {left_out:,} {why} {'is' if left_out == 1 else 'are'} left out"
    text += "."
    if extra:
        text += f" {extra}"
    if ignored:
        text += f" The {_words(ignored)} filter{'s do' if len(ignored) > 1 else ' does'} not apply here."
    return text


def _words(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def capped(shown: int, total: int, unit: str, where_all: str = "") -> str:
    """"The table lists the first 500 of 1,204 grants; ..." when a grid holds only part of its rows, else ""."""
    if total <= shown:
        return ""
    return (f"The table lists the first {shown:,} of {total:,} {unit}; narrow the filters"
            + (f", or {where_all}." if where_all else " to see the others."))
