-- Indicator totals per reporting period: target, actual, and the share of the baseline-to-target distance
-- covered (1 = target met). Works for descending indicators too: both differences are then negative.
-- `confidential`: the grant's city is a confidential member.
with params as (
    select as_of from build_params
),

totals as (
    select
        indicator_id,
        period_start,
        period_end,
        max(value) filter (where kind = 'target') as target,
        max(value) filter (where kind = 'actual') as actual
    from stg_indicator_values
    where dimension is null
    group by indicator_id, period_start, period_end
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

scored as (
    select
        indicators.indicator_id,
        indicators.grant_id,
        indicators.donor_id,
        indicators.city_id,
        indicators.region,
        indicators.country_iso3,
        indicators.title,
        indicators.title_public,
        indicators.result_type,
        indicators.measure,
        indicators.ascending,
        indicators.baseline_value,
        indicators.baseline_year,
        totals.period_start,
        totals.period_end,
        totals.target,
        totals.actual,
        case
            when totals.actual is null or totals.target is null then null
            when totals.target = coalesce(indicators.baseline_value, 0) then
                case
                    when indicators.ascending and totals.actual >= totals.target then 1.0
                    when not indicators.ascending and totals.actual <= totals.target then 1.0
                    else 0.0
                end
            else (totals.actual - coalesce(indicators.baseline_value, 0))
                / (totals.target - coalesce(indicators.baseline_value, 0))
        end as progress,
        indicators.confidential
    from indicators
    join totals using (indicator_id)
),

final as (
    select
        scored.* exclude (confidential),
        case
            when scored.actual is null and scored.period_end > params.as_of then 'not due'
            when scored.actual is null then 'awaiting data'
            when scored.target is null then 'no target'
            when scored.progress >= 0.9 then 'on track'
            else 'off track'
        end as status,
        coalesce(
            scored.actual is not null
            and scored.period_end = max(scored.period_end) filter (where scored.actual is not null)
                over (partition by scored.indicator_id),
            false
        ) as is_latest,
        scored.confidential
    from scored
    cross join params
)

select * from final
