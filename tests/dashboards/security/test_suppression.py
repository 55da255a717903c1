"""Small-cell suppression: no count below the threshold is shown, and none can be worked out from what is shown,
totals included. The auditor that proves it is itself checked against brute-force enumeration and shown to catch
leaks, so a passing property test means something."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from dashboards.security.suppression import COMPLEMENT, TOTAL, audit, hidden_ranges, label, suppress, suppress_scalar


def one_way(counts: dict[str, int], column: str = "participants") -> pd.DataFrame:
    return pd.DataFrame({"gender": list(counts), column: list(counts.values())})


def two_way(grid: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame([(f"r{i}", f"c{j}", v) for i, row in enumerate(grid) for j, v in enumerate(row)],
                        columns=["row", "col", "n"])


def labels(published: pd.DataFrame, key: str, column: str = "participants") -> dict:
    return dict(zip(published[key], published[f"{column}_label"], strict=True))


def grid_labels(published: pd.DataFrame) -> pd.DataFrame:
    return published.pivot(index="row", columns="col", values="n_label")


def publish(values: dict[tuple, int], hidden: set[tuple], by: list[str], threshold: int = 5) -> pd.DataFrame:
    """A published table laid out as suppress() lays it out, with exactly `hidden` hidden and truthful labels:
    for building leaky tables that suppress() would never produce."""
    rows = []
    for key, value in values.items():
        text = (f"<{threshold}" if value < threshold else COMPLEMENT) if key in hidden else f"{value:,}"
        rows.append({**dict(zip(by, key, strict=True)), "n": pd.NA if key in hidden else value, "n_label": text})
    frame = pd.DataFrame(rows)
    frame["n"] = frame["n"].astype("Int64")
    return frame


def with_totals(grid: list[list[int]]) -> dict[tuple, int]:
    """Every cell and margin of a two-way table, keyed as the published rows are."""
    values = {(f"r{i}", f"c{j}"): v for i, row in enumerate(grid) for j, v in enumerate(row)}
    values |= {(f"r{i}", TOTAL): sum(row) for i, row in enumerate(grid)}
    values |= {(TOTAL, f"c{j}"): sum(col) for j, col in enumerate(zip(*grid, strict=True))}
    return values | {(TOTAL, TOTAL): sum(map(sum, grid))}


# --- hand-checked cases ------------------------------------------------------------------------------------------


def test_one_small_category_hides_the_next_smallest_and_keeps_the_total() -> None:
    out = suppress(one_way({"women": 110, "men": 10, "other": 3}), "participants", by=["gender"], margins=True)
    # other alone hidden would be 123 - 110 - 10 = 3; hiding men too leaves other + men = 13 with men >= 5.
    assert labels(out, "gender") == {"women": "110", "men": COMPLEMENT, "other": "<5", TOTAL: "123"}
    assert out["participants"].isna().tolist() == [False, True, True, False]
    assert out["participants_suppressed"].tolist() == [False, True, True, False]
    assert out["participants"].dtype == "Int64"
    assert hidden_ranges(out, "participants", by=["gender"])[("other",)] == (1, 4)


def test_zero_is_shown_and_not_protected() -> None:
    out = suppress(one_way({"women": 0, "men": 50, "other": 60}), "participants", by=["gender"])
    assert labels(out, "gender") == {"women": "0", "men": "50", "other": "60"}
    assert not out["participants_suppressed"].any()


def test_two_small_cells_that_add_up_below_the_threshold_take_a_third() -> None:
    # Hiding only the 2 and 2 would publish "these two together are 4": a small group by subtraction.
    out = suppress(one_way({"a": 2, "b": 2, "c": 100}), "participants", by=["gender"], margins=True)
    assert labels(out, "gender") == {"a": "<5", "b": "<5", "c": COMPLEMENT, TOTAL: "104"}


def test_a_pair_its_labels_pin_down_hides_the_total_too() -> None:
    # "<5" is at least 1 and "[c]" at least 5: under a shown total of 6 both would be exact.
    out = suppress(one_way({"other": 1, "men": 5}), "participants", by=["gender"], margins=True)
    assert labels(out, "gender") == {"other": "<5", "men": COMPLEMENT, TOTAL: COMPLEMENT}
    leaky = publish({("other",): 1, ("men",): 5, (TOTAL,): 6}, {("other",), ("men",)}, ["gender"])
    assert {(e.where, e.value) for e in audit(leaky, "n", by=["gender"])} == {((("other",),), 1), ((("men",),), 5)}


def test_a_small_total_hides_the_zeros_of_its_line() -> None:
    # Four "<5" next to a shown 0 under a "<5" total of 4 can only be 1 each.
    counts = {"a": 1, "b": 1, "c": 1, "d": 1, "e": 0}
    out = suppress(one_way(counts), "participants", by=["gender"], margins=True)
    assert set(labels(out, "gender").values()) == {"<5"}
    assert audit(out, "participants", by=["gender"]) == []
    values = {(k,): v for k, v in counts.items()} | {(TOTAL,): 4}
    leaky = publish(values, {(k,) for k in "abcd"} | {(TOTAL,)}, ["gender"])
    exposed = {(e.where[0][0], e.value) for e in audit(leaky, "n", by=["gender"])}
    assert exposed == {(k, 1) for k in "abcd"} | {(TOTAL, 4)}


def test_one_small_cell_in_a_two_way_table_hides_a_rectangle_and_keeps_every_total() -> None:
    grid = [[20, 30, 2], [40, 25, 50], [60, 35, 45]]
    out = suppress(two_way(grid), "n", by=["row", "col"], margins=True)
    shown = grid_labels(out)
    hidden = {(r, c) for r in shown.index for c in shown.columns if shown.loc[r, c] in ("<5", COMPLEMENT)}
    # Its row and its column each need a second hidden cell, and those two each need a partner: four at least.
    assert len(hidden) == 4 and ("r0", "c2") in hidden
    assert len({r for r, _ in hidden}) == 2 and len({c for _, c in hidden}) == 2
    assert all(shown.loc[r, c] == "<5" for r, c in hidden if grid[int(r[1])][int(c[1])] < 5)
    margins = out[(out["row"] == TOTAL) | (out["col"] == TOTAL)]
    assert not margins["n_suppressed"].any()
    assert {k: v for k, v in with_totals(grid).items() if TOTAL in k} == {
        (r, c): v for r, c, v in zip(margins["row"], margins["col"], margins["n"], strict=True)}
    assert audit(out, "n", by=["row", "col"]) == []


def test_threshold_is_configurable() -> None:
    out = suppress(one_way({"women": 7, "men": 20, "other": 30}), "participants", by=["gender"], threshold=10,
                   margins=True)
    assert labels(out, "gender") == {"women": "<10", "men": COMPLEMENT, "other": "30", TOTAL: "57"}
    assert labels(suppress(one_way({"women": 7, "men": 20}), "participants", by=["gender"]), "gender") == {
        "women": "7", "men": "20"}
    assert label(7, 10) == "<10" and suppress_scalar(7, 10) is None and suppress_scalar(7) == 7


def test_headline_numbers_and_hover_labels() -> None:
    assert [label(v) for v in (0, 1, 4, 5, 1204, None, float("nan"), pd.NA)] == [
        "0", "<5", "<5", "5", "1,204", "–", "–", "–"]
    assert [suppress_scalar(v) for v in (0, 3, 5, 1204, None)] == [0, None, 5, 1204, None]
    out = suppress(one_way({"women": 1204, "men": 3, "other": 9}), "participants", by=["gender"], margins=True)
    assert labels(out, "gender")[TOTAL] == "1,216"
    assert out["participants_label"].dtype == "string"


def test_without_published_totals_only_small_counts_are_hidden() -> None:
    out = suppress(one_way({"women": 3, "men": 110}), "participants", by=["gender"], total=False, margins=True)
    assert labels(out, "gender") == {"women": "<5", "men": "110"}


def test_each_count_column_is_protected_on_its_own_and_rows_keep_their_order() -> None:
    df = pd.DataFrame({"gender": ["other", "women", "men"], "events": [12, 40, 30], "people": [3, 110, 10],
                       "note": ["x", "y", "z"]}, index=[7, 8, 9])
    out = suppress(df, ["events", "people"], by=["gender"])
    assert out.index.tolist() == [7, 8, 9] and out["note"].tolist() == ["x", "y", "z"]
    assert out["events_label"].tolist() == ["12", "40", "30"]
    assert out["people_label"].tolist() == ["<5", "110", COMPLEMENT]
    with_margins = suppress(df, ["events", "people"], by=["gender"], margins=True)
    assert with_margins["gender"].tolist() == ["other", "women", "men", TOTAL]
    assert with_margins["events"].tolist()[-1] == 82 and pd.isna(with_margins["note"].iloc[-1])


def test_single_numbers_without_dimensions() -> None:
    out = suppress(pd.DataFrame({"kpi": ["cities", "people"], "n": [3, 12]}), "n", by=[])
    assert out["n_label"].tolist() == ["<5", "12"] and out["n"].isna().tolist() == [True, False]


@pytest.mark.parametrize(("df", "kwargs", "message"), [
    (one_way({"a": 1}), {"threshold": 2}, "at least 3"),
    (pd.DataFrame({"gender": ["a", "a"], "participants": [1, 2]}), {}, "one row per"),
    (pd.DataFrame({"gender": ["a", None], "participants": [1, 2]}), {}, "none missing"),
    (one_way({"a": -1}), {}, "non-negative"),
    (pd.DataFrame({"gender": ["a"], "participants": [None]}), {}, "none missing"),
    (pd.DataFrame({"a": [1], "b": [1], "c": [1], "participants": [1]}), {"by": ["a", "b", "c"]}, "at most two"),
])
def test_bad_input_is_refused_with_a_reason(df: pd.DataFrame, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        suppress(df, "participants", **{"by": ["gender"], **kwargs})


# --- the auditor can fail ----------------------------------------------------------------------------------------


def test_auditor_catches_primary_suppression_alone() -> None:
    leaky = publish({("women",): 110, ("men",): 10, ("other",): 3, (TOTAL,): 123}, {("other",)}, ["gender"])
    [exposure] = audit(leaky, "n", by=["gender"])
    assert (exposure.where, exposure.value, exposure.reason) == ((("other",),), 3, "exact")


def test_auditor_catches_a_small_group() -> None:
    leaky = publish({("a",): 2, ("b",): 2, ("c",): 100, (TOTAL,): 104}, {("a",), ("b",)}, ["gender"])
    [exposure] = audit(leaky, "n", by=["gender"])
    assert (exposure.value, exposure.reason) == (4, "small group")


def test_auditor_catches_a_bridge_that_counting_hidden_cells_per_line_misses() -> None:
    grid = [[10, 10, 7, 7], [10, 10, 6, 7], [7, 7, 10, 10], [7, 7, 10, 10]]
    rectangles = {(f"r{i}", f"c{j}") for i, j in itertools.product((0, 1), (0, 1))} | {
        (f"r{i}", f"c{j}") for i, j in itertools.product((2, 3), (2, 3))}
    hidden = rectangles | {("r1", "c2")}
    for i in range(4):  # every row and column holds 0 or at least 2 hidden cells ...
        assert sum((f"r{i}", f"c{j}") in hidden for j in range(4)) != 1
        assert sum((f"r{j}", f"c{i}") in hidden for j in range(4)) != 1
    leaky = publish(with_totals(grid), hidden, ["row", "col"])
    # ... yet rows r0+r1 minus columns c0+c1 leaves exactly the bridge.
    assert [(e.where, e.value) for e in audit(leaky, "n", by=["row", "col"])] == [((("r1", "c2"),), 6)]


def brute_force_ranges(grid: list[list[int]], hidden: set[tuple], threshold: int) -> dict[tuple, tuple[int, int]]:
    """Every hidden entry's possible values, by trying every filling of the hidden cells: the same reader as the
    auditor's, a different method. The reader takes "[c]" as at least t and "<t" as 1..t-1, or 0..t-1 in a line
    whose total is "<t" and that shows no 0 (such lines hide their zeros)."""
    values = with_totals(grid)
    n, m = len(grid), len(grid[0])
    rows, cols = [f"r{i}" for i in range(n)], [f"c{j}" for j in range(m)]
    lines = [([(r, c) for c in cols], (r, TOTAL)) for r in rows] + [([(r, c) for r in rows], (TOTAL, c)) for c in cols]
    lines += [([(r, TOTAL) for r in rows], (TOTAL, TOTAL)), ([(TOTAL, c) for c in cols], (TOTAL, TOTAL))]
    small = {k for k in hidden if values[k] < threshold}
    zero_ok = {k for members, total in lines if total in small
               and not any(values[x] == 0 and x not in hidden for x in members) for k in members}

    def low(key: tuple) -> int:
        return (0 if key in zero_ok else 1) if key in small else threshold

    cells = [(r, c) for r in rows for c in cols]
    domains = [np.arange(low(k), threshold if k in small else values[(TOTAL, TOTAL)] + 1) if k in hidden
               else np.array([values[k]]) for k in cells]
    if np.prod([len(d) for d in domains], dtype=float) > 3e5:
        return {}
    filled = np.stack([a.ravel() for a in np.meshgrid(*domains, indexing="ij")], axis=1).reshape(-1, n, m)
    entry = {(rows[i], cols[j]): filled[:, i, j] for i in range(n) for j in range(m)}
    entry |= {(rows[i], TOTAL): filled[:, i, :].sum(axis=1) for i in range(n)}
    entry |= {(TOTAL, cols[j]): filled[:, :, j].sum(axis=1) for j in range(m)}
    entry[(TOTAL, TOTAL)] = filled.sum(axis=(1, 2))
    ok = np.ones(len(filled), dtype=bool)
    for key, x in entry.items():
        if key not in hidden:
            ok &= x == values[key]
        else:
            ok &= (x >= low(key)) & (x < threshold) if key in small else x >= threshold
    assert ok.any(), "the true table must be among the fillings"
    return {k: (int(entry[k][ok].min()), int(entry[k][ok].max())) for k in hidden}


@pytest.mark.parametrize("seed", range(6))
def test_auditor_ranges_match_brute_force_enumeration(seed: int) -> None:
    rng = np.random.default_rng(seed)
    checked = 0
    for _ in range(25):
        threshold = int(rng.choice([3, 4, 5]))
        grid = rng.choice([0, 0, 1, 2, 3, 5, 6, 8], size=(int(rng.integers(2, 4)), int(rng.integers(2, 4)))).tolist()
        if sum(map(sum, grid)) < threshold:
            continue
        values = with_totals(grid)
        if rng.random() < 0.5:  # an arbitrary (often leaky) pattern ...
            keys = [k for k, v in values.items() if v > 0 and k != (TOTAL, TOTAL)]
            hidden = {keys[i] for i in rng.choice(len(keys), size=min(len(keys), 4), replace=False)}
            published = publish(values, hidden, ["row", "col"], threshold)
        else:  # ... or what suppress publishes
            published = suppress(two_way(grid), "n", by=["row", "col"], threshold=threshold, margins=True)
            hidden = {(r, c) for r, c, s in published[["row", "col", "n_suppressed"]].itertuples(index=False) if s}
            if (TOTAL, TOTAL) in hidden:
                continue  # the enumeration needs a shown grand total to bound the hidden cells
        expected = brute_force_ranges(grid, hidden, threshold)
        if not expected:
            continue
        assert hidden_ranges(published, "n", by=["row", "col"], threshold=threshold) == expected, (grid, hidden)
        checked += 1
    assert checked >= 10


# --- properties over many random tables ---------------------------------------------------------------------------


def random_tables(seed: int, count: int):
    """Tables the dashboard meets: 1 or 2 dimensions up to 6 x 8, many zeros and small counts, some large ones."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        threshold = int(rng.choice([3, 5, 5, 10]))
        pool = [0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20, 45, 150]
        if rng.random() < 0.3:
            yield one_way({f"g{i}": int(v) for i, v in enumerate(rng.choice(pool, size=rng.integers(1, 9)))}), [
                "gender"], threshold
        else:
            shape = (int(rng.integers(1, 7)), int(rng.integers(1, 9)))
            yield two_way(rng.choice(pool, size=shape).tolist()).rename(columns={"n": "participants"}), [
                "row", "col"], threshold


