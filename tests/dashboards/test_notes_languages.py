"""The notes beside charts and the filters' words in French and Arabic (#18): whole quarters, partial periods, empty
charts, a city's hosted and attended events, period names and the filters' sentence the PDF prints. English is
unchanged (tests/dashboards/test_periods.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards import filters, notes
from dashboards.filters import Window, period_name, resolve
from dashboards.i18n import using

AS_OF = dt.date(2026, 10, 30)
WINDOW = Window(dt.date(2020, 7, 1), dt.date(2021, 6, 30), "Last 12 months")


def _running_quarter() -> tuple[pd.DataFrame, Window]:
    return pd.DataFrame({"period": pd.to_datetime(["2026-07-01", "2026-10-01"])}), \
        resolve(filters.make("all"), AS_OF)


def test_partial_periods_and_whole_quarters_in_french_and_arabic() -> None:
    frame, window = _running_quarter()
    with using("fr"):
        assert notes.partial_periods(frame, window, "quarter") == (
            "T4 2026 en cours : 1 mois sur 3 (jusqu’au 30 oct. 2026), en plus clair : elle ne couvre pas un "
            "trimestre entier.")
    with using("ar"):
        arabic = notes.partial_periods(frame, window, "quarter")
    assert "الربع الرابع 2026 حتى الآن" in arabic and "1 من 3 أشهر" in arabic and "ربعًا كاملًا" in arabic
    started = Window(dt.date(2026, 8, 15), AS_OF, "Custom range")
    heat = pd.DataFrame({"quarter": pd.to_datetime(["2026-07-01"])})
    with using("fr"):
        assert notes.whole_quarters(heat, started) == (
            "Les trimestres sont comptés en entier : T3 2026 inclut l'activité depuis le 1 juil. 2026, avant le "
            "début de la période (15 août 2026).")


def test_an_empty_chart_says_so_in_french() -> None:
    with using("fr"):
        text = notes.nothing_in("events in any region", WINDOW, dt.date(2014, 1, 7), dt.date(2018, 12, 17))
        none = notes.nothing_in("grants awarded", WINDOW, None, None)
    assert text == ("Aucune donnée (événements, toutes régions confondues) entre le 1 juil. 2020 et le 30 juin 2021. "
                    "Événements, toutes régions confondues : présents dans ces données du 7 janv. 2014 au "
                    "17 déc. 2018 pour ces filtres ; choisissez « Depuis le début », ou une période comprise entre "
                    "ces dates.")
    assert none.endswith("Ces données ne contiennent rien (subventions accordées) pour ces filtres.")


def test_hosted_and_attended_counts_in_arabic_and_french() -> None:
    involvement = pd.Series(["hosted", "attended", "hosted and attended", "attended"])
    with using("fr"):
        assert notes.hosted_and_attended(involvement, 3) == (
            "2 accueillis et 3 suivis par des personnes de la ville (1 les deux), comme dans les chiffres clés.")
        assert "; 1 autre événement suivi" in notes.hosted_and_attended(involvement, 4)
        assert "; 4 autres événements suivis" in notes.hosted_and_attended(involvement, 7)
    with using("ar"):
        assert "و2 فعاليتان إضافيتان" in notes.hosted_and_attended(involvement, 5)
        assert "و5 فعاليات إضافية" in notes.hosted_and_attended(involvement, 8)


def test_period_names_and_the_filters_sentence_in_french_and_arabic() -> None:
    chosen = filters.from_query("?period=2026-Q3&region=mena")
    assert filters.describe(chosen, AS_OF) == "2026 Q3 (1 Jul 2026 – 30 Sep 2026); Regions: MENA"
    with using("fr"):
        assert period_name(dt.date(2026, 10, 1), "month") == "oct. 2026"
        assert period_name(dt.date(2026, 10, 1), "quarter") == "T4 2026"
        assert filters.describe(chosen, AS_OF) == "T3 2026 (1 juil. 2026 – 30 sept. 2026) ; Régions : MENA"
        assert resolve(filters.make("all"), AS_OF).describe() == "Depuis le début (jusqu'au 30 oct. 2026)"
        assert resolve(filters.from_query("?period=2026-Q4"), AS_OF).describe().startswith("T4 2026 en cours")
        assert resolve(filters.make("this-year"), AS_OF).describe().startswith("Cette année (2026)")
    with using("ar"):
        assert filters.describe(chosen, AS_OF).startswith("الربع الثالث 2026")
        assert "المناطق: MENA" in filters.describe(chosen, AS_OF)
