"""One IATI activity being read: where its elements are, how to report about them, and its values as written.

Both syntaxes are read by these helpers: text comes from `<narrative>` (English first) or, in 1.0x, from the
element itself; dates from @iso-date (2.0x) or the element's text (1.0x); codes are numeric in 2.0x and letters or
words in 1.0x (`mapping` has both tables). The activity's reader (iati_import.py) and its results' reader
(iati_results.py) share them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from data_pipeline.standards.importing import Mapped, Origin
from data_pipeline.standards.safexml import path_of

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Activity:
    """One iati-activity being read: where its elements are, and how to report about them."""

    def __init__(self, element: etree._Element, index: int, count: int, name: str, mapped: Mapped) -> None:
        self.element, self.name, self.mapped = element, name, mapped
        self.prefix = f"iati-activity[{index}]" if count > 1 else "iati-activity"
        self.lang = (element.get(XML_LANG) or "en").lower()

    def origin(self, element: etree._Element | None = None) -> Origin:
        element = self.element if element is None else element
        below = path_of(element, within=self.element) if element is not self.element else ""
        return Origin(self.name, element.sourceline or "-", f"{self.prefix}/{below}".rstrip("/"))

    def error(self, element, kind: str, message: str) -> None:
        self.mapped.report(self.origin(element), kind, message)

    def warn(self, element, kind: str, message: str) -> None:
        self.mapped.report(self.origin(element), kind, message, "warning")

    def text(self, element: etree._Element | None) -> str | None:
        """An element's text: its English narrative, else its first, else (1.0x) its own text."""
        if element is None:
            return None
        narratives = element.findall("narrative")
        if narratives:
            lang = [n for n in narratives if (n.get(XML_LANG) or self.lang).lower().startswith("en")]
            chosen = (lang or narratives)[0].text
        else:
            chosen = element.text
        return " ".join(chosen.split()) if chosen and chosen.strip() else None


def date_of(element: etree._Element | None) -> str | None:
    """An element's date: @iso-date (2.0x), else its text (1.0x), as written."""
    if element is None:
        return None
    return (element.get("iso-date") or element.text or "").strip() or None


def iso_date(text: str | None) -> dt.date | None:
    """'2012-03-31' or '2012-03-31T00:00:00Z' -> a date; anything else -> None."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?", (text or "").strip())
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def decimal(text: str | None) -> Decimal | None:
    """A finite number as written; None when the text is not one."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def code(value: str | None, v1: dict[str, str]) -> str | None:
    """A 2.0x code as is; a 1.0x letter or word through its table."""
    value = (value or "").strip()
    return v1.get(value) or v1.get(value.lower()) or v1.get(value.upper()) or value or None
