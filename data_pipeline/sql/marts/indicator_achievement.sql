-- Indicator results per reporting period (totals only): the values as reported, the totals to date they are
-- judged on, the share of the way to the target covered, and the status. This is the one definition of
-- indicator progress and status (docs/marts.md, "Indicator rules"): every page, the impact summary, its PDF and
-- the headline KPIs read these columns and never judge an indicator themselves.
-- `confidential`: the grant's city is a confidential member.
with params as (
    select as_of from build_params
),

-- one row per indicator and period end (a target and an actual of one period may give different starts)
totals as (
    select
        indicator_id,
        min(period_start) as period_start,
        period_end,
        max(value) filter (where kind = 'target') as target,
        max(value) filter (where kind = 'actual') as actual
    from stg_indicator_values
    where dimension is null
    group by indicator_id, period_end
),

indicators as (
    select
        stg_indicators.*,
        stg_grants.donor_id,
        stg_grants.city_id,
        stg_grants.region,
        stg_grants.country_iso3,
        stg_grants.confidential
    from stg_indicators
    join stg_grants using (grant_id)
),

-- The totals to date each period is judged on. Cumulative and latest values already are; a sum of periods
-- adds up the periods reported so far, against the targets of those same periods (like for like: a period
-- still awaiting its report neither counts nor is counted against). A period without an actual is given the
-- target it would be judged against.
running as (
    select
        totals.*,
        sum(totals.actual) over to_date as actual_sum,
        sum(totals.target) filter (where totals.actual is not null) over to_date as reported_target_sum,
        count(totals.target) filter (where totals.actual is not null) over to_date as reported_targets
    from totals
    window to_date as (
        partition by totals.indicator_id order by totals.period_end
        rows between unbounded preceding and current row
    )
),

to_date as (
    select
        indicators.*,
        running.period_start,
        running.period_end,
        running.target,
        running.actual,
        case
            when indicators.aggregation <> 'sum' then running.target
            when running.actual is not null
                then
                    case
                        when running.reported_targets > 0
                            then running.reported_target_sum
                    end
            else coalesce(running.reported_target_sum, 0) + running.target
        end as target_to_date,
        case
            when indicators.aggregation <> 'sum' or running.actual is null then running.actual
            else running.actual_sum
        end as actual_to_date,
        -- where the way to the target starts: the baseline, or nothing yet for a sum of periods; unknown
        -- without a baseline (never an assumed 0)
        case when indicators.aggregation = 'sum' then 0 else indicators.baseline_value end as starting_point
    from indicators
    join running using (indicator_id)
),

judged as (
    select
        to_date.*,
        case to_date.direction
            when 'higher' then to_date.actual_to_date >= to_date.target_to_date
            when 'lower' then to_date.actual_to_date <= to_date.target_to_date
            when 'range' then to_date.actual_to_date between to_date.range_low and to_date.range_high
        end as target_met,
        -- a share of the way only where there is a way: a known start and a target better than it
        case
            when
                to_date.direction = 'higher' and to_date.target_to_date > to_date.starting_point
                or to_date.direction = 'lower' and to_date.target_to_date < to_date.starting_point
                then
                    (to_date.actual_to_date - to_date.starting_point)
                    / (to_date.target_to_date - to_date.starting_point)
        end as progress,
        case
            when to_date.direction = 'range' then to_date.range_low is not null
            else to_date.target_to_date is not null
        end as has_target
    from to_date
),

final as (
    select
        judged.indicator_id,
        judged.grant_id,
        judged.donor_id,
        judged.city_id,
        judged.region,
        judged.country_iso3,
        judged.title,
        judged.title_public,
        judged.result_type,
        judged.measure,
        judged.unit,
        judged.direction,
        judged.aggregation,
        judged.range_low,
        judged.range_high,
        judged.baseline_value,
        judged.baseline_year,
        judged.period_start,
        judged.period_end,
        judged.target,
        judged.actual,
        judged.target_to_date,
        judged.actual_to_date,
        case when judged.has_target then judged.target_met end as target_met,
        case when judged.has_target then judged.progress end as progress,
        case
            when judged.actual_to_date is null and judged.period_end > params.as_of then 'not due'
            when judged.actual_to_date is null then 'awaiting data'
            when not judged.has_target then 'no target'
            when judged.target_met or judged.progress >= 0.9 then 'on track'
            else 'off track'
        end as status,
        coalesce(
            judged.actual is not null
            and judged.period_end = max(judged.period_end) filter (where judged.actual is not null)
                over (partition by judged.indicator_id),
            false
        ) as is_latest,
        judged.confidential
    from judged
    cross join params
)

select * from final
