"""The reader's language: English, French or Arabic, and the words of the app in it.

One module owns the language of whatever is being made, a page, a callback's answer, a PDF or an export:

- `current_language()` is the language to speak: `using(lang)` around work done outside a request (a PDF for a
  scheduled pack, a test), else the request's language (`negotiate.py` decides it, once per request, and keeps it
  in `flask.g`), else English.
- `_("...")`, `ngettext(singular, plural, n)` and `pgettext(context, "...")` translate through the message
  catalogs under `locale/<lang>/LC_MESSAGES/messages.po` (Babel/gettext; `make translations` extracts, updates and
  compiles them). A message is always a whole sentence with `{named}` places, never pieces glued together, so a
  translator can reorder it: `_("Based on {n} people").format(n=...)`, or `ngettext` when a count decides the form.
- `N_("...")` marks a string for the catalogs where it is defined (a constant at import time, when no language is
  known yet) and returns it unchanged; translate it with `_()` where it is shown.
- Code-list values (regions, event types, topics, roles) are translated for display only, never in the data.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import g, has_request_context

LANGUAGES = {"en": "English", "fr": "Français", "ar": "العربية"}
DEFAULT = "en"
RIGHT_TO_LEFT = frozenset({"ar"})
LOCALE_DIR = Path(__file__).parent / "locale"

_override: ContextVar[str | None] = ContextVar("scn_language", default=None)


def supported(lang: str | None) -> str | None:
    """`lang` as one of LANGUAGES ("fr-CA" -> "fr"), or None when the app does not speak it."""
    if not lang:
        return None
    base = str(lang).strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else None


def current_language() -> str:
    """The language to speak now: `using()`'s, else the request's (negotiate.py), else English."""
    chosen = _override.get()
    if chosen:
        return chosen
    if has_request_context():
        return getattr(g, "scn_language", None) or DEFAULT
    return DEFAULT


def direction(lang: str | None = None) -> str:
    """"rtl" for a right-to-left language, else "ltr"."""
    return "rtl" if (lang or current_language()) in RIGHT_TO_LEFT else "ltr"


@contextlib.contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Speak `lang` (English when the app does not speak it) inside the block, whatever the request says."""
    chosen = supported(lang) or DEFAULT
    token = _override.set(chosen)
    try:
        yield chosen
    finally:
        _override.reset(token)


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    """The catalogs of `lang`, compiled from their .po files once per process (English is the source: none).

    Every .po under `locale/<lang>/LC_MESSAGES/` is one domain (the app's words in messages.po, the reports' in
    reports.po); they are merged into one translator. Compiling the .po in memory means the .po under version
    control is the one truth: nothing compiled is committed or can go stale. A missing catalog falls back to the
    source text.
    """
    found = sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")) if lang != DEFAULT else []
    merged: NullTranslations = NullTranslations()
    for po in found:
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=po.stem)
        compiled = io.BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)
        compiled.seek(0)
        one = Translations(fp=compiled, domain=po.stem)
        merged = merged.merge(one) if isinstance(merged, Translations) else one
    return merged


def _(message: str) -> str:
    """`message` in the current language."""
    return translations(current_language()).gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for `n` by the language's own plural rules (Arabic has six)."""
    return translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, told apart from the same English words used elsewhere by `context`."""
    return translations(current_language()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for the catalogs without translating it (translate where it is shown)."""
    return message


class Refused(ValueError):
    """A refusal worded in the language of whoever reads it: `str()` translates the subclass's `TEXT[reason]` (a
    message marked with `N_`) and fills in its fields then, not when the refusal is raised, so a store's refusal
    raised outside a request reads right on the page, in the log and in a test alike."""

    TEXT: ClassVar[dict[str, str]] = {}

    def __init__(self, reason: str, /, **fields: object) -> None:
        super().__init__(reason)
        self.reason, self.fields = reason, fields

    def __str__(self) -> str:
        return _(self.TEXT[self.reason]).format(**self.fields)
