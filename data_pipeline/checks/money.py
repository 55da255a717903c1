"""Money: amounts of a plausible size, exchange rates that are recent and do not jump, payments that fit their grant.

Amounts are judged in US dollars, converted as staging converts them (the latest rate on or before the amount's
date), so a bound means the same in every currency:
- an amount above its column's `max_usd` is an error: a grant of 1e15 is a typing slip;
- an amount far from the others of its table is a warning: the robust z-score 0.6745 * (x - median) / MAD over
  log10 of the USD amounts (Iglewicz and Hoaglin; DHIS2's outlier check), beyond its column's `outlier_z`. Amounts
  spread over orders of magnitude (a 5,000 USD exchange and a 2M USD programme), so the scale is logarithmic;
  all currencies are pooled in USD, as one currency may have only a handful of grants;
- an amount converted across a gap in its currency's rates is an error (older than `gap_factor` times the
  currency's usual spacing, at most `max_age_days`): a month without its rate would use an old one silently;
- a rate that jumps against the one before it by more than `jump_factor` is a warning, saying when
  it looks inverted (typed as units per dollar: payments in that month come out ~80 times too high);
- payments that add up to more than the grant's award, or are paid before it was awarded, are warnings naming
  the payment's line (a cost extension may not be recorded yet; a pre-financing letter may precede the award).

The bounds in `backticks` are per table and column, in the bounds file (data_pipeline/bounds.py, bounds.toml).
"""

from __future__ import annotations

import math

import duckdb

from data_pipeline.bounds import AmountBounds, Bounds, RateBounds
from data_pipeline.checks.core import quoted
from data_pipeline.contract import TABLES_BY_NAME
from data_pipeline.load import LoadedSource
from data_pipeline.problems import ProblemLog

# Amounts that convert to USD: (table, amount column, currency column, date column).
AMOUNTS = (("grants", "amount_awarded", "currency", "award_date"), ("disbursements", "amount", "currency", "paid_on"))
RATES = "scn_rates"
# Payments of a grant may add up to this much more than its award before a warning: rounding when paid in the
# award's currency; exchange-rate movement between award and payment when paid in another.
OVERPAID_TOLERANCE = 0.005
OVERPAID_TOLERANCE_FX = 0.05


def _has(sources: dict[str, LoadedSource], table: str, *columns: str) -> LoadedSource | None:
    loaded = sources.get(table)
    return loaded if loaded is not None and set(columns) <= set(loaded.columns) else None


def _money(value: float | None) -> str:
    if value is None:
        return "?"
    if abs(value) >= 1e12 or (value and abs(value) < 0.01):
        return f"{value:.3g}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def _rates(con: duckdb.DuckDBPyConnection, sources: dict[str, LoadedSource]) -> bool:
    """The valid rates as a temporary table (USD is 1 from any date, as in stg_fx_rates); False without rates."""
    fx = _has(sources, "fx_rates", "currency", "valid_on", "usd_per_unit")
    if fx is None:
        return False
    con.execute(f"""
        create or replace temp table {RATES} as
        select upper(currency) as currency, try_cast(valid_on as date) as valid_on,
               try_cast(usd_per_unit as double) as usd_per_unit, _line
        from {fx.relation}
        where upper(currency) <> 'USD' and try_cast(valid_on as date) is not null
          and try_cast(usd_per_unit as double) > 0
        union all select 'USD', date '0001-01-01', 1.0, null
    """).fetchall()
    return True


def _amounts(con: duckdb.DuckDBPyConnection, loaded: LoadedSource, amount: str, currency: str, day: str) -> str:
    """A temporary view of one table's amounts with the rate each converts at and its USD value."""
    view = f"scn_amounts_{loaded.source.table}"
    con.execute(f"""
        create or replace temp view {view} as
        with amounts as (
            select _line, try_cast({quoted(amount)} as double) as amount, upper({quoted(currency)}) as currency,
                   try_cast({quoted(day)} as date) as day
            from {loaded.relation}
        )
        select amounts.*, r.valid_on as rate_day, r.usd_per_unit as rate, r._line as rate_line,
               amounts.amount * r.usd_per_unit as usd
        from amounts asof left join {RATES} r on r.currency = amounts.currency and amounts.day >= r.valid_on
        where amounts.amount is not null and isfinite(amounts.amount) and amounts.day is not null
    """).fetchall()
    return view