def true_margins(df: pd.DataFrame, by: list[str]) -> dict[tuple, int]:
    if len(by) == 1:
        return {(TOTAL,): int(df["participants"].sum())}
    rows = df.groupby("row", sort=False)["participants"].sum()
    cols = df.groupby("col", sort=False)["participants"].sum()
    return ({(r, TOTAL): int(v) for r, v in rows.items()} | {(TOTAL, c): int(v) for c, v in cols.items()}
            | {(TOTAL, TOTAL): int(df["participants"].sum())})


@pytest.mark.parametrize("seed", range(4))
def test_no_published_number_gives_a_hidden_count_away(seed: int) -> None:
    for df, by, threshold in random_tables(seed, 30):
        out = suppress(df, "participants", by=by, threshold=threshold, margins=True)
        exposures = audit(out, "participants", by=by, threshold=threshold)
        assert exposures == [], (df.to_dict("list"), threshold, exposures)
        truth = {tuple(k): int(v) for *k, v in df[[*by, "participants"]].itertuples(index=False)}
        truth |= true_margins(df, by)
        for *key, value, text, hidden in out[[*by, "participants", "participants_label",
                                                "participants_suppressed"]].itertuples(index=False):
            true = truth[tuple(key)]
            if hidden:
                assert pd.isna(value)
                assert text == (f"<{threshold}" if true < threshold else COMPLEMENT)  # no label says less than true
            else:
                assert value == true and text == f"{true:,}"  # shown counts are untouched ...
                assert true == 0 or true >= threshold  # ... and never small
        ranges = hidden_ranges(out, "participants", by=by, threshold=threshold)
        for key, (low, high) in ranges.items():
            true = truth[key]
            assert low <= true and (high is None or true <= high)  # the reader's ranges hold the truth
            assert true == 0 or high is None or high > low  # and never pin a hidden count
