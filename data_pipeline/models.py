"""The models the build runs, read from the files that define them: `sql/<layer>/<name>.sql` and its declaration.

A model is one SQL file (a SELECT) and, beside it, `<name>.yml`: what one row is (`grain`), how it is
published (`published`: a table, a view computed when read, or `no`, a temporary view gone when the build
ends), who may read it (`access`: `rule` when dashboards/security/access.py holds its rule, `data team` for a staging
table only the data team reads), its columns in order with their descriptions and data tests, tests over
several columns, and any section of prose docs/marts.md gives it. As dbt's schema files, in the manner of
`ref()`: the build order comes from the tables each model's SQL reads, found by DuckDB's own parser.

Adding a model is adding those two files (and, for `access: rule`, its rule): the build, the data tests
(datatests.py) and docs/marts.md (models_doc.py) all read the declarations.
"""

from __future__ import annotations

import functools
import heapq
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from data_pipeline import contract, sql_tree
from data_pipeline.contract import TABLES

SQL_DIR = Path(__file__).resolve().parent / "sql"
LAYERS = ("staging", "marts")
PUBLISHED = ("table", "view", "no")
ACCESS = ("rule", "data team")
# What a model may read besides other models: the typed sources (staging.create_typed), the reference tables
# (build._load_reference) and the build's parameters (as_of, today).
SOURCES = frozenset({f"typed_{t.name}" for t in TABLES})
REFERENCE = frozenset({"ref_regions", "ref_countries", "ref_currencies", "ref_milestones"})
BUILD_PARAMS = "build_params"
COLUMN_TESTS = ("unique", "not_null", "boolean", "accepted_values", "relationships")
_MODEL_KEYS = {"description", "grain", "published", "access", "columns", "tests", "note", "sections"}


class ModelError(ValueError):
    """A model or its declaration is wrong: the message names the file and what to change."""


@dataclass(frozen=True)
class ColumnTest:
    """One data test of a column: its kind (COLUMN_TESTS) and its argument (values, or the table.column named)."""

    kind: str
    values: tuple[str, ...] = ()
    to: tuple[str, str] | None = None


@dataclass(frozen=True)
class Column:
    """One column of a model as declared: name, description, data tests."""

    name: str
    description: str = ""
    tests: tuple[ColumnTest, ...] = ()


@dataclass(frozen=True)
class Model:
    """One model: its SQL, its declaration, and the tables its SQL reads."""

    name: str
    layer: str
    path: Path
    sql: str
    grain: str
    published: str
    access: str
    columns: tuple[Column, ...]
    unique: tuple[tuple[str, ...], ...] = ()  # sets of columns unique together (tests over several columns)
    description: str = ""
    note: str = ""
    sections: tuple[tuple[str, str], ...] = ()  # (title, Markdown) of docs/marts.md
    reads: frozenset[str] = field(default_factory=frozenset)

    @property
    def kind(self) -> str:
        """What the build creates: a table, a view, or a temporary view (not published)."""
        return {"table": "table", "view": "view", "no": "temp view"}[self.published]


def _accepted(where: str, spec) -> tuple[str, ...]:
    """The accepted values of `spec`: a list, or {contract: NAME, also: [...]} naming a tuple of contract.py."""
    if isinstance(spec, list):
        return tuple(str(v) for v in spec)
    if isinstance(spec, dict) and set(spec) <= {"contract", "also"} and "contract" in spec:
        values = getattr(contract, str(spec["contract"]), None)
        if not isinstance(values, tuple):
            raise ModelError(f"{where}: accepted_values names contract.{spec['contract']}, which is not a tuple "
                             "of data_pipeline/contract.py")
        return (*values, *(str(v) for v in spec.get("also", ())))
    raise ModelError(f"{where}: accepted_values takes a list, or {{contract: NAME, also: [...]}}")


