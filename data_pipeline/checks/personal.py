"""Personal data: columns named for a person's name, e-mail, phone or address (in the network's languages), and
values holding an e-mail address or a phone number, alone or inside free text ("contact Amira on +44 7700
900123"). Both are refused, as the README promises: personal data never enters the analytics store.

A phone number inside text is told from dates, amounts, years and ids by its shape (the sketch below) and
the words around it; tests/data_pipeline/test_personal_data.py holds the cases, and the count of false alarms on real
IATI and 360Giving titles and descriptions.
"""

from __future__ import annotations

import unicodedata

import duckdb

from data_pipeline.checks.core import Check, quoted

# Column names that hold personal data of a person, in the network's languages (English, French, Arabic, Bosnian/
# Croatian/Serbian, Spanish, German), compared without accents. Refused wherever they appear, unless the contract
# itself names the column (city_name, donor_name are organisations, not people).
PERSONAL_COLUMN_WORDS = (
    "name", "first_name", "firstname", "last_name", "lastname", "surname", "full_name", "fullname",
    "given_name", "family_name", "email", "e_mail", "mail", "phone", "telephone", "mobile", "cell",
    "whatsapp", "address", "street", "postcode", "zip", "birth", "dob", "date_of_birth", "passport",
    "national_id", "ssn", "ip_address",
    # French, Spanish, German, Bosnian/Croatian/Serbian, Arabic
    "prenom", "courriel", "adresse", "telephone", "portable", "naissance", "passeport",
    "apellido", "apellidos", "correo", "direccion", "telefono", "movil", "celular", "nacimiento", "pasaporte",
    "vorname", "nachname", "familienname", "anschrift", "telefon", "handy", "geburtsdatum", "geburtstag",
    "reisepass", "prezime", "adresa", "mobitel", "rodenja", "rodjenja", "rođenja", "pasos", "jmbg",
    "لقب", "هاتف", "جوال", "موبايل", "بريد", "عنوان", "ميلاد", "جواز",
)
# Words meaning "name": a column holding one is a person's name unless another of its words says whose
# (ORGANISATION_WORDS: city_name, nom_ville, ime_grada, اسم_المدينة).
PERSON_NAME_WORDS = ("name", "nom", "nombre", "ime", "naziv_osobe", "vorname", "nome", "naam", "اسم", "الاسم")
ORGANISATION_WORDS = (
    "city", "donor", "country", "event", "org", "organisation", "organization", "programme", "program",
    "region", "venue", "project", "grant", "funder", "partner", "hub", "file", "sheet", "topic", "theme",
    "indicator", "institution", "ministry", "company", "school",
    "ville", "pays", "organisme", "evenement", "projet", "bailleur", "donateur", "partenaire", "lieu", "fichier",
    "feuille", "indicateur", "ciudad", "pais", "organizacion", "evento", "proyecto", "donante", "socio", "lugar",
    "archivo", "hoja", "indicador", "stadt", "land", "gemeinde", "veranstaltung", "projekt", "spender", "ort",
    "datei", "grad", "grada", "opstina", "opstine", "opcina", "opcine", "drzava", "drzave", "organizacija",
    "organizacije", "projekta", "dogadaj", "dogadaja", "mjesto", "mesto",
    "مدينة", "المدينة", "بلد", "البلد", "الدولة", "منظمة", "المنظمة", "الجهة", "مشروع", "المشروع",
)


EMAIL_PATTERN = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
# "amira [at] example [dot] org": written so a scraper misses it, still an address.
EMAIL_SPELLED = (r"[A-Za-z0-9._%+\-]+ ?[\[(] ?(at|@) ?[\])] ?[A-Za-z0-9\-]+ ?[\[(] ?(dot|\.) ?[\])] ?"
                 r"[A-Za-z]{2,}")
PHONE_PATTERN = r"(\+|00)[1-9][0-9 ().\-]{6,18}[0-9]|\(?0[0-9]{1,4}\)?[ .\-]?[0-9]{3,4}[ .\-][0-9]{3,4}"

# A run of digit groups that could be a phone number: an optional + or 00, then digits in groups split by one
# space, dot, dash, slash or no-break space, groups possibly in brackets. It must not follow a letter, a digit,
# `_` or `-` (ids such as GB-COH-0123456789) and must not run into a letter. Group 2 is the number.
_SEP = r"[ .\-/\x{00A0}\x{202F}]"
CANDIDATE = (r"(^|[^0-9\pL_\-])((?:\+|\(\+)?[0-9(][0-9()]*(?:" + _SEP + r"?\(?[0-9]+\)?)*)(?:$|[^0-9\pL_])")
# What a phone number is not: a date (2019-03-12, 12.03.2019, 12/03/2019) or a run of years (2019 2020 2021).
_DATE = (r"(19|20)[0-9]{2}[./\-][01]?[0-9][./\-][0-3]?[0-9]|[0-3]?[0-9][./\-][01]?[0-9][./\-](19|20)[0-9]{2}")
_YEARS = r"^\(?((19|20)[0-9]{2}[ .\-/–]*)+\)?$"
# Words that announce a phone number, in the network's languages, matched as whole words.
PHONE_WORDS = (
    "tel", "tél", "tlf", "phone", "telephone", "téléphone", "call", "contact", "whatsapp", "mobile", "mob", "cell",
    "sms", "fax", "portable", "appeler", "appelez", "joindre", "telefon", "telefono", "teléfono", "móvil",
    "movil", "celular", "llamar", "llame", "handy", "anrufen", "rufnummer", "mobitel", "nazovite", "pozovite",
    "kontakt", "هاتف", "الهاتف", "جوال", "الجوال", "اتصل", "اتصلوا", "واتساب", "رقم",
)
# Thousands written with spaces or dots (10 000 000, 10.000.000): an amount, unless it starts like a phone.
_THOUSANDS = r"^[0-9]{1,3}([ .\x{00A0}\x{202F}][0-9]{3})+$"
_DIGITS_FROM = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
_DIGITS_TO = "01234567890123456789"


