"""The HTML document every page is served in: it declares the reader's language and writing direction, and for a
right-to-left language serves Bootstrap's right-to-left stylesheet.

Dash writes `<html>` bare; screen readers, hyphenation, spell checkers and the browser's own translation offer read
the language from it (WCAG 3.1.1), and Arabic needs `dir="rtl"` for the whole page to read right to left.

Bootstrap's RTL build (`assets/rtl/bootstrap.rtl.min.css`, the same version as `assets/vendor/bootstrap.min.css`)
mirrors every component, margin and padding utility (`ms-*` is the start side in either direction). It lives in
a folder Dash does not link by itself (app.py's `assets_path_ignore`): both sheets at once would fight, so the
page links exactly one of them.
"""

from __future__ import annotations

import re
from pathlib import Path

from dashboards import i18n

ASSETS = Path(__file__).resolve().parents[2] / "assets"
LTR_SHEET = "vendor/bootstrap.min.css"
RTL_SHEET = "rtl/bootstrap.rtl.min.css"
RTL_FOLDER = "rtl"  # app.py: assets_path_ignore, so Dash never links it on its own
_LTR_LINK = re.compile(r'href="([^"]*/)' + re.escape(LTR_SHEET) + r'(\?m=[0-9.]+)?"')


def html_tag(lang: str | None = None) -> str:
    """`<html lang dir>` for `lang` (default: the language spoken now)."""
    lang = lang or i18n.current_language()
    return f'<html lang="{lang}" dir="{i18n.direction(lang)}">'


def bootstrap_href(lang: str | None = None, prefix: str = "/assets/") -> str:
    """The address of the Bootstrap stylesheet for `lang`'s direction, fingerprinted by its modification time (as
    Dash's own asset links are, so static.cache_assets lets the browser keep it a year)."""
    sheet = RTL_SHEET if i18n.direction(lang) == "rtl" else LTR_SHEET
    return f"{prefix}{sheet}?m={int((ASSETS / sheet).stat().st_mtime)}"


def localize(page: str, lang: str | None = None) -> str:
    """An HTML page written with a bare `<html>` and the left-to-right Bootstrap link, for `lang`."""
    lang = lang or i18n.current_language()
    page = page.replace("<html>", html_tag(lang), 1)
    if i18n.direction(lang) == "rtl":
        page = _LTR_LINK.sub(lambda m: f'href="{bootstrap_href(lang, m.group(1))}"', page, count=1)
    return page


def install(app) -> None:
    """Serve `app`'s page with `<html lang dir>` and the stylesheet of the request's language (dashboards/i18n)."""
    plain = app.interpolate_index

    def interpolate_index(**kwargs) -> str:
        page = localize(plain(**kwargs))
        # Dash wraps its scripts in a <footer>: a second, empty "contentinfo" landmark beside the app's own
        # footer (axe: landmark-no-duplicate-contentinfo). A plain block holds them as well.
        return page.replace("<footer>", '<div class="dash-scripts">', 1).replace("</footer>", "</div>", 1)

    app.interpolate_index = interpolate_index
