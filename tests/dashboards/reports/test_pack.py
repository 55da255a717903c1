"""The committee pack: each chart drawn by its page's own callback as the pack's viewer, the notes and words a
viewer may read, and an A4 PDF read back with pypdf."""

from __future__ import annotations

import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboards.queries import db
from dashboards.reports import charts, pack, pack_pdf
from dashboards.state import annotations
from tests.dashboards.reports.helpers import ADMIN, DONOR, HUB, MANAGER, STEERING, pdf_text

Q3 = "?period=2026-Q3"


def _page(viewer, chart_id: str, search: str, **options):
    """(figure, note) of a chart as the viewer's page answers it: the page's callback called the way Dash does."""
    chart = charts.CHARTS[chart_id]
    chosen = {name: options.get(name, default) for name, (_, default) in chart.options.items()}
    with db.acting_as(viewer):
        answer = chart.call(charts.page_module(chart.page), search, chosen)
    figure = answer[chart.figure]
    return (figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure,
            answer[chart.note] if chart.note is not None else "")


def test_every_chart_of_the_registry_is_drawn_with_its_title_and_note(pack_env) -> None:
    drawn = charts.draw(ADMIN, [(c, Q3, None) for c in charts.CHARTS])
    assert [d.chart.id for d in drawn] == list(charts.CHARTS)
    for d in drawn:
        assert d.figure["data"] or d.figure["layout"].get("annotations"), d.chart.id  # drawn, or says why not
        assert d.title and d.title != d.chart.label, d.chart.id  # the figure's own title
        assert (d.note != "") == (d.chart.note is not None), d.chart.id
    for d in drawn:  # the same figure and note as the page's callback answers, for its page's controls too
        figure, note = _page(ADMIN, d.chart.id, Q3)
        assert d.note == note
        assert d.title == figure["layout"]["meta"]["title"]


def test_a_chart_option_is_checked_by_the_pages_own_rule(pack_env) -> None:
    drawn = charts.draw(ADMIN, [("overview/regions", Q3, {"measure": "events"})])
    assert drawn[0].title == _page(ADMIN, "overview/regions", Q3, measure="events")[0]["layout"]["meta"]["title"]
    with pytest.raises(charts.ChartRefused, match="measure 'bogus' is not allowed"):
        charts.draw(ADMIN, [("overview/regions", Q3, {"measure": "bogus"})])
    with pytest.raises(charts.ChartRefused, match="has no option 'colour'"):
        charts.draw(ADMIN, [("overview/regions", Q3, {"colour": "red"})])
    # a staff preview of a donor's summary is network staff's; a hub lead may not ask for it
    donor_preview = {"audience": "donor:DON-01"}
    assert charts.draw(MANAGER, [("impact/gender", Q3, donor_preview)])
    with pytest.raises(charts.ChartRefused, match="audience 'donor:DON-01' is not allowed"):
        charts.draw(HUB, [("impact/gender", Q3, donor_preview)])


def test_a_pack_holds_only_charts_of_pages_the_viewer_may_open(pack_env) -> None:
    with pytest.raises(pack.PackRefused, match="overview/map is on a page the donor role may not open"):
        pack.gather(DONOR, {"title": "x", "charts": ["impact/gender", "overview/map"]}, images=False)
    with pytest.raises(pack.PackRefused, match="there is no chart"):
        pack.gather(HUB, {"title": "x", "charts": ["data_quality/coverage"]}, images=False)


@pytest.mark.parametrize(("spec", "says"), [
    ({"charts": ["overview/map"]}, "needs a title"),
    ({"title": "x", "charts": []}, "holds 1 to 24 charts"),
    ({"title": "x", "charts": ["overview/none"]}, "there is no chart 'overview/none'"),
    ({"title": "x", "charts": [{"chart": "overview/map", "colour": 1}]}, "each chart of a pack is"),
    ({"title": "x", "charts": ["overview/map"], "query": "period=all"}, "a query string such as"),
    ({"title": "x", "charts": ["overview/map"], "pages": 3}, "unknown key 'pages'"),
    ({"title": "x", "charts": ["overview/map"], "query": "?period=forever"}, "period='forever'"),
])
def test_a_pack_spec_that_is_not_one_is_refused(pack_env, spec: dict, says: str) -> None:
    with pytest.raises(pack.PackRefused, match=says):
        pack.gather(ADMIN, spec, images=False)


def test_a_pack_in_an_unknown_language_is_refused_and_a_known_one_is_made(pack_env) -> None:
    with pytest.raises(pack.PackRefused, match="language 'xx' is not one of en, fr, ar"):
        pack.gather(ADMIN, {"title": "x", "charts": ["overview/trend"]}, "xx", images=False)
    assert pack.gather(ADMIN, {"title": "x", "charts": ["overview/trend"]}, "fr", images=False).lang == "fr"