def check(con: duckdb.DuckDBPyConnection, sources: dict[str, LoadedSource], log: ProblemLog,
          bounds: Bounds) -> None:
    """Every money check of this module over the loaded sources (those a check needs must have loaded), within
    `bounds` (bounds.read())."""
    if not _rates(con, sources):
        return
    fx_label = sources["fx_rates"].source.label
    _rate_jumps(con, fx_label, log, bounds.rates)
    views = {}
    for table, amount, currency, day in AMOUNTS:
        loaded = _has(sources, table, amount, currency, day)
        if loaded is None:
            continue
        views[table] = _amounts(con, loaded, amount, currency, day)
        if TABLES_BY_NAME[table].column(amount).usd_bounds:
            limits = bounds.amount(table, amount)
            _too_large(con, views[table], loaded.source.label, amount, limits, log)
            _outliers(con, views[table], loaded.source.label, amount, limits, log)
        _stale_rates(con, views[table], loaded.source.label, currency, fx_label, bounds.rates, log)
    if {"grants", "disbursements"} <= set(views) and _has(sources, "disbursements", "grant_id") \
            and _has(sources, "grants", "grant_id"):
        _payments_fit_grants(con, sources, views, log)


def _too_large(con, view: str, label: str, column: str, limits: AmountBounds, log: ProblemLog) -> None:
    bound = limits.max_usd
    what = "grant" if column == "amount_awarded" else "payment"
    rows = con.execute(f"select _line, amount, currency, usd from {view} where usd > {bound} order by _line").fetchall()
    log.add_rows(label, column, [
        (line, f"{_money(amount)} {cur} is about {_money(usd)} USD, more than the plausible maximum of "
               f"{_money(bound)} USD for one {what}; check the digits")
        for line, amount, cur, usd in rows[:log.per_kind]], len(rows) - log.per_kind)


def _outliers(con, view: str, label: str, column: str, limits: AmountBounds, log: ProblemLog) -> None:
    bound = limits.max_usd
    found = con.execute(f"""
        with amounts as (select _line, amount, currency, usd, log10(usd) as x from {view}
                         where usd > 0 and usd <= {bound}),
        centre as (select median(x) as m, count(*) as n from amounts),
        spread as (select median(abs(x - m)) as mad from amounts, centre)
        select _line, amount, currency, usd, 0.6745 * (x - m) / mad as z, power(10, m) as typical
        from amounts, centre, spread
        where n >= {limits.outlier_min_rows} and mad > 0 and abs(0.6745 * (x - m) / mad) > {limits.outlier_z}
        order by _line""").fetchall()
    what = "grants" if column == "amount_awarded" else "payments"
    log.add_rows(label, column, [
        (line, f"{_money(amount)} {cur} (about {_money(usd)} USD) is far {'above' if z > 0 else 'below'} the other "
               f"{what} (typical {_money(typical)} USD; robust z-score {z:+.1f}); check the amount and its currency")
        for line, amount, cur, usd, z, typical in found[:log.per_kind]], len(found) - log.per_kind, "warning")


def _stale_rates(con, view: str, label: str, currency: str, fx_label: str, limits: RateBounds,
                 log: ProblemLog) -> None:
    """An amount converted across a gap in its currency's rates: with a rate older than `gap_factor` times the
    currency's usual spacing (its median), or than `max_age_days`. Monthly rates then allow ~39 days, yearly
    ones a year: the rule follows the series the finance team keeps rather than assuming one."""
    rows = con.execute(f"""
        with spacing as (
            select currency, median(valid_on - before) as usual from (
                select currency, valid_on, lag(valid_on) over (partition by currency order by valid_on) as before
                from {RATES} where _line is not null)
            group by currency
        ),
        limits as (
            select currency, least(coalesce(ceil(usual * {limits.gap_factor}), {limits.max_age_days}),
                                   {limits.max_age_days}) as days, usual
            from spacing
        )
        select _line, a.currency, day, rate_day, rate_line, day - rate_day as age, limits.days, limits.usual
        from {view} a join limits using (currency)
        where a.currency <> 'USD' and rate_day is not null and day - rate_day > limits.days
        order by _line""").fetchall()
    log.add_rows(label, currency, [
        (line, f"the latest {cur} rate on or before {day} is from {rate_day} ({fx_label} line {rate_line}), {age} "
               f"days earlier: a gap in the {cur} rates, which come every {_spacing(usual)} (at most {limit:.0f} "
               "days); add the missing rate")
        for line, cur, day, rate_day, rate_line, age, limit, usual in rows[:log.per_kind]], len(rows) - log.per_kind)


def _spacing(days: float | None) -> str:
    if days is None:
        return "? days"
    for span, word in ((365, "year"), (91, "quarter"), (30, "month"), (7, "week")):
        if abs(days - span) <= span * 0.1:
            return word
    return f"{days:.0f} days"


