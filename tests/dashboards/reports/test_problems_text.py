"""The validation report in the reader's language (#18): the pipeline's fixed phrases translated at display, the
values they quote kept as they are, a message no phrase matches left whole in English, English unchanged."""

from __future__ import annotations

import re

from dashboards.i18n import using
from dashboards.reports import problems_text
from data_pipeline.problems import Problem
from tests.paths import FIXTURES

LINE = re.compile(r"^[^:]+:[^:]+:[^:]*: (?:warning: )?(?P<message>.+)$")


def _fixture_messages() -> list[str]:
    """Every message the bad and warning fixtures expect from the real pipeline."""
    found = []
    for expected in sorted((FIXTURES / "bad").glob("*/expected.txt")) + sorted(
            (FIXTURES / "warnings").glob("*/expected.txt")):
        found += [m["message"] for line in expected.read_text().splitlines() if (m := LINE.match(line))]
    return found


def test_fixed_phrases_are_french_with_their_values_kept() -> None:
    with using("fr"):
        assert problems_text.message("'ten thousand' is not a number") == "'ten thousand' n'est pas un nombre"
        assert problems_text.message("'DON-99' is not a known donor_id in donors") == \
            "'DON-99' n'est pas un donor_id connu de donors"
        assert problems_text.message("... and 1,234 more rows like this") == \
            "... et 1\u202f234 autres lignes de ce type"
        assert problems_text.message("2014-11-15 is before the network was founded (earliest 2015-01-01); a typing "
                                     "slip?") == ("2014-11-15 est antérieure à la création du réseau (au plus tôt "
                                                  "2015-01-01) ; une faute de frappe ?")
        assert problems_text.message("2015-06-30 is before joined_on 2016-02-01") == \
            "2015-06-30 est antérieure à joined_on 2016-02-01"
        unknown = "the point (-1 36) lies 12 km outside KEN; check it"
        assert problems_text.message(unknown) == unknown  # never half translated


def test_english_is_as_the_pipeline_wrote_it() -> None:
    text = "'x' is not a number"
    assert problems_text.message(text) == text
    assert problems_text.rows([Problem("grants.csv", 3, "amount", text)])[0]["message"] == text


def test_report_rows_in_arabic_from_problems_and_stored_dicts() -> None:
    problem = Problem("grants.csv", 14, "amount_awarded", "'ten thousand' is not a number", "warning")
    stored = {"severity": "error", "file": "cities.csv", "line": 2, "column": "country_iso3",
              "message": "'CA' is not an ISO 3166-1 alpha-3 country code"}
    with using("ar"):
        rows = problems_text.rows([problem, stored])
    assert rows[0] == {"severity": "تحذير", "file": "grants.csv", "line": 14, "column": "amount_awarded",
                       "message": "'ten thousand' ليس عددًا"}
    assert rows[1]["severity"] == "خطأ" and rows[1]["message"] == "'CA' ليس رمز بلد وفق ISO 3166-1 alpha-3"
    assert stored["message"].startswith("'CA' is not")  # the stored report is not changed


def test_most_messages_of_the_bad_fixtures_are_translated() -> None:
    messages = _fixture_messages()
    with using("fr"):
        translated = [m for m in messages if problems_text.message(m) != m]
    assert len(messages) > 100
    assert len(translated) / len(messages) > 0.6, f"{len(translated)} of {len(messages)}"
