"""Personal data is refused wherever it hides: columns named for a person in the network's languages, and e-mail
addresses or phone numbers inside free text; dates, amounts, years and ids in the same text are not."""

from __future__ import annotations

import csv

import duckdb
import pytest

from data_pipeline.checks import personal
from tests.paths import FIXTURES

REAL_TEXT = FIXTURES / "realdata" / "free_text_with_numbers.csv"


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    personal.install(connection)
    return connection


def flagged(con: duckdb.DuckDBPyConnection, texts: list[str]) -> list[tuple[str, str]]:
    """(check kind, text) of each text a free-text check refuses."""
    con.execute("create or replace temp table t (v varchar)")
    con.executemany("insert into t values (?)", [[text] for text in texts])
    found = []
    for check in personal.text_checks("v"):
        found += [(check.kind, row[0]) for row in con.execute(f"select v from t where coalesce({check.bad}, false)")
                  .fetchall()]
    return found


@pytest.mark.parametrize("text", [
    "Contact Amira on +44 7700 900123 for the venue",
    "Call 07700 900123 for details",
    "Appelez le 06 12 34 56 78 avant le 12 mars",
    "Inscriptions : tél. 01.23.45.67.89",
    "للتسجيل هاتف ٠٧٩١٢٣٤٥٦٧",
    "Anmeldung: Telefon 030/1234567",
    "Tel +49 (0)30 1234 5678",
    "Prijave: nazovite 061 123 456",
    "Inscripción: llame al teléfono 612 34 56 78",
    "RSVP (202) 555-0143",
    "Påmelding tlf 22 33 44 55",
    "whatsapp 0712345678 Mombasa",
    "Focal point: 0041 22 345 67 89",
    "Write to amira.haddad@example.org",
    "amira [at] example [dot] org",
])
def test_phone_numbers_and_emails_inside_text_are_refused(con, text: str) -> None:
    assert flagged(con, [text]), text


@pytest.mark.parametrize("text", [
    "Workshop 2019-03-12 to 2019-03-14",
    "Training 12/03/2019 - 14/03/2019",
    "Sessions 01.03.2019-31.03.2019",
    "Budget 1 000 000 EUR for 2019 2020 2021",
    "Contact the 10 000 000 people reached",
    "Contact cohort 2015 2016 2017 2018",
    "Project GB-COH-0123456789 funded",
    "IATI activity XM-DAC-41114-PROJECT-00089867",
    "Grant 360G-Indigo-0001234567",
    "Amounts of 250,000,000 over five years",
    "Hotel with 12 345 678 nights sold",
    "Youth Leadership @ Sea Scheme",
    "Strong Cities Global Summit 2024, Geneva",
])
def test_dates_amounts_years_and_ids_in_text_are_not_personal_data(con, text: str) -> None:
    assert flagged(con, [text]) == []


def test_real_iati_and_360giving_text_gives_no_false_alarm(con) -> None:
    """The 336 hardest of 9,667 real titles and descriptions (digits, '@', phone words): none holds personal data,
    and none is refused."""
    with REAL_TEXT.open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    assert len(texts) == 336
    assert flagged(con, texts) == []


def test_the_message_quotes_what_was_found(con) -> None:
    con.execute("create or replace temp table t (v varchar)")
    con.execute("insert into t values ('Contact Amira on +44 7700 900123')")
    phone = next(c for c in personal.text_checks("v") if c.kind == "phone")
    line = con.execute(f"select 7, v, {phone.other_sql} from t").fetchall()[0]
    assert phone.message(line) == ("contains what looks like a phone number ('+44 7700 900123'); personal data is "
                                   "refused: remove it")


@pytest.mark.parametrize("name", [
    "nom", "prénom", "nom_de_famille", "الاسم", "اسم_المشارك", "ime", "prezime", "ime_i_prezime", "nombre",
    "apellido", "nombre_completo", "vorname", "nachname", "geburtsdatum", "courriel", "téléphone", "telefon",
    "rođenja", "datum_rođenja", "الهاتف", "contact_name",
])
def test_personal_column_names_in_the_networks_languages_are_recognised(name: str) -> None:
    assert personal.is_personal_column(name)


@pytest.mark.parametrize("name", [
    "nom_ville", "nom_de_la_ville", "nom_du_projet", "nombre_de_participants", "ime_grada", "nombre_de_la_ciudad",
    "اسم_المدينة", "stadt_name", "event_name", "title", "number_of_participants",
])
def test_place_organisation_and_count_columns_are_not_personal(name: str) -> None:
    assert not personal.is_personal_column(name)
