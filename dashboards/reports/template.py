"""The source data template as the app hands it out: its words for people in the reader's language.

`data_pipeline.template` writes the workbook from the data contract; the app passes it `_`, so a French or Arabic
reader gets the read-me, the data dictionary (its header, types, descriptions and rules), the header notes and the
two sheet titles in their language. The sheets named after tables, their header row and the drop-downs' codes are
the contract's machine names in every language: the loader reads them. The messages are in the `reports` catalog
(tools/translations_reports.py reads the contract's descriptions from the contract itself).
"""

from __future__ import annotations

from dashboards.i18n import _, current_language
from data_pipeline import template


def template_bytes() -> bytes:
    """The Excel template for the reader: English as the pipeline writes it, else through the catalogs."""
    return template.template_bytes() if current_language() == "en" else template.template_bytes(translate=_)
