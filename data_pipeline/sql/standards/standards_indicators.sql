-- Indicators of the exported grants, with their baseline; titles masked as the grants' are (a title can name a
-- confidential member city).
with scope as (
    select grant_id from stg_grants
    where in_export(donor_id, $donor)
),

indicators as (
    select * from stg_indicators
),

final as (
    select
        indicators.indicator_id,
        indicators.grant_id,
        indicators.title_public as title,
        indicators.result_type,
        indicators.measure,
        indicators.direction,
        indicators.range_low,
        indicators.range_high,
        indicators.unit,
        indicators.aggregation,
        indicators.baseline_value,
        indicators.baseline_year
    from indicators
    semi join scope using (grant_id)
)

select * from final
order by grant_id, indicator_id
