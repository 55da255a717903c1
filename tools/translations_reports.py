"""The `reports` catalog: extract the words of the reports, notes and number formats, and update French and Arabic.

    python -m tools.translations_reports            # extract, then update locale/{fr,ar}/LC_MESSAGES/reports.po
    python -m tools.translations_reports --check    # exit 1 when a catalog is missing a message or has a stale one

The app compiles the .po files in memory (dashboards/i18n), so there is nothing to compile here. Translations
already in a catalog are kept; a message that changed comes back empty (Babel's fuzzy matching is off on purpose:
a guessed translation is worse than a missing one, and the catalog test refuses both). The `messages` domain
(pages, shell, figures) has its own tool.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from tools.translations_plurals import aligned

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = "reports"
LANGUAGES = ("fr", "ar")
LOCALE = ROOT / "dashboards" / "i18n" / "locale"
# The modules whose words are the reports': the impact summary, its PDF, the pack's PDF, exports, the notes beside
# charts, the number formats' words, and the data-quality messages as the browser shows them.
SOURCES = ("dashboards/formatting.py", "dashboards/notes.py", "dashboards/reports",
           "dashboards/quality_words.py",
           "data_pipeline/template.py")
KEYWORDS = {"_": None, "gettext": None, "translate": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


# The pack's chart registry names charts a person picks in the Views menu and on /pack: UI words of the app's own
# domain (messages.cfg), not the reports'.
NOT_REPORTS = ("dashboards/reports/charts.py",)


def sources() -> list[Path]:
    found = []
    for name in SOURCES:
        path = ROOT / name
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else []
    return [p for p in found if p.relative_to(ROOT).as_posix() not in NOT_REPORTS]


def template() -> Catalog:
    """Every message the reports' modules give to _(), N_(), ngettext() or pgettext(), with where it is used."""
    catalog = Catalog(domain=DOMAIN, project="SCN Impact Dashboard", charset="utf-8")
    for path in sources():
        for line, message, comments, context in extract_from_file("python", path, keywords=KEYWORDS,
                                                                  options={"encoding": "utf-8"}):
            catalog.add(message, locations=[(str(path.relative_to(ROOT)), line)], auto_comments=comments,
                        context=context)
    for message, where in contract_words():
        catalog.add(message, locations=[where])
    return catalog


def contract_words() -> list[tuple[str, tuple[str, int]]]:
    """The words of the data contract the template shows people (its type words and column descriptions), read
    from the contract as it is: the contract is not written for the catalogs and is never changed for them."""
    from data_pipeline.contract import TABLES
    from data_pipeline.contract_doc import TYPE_WORDS

    words = [(word, ("data_pipeline/contract_doc.py", 0)) for word in TYPE_WORDS.values()]
    return words + [(column.description, (f"data_pipeline/contract.py:{table.name}.{column.name}", 0))
                    for table in TABLES for column in table.columns]


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def updated(lang: str, pot: Catalog) -> Catalog:
    """The `lang` catalog brought up to `pot`: new messages added empty, gone ones dropped, translations kept, and
    CLDR's plural rule in its header, the one every domain of `lang` has (tools/translations_plurals.py)."""
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=DOMAIN)
    else:
        catalog = Catalog(locale=lang, domain=DOMAIN, project="SCN Impact Dashboard", charset="utf-8")
    catalog.update(pot, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    return aligned(catalog, lang)


def _text(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=116, omit_header=False, sort_output=False, ignore_obsolete=True)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a catalog is out of date")
    args = parser.parse_args(argv)
    pot = template()
    stale = []
    for lang in LANGUAGES:
        text = _text(updated(lang, pot))
        path = po_path(lang)
        old = path.read_bytes() if path.exists() else b""
        if args.check:
            have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(io.BytesIO(old)) if m.id}
            want = {m.id if isinstance(m.id, str) else m.id[0] for m in pot if m.id}
            if have != want:
                stale.append(f"{path.relative_to(ROOT)}: {len(want - have)} missing, {len(have - want)} stale")
        elif text != old:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text)
            print(f"updated {path.relative_to(ROOT)} ({len(pot)} messages)")
    for line in stale:
        print(line, file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
