-- Targets and actuals of the exported grants' indicators, totals and disaggregations.
with scope as (
    select grant_id from stg_grants
    where in_export(donor_id, $donor)
),

vals as (
    select * from stg_indicator_values
),

indicators as (
    select stg_indicators.indicator_id
    from stg_indicators
    semi join scope using (grant_id)
),

final as (
    select vals.*
    from vals
    semi join indicators using (indicator_id)
)

select * from final
order by indicator_id, period_end, kind, dimension nulls first, dimension_value
