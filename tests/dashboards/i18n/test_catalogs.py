"""The catalogs are complete and sound, and no English is left on a page rendered in French.

- Every string the code gives to _() / ngettext / pgettext / N_ is in each language's catalog of its domain (the
  code is extracted with Babel, through each domain's mapping dashboards/i18n/<domain>.cfg, as `make translations`
  does), translated, not fuzzy, with the same {placeholders} as the English.
- Arabic has its six plural forms, in the header and in every counted message.
- Every page's layout (and the frame around it) rendered in French shows no English: no text is an English
  message whose translation differs, and no text reads as English (common English words).
"""

from __future__ import annotations

import re
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from dashboards import i18n

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ROOT / "dashboards"
DOMAINS = sorted(p.stem for p in (SOURCES / "i18n").glob("*.cfg"))
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]
ARABIC_PLURALS = 6
CASES = [(domain, lang) for domain in DOMAINS for lang in TRANSLATED]


@cache
def extracted(domain: str) -> dict[object, str]:
    """Each message of the code -> the file it was found in (a tuple for counted ones, (context, id) for pgettext)."""
    with (SOURCES / "i18n" / f"{domain}.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for filename, _line, message, _comments, context in extract_from_dir(str(SOURCES), method_map, options_map):
        key = message if isinstance(message, str) else tuple(message[:2])
        found[(context, key) if context else key] = filename
    return found


@cache
def catalog(domain: str, lang: str):
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
        return read_po(f, locale=lang, domain=domain)


def entries(domain: str, lang: str) -> dict[object, object]:
    found = {}
    for message in catalog(domain, lang):
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        found[(message.context, key) if message.context else key] = message
    return found


def fields(text: str) -> set[str]:
    """The {named} places of a message ("{n} of {total}" -> {"n", "total"})."""
    return {name for _text, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_domain_has_a_mapping_and_the_app_domain_is_one_of_them() -> None:
    assert "messages" in DOMAINS


@pytest.mark.parametrize(("domain", "lang"), CASES)
def test_every_string_of_the_code_is_in_the_catalog(domain, lang) -> None:
    code, known = extracted(domain), entries(domain, lang)
    missing = sorted(f"{where}: {key!r}" for key, where in code.items() if key not in known)
    assert not missing, f"not in {lang}/{domain}.po (run make translations, then translate):\n" + "\n".join(missing)


def unfinished(known: dict) -> list[str]:
    """Entries untranslated (an empty form) or marked fuzzy."""
    bad = []
    for key, message in known.items():
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms):
            bad.append(f"{'fuzzy' if message.fuzzy else 'untranslated'}: {key!r}")
    return bad


def misplaced(known: dict) -> list[str]:
    """Entries whose {placeholders} differ from the English's. A single message keeps exactly its places; a
    counted one may leave them out of forms for one value (Arabic says "فعاليتان", two events, without the number)
    but never adds one, and its last form has them all."""
    bad = []
    for key, message in known.items():
        if isinstance(message.id, str):
            if fields(message.string) != fields(message.id):
                bad.append(f"{key!r}: {sorted(fields(message.string))} != {sorted(fields(message.id))}")
            continue
        english = fields(message.id[0]) | fields(message.id[1])
        forms = [fields(form) for form in message.string]
        if any(not form <= english for form in forms) or forms[-1] != fields(message.id[1]):
            bad.append(f"{key!r}: {forms} against {sorted(english)}")
    return bad


@pytest.mark.parametrize(("domain", "lang"), CASES)
def test_every_entry_is_translated_and_none_is_fuzzy(domain, lang) -> None:
    bad = unfinished(entries(domain, lang))
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(("domain", "lang"), CASES)
def test_translations_keep_the_placeholders_of_the_english(domain, lang) -> None:
    bad = misplaced(entries(domain, lang))
    assert not bad, "\n".join(bad)


def test_the_checks_catch_an_untranslated_a_fuzzy_and_a_misplaced_entry(tmp_path) -> None:
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "Overview"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Regions"\nmsgstr "Régions"\n\n'
        'msgid "Saved {name}."\nmsgstr "{nom} enregistrée."\n\n'
        'msgid "{n} event"\nmsgid_plural "{n} events"\nmsgstr[0] "{n} événement"\nmsgstr[1] "événements"\n',
        encoding="utf-8")
    with po.open("rb") as f:
        known = {m.id: m for m in read_po(f, locale="fr") if m.id}
    assert unfinished(known) == ["untranslated: 'Overview'", "fuzzy: 'Regions'"]
    assert [line.split(":")[0] for line in misplaced(known)] == ["'Saved {name}.'", "('{n} event', '{n} events')"]


@pytest.mark.parametrize("domain", DOMAINS)
def test_arabic_has_six_plural_forms(domain) -> None:
    arabic = catalog(domain, "ar")
    assert arabic.num_plurals == ARABIC_PLURALS, arabic.plural_forms
    short = [m.id for m in arabic if m.id and isinstance(m.id, tuple) and len(m.string) != ARABIC_PLURALS]
    assert not short, short


def test_the_arabic_plural_rule_picks_each_form() -> None:
    """The catalog's own rule (its header) gives 0, 1, 2, 3–10, 11–99 and 100–102 their six forms."""
    import gettext

    pick = gettext.c2py(catalog("messages", "ar").plural_expr)
    for n, form in ((0, 0), (1, 1), (2, 2), (3, 3), (10, 3), (11, 4), (99, 4), (100, 5), (102, 5), (103, 3),
                    (111, 4)):
        assert pick(n) == form, n


