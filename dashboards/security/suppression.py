"""Small-cell suppression for donor and public views: no count of people below the threshold is shown, or can be
worked out from what is shown, because counts of people doing prevention work in fragile places can identify them.
Pure functions; the query layer calls `suppress` once and tables, charts, downloads and hover text use its output.

Rules (threshold 5 in the examples):

* Published: every cell of a long count table with zero, one or two dimension columns and, with `total=True`, its
  margins (one dimension: the grand total; two: each row total, each column total and the grand total). Margins are
  sums of cells, so counts must be additive: each person in exactly one cell.
* Primary: a count from 1 to 4, cell or margin, shows as "<5". Zero shows as 0: an empty category names nobody
  (sdcTable's frequency rule leaves empty cells unprotected by default). Except in a line whose total is itself
  "<5": its zeros show as "<5" too, or four "<5" cells beside 0s under a "<5" total would each have to be 1.
* Lines: the members of a line add up to its total (one dimension: all cells and the grand total; two: each row and
  its row total, each column and its column total, the row totals and the column totals each with the grand total).
  In every line either nothing is hidden or at least two entries are, and when the total is shown the hidden members
  add up to at least the threshold (UK official guidance on secondary suppression: the suppressed cells of a row or
  column must not together make a disclosive count). The complement is the smallest non-zero count still shown in
  the line, preferring one that also pairs up another line with a single hidden entry (closing a rectangle of hidden
  cells rather than starting a chain): it hides least, and being at least 5 it lifts the hidden sum past the threshold.
* Complements show "[c]" (the GSS symbol for confidential), not "<5", which would be false for them. So a reader knows
  a "[c]" is at least 5, and the attack below assumes it.
* Attack: line rules are not enough in two dimensions (a hidden cell bridging two rectangles of hidden cells can still
  be solved for), so each table is attacked exactly and complements are added until the attack finds nothing. In
  rare small tables that means hiding the grand total too, e.g. 1 and 5: "<5" plus "[c]" = 6 would leave one answer.

The attacker knows every shown number and what each label means: a "<5" is 1..4 (0..4 in a line whose total is "<5",
where zeros hide too), a "[c]" is at least 5, every count is a whole number >= 0. For each hidden entry it computes the
exact range of values consistent with all of that: one- and two-way tables with margins are transportation networks,
so the ranges come from max-flow, integral and exact, with no LP solver. Exposed: a hidden entry whose range is one
non-zero value (exact disclosure, what sdcTable's attack() and tau-ARGUS audits test), or a line whose hidden members
are known to add up to 1..4 (a small group revealed by subtraction). Not required: that a "<5" keeps the whole range
1..4; the labels alone can narrow it (a "<5" and a "[c]" under a shown total of 8 put the "<5" at 3 or less).
Not covered: the same people counted in two tables published side by side (take a KPI total from the margin rows of
the table it heads), and a reader who knows each "[c]" was the smallest candidate in its line.
"""

from __future__ import annotations

import dataclasses
from collections import deque

import pandas as pd

TOTAL = "Total"  # dimension value of margin rows, as tables and downloads show them
COMPLEMENT = "[c]"
SHOWN, SMALL, HIDDEN, UNPUBLISHED = "shown", "small", "complement", "unpublished"
_INF = 1 << 40  # "no upper bound" for the flow arithmetic; ranges reaching it are reported as unbounded


@dataclasses.dataclass(frozen=True)
class Exposure:
    """A hidden count that a reader can work out (`reason` "exact"), or hidden counts of one line whose sum they can
    ("small group"); `value` is what they find."""

    column: str
    where: tuple[tuple, ...]  # dimension values of each entry involved; TOTAL marks a margin
    value: int
    reason: str


def label(value, threshold: int = 5) -> str:
    """How one published count reads in a KPI, hover text or CSV: "1,204", "0", "<5", or "–" when missing."""
    if value is None or pd.isna(value):
        return "–"
    return f"<{threshold}" if 0 < value < threshold else f"{int(value):,}"


def suppress_scalar(value, threshold: int = 5) -> int | None:
    """A headline count as it may be published: None when it is 1..threshold-1 (show `label(value)` instead)."""
    if value is None or pd.isna(value) or 0 < value < threshold:
        return None
    return int(value)


