"""The sentence under each chart that says what it is based on, and what it leaves out."""

from __future__ import annotations

from dashboards import formatting as fmt

# What "off track" means, in the words every page and the PDF use (the rule itself: docs/marts.md).
OFF_TRACK = ("target not met and, where progress can be measured from a baseline, less than 90% of the way "
             "there")


def based_on(count: int, unit: str, *, one: str | None = None, left_out: int = 0, why: str = "",
             ignored: list[str] | tuple = (), extra: str = "") -> str:
    """"Based on 1,204 events; 37 without a region are left out." plus filters that do not apply. `unit` is the
    plural ("events whose ..."), `one` the singular ("event whose ..."), used when the count is 1."""
    text = f"Based on {fmt.number(count)} {fmt.plural(count, one or unit, unit)}"
    if left_out:
        text += f"; {fmt.number(left_out)} {why} {fmt.plural(left_out, 'is', 'are')} left out"
    text += "."
    if extra:
        text += f" {extra}"
    if ignored:
        text += f" The {_words(ignored)} {fmt.plural(len(ignored), 'filter does', 'filters do')} not apply here."
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
