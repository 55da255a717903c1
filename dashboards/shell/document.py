"""The HTML document every page is served in: it declares the reader's language and writing direction.

Dash writes `<html>` bare; screen readers, hyphenation, spell checkers and the browser's own translation offer read
the language from it (WCAG 3.1.1), and Arabic needs `dir="rtl"` for the whole page to read right to left.
"""

from __future__ import annotations

from dashboards import i18n


def install(app) -> None:
    """Serve `app`'s page with `<html lang dir>` for the language of the request (dashboards/i18n)."""
    plain = app.interpolate_index

    def interpolate_index(**kwargs) -> str:
        lang = i18n.current_language()
        page = plain(**kwargs).replace("<html>", f'<html lang="{lang}" dir="{i18n.direction(lang)}">', 1)
        # Dash wraps its scripts in a <footer>: a second, empty "contentinfo" landmark beside the app's own
        # footer (axe: landmark-no-duplicate-contentinfo). A plain block holds them as well.
        return page.replace("<footer>", '<div class="dash-scripts">', 1).replace("</footer>", "</div>", 1)

    app.interpolate_index = interpolate_index