def suppress(df: pd.DataFrame, count: str | list[str], *, by: list[str], threshold: int = 5, total: bool = True,
             margins: bool = False) -> pd.DataFrame:
    """Hide small counts in a long table of counts and enough others that no published number gives them away.

    `by` holds zero, one or two dimension columns; each `count` column is protected on its own (counts that add up
    to one another belong in a dimension, not in separate columns). `total=True` means the margins are published
    too, so complements are chosen against them; with `margins=True` they are appended as rows whose dimension
    values are TOTAL, and totals shown anywhere should be read from there. For each count column the result holds
    the value (nullable Int64, <NA> when hidden), `<col>_label` (what to print) and `<col>_suppressed`. Rows keep
    their order; a dimension combination missing from `df` counts as a published zero.
    """
    if threshold < 3:
        raise ValueError(f"suppression threshold must be at least 3, not {threshold}: '<2' could only mean 1")
    if len(by) > 2 or (by and (df.duplicated(by).any() or df[by].isna().any(axis=None))):
        raise ValueError(f"suppress needs one row per combination of at most two dimensions, none missing; got {by}"
                         " with repeats or gaps (name unknowns, e.g. 'not recorded')")
    tab = _Table.of([list(dict.fromkeys(df[column])) for column in by], len(df))
    position = {key: i for i, key in enumerate(tab.keys)}
    rows = [position[tuple(key)] for key in df[by].itertuples(index=False)] if by else list(range(len(df)))
    tail = list(range(len(tab.keys) - tab.margins, len(tab.keys))) if total else []
    out = df.copy()
    extra = pd.DataFrame([dict(zip(by, tab.keys[i], strict=True)) for i in tail])
    for column in [count] if isinstance(count, str) else list(count):
        values = pd.to_numeric(df[column])
        if values.isna().any() or (values < 0).any() or (values % 1 != 0).any():
            raise ValueError(f"suppress: column '{column}' must hold whole non-negative counts, none missing")
        cells = [0] * (len(tab.keys) - tab.margins)
        for i, value in zip(rows, values, strict=True):
            cells[i] = int(value)
        entry = tab.with_margins(cells)
        kind = _protect(tab, entry, threshold, total)
        _publish(out, column, [entry[i] for i in rows], [kind[i] for i in rows], threshold)
        _publish(extra, column, [entry[i] for i in tail], [kind[i] for i in tail], threshold)
    return pd.concat([out, extra], ignore_index=True) if margins and tail else out


def hidden_ranges(published: pd.DataFrame, column: str, *, by: list[str],
                  threshold: int = 5) -> dict[tuple, tuple[int, int | None]]:
    """What a reader can work out about each hidden entry of a published table: the lowest and highest value
    (None: no upper bound) consistent with every shown number and label, keyed by dimension values.

    `published` is laid out as `suppress(..., margins=True)` returns it, and only what a reader sees is used: shown
    values, labels, TOTAL rows (absent margin rows count as unpublished). The attacker is the module docstring's.
    """
    tab, entry, kind = _read(published, column, by)
    return {tab.keys[i]: bounds for i, bounds in _ranges(tab, entry, kind, threshold).items()}


def audit(published: pd.DataFrame, count: str | list[str], *, by: list[str], threshold: int = 5) -> list[Exposure]:
    """Attack a published table the way a reader could and list every hidden count it still gives away.

    Reads the table as `hidden_ranges` does; an exposure is a hidden entry pinned to a single non-zero value, or a
    line whose hidden members are known to add up to 1..threshold-1. It is the attack `suppress` runs until it finds
    nothing, here reading only what was published: for the tests and for the app's own self-check.
    """
    exposures = []
    for column in [count] if isinstance(count, str) else list(count):
        tab, entry, kind = _read(published, column, by)
        for entries, value, reason in _exposures(tab, entry, kind, threshold):
            exposures.append(Exposure(column, tuple(tab.keys[i] for i in entries), value, reason))
    return exposures


def _publish(frame: pd.DataFrame, column: str, entry: list[int], kind: list[str], threshold: int) -> None:
    labels = {SMALL: f"<{threshold}", HIDDEN: COMPLEMENT}
    frame[column] = pd.array([v if k == SHOWN else pd.NA for v, k in zip(entry, kind, strict=True)], dtype="Int64")
    frame[f"{column}_label"] = pd.array([labels.get(k) or f"{v:,}" for v, k in zip(entry, kind, strict=True)],
                                        dtype="string")
    frame[f"{column}_suppressed"] = pd.array([k != SHOWN for k in kind], dtype="bool")


def _read(published: pd.DataFrame, column: str, by: list[str]) -> tuple[_Table, list, list[str]]:
    """The table as a reader sees it: shown values, hidden kinds (from the labels), unpublished margins."""
    is_margin = published[by].eq(TOTAL).any(axis=1) if by else pd.Series(False, index=published.index)
    tab = _Table.of([list(dict.fromkeys(published.loc[~is_margin, c])) for c in by], len(published))
    cells = len(tab.keys) - tab.margins
    entry: list = [0] * cells + [None] * tab.margins
    kind = [SHOWN] * cells + [UNPUBLISHED] * tab.margins
    position = {key: i for i, key in enumerate(tab.keys)}
    for n, (key, value, text) in enumerate(zip(published[by].itertuples(index=False), published[column],
                                               published[f"{column}_label"], strict=True)):
        i = position[tuple(key)] if by else n
        entry[i], kind[i] = (None, HIDDEN if text == COMPLEMENT else SMALL) if pd.isna(value) else (int(value), SHOWN)
    return tab, entry, kind


