"""Text that stands for no value: "N/A", "null", "-", "#N/A", "TBD" in a required name or id would pass for a
real one (a city called "N/A", a grant titled "TBD"). Refused there, in every column of type text or id that
is required. In optional columns they are kept as written (contract.MISSING_WORDS says why)."""

from __future__ import annotations

from data_pipeline.checks.core import Check, quoted, sql_list
from data_pipeline.contract import MISSING_WORDS, Column


def missing_word_checks(column: Column) -> list[Check]:
    """The check refusing "N/A", "none" and the like in a required text or id column (none for a reference)."""
    # A reference needs no check of its own: "N/A" there is either not a known id (an error already) or refers to
    # a row whose own key is "N/A" (refused there). That spares the ten million attendance rows two lookups each.
    if not column.required or column.type not in ("text", "id") or column.references:
        return []
    v = quoted(column.name)
    return [Check(column.name, "missing", f"lower({v}) in ({sql_list(MISSING_WORDS)})",
                  lambda r: f"'{r[1]}' stands for a missing value; the {column.name.replace('_', ' ')} is required")]
