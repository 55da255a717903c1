"""The language switch in the navigation bar: English, Français, العربية, each named in its own language.

The language is kept in the URL (`?lang=fr`), like every filter, so a copied link opens in the same language and
the filter bar keeps it (filters.to_query). Choosing one is a full page load (a plain link, not Dash's router):
the frame, the page and the document's direction and stylesheet are all made anew in that language
(i18n/negotiate.py reads `lang` first). The links follow the URL as filters change (assets/languages.js), so
switching keeps the page and its filters.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from dash import ALL, Input, Output, State, clientside_callback, html
from dash.dependencies import ClientsideFunction

from dashboards import i18n, ids
from dashboards.i18n import _
from dashboards.i18n.negotiate import QUERY_KEY


def href(pathname: str | None, search: str | None, lang: str) -> str:
    """The address of the page at `pathname` with its query `search`, in `lang` (every other parameter kept)."""
    kept = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k != QUERY_KEY]
    return f"{pathname or '/'}?{urlencode([*kept, (QUERY_KEY, lang)])}"


def kept(url: str, search: str | None) -> str:
    """`url` (a saved view's address) with the `lang` of the page the person is on (`search`), unless it names one:
    opening a view keeps the language being read."""
    from dashboards.i18n.negotiate import query_language

    lang = query_language(search)
    if not lang or query_language(url.partition("?")[2]):
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({QUERY_KEY: lang})}"


def switch(pathname: str | None = None, search: str | None = None) -> html.Div:
    """The three links, the current language marked (aria-current) and not a link to itself only in style."""
    here = i18n.current_language()
    return html.Div([
        html.A(name, href=href(pathname, search, code), id=ids.lang_link(code), hrefLang=code, lang=code,
               className="lang-link" + (" active" if code == here else ""),
               **({"aria-current": "true"} if code == here else {}))
        for code, name in i18n.LANGUAGES.items()
    ], className="lang-switch", role="group", **{"aria-label": _("Language")})


# The links follow the URL (filters, page) in the browser: no round trip for bookkeeping.
clientside_callback(
    ClientsideFunction("languages", "switchLinks"),
    Output({"type": ids.LANG_LINK, "lang": ALL}, "href"),
    Input(ids.URL, "search"),
    Input(ids.URL, "pathname"),
    State({"type": ids.LANG_LINK, "lang": ALL}, "hrefLang"),
)


def page_title(name: str) -> Callable[..., str]:
    """A page's title for `dash.register_page` (which runs at import, before any language is known): a function
    Dash calls when the page is shown, so the title is in the reader's language. `name` is marked with N_."""
    def title(**_variables) -> str:
        return _("{page} · SCN Impact Dashboard").format(page=_(name))

    return title


def translated(text: str) -> Callable[..., str]:
    """`text` (marked with N_) translated when Dash asks for it: a page's description."""
    return lambda **_variables: _(text)
