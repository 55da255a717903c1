"""The source template downloaded from the app speaks the reader's language where people read (#18): the read-me,
the data dictionary, the header notes and the two sheet titles are French or Arabic; what the loader reads (the
table sheets' names, their header row, the drop-downs' codes) is the contract's, so a French template still loads."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from dashboards.i18n import using
from dashboards.reports.template import template_bytes
from data_pipeline.contract import TABLES
from data_pipeline.load import close_sources, find_sources
from data_pipeline.problems import ProblemLog


def _book(lang: str) -> openpyxl.Workbook:
    with using(lang):
        return openpyxl.load_workbook(io.BytesIO(template_bytes()))


@pytest.fixture(scope="module")
def french() -> openpyxl.Workbook:
    return _book("fr")


def test_english_template_is_the_pipeline_one() -> None:
    book = _book("en")
    assert book.sheetnames[:2] == ["Data dictionary", "Read me"]
    assert book["Read me"]["A4"].value == "How to fill it in"


def test_french_read_me_dictionary_and_notes_are_french(french: openpyxl.Workbook) -> None:
    assert french.sheetnames[:2] == ["Dictionnaire des données", "À lire"]
    readme = [row[0] for row in french["À lire"].iter_rows(values_only=True) if row[0]]
    assert readme[0] == "Modèle de données sources du Réseau des villes fortes"
    assert "Comment le remplir" in readme
    assert any(line.startswith("• Aucune donnée personnelle") for line in readme)
    dictionary = list(french["Dictionnaire des données"].iter_rows(values_only=True))
    assert dictionary[0][:5] == ("table", "colonne", "type", "obligatoire", "description")
    rows = {(r[0], r[1]): r for r in dictionary[1:]}
    assert rows[("grants", "donor_id")][4] == "Bailleur de fonds qui finance la subvention."
    assert rows[("cities", "region")][4] == "Pôle régional du Réseau des villes fortes auquel la ville appartient."
    assert rows[("grants", "award_date")][2] == "date AAAA-MM-JJ"
    note = french["grants"]["B1"].comment.text
    assert "Intitulé de l'initiative financée." in note and "Type : texte" in note


def test_arabic_dictionary_is_arabic() -> None:
    book = _book("ar")
    assert book.sheetnames[:2] == ["قاموس البيانات", "اقرأني"]
    rows = {(r[0], r[1]): r for r in list(book["قاموس البيانات"].iter_rows(values_only=True))[1:]}
    assert rows[("grants", "donor_id")][4] == "الجهة المانحة التي تموّل المنحة."


def test_what_the_loader_reads_stays_the_contract(french: openpyxl.Workbook, tmp_path: Path) -> None:
    assert french.sheetnames[2:] == [t.name for t in TABLES]
    for table in TABLES:
        sheet = french[table.name]
        assert [c.value for c in sheet[1]] == list(table.column_names)
        for validation in sheet.data_validations.dataValidation:
            if validation.type == "list" and validation.formula1 != '"true,false"':
                assert validation.formula1.strip('"').split(",")[0] in {
                    code for column in table.columns for code in column.codes}
    french.save(tmp_path / "modele.xlsx")
    log = ProblemLog()
    sources = find_sources(tmp_path, log)
    close_sources(sources)
    assert log.problems == []
    assert set(sources) == {t.name for t in TABLES}