def _column_test(where: str, item) -> ColumnTest:
    if isinstance(item, str) and item in ("unique", "not_null", "boolean"):
        return ColumnTest(item)
    if isinstance(item, dict) and len(item) == 1:
        ((kind, spec),) = item.items()
        if kind == "accepted_values":
            return ColumnTest(kind, values=_accepted(where, spec))
        if kind == "relationships" and isinstance(spec, dict) and set(spec) == {"to", "field"}:
            return ColumnTest(kind, to=(str(spec["to"]), str(spec["field"])))
    raise ModelError(f"{where}: unknown test {item!r}; a column's tests are {', '.join(COLUMN_TESTS)} "
                     "(accepted_values: [...], relationships: {to: TABLE, field: COLUMN})")


def _columns(where: str, declared) -> tuple[Column, ...]:
    if not isinstance(declared, dict) or not declared:
        raise ModelError(f"{where}: `columns` must map each column, in order, to its description or to "
                         "{description: ..., tests: [...]}")
    columns = []
    for name, spec in declared.items():
        if spec is None or isinstance(spec, str):
            columns.append(Column(str(name), (spec or "").strip()))
            continue
        if not isinstance(spec, dict) or not set(spec) <= {"description", "tests"}:
            raise ModelError(f"{where}: column {name} takes a description, or {{description: ..., tests: [...]}}")
        tests = tuple(_column_test(f"{where}: column {name}", t) for t in spec.get("tests") or ())
        columns.append(Column(str(name), str(spec.get("description") or "").strip(), tests))
    return tuple(columns)


def _declaration(path: Path) -> dict:
    if not path.is_file():
        raise ModelError(f"{path.with_suffix('.sql')} has no declaration: add {path.name} beside it (grain, "
                         "published, access, columns)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ModelError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelError(f"{path}: a declaration is a mapping (grain, published, access, columns)")
    unknown = set(data) - _MODEL_KEYS
    if unknown:
        raise ModelError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; "
                         f"expected {', '.join(sorted(_MODEL_KEYS))}")
    for key, allowed in (("published", PUBLISHED), ("access", ACCESS)):
        if data.get(key) not in allowed:
            raise ModelError(f"{path}: `{key}` must be one of {', '.join(allowed)}, not {data.get(key)!r}")
    return data


def references(sql: str, where: str = "the model") -> frozenset[str]:
    """The tables and views `sql` reads (its own CTEs left out), by DuckDB's parser (`json_serialize_sql`)."""
    try:
        statement = sql_tree.parse(sql)
    except sql_tree.NotOneStatement as error:
        raise ModelError(f"{where} is not one SELECT statement DuckDB can parse: {error}") from None
    return frozenset(n["table_name"] for n in statement.nodes
                     if n.get("type") == "BASE_TABLE" and "sample" in n and n["table_name"] not in statement.ctes)


def _model(path: Path) -> Model:
    data = _declaration(path.with_suffix(".yml"))
    where = str(path.with_suffix(".yml"))
    sql = path.read_text(encoding="utf-8")
    unique = []
    for item in data.get("tests") or ():
        if not (isinstance(item, dict) and set(item) == {"unique"} and isinstance(item["unique"], list)):
            raise ModelError(f"{where}: a model's tests are `unique: [columns...]`; a single column's go "
                             f"under the column, not {item!r}")
        unique.append(tuple(str(c) for c in item["unique"]))
    sections = data.get("sections") or {}
    return Model(
        name=path.stem, layer=path.parent.name, path=path, sql=sql, grain=str(data.get("grain") or ""),
        published=data["published"], access=data["access"], columns=_columns(where, data.get("columns")),
        unique=tuple(unique), description=str(data.get("description") or "").strip(),
        note=str(data.get("note") or "").strip(),
        sections=tuple((str(title), str(text).strip()) for title, text in sections.items()),
        reads=references(sql, str(path)),
    )


