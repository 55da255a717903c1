-- Targets and actuals of the published grants' indicators, totals and disaggregations.
-- Follows standards_scope.sql: `scope` is the grants exported.
vals as (
    select * from stg_indicator_values
),

indicators as (
    select indicator_id from stg_indicators semi join scope using (grant_id)
),

final as (
    select vals.*
    from vals
    semi join indicators using (indicator_id)
)

select * from final order by indicator_id, period_end, kind, dimension nulls first, dimension_value