def _rate_jumps(con, fx_label: str, log: ProblemLog, limits: RateBounds) -> None:
    """Warn on a rate far from the one before it; a spike's return to normal is not warned about again."""
    factor = math.log(limits.jump_factor)
    rows = con.execute(f"""
        with ordered as (
            select _line, currency, valid_on, usd_per_unit as rate,
                   lag(usd_per_unit) over w as before, lag(_line) over w as before_line,
                   lead(usd_per_unit) over w as after
            from {RATES} where _line is not null
            window w as (partition by currency order by valid_on)
        ),
        jumps as (
            select *, abs(ln(rate / before)) > {factor} as jumped,
                   abs(ln(rate / before)) > {factor} and (after is null or abs(ln(rate / after)) > {factor})
                   and sign(ln(rate / before)) = sign(ln(rate / coalesce(after, before))) as spike
            from ordered
        )
        select _line, currency, rate, before, before_line, spike from (
            select *, lag(spike) over (partition by currency order by valid_on) as after_spike from jumps)
        where jumped and not coalesce(after_spike, false)
        order by _line""").fetchall()
    messages = []
    for line, cur, rate, before, before_line, _spike in rows:
        times = rate / before
        if times > 1:
            size = f"{times:,.0f} times" if times >= 2 else f"{times:.2f} times"
        else:
            size = f"1/{1 / times:,.0f} of" if 1 / times >= 2 else f"{times:.2f} times"
        inverted = abs(math.log(rate * before)) < factor and abs(math.log(times)) > 1
        hint = (f"; it looks inverted (1/{rate:g} = {1 / rate:.4g}): the column is US dollars for one {cur}"
                if inverted else "; check it (a slipped decimal?)")
        messages.append((line, f"{cur} rate {rate:g} is {size} the rate before it ({before:g} on line "
                               f"{before_line}){hint}"))
    log.add_rows(fx_label, "usd_per_unit", messages[:log.per_kind], len(messages) - log.per_kind, "warning")


def _payments_fit_grants(con, sources: dict[str, LoadedSource], views: dict[str, str], log: ProblemLog) -> None:
    grants, payments = sources["grants"], sources["disbursements"]
    label, grant_label = payments.source.label, grants.source.label
    rows = con.execute(f"""
        with g as (
            select raw.grant_id, a._line, a.amount, a.currency, a.day as award_date, a.usd
            from {views['grants']} a join {grants.relation} raw using (_line)
        ),
        p as (
            select raw.grant_id, a._line, a.amount, a.currency, a.day as paid_on, a.usd
            from {views['disbursements']} a join {payments.relation} raw using (_line)
        ),
        joined as (
            select p.*, g._line as grant_line, g.amount as awarded, g.currency as award_currency, g.award_date,
                   g.usd as awarded_usd,
                   bool_and(p.currency = g.currency) over (partition by p.grant_id) as same_currency,
                   sum(p.amount) over running as paid, sum(p.usd) over running as paid_usd,
                   row_number() over (partition by p.grant_id order by p.paid_on, p._line) as nth
            from p join g using (grant_id)
            window running as (partition by p.grant_id order by p.paid_on, p._line
                               rows between unbounded preceding and current row)
        ),
        over_award as (
            select *, case when same_currency then paid > awarded * (1 + {OVERPAID_TOLERANCE})
                           else paid_usd > awarded_usd * (1 + {OVERPAID_TOLERANCE_FX}) end as over
            from joined
        )
        select _line, grant_id, 'early' as what, paid_on, award_date, grant_line, null, null, null, null
        from over_award where paid_on < award_date
        union all
        select _line, grant_id, 'over', paid_on, award_date, grant_line, same_currency,
               case when same_currency then paid else paid_usd end,
               case when same_currency then awarded else awarded_usd end, award_currency
        from (select *, row_number() over (partition by grant_id, over order by nth) as first from over_award)
        where over and first = 1
        order by 1""").fetchall()
    early = [(line, f"paid on {paid_on}, before grant {grant} was awarded on {award_date} ({grant_label} line "
                    f"{grant_line}); check both dates")
             for line, grant, what, paid_on, award_date, grant_line, *_ in rows if what == "early"]
    over = []
    for line, grant, what, _paid_on, _award, grant_line, same, paid, awarded, cur in rows:
        if what != "over":
            continue
        unit = cur if same else "USD"
        over.append((line, f"payments to grant {grant} add up to {_money(paid)} {unit} with this one, more than the "
                           f"{_money(awarded)} {unit} awarded ({grant_label} line {grant_line})"))
    log.add_rows(label, "paid_on", early[:log.per_kind], len(early) - log.per_kind, "warning")
    log.add_rows(label, "amount", over[:log.per_kind], len(over) - log.per_kind, "warning")
