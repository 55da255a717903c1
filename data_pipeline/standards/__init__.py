"""Donor data standards in and out: IATI 2.03 activity files and 360Giving grants.

- `mapping`: every correspondence between the data contract and the two standards (one place to change).
- `portfolio`: the grant portfolio read from a published database, the input of both exports.
- `iati_export`, `giving360_export`: write the files; `quality`: validate them offline (XSD, JSON Schema) and
  apply the standards' own data-quality rules that matter for results and money.
- `iati_import`, `giving360_import`: read a donor's file into contract rows, each remembering where it came from;
  `importing`: merge those rows into a copy of a source set and hand it to the normal build.
"""
