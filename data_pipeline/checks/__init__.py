"""Checks beyond one column's own rules, by kind: keys and repeated rows, money, dates, places, personal data
in free text. `validate.py` runs them beside the column checks; each reports `FILE:LINE:COLUMN` problems.

Every check reads the raw text tables (`raw_<table>`, trimmed, empty cells NULL) with `try_cast`, so a value
that is not a number or a date is reported once, by its column check, and not again here.
"""
