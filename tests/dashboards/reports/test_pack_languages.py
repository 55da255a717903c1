"""The committee pack in its own language (#18): its labels (pack_pdf.TEXT), period, summary and page foot are
French for a French pack, whatever the request speaks, and the command line's `make --lang fr` makes one."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from dashboards import filters
from dashboards.i18n import using
from dashboards.queries import common, db
from dashboards.queries import impact as impact_q
from dashboards.reports import pack
from dashboards.reports.words import summary_sentences
from dashboards.security import users
from tests.dashboards.reports.helpers import ADMIN, STEERING, pdf_text

Q3 = "?period=2026-Q3"
SPEC = {"title": "Comité de pilotage", "query": Q3, "charts": ["overview/trend"]}
FRENCH = ("Préparé pour", "Période", "Filtres", "Données au", "Sommaire", "En clair : la synthèse d'impact",
          "T3 2026")
ENGLISH = ("Prepared for", "Contents", "In plain words", "Filters of this chart", "Notes on these numbers")


def _summary(lang: str) -> list[str]:
    with using(lang), db.acting_as(STEERING):
        chosen = filters.from_query(Q3)
        build = common.build_info()
        return summary_sentences(impact_q.report(chosen, period_label=common.window(chosen).describe(),
                                                 filters_text=filters.describe(chosen, build["as_of"])))


def test_a_french_pack_has_french_labels_and_summary(pack_env) -> None:
    text = pdf_text(pack.make(STEERING, SPEC, "fr"))
    for expected in FRENCH:
        assert expected in text, expected
    assert "Page 1 sur " in text
    assert not [word for word in ENGLISH if word in text]
    summary = _summary("fr")
    assert summary and all(" ".join(s.split()) in text for s in summary)


def test_a_pack_speaks_its_own_language_not_the_requests(pack_env) -> None:
    with using("fr"):
        text = pdf_text(pack.make(STEERING, SPEC, "en"))
    assert "Prepared for" in text and "In plain words: the impact summary" in text
    assert "Préparé pour" not in text and "Sommaire" not in text
    summary = _summary("en")  # gathered in the pack's language too, not the request's
    assert summary and all(" ".join(s.split()) in text for s in summary)


def test_the_command_line_makes_a_french_pack(pack_env, tmp_path: Path) -> None:
    from tools.deliver import cli

    users.add("chair@test.scn", "a long enough password 1", "steering_committee")
    pack.save_set(ADMIN, "Comité de pilotage", SPEC)
    out = tmp_path / "dossier.pdf"
    made = CliRunner().invoke(cli, ["make", "Comité de pilotage", "--as", "chair@test.scn", "--out", str(out),
                                    "--lang", "fr"])
    assert made.exit_code == 0, made.output
    text = pdf_text(out.read_bytes())
    assert "Préparé pour chair@test.scn" in text and "Sommaire" in text


def _x_of(data: bytes, text: str) -> float:
    """Where on the first page a run of text starts, in points from the left edge."""
    from io import BytesIO

    from pypdf import PdfReader

    found = []
    PdfReader(BytesIO(data)).pages[0].extract_text(
        visitor_text=lambda t, cm, tm, *_: found.append(cm[4] + tm[4]) if text in t else None)
    assert found, text
    return found[0]


def test_an_arabic_packs_cover_reads_from_the_right(pack_env) -> None:
    from dashboards.reports import pack_pdf

    english, arabic = (pack_pdf.render(pack.gather(STEERING, SPEC, lang, images=False)) for lang in ("en", "ar"))
    # the cover's value column: beside its label on the left in English, ending beside it on the right in Arabic
    left, right = _x_of(english, "steering@test.scn"), _x_of(arabic, "steering@test.scn")
    assert left < 140 and right > left + 60, (left, right)
