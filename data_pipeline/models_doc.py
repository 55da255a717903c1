"""docs/marts.md, generated from the models' declarations (data_pipeline/models.py) and the page's frame.

The frame (`sql/marts_doc.md`) holds the prose no single model owns (conventions, confidential members, the
tables the build writes from code: reference and meta tables); each model's grain, columns and notes come from
its `<model>.yml`, its sections (such as "Indicator rules") from the same file. `make docs` writes the page;
tests/data_pipeline/test_models.py fails while the page in the repository differs from what this renders.
"""

from __future__ import annotations

import re
from pathlib import Path

from data_pipeline.macros import macros
from data_pipeline.models import SQL_DIR, Model, models

FRAME = SQL_DIR / "marts_doc.md"


def _columns(model: Model) -> str:
    listed = ", ".join(f"{c.name} ({c.description})" if c.description else c.name for c in model.columns)
    return f"{listed}. {model.note}" if model.note else listed


def _grain(model: Model) -> str:
    if model.published == "view":
        return f"{model.grain} (a view, computed when read)"
    if model.published == "no":
        return f"{model.grain} (not published: a temporary view during the build)"
    return model.grain


def _rows(found: dict[str, Model], layer: str) -> str:
    rows = ["| table | grain | columns |", "|---|---|---|"]
    rows += [f"| `{m.name}` | {_grain(m)} | {_columns(m)} |" for m in sorted(found.values(), key=lambda m: m.name)
             if m.layer == layer]
    return "\n".join(rows)


def _macros() -> str:
    lines = ["## Shared SQL steps", "",
             "Macros in `data_pipeline/sql/macros/`, created in the published file by the build and in the app's",
             "connections from the same files; the marts and the dashboard's queries call them:", ""]
    for macro in macros():
        signature = re.match(r"\([^)]*\)", macro.definition).group(0)
        kind = "table" if macro.is_table else "value"
        lines.append(f"- `{macro.name}{signature}` ({kind}; `{macro.path.name}`)")
    return "\n".join(lines)


def render(sql_dir: Path = SQL_DIR) -> str:
    """The text of docs/marts.md for the models of `sql_dir`."""
    found = models(sql_dir)
    sections = [f"## {title}\n\n{text}" for m in sorted(found.values(), key=lambda m: m.name)
                for title, text in m.sections]
    frame = FRAME.read_text(encoding="utf-8")
    text = (frame.replace("{marts}", _rows(found, "marts"))
            .replace("{staging}", _rows(found, "staging"))
            .replace("{sections}", "\n\n".join([_macros(), *sections])))
    return text.rstrip() + "\n"
