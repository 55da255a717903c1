-- Indicators of the published grants, with their baseline.
-- Follows standards_scope.sql: `scope` is the grants exported.
indicators as (
    select * from stg_indicators
),

final as (
    select indicators.*
    from indicators
    semi join scope using (grant_id)
)

select * from final order by grant_id, indicator_id