def fold(text: str) -> str:
    """Lower case without accents, the way column names are compared (Prénom -> prenom, Đ stays)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_PERSONAL = {fold(w) for w in PERSONAL_COLUMN_WORDS} | {"rodenja"}
_NAME_WORDS = {fold(w) for w in PERSON_NAME_WORDS}
_ORGANISATIONS = {fold(w) for w in ORGANISATION_WORDS}


def _bare(token: str) -> str:
    """An Arabic word without its article (الهاتف -> هاتف), any other word as it is."""
    return token[2:] if token.startswith("ال") and len(token) > 3 else token


def is_personal_column(name: str) -> bool:
    """True for column names that would carry a person's name, e-mail, phone, address or birth date, in the
    network's languages: `email`, `Prénom`, `Nachname`, `Ime i prezime`, `الاسم`; not `city_name`, `nom_ville`,
    or French `nombre_de_participants` (a count)."""
    folded = fold(name)
    tokens = [t for t in folded.split("_") if t]
    words = set(tokens) | {_bare(t) for t in tokens}
    if folded in _PERSONAL or any(t in _PERSONAL and t != "name" for t in words):
        return True
    named = any(t in _NAME_WORDS for t in words) or folded.endswith("name")
    if not named:
        return False
    if words & _ORGANISATIONS:
        return False
    # French "nombre de ..." is "number of ...": a count, not a name
    if "nombre" in tokens and tokens.index("nombre") + 1 < len(tokens) and tokens[tokens.index("nombre") + 1] in (
            "de", "d"):
        return False
    return True


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temporary macros the free-text checks use on the build's connection."""
    words = "|".join(PHONE_WORDS)
    con.execute(f"""
        create or replace temp macro scn_phone_words(t) as
            regexp_matches(lower(t), '(^|[^\\pL])({words})([^\\pL]|$)');
        create or replace temp macro scn_digits(x) as length(regexp_replace(x, '[^0-9]', '', 'g'));
        create or replace temp macro scn_phone_shaped(x, announced) as
            not regexp_matches(x, '{_DATE}') and not regexp_matches(x, '{_YEARS}') and (
                (regexp_matches(x, '^\\(?(\\+|00[1-9])') and scn_digits(x) between 8 and 15)
                or (regexp_matches(x, '^\\(?0[1-9]') and scn_digits(x) between 9 and 12)
                or regexp_full_match(x, '\\(?[2-9][0-9]{{2}}\\)?[ .\\-][2-9][0-9]{{2}}[ .\\-][0-9]{{4}}')
                or (announced and scn_digits(x) between 8 and 15 and not regexp_matches(x, '{_THOUSANDS}')));
        create or replace temp macro scn_phones(t) as list_filter(
            regexp_extract_all(translate(t, '{_DIGITS_FROM}', '{_DIGITS_TO}'), '{CANDIDATE}', 2),
            lambda x: scn_phone_shaped(x, scn_phone_words(t)));
    """).fetchall()


def value_checks(column: str) -> list[Check]:
    """A value that is itself an e-mail address or phone number (ids, codes, any column not of free text)."""
    v = quoted(column)
    # A cheap test first, and the regular expression only where it passes: inside CASE, as DuckDB evaluates both
    # sides of an AND over every row outside a WHERE (the regular expressions on every attendance id were a large
    # part of validation; bench/README.md).
    return [
        Check(column, "email", f"case when contains({v}, '@') then regexp_matches({v}, '{EMAIL_PATTERN}') end",
              lambda r: "value looks like an e-mail address; personal data is refused"),
        Check(column, "phone", f"case when left({v}, 1) in ('+', '0', '(') "
                               f"then regexp_full_match({v}, '{PHONE_PATTERN}') end",
              lambda r: "value looks like a phone number; personal data is refused"),
    ]


def text_checks(column: str) -> list[Check]:
    """Free text holding an e-mail address or a phone number anywhere in it; the message quotes what was found.

    Needs `install(con)` on the connection first.
    """
    v = quoted(column)
    email = f"regexp_extract({v}, '{EMAIL_PATTERN}')"
    spelled = f"regexp_extract({v}, '(?i){EMAIL_SPELLED}')"
    return [
        Check(column, "email",
              f"case when contains({v}, '@') then regexp_matches({v}, '{EMAIL_PATTERN}') "
              f"when regexp_matches({v}, '[\\[(] ?(?i:at) ?[\\])]') "
              f"then regexp_matches({v}, '(?i){EMAIL_SPELLED}') end",
              lambda r: f"contains an e-mail address ('{r[2]}'); personal data is refused: remove it",
              other_sql=f"case when contains({v}, '@') then {email} else {spelled} end"),
        # at least eight digits before the pattern runs: most titles have none
        Check(column, "phone",
              f"case when regexp_matches({v}, '([0-9٠-٩۰-۹][^0-9٠-٩۰-۹]{{0,3}}){{8}}') "
              f"then len(scn_phones({v})) > 0 end",
              lambda r: f"contains what looks like a phone number ('{r[2]}'); personal data is refused: "
                        "remove it",
              other_sql=f"scn_phones({v})[1]"),
    ]