@functools.cache
def models(sql_dir: Path = SQL_DIR) -> dict[str, Model]:
    """Every model under `sql_dir` (its staging/ and marts/ folders), by name, checked: each .sql has its .yml
    and each .yml its .sql, names are unique, and columns named by a test are declared."""
    found: dict[str, Model] = {}
    for layer in LAYERS:
        folder = sql_dir / layer
        for stray in sorted(folder.glob("*.yml")):
            if not stray.with_suffix(".sql").is_file():
                raise ModelError(f"{stray} declares a model with no SQL: add {stray.with_suffix('.sql').name} "
                                 "or remove the declaration")
        for path in sorted(folder.glob("*.sql")):
            if path.stem in found:
                raise ModelError(f"{path}: a model named {path.stem} is already in {found[path.stem].path}")
            found[path.stem] = _model(path)
    for model in found.values():
        names = {c.name for c in model.columns}
        if model.published == "no" and (model.unique or any(c.tests for c in model.columns)):
            raise ModelError(f"{model.path.with_suffix('.yml')}: an unpublished model is gone before the data tests "
                             "run: test the columns where a published model carries them")
        for columns in model.unique:
            if set(columns) - names:
                raise ModelError(f"{model.path.with_suffix('.yml')}: `unique` names undeclared column(s) "
                                 f"{', '.join(sorted(set(columns) - names))}")
    return found


@functools.cache
def published_columns(sql_dir: Path = SQL_DIR) -> dict[str, tuple[str, ...]]:
    """The columns of every published model by name, from the declarations alone (the app checks a database it
    opens against them, data_pipeline/store.missing_from; `models()` also parses every SQL file, seconds at start)."""
    out = {}
    for layer in LAYERS:
        for path in sorted((sql_dir / layer).glob("*.yml")):
            data = _declaration(path)
            if data["published"] != "no":
                out[path.stem] = tuple(str(c) for c in (data.get("columns") or {}))
    return out


def build_order(found: dict[str, Model]) -> tuple[list[str], list[str]]:
    """The models in an order that builds each after every model it reads, in two parts.

    The first part is built while the sources are loaded: the models reading a typed source or an unpublished
    model (a temporary view over the sources, as stg_attendance), and every model those read. The build
    checks the sources against the facts among them and takes the data's date (`build_params`) from them;
    then drops the sources and builds the second part. Among models ready at the same time, the order is by
    name. Raises ModelError on a reference to something that is neither a model nor a source, on a cycle, and
    on a first-part model reading `build_params` (it does not exist yet).
    """
    known = set(found) | SOURCES | REFERENCE | {BUILD_PARAMS}
    for model in found.values():
        unknown = sorted(model.reads - known)
        if unknown:
            raise ModelError(f"{model.path} reads {', '.join(unknown)}: no model or source has that name "
                             f"(models are the .sql files of {', '.join(LAYERS)}; sources typed_*, ref_*, "
                             f"{BUILD_PARAMS})")
    needs = {name: sorted(model.reads & set(found)) for name, model in found.items()}
    order = _topological(needs, found)
    early = {name for name, model in found.items()
             if model.reads & SOURCES or any(found[r].published == "no" for r in needs[name])}
    stack = list(early)
    while stack:
        for read in needs[stack.pop()]:
            if read not in early:
                early.add(read)
                stack.append(read)
    for name in sorted(early):
        if BUILD_PARAMS in found[name].reads:
            raise ModelError(f"{found[name].path} reads {BUILD_PARAMS}, but is built while the sources are loaded, "
                             f"before the data's date is known (it reads a source, or a model that does)")
    return [n for n in order if n in early], [n for n in order if n not in early]


def _topological(needs: dict[str, list[str]], found: dict[str, Model]) -> list[str]:
    waiting = {name: len(reads) for name, reads in needs.items()}
    readers: dict[str, list[str]] = {name: [] for name in needs}
    for name, reads in needs.items():
        for read in reads:
            readers[read].append(name)
    ready = [name for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        name = heapq.heappop(ready)
        order.append(name)
        for reader in readers[name]:
            waiting[reader] -= 1
            if waiting[reader] == 0:
                heapq.heappush(ready, reader)
    if len(order) < len(needs):
        raise ModelError(f"the models read each other in a cycle: {' -> '.join(_cycle(needs, set(order)))}; "
                         f"one of {', '.join(str(found[n].path.name) for n in sorted(set(needs) - set(order)))} "
                         "must stop reading the next")
    return order


def _cycle(needs: dict[str, list[str]], done: set[str]) -> list[str]:
    """One cycle among the models not in `done`, as a path that ends where it starts."""
    path: list[str] = []
    name = min(set(needs) - done)
    while name not in path:
        path.append(name)
        name = next(r for r in needs[name] if r not in done)
    return [*path[path.index(name):], name]
