"""The donor impact report says the right numbers in words and on an A4 PDF, never a suppressed count (nor a
share that would give one away), states its period, filters and build date, flags demo data on every page,
and gives the same bytes for the same data. Bundles are built by hand: no database, no browser."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import time

import pandas as pd
import pypdf
import pytest

from dashboards.queries.impact_data import NETWORK, ImpactData
from dashboards.reports.pdf import render_pdf
from dashboards.reports.phrases import usd
from dashboards.reports.words import summary_sentences

BUILT = dt.datetime(2026, 11, 1, 6, 12)
BUILT_TEXT = "Data as of 31 Oct 2026, built 1 Nov 2026 06:12"
A4 = (595.28, 841.89)
CITIES = ("Montréal", "Zürich", "Kraków", "Bogotá", "İstanbul")


def _counts(category: str, rows: list[tuple[str, int | None, str]]) -> pd.DataFrame:
    """A table as the suppression step hands it over: <NA> and a label where a count is hidden."""
    names, values, labels = zip(*rows, strict=True)
    return pd.DataFrame({category: list(names), "participants": pd.array(values, dtype="Int64"),
                         "participants_label": list(labels)})


def _indicator(title: str, status: str, progress: float | None = None, *, measure: str = "unit",
               city: str = "Montréal", level: str = "outcome", direction: str = "higher") -> dict:
    reported = status in ("on track", "off track", "no target")
    return dict(title=title, result_type=level, measure=measure, unit=None if measure == "percentage" else "people",
                direction=direction, aggregation="latest" if measure == "percentage" else "cumulative",
                range_low=None, range_high=None, baseline_value=10.0, baseline_year=2024,
                target_to_date=None if status == "no target" else 50.0, actual_to_date=30.0 if reported else None,
                target_met=None if not reported or status == "no target" else status == "on track",
                progress=progress, status=status, city=city)


# Published everywhere: every count is at or above the threshold.
GENDER = _counts("gender", [("female", 600, "600"), ("male", 500, "500"), ("non-binary", 20, "20"),
                            ("undisclosed", 80, "80")])
ROLE = _counts("role", [("police", 320, "320"), ("municipal official", 410, "410"), ("education", 200, "200"),
                        ("other", 270, "270")])
# The true counts behind the hidden cells are non-binary 3 (below 5) and undisclosed 85 (hidden as its
# complement); roles: faith leader 4 and other 266. None of them may come out, directly or through a share.
GENDER_HIDDEN = _counts("gender", [("female", 612, "612"), ("male", 540, "540"), ("non-binary", None, "<5"),
                                   ("undisclosed", None, "*")])
ROLE_HIDDEN = _counts("role", [("municipal official", 410, "410"), ("police", 560, "560"),
                               ("faith leader", None, "<5"), ("other", None, "*")])

COUNTRIES = pd.DataFrame({
    "country": ["Switzerland", "Canada", "Poland", "Colombia", "Türkiye", "Jordan"],
    "iso3": ["CHE", "CAN", "POL", "COL", "TUR", "JOR"],
    "region": ["Europe", "North America", "Europe", "Latin America and the Caribbean", "Europe", "MENA"],
    "grants": [2, 3, 2, 2, 2, 1],
    "awarded_usd": [250_000.0, 420_000.0, 230_000.0, 180_000.0, 210_000.0, 110_000.0],
    "cities_label": ["<5", "2", "1", "2", "1", "1"],
})

INDICATORS = pd.DataFrame([
    _indicator("Frontline practitioners trained", "on track", 1.05, city="Zürich"),
    _indicator("Schools running resilience programmes", "on track", 0.95, city="Kraków"),
    _indicator("Young people reached by prevention activities", "on track", 1.2, city="Bogotá"),
    _indicator("Practitioners confident to respond to radicalisation (%)", "off track", 0.42, measure="percentage"),
    _indicator("Referred cases closed with a positive outcome (%)", "off track", 0.3, measure="percentage",
               city="İstanbul"),
    _indicator("Reported hate incidents (rolling 12 months)", "awaiting data"),
    _indicator("Harmful online content reports unresolved after 30 days (%)", "not due", measure="percentage"),
])

BASE = ImpactData(
    audience="Fondation Lumière", period_label="1 Jan 2025 – 31 Oct 2026",
    filters_text="Region: Europe; Topic: social cohesion", built_at=BUILT, as_of=dt.date(2026, 10, 31),
    is_demo=True, awarded_usd=1_400_000.0, disbursed_usd=896_000.0, grants=12, grants_active=5, cities=9,
    countries=6, participants_total=1_200, by_country=COUNTRIES, by_gender=GENDER, by_role=ROLE,
    indicators=INDICATORS,
)


def _data(**changes) -> ImpactData:
    return dataclasses.replace(BASE, **changes)


def _pages(pdf: bytes) -> list[str]:
    """The text of each page, lines kept; `_flat` joins wrapped lines for phrases that may wrap."""
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _numbers(text: str) -> set[str]:
    """Every number written in `text` ("1.4" is one), thousands separators removed."""
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def _long_indicators(n: int) -> pd.DataFrame:
    statuses = ("on track", "off track", "awaiting data", "not due", "no target")
    return pd.DataFrame([
        _indicator(f"Indicator {i:02d}: share of residents who trust local institutions to respond to hate "
                   "incidents in their neighbourhood", statuses[i % 5], None if i % 5 > 1 else 0.5 + i / 100,
                   city=CITIES[i % len(CITIES)])
        for i in range(n)
    ])


# --- summary ---------------------------------------------------------------------------------------------------

def test_summary_states_grants_money_reach_and_the_share_paid_out() -> None:
    first = summary_sentences(BASE)[0]
    assert first.startswith("Between 1 Jan 2025 and 31 Oct 2026, you funded 12 grants worth US$1.4 million")
    assert "in 9 cities across 6 countries" in first
    assert "US$0.9 million (64%) has been paid out" in first


def test_summary_names_the_country_with_most_money_whatever_the_row_order() -> None:
    second = summary_sentences(BASE)[1]
    assert "5 of the 12 grants are still active" in second
    assert "the largest share of the money went to Canada (US$0.4 million, 30%)" in second


def test_summary_never_names_the_row_standing_for_confidential_members() -> None:
    confidential = pd.DataFrame({"country": ["Confidential members"], "iso3": [None], "region": ["Europe"],
                                 "grants": [4], "awarded_usd": [900_000.0], "cities_label": ["<5"]})
    data = _data(by_country=pd.concat([COUNTRIES, confidential], ignore_index=True))
    text = " ".join(summary_sentences(data))
    assert "Confidential" not in text
    assert "went to Canada" in text


def test_summary_gives_the_womens_share_of_those_who_stated_a_gender() -> None:
    text = " ".join(summary_sentences(BASE))
    assert "Events held in funded cities while a grant ran there reached 1,200 participants" in text
    # 600 women of the 1,120 who stated a gender (the 80 undisclosed left out), not 600 of 1,200.
    assert "of those who stated a gender, 54% were women" in text
    assert "the largest group was “municipal official”, with 410 participants" in text


def test_summary_never_reveals_a_suppressed_count_directly_or_through_a_share() -> None:
    data = _data(by_gender=GENDER_HIDDEN, by_role=ROLE_HIDDEN, participants_total=1_240)
    sentences = summary_sentences(data)
    people = [s for s in sentences if "participants" in s]
    assert people == ["Events held in funded cities while a grant ran there reached 1,240 participants."]
    text = " ".join(sentences)
    assert "women" not in text  # 612 of the stated genders would back out the hidden ones
    assert "largest group" not in text  # a hidden complement cell may be the largest
    assert not {"3", "4"} & _numbers(people[0])
    assert not {"85", "266", "88"} & _numbers(text)  # hidden cells, and their sum next to the total


def test_summary_writes_suppressed_reach_as_fewer_than_the_threshold() -> None:
    text = " ".join(summary_sentences(_data(cities="<5", participants_total="<5")))
    assert "in fewer than 5 cities across 6 countries" in text
    assert "reached fewer than 5 participants" in text
    assert "of those who stated a gender" not in text


def test_summary_leaves_out_a_count_hidden_by_a_marker() -> None:
    text = " ".join(summary_sentences(_data(cities="*", participants_total="*")))
    assert "12 grants worth US$1.4 million in 6 countries;" in text
    assert "reached" not in text and "*" not in text


def test_summary_names_indicators_behind_target_worst_first() -> None:
    text = " ".join(summary_sentences(BASE))
    assert ("3 of the 5 indicators measured against a target are on track; 2 are behind: Referred cases closed "
            "with a positive outcome in İstanbul (30% of the way to target) and Practitioners confident to respond "
            "to radicalisation in Montréal (42%).") in text
    assert "Of the other 2, 1 is awaiting data and 1 is not yet due." in text


def test_summary_says_plainly_when_there_are_no_indicators_or_no_results_yet() -> None:
    none = summary_sentences(_data(indicators=INDICATORS.iloc[0:0]))
    assert none[-1] == "No results indicators have been set for these grants yet."
    waiting = summary_sentences(_data(indicators=INDICATORS[INDICATORS["status"].isin(["awaiting data", "not due"])]))
    assert waiting[-1] == ("None of the 2 indicators has a result against a target yet: 1 is awaiting data and 1 "
                           "is not yet due.")


def test_summary_for_a_donor_with_no_grants_says_so_and_divides_by_nothing() -> None:
    empty = _data(awarded_usd=0.0, disbursed_usd=0.0, grants=0, grants_active=0, cities=0, countries=0,
                  participants_total=0, by_country=COUNTRIES.iloc[0:0], by_gender=GENDER.iloc[0:0],
                  by_role=ROLE.iloc[0:0], indicators=INDICATORS.iloc[0:0], period_label="2025")
    assert summary_sentences(empty) == [
        "In 2025, you had no grants matching these filters, so there are no results to report."]
    unfiltered = dataclasses.replace(empty, filters_text="No filters", period_label="All time")
    assert summary_sentences(unfiltered) == ["To date, you have had no grants, so there are no results to report."]


def test_summary_speaks_of_the_whole_period_and_of_donors_in_the_public_view() -> None:
    public = summary_sentences(_data(audience=NETWORK, is_public=True, period_label="All time"))
    assert public[0].startswith("To date, donors to the network have funded 12 grants")
    assert summary_sentences(_data(period_label="2025"))[0].startswith("In 2025, you funded 12 grants")


def test_summary_is_three_to_six_sentences() -> None:
    for data in (BASE, _data(by_gender=GENDER_HIDDEN, by_role=ROLE_HIDDEN), _data(indicators=_long_indicators(40))):
        assert 3 <= len(summary_sentences(data)) <= 6


def test_summary_shortens_long_lists_of_indicators_behind() -> None:
    text = " ".join(summary_sentences(_data(indicators=_long_indicators(40))))
    assert "8 of the 16 indicators measured against a target are on track; 8 are behind:" in text
    assert text.count("Indicator ") == 3 and "and 5 others." in text


@pytest.mark.parametrize(("value", "unit_of", "expected"), [
    (1_400_000, None, "US$1.4 million"),
    (896_000, 1_400_000, "US$0.9 million"),
    (896_000, None, "US$896k"),
    (2_000_000, None, "US$2 million"),
    (999_800, None, "US$1 million"),
    (8_450, None, "US$8.4k"),
    (950, None, "US$950"),
    (0, None, "US$0"),
    (1_260_000_000, None, "US$1.3 billion"),
    (40_000, 1_400_000, "US$40k"),
])
def test_money_reads_as_a_report_writes_it(value: float, unit_of: float | None, expected: str) -> None:
    assert usd(value, unit_of=unit_of) == expected


def test_impact_data_names_what_is_missing() -> None:
    with pytest.raises(ValueError, match=r"ImpactData.indicators lacks the column\(s\) status"):
        _data(indicators=INDICATORS.drop(columns="status"))
    with pytest.raises(ValueError, match=r"unknown status.*'behind'"):
        _data(indicators=INDICATORS.assign(status="behind"))
    with pytest.raises(ValueError, match="by_role needs a category column"):
        _data(by_role=ROLE.drop(columns="role"))


# --- PDF ---------------------------------------------------------------------------------------------------

def test_pdf_is_a4_and_states_period_filters_and_build_date() -> None:
    pdf = render_pdf(BASE)
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.01)
    first = reader.pages[0].extract_text()
    assert "1 Jan 2025 – 31 Oct 2026" in first
    assert "Region: Europe; Topic: social cohesion" in first
    assert BUILT_TEXT in first
    assert reader.metadata.title == "Impact summary — Fondation Lumière"
    assert reader.metadata.author == "Strong Cities Network Impact Dashboard"
    assert reader.metadata.creation_date == BUILT.replace(tzinfo=dt.UTC)


def test_every_page_has_the_title_demo_flag_footnote_and_page_n_of_n() -> None:
    pages = _pages(render_pdf(_data(indicators=_long_indicators(60))))
    assert len(pages) > 2
    for n, text in enumerate(map(_flat, pages), start=1):
        assert "Impact summary — Fondation Lumière" in text
        assert "DEMO DATA" in text
        assert f"Page {n} of {len(pages)}" in text
        assert "Counts below 5 are shown as “<5” and a second cell is hidden" in text
        assert "Aggregates only; no personal data." in text


def test_real_data_carries_no_demo_flag_and_the_footnote_follows_the_threshold() -> None:
    text = _flat("\n".join(_pages(render_pdf(_data(is_demo=False, suppress_below=10)))))
    assert "DEMO" not in text.upper().replace("DEMOGRAPH", "")
    assert "Counts below 10 are shown as “<10”" in text


def test_long_indicator_tables_break_across_pages_with_the_header_row_repeated() -> None:
    pages = _pages(render_pdf(_data(indicators=_long_indicators(60))))
    # Pages with rows of the table (the summary on page 1 names a few indicators too, but has no status column).
    with_rows = [text for text in pages if re.search(r"Indicator \d\d:", text) and re.search(r"(On|Off) track", text)]
    assert len(with_rows) > 1
    for text in with_rows:
        assert "Indicator City Baseline Target Actual Progress Status" in text
    found = {int(n) for n in re.findall(r"Indicator (\d\d):", "\n".join(pages))}
    assert found >= set(range(60))


def test_pdf_prints_suppressed_labels_and_never_the_hidden_counts() -> None:
    text = "\n".join(_pages(render_pdf(_data(by_gender=GENDER_HIDDEN, by_role=ROLE_HIDDEN,
                                             participants_total=1_240))))
    lines = text.splitlines()
    assert "non-binary <5" in lines and "undisclosed *" in lines
    assert "faith leader <5" in lines and "other *" in lines
    assert not {"85", "266", "88"} & _numbers(text)  # hidden cells, and their sum next to the total
    assert "women" not in text


def test_pdf_draws_no_bar_for_a_hidden_count() -> None:
    def filled_rectangles(pdf: bytes) -> int:
        pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
        return sum(len(re.findall(rb" re\s+f\b", page.get_contents().get_data())) for page in pages)

    published = filled_rectangles(render_pdf(_data(is_demo=False)))
    hidden = filled_rectangles(render_pdf(_data(is_demo=False, by_gender=GENDER_HIDDEN, by_role=ROLE_HIDDEN)))
    # Same layout, four of the eight counts hidden: four bars fewer (a bar's length would give its count away).
    assert published - hidden == 4


def test_pdf_renders_accented_city_names_and_dashes() -> None:
    text = "\n".join(_pages(render_pdf(_data(indicators=_long_indicators(10)))))
    for name in (*CITIES, "Türkiye", "–"):
        assert name in text


def test_pdf_for_a_donor_with_no_grants_is_one_page_that_says_so() -> None:
    empty = _data(awarded_usd=0.0, disbursed_usd=0.0, grants=0, grants_active=0, cities=0, countries=0,
                  participants_total=0, by_country=COUNTRIES.iloc[0:0], by_gender=GENDER.iloc[0:0],
                  by_role=ROLE.iloc[0:0], indicators=INDICATORS.iloc[0:0], is_demo=False)
    pages = _pages(render_pdf(empty))
    assert len(pages) == 1
    assert "you had no grants matching these filters" in pages[0]
    assert BUILT_TEXT in pages[0]


def test_same_data_gives_the_same_bytes_in_any_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    first = render_pdf(BASE)
    assert render_pdf(BASE) == first
    # A naive built_at is read as UTC, not as the server's local time.
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        assert render_pdf(BASE) == first
    finally:
        monkeypatch.undo()
        time.tzset()
    assert render_pdf(_data(built_at=BUILT + dt.timedelta(minutes=1))) != first


def _judged(title: str, *, direction: str, target, actual, met: bool, progress=None, status: str,
            measure: str = "unit", unit: str | None = "incidents", low=None, high=None, level: str = "outcome"):
    return dict(title=title, result_type=level, measure=measure, unit=unit, direction=direction,
                aggregation="latest", range_low=low, range_high=high, baseline_value=None, baseline_year=None,
                target_to_date=target, actual_to_date=actual, target_met=met, progress=progress, status=status,
                city="Montréal")


# Judged by indicator_achievement without a baseline or as a range: met or not met, with no share of a way.
NO_WAY = pd.DataFrame([
    _judged("Reported hate incidents", direction="lower", target=776, actual=0, met=True, status="on track"),
    _judged("Hate crimes recorded", direction="lower", target=776, actual=2000, met=False, status="off track"),
    _judged("Women among practitioners trained (%)", direction="range", target=None, actual=65.0, met=False,
            status="off track", measure="percentage", unit=None, low=40.0, high=60.0, level="output"),
    _judged("Sessions held", direction="higher", target=0, actual=0, met=True, status="on track", unit="sessions",
            level="output"),
])


def test_summary_states_an_indicator_without_a_baseline_against_its_target_not_as_a_share() -> None:
    text = " ".join(summary_sentences(_data(indicators=NO_WAY)))
    assert "2 of the 4 indicators measured against a target are on track" in text
    assert "Hate crimes recorded in Montréal (2,000 incidents against a target of at most 776 incidents" in text
    assert "65%, outside 40% to 60%" in text
    indicator_words = text[text.index("2 of the 4"):]
    assert "of the way" not in indicator_words
    # the level of each indicator: outputs and outcomes apart
    assert "outputs 1 of 2, outcomes 1 of 2" in text


def test_pdf_says_met_or_not_met_where_progress_has_no_way_to_measure() -> None:
    text = _flat("\n".join(_pages(render_pdf(_data(indicators=NO_WAY)))))
    assert "at most 776 incidents" in text and "40% to 60%" in text
    assert "not met" in text and "out of range" in text
    assert text.count("100%") == text.count("over 100%")  # a target of 0 met is not "100% of the way"
    assert "Output · sessions · latest level" in text


def test_words_agree_in_number() -> None:
    one = summary_sentences(_data(grants=1, grants_active=1, cities=1, countries=1,
                                  indicators=INDICATORS.iloc[[0, 3]]))
    text = " ".join(one)
    assert "1 grant " in text and "1 city across 1 country" in text
    assert "1 grants" not in text and "1 cities" not in text and "1 countries" not in text
    assert "1 of the 2 indicators measured against a target is on track; 1 is behind" in text