def test_the_pack_pdf_reads_back_with_cover_contents_charts_notes_and_words(pack_env) -> None:
    annotations.add(MANAGER, "training/events", "2026-Q3", "Q3 dip: elections in two hub countries")
    annotations.add(MANAGER, "training/events", "2026-Q3", "A staff note about Europe only", region="Europe")
    spec = {"title": "Steering committee quarterly", "query": Q3 + "&region=mena",
            "charts": ["overview/regions", "training/events", {"chart": "grants/portfolio", "options": {"by": "theme"},
                                                                "query": "?period=all"}]}
    data = pack.make(STEERING, spec)
    text = pdf_text(data)
    assert data.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert reader.metadata.title == "Steering committee quarterly"
    for expected in ("Steering committee quarterly", "Prepared for steering@test.scn (Steering committee member)",
                     "Period 2026 Q3 (1 Jul 2026 – 30 Sep 2026)", "Filters 2026 Q3 (1 Jul 2026 – 30 Sep 2026); "
                     "Regions: MENA", "Data as of 30 Oct 2026", "Contents", "In plain words: the impact summary",
                     "Q3 dip: elections in two hub countries", "Notes on these numbers",
                     "Filters of this chart: All time", f"Page 1 of {len(reader.pages)}"):
        assert expected in text, expected
    assert "about Europe only" not in text  # the pack's region is MENA
    for chart_id, query, options in (("overview/regions", Q3 + "&region=mena", {}),
                                     ("training/events", Q3 + "&region=mena", {}),
                                     ("grants/portfolio", "?period=all", {"by": "theme"})):
        figure, note = _page(STEERING, chart_id, query, **options)
        assert figure["layout"]["meta"]["title"] in text
        assert " ".join(note.split()) in text, chart_id
    # the impact summary's sentences, as the impact page writes them for this viewer
    from dashboards import filters
    from dashboards.queries import common
    from dashboards.queries import impact as impact_q
    from dashboards.reports.words import summary_sentences

    with db.acting_as(STEERING):
        chosen = filters.from_query(Q3 + "&region=mena")
        build = common.build_info()
        words = summary_sentences(impact_q.report(chosen, period_label=common.window(chosen).describe(),
                                                  filters_text=filters.describe(chosen, build["as_of"])))
    assert words and all(" ".join(s.split()) in text for s in words)
    # contents: every section with its page number, in order
    contents = text[text.index("Contents"):text.index("Contents") + 400]
    assert "Unique participants by region 2" in contents or "Unique participants by region 3" in contents


def test_a_donors_pack_holds_the_same_suppressed_labels_as_the_donors_page(pack_env) -> None:
    annotations.add(ADMIN, "impact/gender", "2026-Q3", "A note for staff only, never for donors")
    annotations.add(ADMIN, "impact/gender", "2026-Q3", "Our thanks to every funder", "donors")
    made = pack.gather(DONOR, {"title": "Donor pack", "query": Q3, "charts": ["impact/gender", "impact/role"]},
                       images=False)
    text = pdf_text(pack_pdf.render(made))
    for chart_id in ("impact/gender", "impact/role"):
        figure, _ = _page(DONOR, chart_id, Q3)
        bars = figure["data"][0]
        labels = [f"{c}: {t}" for c, t in zip(bars["y"], bars["text"], strict=True)]
        assert any(label.endswith(("<5", "[c]")) for label in labels), labels  # the period has small counts
        assert "Values shown: " + " · ".join(labels) in text
    assert "Our thanks to every funder" in text
    assert "never for donors" not in text
    assert "Counts below 5 are shown as “<5”" in text
    # the hidden counts are nowhere: the staff numbers behind a "<5" or "[c]" are not printed
    staff = {c: int(v) for c, v in zip(*(lambda b: (b["y"], b["x"]))(_page(MANAGER, "impact/role", Q3)[0]["data"][0]),
                                    strict=True)}
    donor_bars = _page(DONOR, "impact/role", Q3)[0]["data"][0]
    hidden = [c for c, t in zip(donor_bars["y"], donor_bars["text"], strict=True) if t in ("<5", "[c]")]
    assert hidden
    for category in hidden:
        assert f"{category}: {staff.get(category)}" not in text


def test_a_hub_leads_pack_of_another_region_shows_their_own_with_the_notice(pack_env) -> None:
    made = pack.gather(HUB, {"title": "Europe", "query": Q3 + "&region=europe", "charts": ["overview/regions"]},
                       images=False)
    assert made.notice == "Not in your view: Europe. Showing MENA."
    assert made.filters_text.endswith("Regions: MENA")
    figure, _ = _page(HUB, "overview/regions", Q3 + "&region=europe")
    assert made.charts[0].drawn.figure == json.loads(json.dumps(figure, cls=PlotlyJSONEncoder))
    assert set(made.charts[0].drawn.figure["data"][0]["y"]) <= {"MENA", "No region"}  # horizontal bars


def test_a_browser_that_fails_once_is_started_again(monkeypatch) -> None:
    """Chromium can fail to start or answer on a loaded machine (seen once in CI): the pack starts it once more
    before telling the person it could not draw; a second failure is said in one sentence."""
    starts: list[int] = []

    async def flaky(self) -> list[bytes]:
        starts.append(1)
        figures = self._figures.get()
        if len(starts) == 1:
            raise TimeoutError("the browser did not answer")
        return [b"png"] * len(figures)

    monkeypatch.setattr(charts.Painter, "_draw_all", flaky)
    with charts.Painter() as painter:
        assert painter.paint([{"data": []}, {"data": []}]) == [b"png", b"png"]
    assert len(starts) == 2

    async def broken(self) -> list[bytes]:
        starts.append(1)
        self._figures.get()
        raise TimeoutError("the browser did not answer")

    monkeypatch.setattr(charts.Painter, "_draw_all", broken)
    starts.clear()
    with charts.Painter() as painter, pytest.raises(charts.DrawingFailed, match="could not draw the pack's charts"):
        painter.paint([{"data": []}])
    assert len(starts) == 2