@dataclasses.dataclass(frozen=True)
class _Table:
    """The entries of a one- or two-way table (cells, then `margins` margins), its lines, and each entry as an arc
    of the table's network: rows feed columns, a row total feeds its row, columns feed the grand total."""

    keys: list[tuple]
    lines: list[tuple[list[int], int]]  # (members, total)
    arcs: list[tuple[int, int]]
    margins: int

    @classmethod
    def of(cls, levels: list[list], rows: int) -> _Table:
        if not levels:  # single numbers, one per row: nothing adds up to anything
            return cls([(i,) for i in range(rows)], [], [], 0)
        if len(levels) == 1:
            n = len(levels[0])
            return cls([(v,) for v in levels[0]] + [(TOTAL,)], [(list(range(n)), n)], [(0, 1)] * n + [(1, 0)], 1)
        rows, cols = levels
        n, m = len(rows), len(cols)
        keys = [(r, c) for r in rows for c in cols] + [(r, TOTAL) for r in rows] + [(TOTAL, c) for c in cols]
        row_total, col_total, grand = n * m, n * m + n, n * m + n + m
        lines = ([([i * m + j for j in range(m)], row_total + i) for i in range(n)]
                 + [([i * m + j for i in range(n)], col_total + j) for j in range(m)]
                 + [(list(range(row_total, col_total)), grand), (list(range(col_total, grand)), grand)])
        sink = n + m + 1
        arcs = ([(1 + i, 1 + n + j) for i in range(n) for j in range(m)] + [(0, 1 + i) for i in range(n)]
                + [(1 + n + j, sink) for j in range(m)] + [(sink, 0)])
        return cls([*keys, (TOTAL, TOTAL)], lines, arcs, n + m + 1)

    def with_margins(self, cells: list[int]) -> list[int]:
        entry = cells + [0] * self.margins
        for members, total in self.lines:
            entry[total] = sum(entry[i] for i in members)  # totals come after their members
        return entry


def _protect(tab: _Table, entry: list[int], threshold: int, total: bool) -> list[str]:
    """Which entries show, which are small and which are complements, after the line rules and the attack hold."""
    kind = [SMALL if 0 < v < threshold else SHOWN for v in entry]
    if not total:
        return kind[:len(kind) - tab.margins] + [UNPUBLISHED] * tab.margins
    spreading = True
    while spreading:  # a zero row total under a "<5" grand total makes its row's zeros small in turn
        spreading = False
        for members, line_total in tab.lines:
            for i in members:
                if kind[line_total] == SMALL and kind[i] == SHOWN and entry[i] == 0:
                    kind[i], spreading = SMALL, True
    while True:
        weak = next(([*members, t] for members, t in tab.lines if _weak(members, t, entry, kind, threshold)), None)
        if weak:
            pool = [weak]
        else:
            found = _exposures(tab, [v if k == SHOWN else None for v, k in zip(entry, kind, strict=True)], kind,
                               threshold)
            if not found:
                return kind
            exposed = set(found[0][0])
            pool = [[*members, t] for members, t in tab.lines if exposed & {*members, t}]
        candidates = [i for line in pool for i in line if kind[i] == SHOWN and entry[i] > 0]
        if not candidates:  # nothing left to hide in its lines: hide elsewhere rather than leak
            candidates = [i for i, k in enumerate(kind) if k == SHOWN and entry[i] > 0]
        if not candidates:
            raise RuntimeError("suppress: every count is hidden and the table still gives one away")
        kind[min(candidates, key=lambda i: (_lone_after(tab, kind, i), entry[i], i))] = HIDDEN


def _lone_after(tab: _Table, kind: list[str], i: int) -> int:
    """How many more lines hiding entry i leaves with a single hidden entry: a complement that pairs up two lines
    at once (closing a rectangle of hidden cells) beats one that starts a new chain of complements."""
    change = 0
    for members, t in tab.lines:
        if i == t or i in members:
            hidden = sum(kind[j] != SHOWN for j in [*members, t])
            change += 1 if hidden == 0 else -1 if hidden == 1 else 0
    return change


def _weak(members: list[int], total: int, entry: list[int], kind: list[str], threshold: int) -> bool:
    hidden = [i for i in [*members, total] if kind[i] != SHOWN]
    hidden_sum = sum(entry[i] for i in members if kind[i] != SHOWN)
    lone = len(hidden) == 1 and entry[hidden[0]] > 0  # a lone hidden zero is worked out as zero: harmless
    return lone or (kind[total] == SHOWN and 0 < hidden_sum < threshold)


