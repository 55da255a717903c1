"""One plural rule per language: every catalog domain of a language carries Babel's CLDR `Plural-Forms` header.

    python -m tools.translations_plurals            # give the pybabel-made catalogs (messages) CLDR's rule
    python -m tools.translations_plurals --check    # exit 1 when a catalog of any domain has another rule

The app merges a language's domains into one translator, and a merged translator counts with the FIRST catalog's
rule: a domain whose header says otherwise has its forms picked by the wrong rule (French "many", 1 000 000, was
never chosen in reports.po while messages.po said two forms). So the rule is not the translator's to choose: it is
the installed Babel's CLDR data, the same for every domain. `pybabel update` keeps whatever header a catalog has,
so `make translations` runs this after it; tools/translations_reports.py aligns the reports' catalogs itself.

When a catalog's rule changes, its counted messages keep their words: each new form takes the old form the old rule
gave a number the new rule puts in that form (French's new "many" takes what 1 000 000 read before).
"""

from __future__ import annotations

import argparse
import gettext
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "dashboards" / "i18n"
LOCALE = I18N / "locale"
LANGUAGES = ("fr", "ar")
# Numbers tried to find one that falls in each form: every small count, and the round millions CLDR sets apart.
SAMPLES = (*range(0, 1200), 1_000_000, 2_000_000, 10_000_000)


def plural_forms(lang: str) -> str:
    """The `Plural-Forms` header CLDR (through the installed Babel) gives `lang`."""
    rule = get_plural(lang)
    return f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"


def aligned(catalog: Catalog, lang: str) -> Catalog:
    """`catalog` with CLDR's plural rule for `lang` in its header and each counted message's forms remapped to it."""
    old_count, old_rule = catalog.num_plurals, gettext.c2py(catalog.plural_expr)
    catalog.mime_headers = [("Plural-Forms", plural_forms(lang))]
    new_rule = gettext.c2py(catalog.plural_expr)
    if catalog.num_plurals == old_count and all(old_rule(n) == new_rule(n) for n in SAMPLES):
        return catalog
    for message in catalog:
        if message.id and isinstance(message.id, tuple) and isinstance(message.string, tuple):
            old = message.string
            message.string = tuple(old[min(old_rule(_sample(new_rule, i)), len(old) - 1)]
                                   for i in range(catalog.num_plurals))
    return catalog


def _sample(rule, form: int) -> int:
    """A number `rule` puts in `form` (the last sample when none does: its words are the general plural's)."""
    return next((n for n in SAMPLES if rule(n) == form), SAMPLES[-1])


def pybabel_domains() -> list[str]:
    """The domains `make translations` updates with pybabel: one per mapping dashboards/i18n/<domain>.cfg."""
    return sorted(p.stem for p in I18N.glob("*.cfg"))


def misaligned() -> list[str]:
    """Every catalog, of any domain, whose plural rule is not CLDR's for its language."""
    bad = []
    for lang in LANGUAGES:
        for po in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
            with po.open("rb") as f:
                have = read_po(f, locale=lang).plural_forms
            if have != plural_forms(lang):
                bad.append(f"{po.relative_to(ROOT)}: {have} (CLDR: {plural_forms(lang)})")
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a catalog has another rule")
    args = parser.parse_args(argv)
    if not args.check:
        for lang in LANGUAGES:
            for domain in pybabel_domains():
                path = LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"
                old = path.read_bytes()
                out = io.BytesIO()
                # as `pybabel update --no-wrap` writes it, so the only change is the rule
                write_po(out, aligned(read_po(io.BytesIO(old), locale=lang, domain=domain), lang), width=None,
                         ignore_obsolete=True)
                if out.getvalue() != old:
                    path.write_bytes(out.getvalue())
                    print(f"{path.relative_to(ROOT)}: {plural_forms(lang)}")
    bad = misaligned()
    for line in bad:
        print(line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
