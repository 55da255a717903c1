-- Targets and actuals of the published grants' indicators, totals and disaggregations.
with vals as (
    select * from stg_indicator_values
),

indicators as (
    select indicator_id from stg_indicators
    where grant_id in (
        select grant_id from stg_grants
        where $donor::varchar is null or donor_id = $donor::varchar
    )
),

final as (
    select vals.*
    from vals
    semi join indicators using (indicator_id)
)

select * from final order by indicator_id, period_end, kind, dimension nulls first, dimension_value