def _ranges(tab: _Table, entry: list, kind: list[str], threshold: int) -> dict[int, tuple[int, int | None]]:
    """The attacker's range for every hidden entry, from the shown entries, the labels and the table's sums."""
    # Zeros hide only in lines whose total is "<5"; a 0 shown in one means the table did not follow that rule.
    in_small_line = {i for members, t in tab.lines if kind[t] == SMALL
                     and not any(kind[j] == SHOWN and entry[j] == 0 for j in members) for i in members}
    domains = [(entry[i], entry[i]) if k == SHOWN else (0 if i in in_small_line else 1, threshold - 1) if k == SMALL
               else (threshold, _INF) if k == HIDDEN else (0, _INF) for i, k in enumerate(kind)]
    hidden = [i for i, k in enumerate(kind) if k in (SMALL, HIDDEN)]
    if not tab.arcs:
        return {i: (domains[i][0], None if domains[i][1] == _INF else domains[i][1]) for i in hidden}
    network = _Network(tab.arcs, domains)
    return {i: network.range(i) for i in hidden}


def _exposures(tab: _Table, entry: list, kind: list[str], threshold: int) -> list[tuple[list[int], int, str]]:
    """Every hidden entry, or line's hidden group, whose value the shown entries and the labels pin down."""
    found = []
    for members, t in tab.lines:
        hidden = [i for i in members if kind[i] != SHOWN]
        if kind[t] == SHOWN and len(hidden) > 1:
            rest = entry[t] - sum(entry[i] for i in members if kind[i] == SHOWN)
            if 0 < rest < threshold:
                found.append((hidden, rest, "small group"))
    ranges = _ranges(tab, entry, kind, threshold).items()
    return found + [([i], low, "exact") for i, (low, high) in ranges if low == high and low > 0]


class _Network:
    """A feasible flow through the table's network within each entry's range; `range(i)` then finds how far entry
    i can move while every other entry stays in range (max-flow around it, so the bounds are exact integers)."""

    def __init__(self, arcs: list[tuple[int, int]], domains: list[tuple[int, int]]):
        nodes = 1 + max((max(a) for a in arcs), default=-1)
        source, sink = nodes, nodes + 1
        self.head, self.cap, self.adj, self.domains = [], [], [[] for _ in range(nodes + 2)], domains
        excess = [0] * nodes
        for (u, v), (low, high) in zip(arcs, domains, strict=True):
            self._add(u, v, high - low)
            excess[u], excess[v] = excess[u] - low, excess[v] + low
        for node, e in enumerate(excess):  # lower bounds become supplies and demands of a plain max-flow
            if e > 0:
                self._add(source, node, e)
            elif e < 0:
                self._add(node, sink, -e)
        need = sum(e for e in excess if e > 0)
        if _max_flow(self.cap, self.head, self.adj, source, sink, need) < need:
            raise ValueError("audit: the published numbers contradict each other (a total is not the sum of its "
                             "parts)")
        self.cap[2 * len(arcs):] = [0] * (len(self.cap) - 2 * len(arcs))

    def _add(self, u: int, v: int, capacity: int) -> None:
        for a, b, c in ((u, v, capacity), (v, u, 0)):
            self.adj[a].append(len(self.head))
            self.head.append(b)
            self.cap.append(c)

    def range(self, i: int) -> tuple[int, int | None]:
        arc, (low, high) = 2 * i, self.domains[i]
        flow = low + self.cap[arc + 1]
        tail, head = self.head[arc + 1], self.head[arc]
        cap = self.cap.copy()
        cap[arc] = cap[arc + 1] = 0
        down = _max_flow(cap.copy(), self.head, self.adj, tail, head, flow - low)
        up = _max_flow(cap, self.head, self.adj, head, tail, high - flow)
        return flow - down, None if flow + up >= _INF // 2 else flow + up  # only _INF arcs reach that far


def _max_flow(cap: list[int], head: list[int], adj: list[list[int]], source: int, sink: int, limit: int) -> int:
    """Edmonds-Karp (shortest augmenting paths) from source to sink, stopping at `limit`; `cap` is updated."""
    flow = 0
    while flow < limit:
        via = {source: None}
        queue = deque([source])
        while queue and sink not in via:
            u = queue.popleft()
            for arc in adj[u]:
                if cap[arc] > 0 and head[arc] not in via:
                    via[head[arc]] = arc
                    queue.append(head[arc])
        if sink not in via:
            break
        path, node = [], sink
        while node != source:
            path.append(via[node])
            node = head[via[node] ^ 1]
        push = min(limit - flow, *(cap[arc] for arc in path))
        for arc in path:
            cap[arc] -= push
            cap[arc ^ 1] += push
        flow += push
    return flow