def test_a_string_of_the_code_missing_from_a_catalog_is_reported() -> None:
    code = extracted("messages")
    some = next(k for k in code if isinstance(k, str))
    known = {k: v for k, v in entries("messages", "fr").items() if k != some}
    assert [key for key in code if key not in known] == [some]


# --- no English left on a page rendered in French -------------------------------------------------------------

ENGLISH_WORDS = {"the", "and", "of", "with", "for", "to", "by", "per", "from", "this", "that", "which", "when",
                 "are", "is", "was", "were", "not", "no", "all", "any", "each", "every", "your", "you", "their",
                 "has", "have", "here", "there", "show", "shown", "download", "choose", "click", "open"}
TEXT_PROPS = ("children", "placeholder", "title", "aria-label", "label")


def texts(node) -> list[str]:
    """Every text a component tree shows: text children, placeholders, titles, labels, dropdown options."""
    found: list[str] = []
    if isinstance(node, str):
        return [node]
    if isinstance(node, (list, tuple)):
        for child in node:
            found += texts(child)
        return found
    props = getattr(node, "to_plotly_json", None)
    if props is None:
        return found
    values = node.to_plotly_json()["props"]
    for name in TEXT_PROPS:
        value = values.get(name)
        if isinstance(value, str):
            found.append(value)
        elif name == "children" and value is not None:
            found += texts(value)
    for option in values.get("options") or []:
        if isinstance(option, str):  # a dropdown's option given as its value: shown as it is
            found.append(option)
        elif isinstance(option, dict) and isinstance(option.get("label"), str):
            found.append(option["label"])
    return found


def english_left(shown: list[str], lang: str, names: frozenset[str] = frozenset()) -> list[str]:
    """Texts that are English: an English message of the catalogs whose translation differs, or a text with
    English words in it. `names` are the data's own names (countries, donors, cities), kept as the sources
    write them."""
    english = {m.id for d in DOMAINS for m in catalog(d, lang) if isinstance(m.id, str) and m.id and m.string
               and m.string != m.id}
    left = []
    for text in shown:
        if text in names:
            continue
        words = set(re.findall(r"[a-z]+", text.lower()))
        if text.strip() in english or (words & ENGLISH_WORDS and not text.startswith(("/", "http"))):
            left.append(text)
    return left


@pytest.fixture(scope="module")
def dashboard(sample_db, tmp_path_factory):
    """The app on the sample database, as the data team (every page opens)."""
    from dashboards import settings
    from dashboards.queries import db
    from dashboards.security import access

    private = tmp_path_factory.mktemp("private")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {"SCN_DB": str(sample_db), "SCN_DEMO": "1", "SCN_USERS": str(private / "users.sqlite"),
                           "SCN_AUDIT_LOG": str(private / "audit.jsonl"), "SCN_SOURCES_STORE": str(private / "src"),
                           "SCN_CACHE_SECONDS": "0", "SCN_STATE": str(private / "state.sqlite")}.items():
            mp.setenv(key, value)
        settings.get.cache_clear()
        import app

        with db.acting_as(access.SYSTEM):
            yield app
    settings.get.cache_clear()


def rendered(app, module: str, lang: str) -> list[str]:
    """The texts of the page of `module` (and the frame around it) rendered in `lang`."""
    import dash

    from dashboards.queries import db

    page = dash.page_registry[module]
    kwargs = {}
    if "<city_id>" in (page.get("path_template") or ""):
        kwargs["city_id"] = str(db.frame("select min(city_id) as c from stg_cities")["c"].iloc[0])
    with app.server.test_request_context(page["path"]), i18n.using(lang):
        from flask import g

        from dashboards.security import access
        from dashboards.shell import layout as frame

        g.scn_viewer = access.SYSTEM  # as the sign-in gate keeps the viewer of a request

        layout = page["layout"]
        return texts(layout(**kwargs) if callable(layout) else layout) + texts(frame())


def page_modules() -> list[str]:
    import dash

    return sorted(dash.page_registry)


def data_names() -> frozenset[str]:
    """Names the data gives (countries, donors, cities): proper names, shown as the sources write them."""
    from dashboards.queries import db

    sql = ("select name from ref_countries union select donor_name from stg_donors "
           "union select city_name from stg_cities union select title from stg_grants "
                           "union select title from stg_indicators")
    return frozenset(db.frame(sql)["name"].dropna())


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_english_is_left_on_any_page_rendered_in_another_language(dashboard, lang) -> None:
    names = data_names()
    left = {module: english_left(rendered(dashboard, module, lang), lang, names) for module in page_modules()}
    lines = [f"{module}: {text!r}" for module, texts_left in left.items() for text in dict.fromkeys(texts_left)]
    assert not lines, "English left (wrap it in _() and translate it):\n" + "\n".join(lines)


def test_the_english_check_catches_an_unwrapped_string(dashboard) -> None:
    from dash import html

    with i18n.using("fr"):
        shown = texts(html.Div([html.H2("Members by region"), html.P("Clicking a bar filters the page.")]))
    assert english_left(shown, "fr") == ["Members by region", "Clicking a bar filters the page."]
